import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findSignal, signalCatalog, type JourneyEvent } from '../../signals';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { resolveCustomer } from '../../routing/identity';
import { routeInCustomerOrder } from '../../routing/route-batch';
import { ApiError, describe, type FieldError } from '../plugins/error-handler';
import { customerIdSchema, phoneSchema } from '../schemas';

const MAX_BATCH = 500;

const eventEnvelope = z.object({
  id: z.string().min(1).max(200).describe('Your event id; the dedupe key'),
  signal: z.string().min(1).describe('Signal name, e.g. cart.updated (GET /v1/signals)'),
  version: z.number().int().positive().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  customerId: customerIdSchema.optional(),
  email: z.email().optional(),
  phone: phoneSchema.optional(),
  anonymousId: z.string().min(1).max(200).optional(),
  data: z.record(z.string(), z.unknown()),
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
      const unresolved = customers.flatMap((c, i) =>
        'customerId' in c ? [] : [{ event: 'events' in request.body ? `events.${i}` : 'event', ...c }],
      );
      if (unresolved.length) {
        throw new ApiError(
          422,
          'unresolved_customer',
          `no profile matches ${unresolved.map((u) => `${u.event} (${JSON.stringify(u.lookedFor)})`).join(', ')}; ` +
            'create it with PUT /v1/profiles/:id, send customerId, or send the anonymousId of a visitor',
          unresolved,
        );
      }
      const events = batch.map((envelope, i): JourneyEvent => {
        const signal = findSignal(envelope.signal)!;
        return {
          id: envelope.id,
          signal: signal.name,
          version: signal.version,
          customerId: (customers[i] as { customerId: string }).customerId,
          occurredAt: envelope.occurredAt ?? new Date().toISOString(),
          data: signal.schema.parse(envelope.data),
        };
      });
      const reports = await routeInCustomerOrder(events, opts.routeEvent);
      const results = events.map((event, i) => ({ id: event.id, customerId: event.customerId, ...reports[i] }));
      return reply.code(202).send({ results });
    },
  );
};
