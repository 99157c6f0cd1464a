// The journey SDK: what journey authors import.
export { defineJourney, type JourneyWorkflow } from './define-journey';
export { on, exitOn } from './routes';
export { isJourneyEnd } from './journey-end';
export { durationToMs, formatDuration } from './durations';
export { journeyStateQuery } from './queries';
export { journeyWorkflowId, journeyWorkflowType } from './workflow-id';
export type * from './journey-types';
