import type { JourneyEvent } from '../signals/define-signal';
import { RETAINED_EVENT_BYTES, RETAINED_EVENTS_PER_SIGNAL, SEEN_EVENT_KEYS } from './run-limits';

/** The key a run knows an event by: its sender's id within its source (as the router dedupes, customer aside). */
export function eventKey(event: Pick<JourneyEvent, 'id' | 'source'>): string {
  return `${event.source ?? 'api'}|${event.id}`;
}

/** What a run carries of its inbox across continue-as-new. */
export interface InboxSnapshot {
  /** The newest events per signal, in arrival order. */
  retained: JourneyEvent[];
  counts: Record<string, number>;
  /** Keys of the most recent events, oldest first. */
  seen: string[];
  /** Events received in all. */
  total: number;
}

/**
 * What a run holds of the events it received: the newest few per signal (what `latest` and `received` read), how
 * many of each arrived (what `quietFor` watches), and a bounded set of the keys it has seen, so a redelivered
 * signal-with-start, a re-run audience scan or a sweep's retry counts once. Bounded whatever a source sends.
 */
export class Inbox {
  private readonly seen = new Set<string>();
  private readonly bySignal = new Map<string, JourneyEvent[]>();
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<(event: JourneyEvent) => void>();
  private readonly sizes = new WeakMap<JourneyEvent, number>();
  private retainedBytes = 0;
  private total = 0;

  constructor(snapshot?: InboxSnapshot) {
    if (!snapshot) return;
    for (const key of snapshot.seen) this.seen.add(key);
    for (const event of snapshot.retained) this.keep(event);
    for (const [signal, count] of Object.entries(snapshot.counts)) this.counts.set(signal, count);
    this.total = snapshot.total;
  }

  /** Adds an event; false if its key was already received. Listeners hear of every new event. */
  receive(event: JourneyEvent): boolean {
    const key = eventKey(event);
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > SEEN_EVENT_KEYS) this.seen.delete(this.seen.values().next().value as string);
    this.keep(event);
    this.counts.set(event.signal, this.countOf(event.signal) + 1);
    this.total += 1;
    for (const listener of this.listeners) listener(event);
    return true;
  }

  /** Calls `listener` with every event received from now on, until the returned function is called. */
  onReceive(listener: (event: JourneyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many events have arrived in all: a run can tell whether anything arrived since. */
  get size(): number {
    return this.total;
  }

  /** How many events of `signal` have arrived. */
  countOf(signal: string): number {
    return this.counts.get(signal) ?? 0;
  }

  /** The newest events of `signal`, up to RETAINED_EVENTS_PER_SIGNAL, in arrival order. */
  all(signal: string): JourneyEvent[] {
    return [...(this.bySignal.get(signal) ?? [])];
  }

  latest(signal: string): JourneyEvent | undefined {
    const events = this.bySignal.get(signal);
    return events?.[events.length - 1];
  }

  snapshot(): InboxSnapshot {
    const retained = [...this.bySignal.values()].flat();
    return { retained, counts: Object.fromEntries(this.counts), seen: [...this.seen], total: this.total };
  }

  private keep(event: JourneyEvent): void {
    const events = this.bySignal.get(event.signal) ?? [];
    events.push(event);
    this.bySignal.set(event.signal, events);
    const size = JSON.stringify(event).length;
    this.sizes.set(event, size);
    this.retainedBytes += size;
    if (events.length > RETAINED_EVENTS_PER_SIGNAL) this.drop(events);
    // Over the byte budget: the oldest events of the signals holding more than their newest go first.
    for (const list of this.bySignal.values()) {
      while (this.retainedBytes > RETAINED_EVENT_BYTES && list.length > 1) this.drop(list);
    }
  }

  private drop(events: JourneyEvent[]): void {
    const dropped = events.shift()!;
    this.retainedBytes -= this.sizes.get(dropped) ?? 0;
  }
}
