// How the deliver activity is run: the workflow's activity options (sdk/activity-proxies.ts) and the activity
// (activities/deliver.ts) read the same numbers. Workflow code may import this file.

/** One attempt's limit; the providers' own timeouts (delivery/providers/) stay well under it. */
export const DELIVER_START_TO_CLOSE_MS = 60_000;
/** An attempt that stops heartbeating (its worker died) is retried after this, not after the full minute. */
export const DELIVER_HEARTBEAT_TIMEOUT_MS = 15_000;
/** How often an attempt heartbeats while it works (cancellation reaches it through the heartbeat's answer). */
export const DELIVER_HEARTBEAT_EVERY_MS = 2_000;
/**
 * Attempts of one deliver activity (backoff 1 s doubling to 1 min: about two minutes of provider outage). The last
 * attempt turns a provider still out into a deferral the workflow sleeps on, so retries never run unbounded and a
 * send is never pushed into quiet hours by its own retries.
 */
export const DELIVER_MAX_ATTEMPTS = 8;
/** When an attempt fails for another reason on every try (the store is down), the step is asked again this later. */
export const DELIVER_PAUSE_AFTER_FAILED_ACTIVITY_MS = 5 * 60_000;
