import { z } from 'zod';

/** Customer ids also appear in Temporal visibility queries and workflow ids: a conservative alphabet. */
export const customerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:@+-]{1,128}$/, 'letters, digits and _ . : @ + - (at most 128)');

export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +15551234567');

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
