import { defineSegment } from './define-segment';

/** Known customers the email channel may reach: an address and consent granted. */
export const emailReachableV1 = defineSegment({
  name: 'email-reachable',
  version: 1,
  description: 'Has an email address and granted email consent.',
  filter: { email: { $exists: true }, 'consent.email.status': 'granted' },
});

/** Engagement score (segments/score.ts) of 25 or more. */
export const engagedV1 = defineSegment({
  name: 'engaged',
  version: 1,
  description: 'Engagement score of 25 or more.',
  filter: { 'score.value': { $gte: 25 } },
});

/** A trait the CRM sets: `attributes.plan`. */
export const premiumPlanV1 = defineSegment({
  name: 'premium-plan',
  version: 1,
  description: 'On the premium plan (trait attributes.plan).',
  filter: { 'attributes.plan': 'premium' },
});
