import mongoose from 'mongoose';

/** E11000: a unique index refused the write. Exactly-once rests on these (no transactions on every store). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** MongoDB's answers to a filter it cannot run (BadValue, FailedToParse, TypeMismatch): a bug, not an outage. */
const INVALID_QUERY_CODES = new Set([2, 9, 14]);

/** Whether a query failed because the filter itself is wrong (retrying cannot help). */
export function isInvalidQuery(error: unknown): boolean {
  if (error instanceof mongoose.Error.CastError || error instanceof mongoose.Error.StrictModeError) return true;
  return error instanceof mongoose.mongo.MongoServerError && INVALID_QUERY_CODES.has(Number(error.code));
}
