import type { JourneyTemplates } from '../template-types';

// Data: { policyId, renewalDate } (renewalDate as YYYY-MM-DD).
export const templates: JourneyTemplates = {
  'renewal-offer': {
    email: {
      subject: 'Your policy {{ policyId }} renews on {{ renewalDate }}',
      html:
        '<p>Your policy <strong>{{ policyId }}</strong> is due for renewal on {{ renewalDate }}.</p>' +
        '<p>Renew now to keep your cover without a gap.</p>',
      text:
        'Your policy {{ policyId }} is due for renewal on {{ renewalDate }}. ' +
        'Renew now to keep your cover without a gap.',
    },
  },
  'renewal-banner': {
    web: {
      title: 'Time to renew',
      body: 'Policy {{ policyId }} renews on {{ renewalDate }}. Renew in two minutes.',
      url: '/policies/{{ policyId }}/renew',
    },
  },
  'renewal-reminder': {
    sms: {
      body: 'Reminder: policy {{ policyId }} is due for renewal on {{ renewalDate }}. Renew online to stay covered.',
    },
  },
};
