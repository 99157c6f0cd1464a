import type { JourneyTemplates } from '../template-types';

// Data: { dependentId, dependentName, holderName, turns26On, offerEnds, copy: 'plain' | 'deadline' }.
export const templates: JourneyTemplates = {
  'dependent-offer': {
    email: {
      subject:
        '{% if copy == "deadline" %}Until {{ offerEnds }}: {% endif %}' +
        'cover for {{ dependentName }} after their 26th birthday',
      html:
        '<p>Hello {{ holderName }},</p><p>{{ dependentName }} turns 26 on {{ turns26On }} and will no longer be ' +
        'covered by your policy from then on.</p><p>They can take an individual policy with no waiting period ' +
        'until <strong>{{ offerEnds }}</strong>.</p>',
      text:
        'Hello {{ holderName }},\n{{ dependentName }} turns 26 on {{ turns26On }} and will no longer be covered by ' +
        'your policy from then on. They can take an individual policy with no waiting period until {{ offerEnds }}.',
    },
  },
  'dependent-offer-direct': {
    email: {
      subject: '{% if copy == "deadline" %}Until {{ offerEnds }}: {% endif %}your own health cover at 26',
      html:
        '<p>Hello {{ dependentName }},</p><p>You turn 26 on {{ turns26On }} and leave your family policy. ' +
        'Take an individual policy with no waiting period until <strong>{{ offerEnds }}</strong>.</p>',
      text:
        'Hello {{ dependentName }},\nYou turn 26 on {{ turns26On }} and leave your family policy. Take an ' +
        'individual policy with no waiting period until {{ offerEnds }}.',
    },
  },
  'dependent-offer-reminder': {
    sms: {
      body:
        '{{ dependentName }} turns 26 on {{ turns26On }}. Their individual policy offer is open until ' +
        '{{ offerEnds }}.',
    },
  },
};
