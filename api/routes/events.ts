import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findSignal, MAX_EVENT_DATA_BYTES, signalCatalog, type JourneyEvent } from '../../signals';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { resolveCustomer } from '../../routing/identity';
import { EventIdConflict } from '../../routing/event-conflict';
import { routeInCustomerOrder } from '../../routing/route-batch';
import { ApiError, describe, type FieldError } from '../plugins/error-handler';
import { customerIdSchema, phoneSchema, storableRecord } from '../schemas';

const MAX_BATCH = 500;
/** Sources the system names itself (webhooks, audience scans): a caller cannot claim their dedupe scope. */
const RESERVED_SOURCES = new Set(['twilio', 'unsubscribe', 'web']);

const eventEnvelope = z.object({
  id: z.string().min(1).max(200).describe('Your event id; with source and customer, the dedupe key'),
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits and . _ - (at most 64)')
    .refine((s) => !RESERVED_SOURCES.has(s), 'reserved for events Waymark makes itself')
    .optional()
    .describe('Who sends it, e.g. shop or policy-admin (default api): ids are unique per source and customer'),
  signal: z.string().min(1).describe('Signal name, e.g. cart.updated (GET /v1/signals)'),
  version: z.number().int().positive().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  customerId: customerIdSchema.optional(),
  email: z.email().optional(),
  phone: phoneSchema.optional(),
  anonymousId: z.string().min(1).max(200).optional(),
  data: storableRecord,
});
type EventEnvelope = z.infer<typeof eventEnvelope>;

const body = z.union([eventEnvelope, z.object({ events: z.array(eventEnvelope).min(1).max(MAX_BATCH) })]);

const eventResult = z.object({
  id: z.string(),
  customerId: z.string(),
  duplicate: z.boolean(),
  started: z.number(),
  signalled: z.number(),
  runs: z.array(
    z.object({
      journey: z.string(),
      workflowId: z.string(),
      runId: z.string().optional(),
      action: z.enum(['entered', 'signalled', 'skipped']),
      reason: z.string().optional(),
    }),
  ),
  segments: z.array(z.object({ segment: z.string(), change: z.enum(['entered', 'exited']) })).optional(),
  queued: z.string().optional().describe('Recorded, not routed yet (Temporal away): the outbox sweeper routes it'),
});

export interface EventRoutesOptions {
  routeEvent: RouteEvent;
}

/** Checks `data` against the signal's schema; field paths name the event in the batch. */
function validateData(envelope: EventEnvelope, prefix: string): FieldError[] {
  const signal = findSignal(envelope.signal);
  if (!signal) {
    const known = signalCatalog.map((s) => s.name).join(', ');
    return [
      {
        field: `${prefix}signal`,
        rule: 'known_signal',
        message: `unknown signal '${envelope.signal}'; known: ${known}`,
      },
    ];
  }
  if (signal.emittedBy === 'waymark') {
    const how = signal.name === 'identity.resolved' ? 'call POST /v1/identify' : 'it follows from segments/';
    return [
      { field: `${prefix}signal`, rule: 'emitted_by_waymark', message: `${signal.name} is sent by Waymark: ${how}` },
    ];
  }
  if (envelope.version !== undefined && envelope.version !== signal.version) {
    return [
      {
        field: `${prefix}version`,
        rule: 'known_version',
        message: `signal ${signal.name} is at version ${signal.version}`,
      },
    ];
  }
  const identities = signal.identity.filter((field) => envelope[field] !== undefined);
  const errors: FieldError[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(envelope.data));
  if (bytes > MAX_EVENT_DATA_BYTES) {
    return [
      {
        field: `${prefix}data`,
        rule: 'too_big',
        message: `is ${bytes} bytes; an event's data may be at most ${MAX_EVENT_DATA_BYTES} bytes`,
      },
    ];
  }
  if (identities.length === 0) {
    errors.push({
      field: `${prefix}customerId`,
      rule: 'identity',
      message: `name the customer with one of: ${signal.identity.join(', ')}`,
    });
  }
  const parsed = signal.schema.safeParse(envelope.data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push({
        field: [`${prefix}data`, ...issue.path.map(String)].join('.'),
        rule: issue.code,
        message: issue.message,
      });
    }
  }
  return errors;
}

export const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, opts) => {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['events'],
        summary: 'Send one event or a batch: validated, deduplicated by id, routed to journeys',
        body,
        response: { 202: z.object({ results: z.array(eventResult) }) },
      },
    },
    async (request, reply) => {
      const batch = 'events' in request.body ? request.body.events : [request.body];
      const errors = batch.flatMap((e, i) => validateData(e, 'events' in request.body ? `events.${i}.` : ''));
      // All or nothing: a batch with a bad event routes none of them, so a corrected resend is simple.
      if (errors.length) throw new ApiError(400, 'validation', describe(errors), errors);
      // Every customer is resolved before any event is routed, for the same reason. An event that names the
      // customer only by an anonymous id gets (or finds) the visitor's anonymous profile.
      const customers = await Promise.all(batch.map((e) => resolveCustomer(e, findSignal(e.signal)!.identity)));
      const unresolved: FieldError[] = customers.flatMap((c, i) => {
        if ('customerId' in c) return [];
        const envelope = batch[i];
        const field = findSignal(envelope.signal)!.identity.find((f) => envelope[f] !== undefined)!;
        const prefix = 'events' in request.body ? `events.${i}.` : '';
        return [
          {
            field: `${prefix}${field}`,
            rule: 'unresolved_customer',
            message: `no profile matches ${JSON.stringify(c.lookedFor)}`,
          },
        ];
      });
      if (unresolved.length) {
        throw new ApiError(
          422,
          'unresolved_customer',
          `${describe(unresolved)}; create it with PUT /v1/profiles/:id, send customerId, or send the anonymousId of a visitor`,
          unresolved,
        );
      }
      const events = batch.map((envelope, i): JourneyEvent => {
        const signal = findSignal(envelope.signal)!;
        return {
          id: envelope.id,
          ...(envelope.source === undefined ? {} : { source: envelope.source }),
          signal: signal.name,
          version: signal.version,
          customerId: (customers[i] as { customerId: string }).customerId,
          occurredAt: envelope.occurredAt ?? new Date().toISOString(),
          data: signal.schema.parse(envelope.data),
        };
      });
      const reports = await routeInCustomerOrder(events, (event) =>
        opts.routeEvent(event).catch((error: unknown) => {
          if (error instanceof EventIdConflict) return error;
          throw error;
        }),
      );
      const results = events.flatMap((event, i) => {
        const report = reports[i];
        return report instanceof EventIdConflict ? [] : [{ id: event.id, customerId: event.customerId, ...report }];
      });
      const conflicts: FieldError[] = reports.flatMap((report, i) =>
        report instanceof EventIdConflict
          ? [
              {
                field: 'events' in request.body ? `events.${i}.id` : 'id',
                rule: 'id_conflict',
                message: report.message,
              },
            ]
          : [],
      );
      if (conflicts.length) {
        // Not routed; the rest of a batch was accepted (a resend without the conflicting events answers them).
        const others = results.length ? `; the other ${results.length} events were accepted` : '';
        throw new ApiError(409, 'event_id_conflict', `${describe(conflicts)}${others}`, conflicts);
      }
      return reply.code(202).send({ results });
    },
  );
};
