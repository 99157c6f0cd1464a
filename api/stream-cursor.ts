/** A document the stream may send: its id and when it was written (by whichever worker, on that worker's clock). */
export interface Streamable {
  id: string;
  createdAt: Date;
}

/** Default lookback: more than the clock skew between workers plus the time a write takes to become visible. */
export const DEFAULT_LOOKBACK_MS = 30_000;

/**
 * Where a live stream is. A plain "after the newest createdAt sent" cursor skips messages: two workers can stamp the
 * same millisecond, a worker whose clock is behind stamps a message earlier than one already sent, and a write
 * stamped before another may become visible after it. So each poll reads from `newest sent - lookback`, in
 * (createdAt, id) order, and sends what it has not sent yet; ids are remembered only while inside the window, so
 * memory stays bounded. A message is skipped only if it lands more than `lookback` behind the newest one sent.
 */
export class StreamCursor {
  private newest: number;
  private readonly sent = new Map<string, number>();

  constructor(
    start: Date,
    private readonly lookbackMs = DEFAULT_LOOKBACK_MS,
  ) {
    this.newest = start.getTime();
  }

  /** A message the client already has (its Last-Event-ID on reconnect): not sent again. */
  markSent(doc: Streamable): void {
    this.sent.set(doc.id, doc.createdAt.getTime());
  }

  /** The earliest createdAt the next poll must read. */
  floor(): Date {
    return new Date(this.newest - this.lookbackMs);
  }

  /** Of a poll's documents (in createdAt, id order), those not sent yet; marks them sent. */
  unsent<T extends Streamable>(docs: readonly T[]): T[] {
    const fresh = docs.filter((doc) => !this.sent.has(doc.id));
    for (const doc of fresh) {
      this.sent.set(doc.id, doc.createdAt.getTime());
      this.newest = Math.max(this.newest, doc.createdAt.getTime());
    }
    const floor = this.newest - this.lookbackMs;
    for (const [id, at] of this.sent) if (at < floor) this.sent.delete(id);
    return fresh;
  }
}
