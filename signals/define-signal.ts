import type { z } from 'zod';

/** How an event names its customer; anything but `customerId` is resolved to a profile by the API. */
export type IdentityField = 'customerId' | 'email' | 'phone' | 'anonymousId';

export interface SignalDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Dotted name, e.g. `cart.updated`; also the Temporal signal name journeys receive it under. */
  readonly name: Name;
  readonly version: number;
  /** Schema of the event's `data`. */
  readonly schema: Schema;
  /** Identity fields the sender may use to name the customer, in order of preference. */
  readonly identity: readonly IdentityField[];
  /** Fields of `data` that key a journey run (cart id, policy id, dependent id). */
  readonly keys: readonly string[];
  readonly description: string;
  /** `waymark`: only Waymark emits it (identity, segments); POST /v1/events refuses it. Default: event sources. */
  readonly emittedBy?: 'waymark';
}

export type SignalData<S extends SignalDefinition> = z.infer<S['schema']>;

/** An event as journeys receive it: validated, deduplicated, resolved to a customer. */
export interface JourneyEvent<Data = unknown> {
  /** The sender's event id: with `source` and the customer, the dedupe key. */
  id: string;
  /**
   * Who sent it, the scope of its id: a `POST /v1/events` caller's `source` (default `api`), `audience:<name>` for a
   * date-based audience, `twilio`, `unsubscribe`, `web`.
   */
  source?: string;
  signal: string;
  version: number;
  customerId: string;
  /** ISO-8601 time the event happened at the source. */
  occurredAt: string;
  data: Data;
}

export type EventOf<S extends SignalDefinition> = JourneyEvent<SignalData<S>>;

export function defineSignal<Name extends string, Schema extends z.ZodType>(
  definition: SignalDefinition<Name, Schema>,
): SignalDefinition<Name, Schema> {
  return Object.freeze(definition);
}
