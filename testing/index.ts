// Waymark's journey testing kit: the public module journey authors test with (see README, "Testing journeys").
export {
  startJourneyTestKit,
  JourneyTestKit,
  type DeliveryAttempt,
  type JourneyTestKitOptions,
} from './journey-test-kit';
export type { ProviderFailure, ProviderMessage } from './simulated-providers';
export {
  checkSimulationInput,
  simulateJourney,
  SimulationInputError,
  type SimulationInput,
  type SimulationResult,
  type TimelineEntry,
} from './simulate';
export { formatTimeline } from './format-timeline';
export { useJourneyTestKit } from './jest';
