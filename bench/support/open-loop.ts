export interface OpenLoopOptions {
  /** Sends in total. */
  sends: number;
  /** Sends started per second on a fixed schedule (open loop); 0: each as soon as a slot is free. */
  rate: number;
  /** At most this many sends awaiting their answer; a schedule that needs more falls behind (reported). */
  inFlight: number;
}

export interface OpenLoopResult {
  /** Wall-clock ms when send i started and when it was answered (NaN: it failed). */
  sentAt: number[];
  acceptedAt: number[];
  errors: string[];
  /** How far the last send started behind its schedule (ms): above a few ms the target rate was not reached. */
  behindScheduleMs: number;
}

/**
 * Sends on a schedule that does not wait for anything to be handled (open loop): what a real event source does.
 * Only acceptance is awaited, and only to bound the sends in flight.
 */
export async function openLoop(options: OpenLoopOptions, send: (i: number) => Promise<void>): Promise<OpenLoopResult> {
  const sentAt: number[] = new Array(options.sends).fill(NaN);
  const acceptedAt: number[] = new Array(options.sends).fill(NaN);
  const errors: string[] = [];
  const pending = new Set<Promise<void>>();
  const start = Date.now();
  let behindScheduleMs = 0;
  for (let i = 0; i < options.sends; i++) {
    if (options.rate > 0) {
      const due = start + (i * 1000) / options.rate;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      behindScheduleMs = Math.max(0, Date.now() - due);
    }
    while (pending.size >= options.inFlight) await Promise.race(pending);
    sentAt[i] = Date.now();
    const sending: Promise<void> = send(i).then(
      () => void (acceptedAt[i] = Date.now()),
      (error: unknown) => void errors.push(error instanceof Error ? error.message : String(error)),
    );
    pending.add(sending);
    void sending.finally(() => pending.delete(sending));
  }
  await Promise.all(pending);
  return { sentAt, acceptedAt, errors, behindScheduleMs };
}
