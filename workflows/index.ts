// The worker's workflow bundle (workflowsPath): every workflow type it registers. Deterministic code only.
export * from '../journeys';
export { audienceScan } from './audience-scan';
export { segmentRecheck } from './segment-recheck';
export { outboxSweep } from './outbox-sweep';
export { retentionSweep } from './retention-sweep';
