import type { JourneyEvent } from '../signals/define-signal';
import { eventKey } from './inbox';

/** One SDK call's outcome: a wait, a send, a profile load, or a read (`latest`, `received`, `now`) of the run's path. */
export interface JournalEntry {
  op: string;
  value?: unknown;
}

/** What a run carries of its journal across continue-as-new: the outcomes in call order, events by key. */
export interface JournalSnapshot {
  entries: JournalEntry[];
  events: Record<string, JourneyEvent>;
}

/** Reads and results that are events are journaled by key; the events themselves once each. */
export interface EventCodec<T> {
  encode(value: T, events: Map<string, JourneyEvent>): unknown;
  decode(value: unknown, events: Map<string, JourneyEvent>): T;
}

export const oneEvent: EventCodec<JourneyEvent | undefined> = {
  encode: (event, events) => (event ? (events.set(eventKey(event), event), eventKey(event)) : null),
  decode: (key, events) => (key === null ? undefined : events.get(key as string)),
};

export const manyEvents: EventCodec<JourneyEvent[]> = {
  encode: (list, events) => list.map((event) => oneEvent.encode(event, events)),
  decode: (keys, events) => (keys as string[]).map((key) => events.get(key)!),
};

/**
 * The outcomes of a journey's SDK calls, in the order its code makes them, so a run that continued as new can bring
 * the author's code back to where it was: the code runs again from the top and each call answers from the journal
 * (no timer, no activity, no state change) until the journal is used up, then runs for real. Workflow code is
 * deterministic, so the same calls come in the same order; a call of another kind means the code changed under a
 * running journey version and fails the workflow task, like a determinism error on replay.
 *
 * Reads inside an operation (a `sleepUntil` date function, a `skipIfMissed` deadline) are the operation's own: they
 * run live under `internal` and are not journaled, since fast-forwarding that operation does not evaluate them.
 */
export class Journal {
  private readonly entries: Array<JournalEntry | { op: string; pending: true }>;
  private readonly events: Map<string, JourneyEvent>;
  private readonly replayLength: number;
  private cursor = 0;
  private internalDepth = 0;
  /** Live operations not finished yet. */
  inFlight = 0;
  /** Live operations started in this run (a continued run resumes its first one). */
  liveStarted = 0;

  constructor(snapshot?: JournalSnapshot) {
    this.entries = [...(snapshot?.entries ?? [])];
    this.events = new Map(Object.entries(snapshot?.events ?? {}));
    this.replayLength = this.entries.length;
  }

  /** Whether calls still answer from the journal (fast-forwarding after continue-as-new). */
  get replaying(): boolean {
    return this.cursor < this.replayLength;
  }

  /** An asynchronous operation: its journaled outcome while replaying, else run live and journaled. */
  async op<T>(name: string, live: () => Promise<T>, codec?: EventCodec<T>): Promise<T> {
    if (this.replaying) return this.next(name, codec);
    const index = this.entries.push({ op: name, pending: true }) - 1;
    this.cursor = this.entries.length;
    this.inFlight += 1;
    this.liveStarted += 1;
    try {
      const value = await live();
      this.entries[index] = entry(name, codec ? codec.encode(value, this.events) : value);
      return value;
    } finally {
      this.inFlight -= 1;
    }
  }

  /** A synchronous read on the journey's path: journaled (or answered from the journal) unless `internal`. */
  read<T>(name: string, live: () => T, codec?: EventCodec<T>): T {
    if (this.internalDepth > 0) return live();
    if (this.replaying) return this.next(name, codec);
    const value = live();
    this.entries.push(entry(name, codec ? codec.encode(value, this.events) : value));
    this.cursor = this.entries.length;
    return value;
  }

  /** Runs an operation's own evaluation of author code (its reads are not journaled). */
  internal<T>(fn: () => T): T {
    this.internalDepth += 1;
    try {
      return fn();
    } finally {
      this.internalDepth -= 1;
    }
  }

  /** The finished outcomes up to the first operation still in flight, and the events they name. */
  snapshot(): JournalSnapshot {
    const pending = this.entries.findIndex((e) => 'pending' in e);
    const entries = (pending < 0 ? this.entries : this.entries.slice(0, pending)) as JournalEntry[];
    const named = new Set(entries.flatMap((e) => keysIn(e.value)));
    const events = Object.fromEntries([...this.events].filter(([key]) => named.has(key)));
    return { entries, events };
  }

  /** The name of the operation in flight (for continue-as-new: it resumes live). */
  pendingOp(): string | undefined {
    const pending = this.entries.find((e) => 'pending' in e);
    return pending?.op;
  }

  private next<T>(name: string, codec?: EventCodec<T>): T {
    const recorded = this.entries[this.cursor++] as JournalEntry;
    if (recorded.op !== name) {
      throw new Error(
        `journal mismatch at call ${this.cursor}: the journey called ${name} where its earlier run called ` +
          `${recorded.op}; the journey's code changed under a running version (add a new version instead)`,
      );
    }
    return (codec ? codec.decode(recorded.value, this.events) : recorded.value) as T;
  }
}

/** `undefined` stays absent (JSON drops it), so it comes back as `undefined`, and `null` as `null`. */
function entry(op: string, value: unknown): JournalEntry {
  return value === undefined ? ({ op } as JournalEntry) : { op, value };
}

function keysIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
