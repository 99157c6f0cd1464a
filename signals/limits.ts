import { z } from 'zod';

// Size limits every signal keeps. A run holds the events it receives in its Temporal history (2 MB per payload, 50 MB
// per history) and carries the ones its journey reads across continue-as-new, so nothing unbounded gets in:
// every string and every array of every signal has a maximum (test/signals/signal-limits.test.ts checks them all).

/** Ids: cart, order, policy, dependent, SKU, customer. */
export const MAX_ID_LENGTH = 200;
/** Names, reasons, topics, sources. */
export const MAX_TEXT_LENGTH = 500;
export const MAX_URL_LENGTH = 2048;
/** Entries of a list (cart items, changed fields). */
export const MAX_LIST_LENGTH = 100;
/** An event's `data`, serialised, at most: checked by the API before the schema, named in the 400. */
export const MAX_EVENT_DATA_BYTES = 64 * 1024;

export const idField = () => z.string().min(1).max(MAX_ID_LENGTH);
export const textField = () => z.string().max(MAX_TEXT_LENGTH);
export const urlField = () => z.url().max(MAX_URL_LENGTH);
