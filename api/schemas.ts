import { z } from 'zod';

/** Customer ids also appear in Temporal visibility queries and workflow ids: a conservative alphabet. */
export const customerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:@+-]{1,128}$/, 'letters, digits and _ . : @ + - (at most 128)');

export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +15551234567');

export const fieldError = z.object({
  field: z.string().describe('Where: a path in the body (`events.0.data.total`), or `query.limit`, `params.id`'),
  rule: z.string().describe('Which rule failed, e.g. invalid_type, too_small, invalid_format, known_signal'),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldError>;

/** The one shape of every 4xx and 5xx answer. */
export const errorBody = z.object({
  error: z.string().describe('validation, unauthorized, forbidden, not_found, conflict, ...'),
  message: z.string(),
  details: z.array(fieldError),
});

/** The error answers every route may give (the server adds them to each route's schema, see api/server.ts). */
export const ERROR_STATUSES = [
  400, 401, 403, 404, 405, 406, 408, 409, 410, 413, 414, 415, 422, 429, 431, 500, 503,
] as const;

/** A key MongoDB can store as a field name: not empty, no leading `$`, no `.`, no NUL. */
const storableKey = (key: string) => key !== '' && !key.startsWith('$') && !key.includes('.') && !key.includes('\0');
const MAX_DEPTH = 32;

/** The path of the first key in `value` MongoDB could not store (or that nests too deep), if any. */
function unstorableKey(value: unknown, path: string[] = []): string[] | undefined {
  if (path.length > MAX_DEPTH) return path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = unstorableKey(item, [...path, String(i)]);
      if (bad) return bad;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!storableKey(key)) return [...path, key];
      const bad = unstorableKey(item, [...path, key]);
      if (bad) return bad;
    }
  }
  return undefined;
}

/** Free-form data that is stored as it is (event data, profile attributes, traits): every key must be storable. */
export const storableRecord = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const bad = unstorableKey(value);
  if (bad) {
    ctx.addIssue({
      code: 'custom',
      path: bad,
      message: `field names may not be empty, start with $ or contain '.', and nest at most ${MAX_DEPTH} deep`,
    });
  }
});

/** Topic names become field paths (`consent.email.topics.<topic>`). */
export const topicName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (at most 64)');
