import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { FieldError } from '../schemas';

export type { FieldError } from '../schemas';

/** An error the caller can fix: answered with its status, a message and details, never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
}

/** `Unsupported Media Type` → `unsupported_media_type`. */
export function statusName(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** One zod issue as the fastify-type-provider-zod validation entry carries it. */
interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodIssueLike[][];
}

/** The value at `path` inside `root` (undefined when a step is missing). */
function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A union that failed names no field by itself (`body: Invalid input`). The branch the caller meant is the one
 * whose issues are about values the caller sent rather than fields it left out; ties go to the fewest issues.
 * Its issues are reported instead, recursively.
 */
function flattenIssue(issue: ZodIssueLike, input: unknown, base: PropertyKey[] = []): ZodIssueLike[] {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ ...issue, path }];
  const branches = issue.errors.map((branch) => branch.flatMap((i) => flattenIssue(i, input, path)));
  const missing = (branch: ZodIssueLike[]) => branch.filter((i) => valueAt(input, i.path) === undefined).length;
  const best = branches.reduce((a, b) =>
    missing(b) < missing(a) || (missing(b) === missing(a) && b.length < a.length) ? b : a,
  );
  return best.length > 0 ? best : [{ ...issue, path }];
}

/** Field errors of a failed schema validation: the body's own paths (`events.0.id`), or `query.limit`, `params.id`. */
function fieldErrors(err: FastifyError & { validation: unknown[] }, request: FastifyRequest): FieldError[] {
  const context = err.validationContext ?? 'body';
  const input = (request as unknown as Record<string, unknown>)[context];
  const prefix = context === 'body' ? [] : [context === 'querystring' ? 'query' : context];
  return err.validation.flatMap((entry) => {
    const v = entry as { keyword: string; instancePath: string; message?: string; params?: Record<string, unknown> };
    const issue: ZodIssueLike = {
      code: v.keyword,
      path: v.instancePath.split('/').filter(Boolean),
      message: v.message ?? 'invalid',
      ...(Array.isArray(v.params?.errors) ? { errors: v.params.errors as ZodIssueLike[][] } : {}),
    };
    return flattenIssue(issue, input).map((i) => ({
      field: [...prefix, ...i.path.map(String)].join('.') || context,
      rule: i.code,
      message: i.message,
    }));
  });
}

/** Every 4xx and 5xx answers `{ error, message, details: [{ field, rule, message }] }` (api/schemas.ts). */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}; see /docs`,
      details: [],
    }),
  );
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({ error: err.error, message: err.message, details: err.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = fieldErrors(err, request);
      return reply.code(400).send({ error: 'validation', message: describe(details), details });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const details: FieldError[] = [
        {
          field: 'body',
          rule: 'too_big',
          message: `larger than ${app.initialConfig.bodyLimit} bytes; send fewer events per request`,
        },
      ];
      return reply.code(413).send({ error: 'body_too_large', message: describe(details), details });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: statusName(err.statusCode), message: err.message, details: [] });
    }
    request.log.error({ err }, 'request failed');
    return reply
      .code(500)
      .send({ error: 'internal', message: 'Internal error; the request was not completed.', details: [] });
  });
}

export function describe(details: FieldError[]): string {
  return details.map((d) => `${d.field}: ${d.message}`).join('; ');
}
