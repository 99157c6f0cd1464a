// How big one journey run may grow. Temporal ends a run at 51,200 history events or 50 MB; a run continues as new
// long before (carrying what its journey reads), and keeps a bounded inbox, so a chatty source cannot grow it.

/** History events after which a run continues as new at its next wait (or sooner, when Temporal suggests it). */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 1_000;
/** History bytes after which a run continues as new at its next wait. */
export const CONTINUE_AS_NEW_AFTER_BYTES = 4 * 1024 * 1024;
/** Events kept per signal for `latest` and `received` (the newest ones). */
export const RETAINED_EVENTS_PER_SIGNAL = 20;
/**
 * Bytes of events kept for `latest` and `received`, all signals together: older events go first, the newest of each
 * signal always stays. With data at most 64 KiB per event, what continue-as-new carries stays far under Temporal's
 * 2 MB payload limit however large the events a source sends.
 */
export const RETAINED_EVENT_BYTES = 256 * 1024;
/** Event keys a run remembers to drop a copy it already holds (a redelivery, a sweep's retry). */
export const SEEN_EVENT_KEYS = 1_000;
/** Step records kept for the `state` query and the result (the newest ones). */
export const MAX_STEP_RECORDS = 200;
