import type { JourneyEvent } from '../../signals/define-signal';

/**
 * How the delivery endpoints tell running journeys (consent.changed, message.engaged): the API wires this to
 * routing/ (dedupe by event id, signal / signal-with-start the customer's journeys).
 */
export type RouteEvent = (event: JourneyEvent) => Promise<unknown>;
