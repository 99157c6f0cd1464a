import { randomUUID } from 'node:crypto';
import type { JourneyEvent, SignalData, SignalDefinition } from '../../signals/define-signal';

let eventCounter = 0;

/** A validated, resolved event as the API hands it to journeys. `occurredAt` defaults to an increasing clock. */
export function journeyEvent<S extends SignalDefinition>(
  signal: S,
  customerId: string,
  data: SignalData<S>,
  options: { id?: string; occurredAt?: string } = {},
): JourneyEvent<SignalData<S>> {
  eventCounter += 1;
  return {
    id: options.id ?? randomUUID(),
    signal: signal.name,
    version: signal.version,
    customerId,
    occurredAt: options.occurredAt ?? new Date(Date.UTC(2026, 0, 1) + eventCounter * 1000).toISOString(),
    data,
  };
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
