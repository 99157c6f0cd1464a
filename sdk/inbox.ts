import type { JourneyEvent } from '../signals/define-signal';

/**
 * Every event a run has received, in arrival order, each event id once (the API dedupes too, but a redelivered
 * signal-with-start or a re-run audience scan must not count twice here either).
 */
export class Inbox {
  private readonly seen = new Set<string>();
  private readonly events: JourneyEvent[] = [];
  private readonly counts = new Map<string, number>();

  /** Adds an event; false if its id was already received. */
  receive(event: JourneyEvent): boolean {
    if (this.seen.has(event.id)) return false;
    this.seen.add(event.id);
    this.events.push(event);
    this.counts.set(event.signal, this.countOf(event.signal) + 1);
    return true;
  }

  /** How many events have arrived: a cursor for "received after this point". */
  get size(): number {
    return this.events.length;
  }

  /** The first event of `signal` at or after `cursor` that satisfies `where`. */
  findFrom(cursor: number, signal: string, where?: (event: JourneyEvent) => boolean): JourneyEvent | undefined {
    for (let i = cursor; i < this.events.length; i++) {
      const event = this.events[i];
      if (event.signal === signal && (!where || where(event))) return event;
    }
    return undefined;
  }

  /** How many events of `signal` have arrived. */
  countOf(signal: string): number {
    return this.counts.get(signal) ?? 0;
  }

  all(signal: string): JourneyEvent[] {
    return this.events.filter((e) => e.signal === signal);
  }

  latest(signal: string): JourneyEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].signal === signal) return this.events[i];
    return undefined;
  }
}
