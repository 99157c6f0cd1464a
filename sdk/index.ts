// The journey SDK: what journey and audience authors import.
export { defineJourney, type JourneyWorkflow } from './define-journey';
export { on, exitOn } from './routes';
export { isJourneyEnd } from './journey-end';
export { DAY_MS, durationToMs, formatDuration } from './durations';
export { addDays, addYears, isoDate, startOfIsoDate, toDate } from './dates';
export { journeyStateQuery } from './queries';
export { journeyWorkflowId, journeyWorkflowType } from './workflow-id';
export { ANONYMOUS_CUSTOMER_PREFIX, isAnonymousCustomerId } from './customer-id';
export { defineAudience, inWindow, audienceMatch, audienceEventId } from './contracts/audience';
export type * from './contracts';
export type * from './journey-types';
