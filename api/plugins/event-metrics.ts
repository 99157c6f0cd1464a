import type { FastifyInstance } from 'fastify';
import { eventsTotal } from '../../metrics/registry';

/**
 * Counts the events of every request to the routes in this scope (POST /v1/events) once it is answered: accepted or
 * duplicate from the answer's results, rejected by the error code the caller got (validation, unresolved_customer,
 * unauthorized, ...). A request refused before its body was read counts as one event.
 */
export function countEventOutcomes(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const answer = parse(payload);
    if (reply.statusCode < 400) {
      const results = Array.isArray(answer?.results) ? (answer.results as Array<{ duplicate?: boolean }>) : [];
      const duplicates = results.filter((r) => r.duplicate === true).length;
      if (results.length > duplicates)
        eventsTotal.inc({ outcome: 'accepted', reason: 'none' }, results.length - duplicates);
      if (duplicates > 0) eventsTotal.inc({ outcome: 'duplicate', reason: 'none' }, duplicates);
    } else {
      const body = request.body as { events?: unknown } | undefined;
      const events = Array.isArray(body?.events) ? body.events.length : 1;
      const reason = typeof answer?.error === 'string' ? answer.error : `http_${reply.statusCode}`;
      eventsTotal.inc({ outcome: 'rejected', reason }, events);
    }
    return payload;
  });
}

function parse(payload: unknown): Record<string, unknown> | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
