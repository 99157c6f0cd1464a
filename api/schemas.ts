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
export const ERROR_STATUSES = [400, 401, 403, 404, 405, 406, 409, 410, 413, 414, 415, 422, 429, 500, 503] as const;
