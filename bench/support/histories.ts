import type { Client } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common';

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

/**
 * When each run did something, read from its own history after the fact (no polling while measuring): the time of
 * the first event that `is` accepts, per workflow id; missing when the run has no such event (yet).
 */
export async function firstEventTimes(
  client: Client,
  workflowIds: readonly string[],
  is: (event: HistoryEvent) => boolean,
  concurrency = 16,
): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  let next = 0;
  const lane = async () => {
    while (next < workflowIds.length) {
      const id = workflowIds[next++];
      const history = await client.workflow.getHandle(id).fetchHistory();
      const event = history.events?.find(is);
      const at = optionalTsToDate(event?.eventTime);
      if (at) times.set(id, at.getTime());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return times;
}

export const isTimerStarted = (event: HistoryEvent) => event.timerStartedEventAttributes != null;

/** Waits (polling one visibility count a second, never the runs themselves) until `query` counts `expected` runs. */
export async function waitForCount(client: Client, query: string, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count >= expected || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
