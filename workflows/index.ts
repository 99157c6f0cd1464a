// The worker's workflowsPath: every workflow type it registers.
export * from '../journeys';
export { audienceScan } from './audience-scan';
