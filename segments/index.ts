// The segment catalog and the score model: what routing/segment-upkeep.ts keeps current on every profile.
import type { SegmentDefinition } from './define-segment';
import { emailReachableV1, engagedV1, premiumPlanV1 } from './profile-segments';
import { engagementScore } from './score';
import { cartBuildersV1, windowShoppersV1 } from './behaviour-segments';

export * from './define-segment';
export * from './score-model';
export { cartBuildersV1, emailReachableV1, engagedV1, engagementScore, premiumPlanV1, windowShoppersV1 };

/** Every segment version (membership follows the newest version of each name). */
export const segmentCatalog: readonly SegmentDefinition[] = [
  windowShoppersV1,
  cartBuildersV1,
  emailReachableV1,
  engagedV1,
  premiumPlanV1,
];

/** The business's score model (one per deployment). */
export const scoreModel = engagementScore;
