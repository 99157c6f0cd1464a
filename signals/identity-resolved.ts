import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField } from './limits';

export const identityResolved = defineSignal({
  name: 'identity.resolved',
  version: 1,
  description:
    'Sent by Waymark when an identify call (POST /v1/identify) tied an anonymous visitor to a known customer: the ' +
    "anonymous profile was merged into the customer's. Every open run of the anonymous visitor receives it and goes " +
    'on for the known customer under the same workflow id; journeys may wait for it (`j.waitFor(identityResolved, …)`). ' +
    'Not accepted by POST /v1/events: call POST /v1/identify.',
  emittedBy: 'waymark',
  identity: ['customerId'],
  keys: [],
  schema: z.object({
    /** The anonymous profile that was merged (its runs carry on for `customerId`). */
    previousCustomerId: idField(),
    /** The anonymous id the identify call named. */
    anonymousId: idField(),
    /** How the known customer was found: by the id given, the email, the phone, or a profile created for them. */
    matchedBy: z.enum(['customerId', 'email', 'phone', 'created']),
    /** The merge record (GET /v1/profiles/:id/merges). */
    mergeId: idField(),
  }),
});
