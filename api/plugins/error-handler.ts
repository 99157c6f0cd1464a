import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** An error the caller can fix: answered with its status, a message and details, never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}; see /docs` }),
  );
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({ error: err.error, message: err.message, details: err.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details: FieldError[] = err.validation.map((v) => ({
        field: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
        rule: String(v.params?.issue && (v.params.issue as { code?: string }).code),
        message: v.message ?? 'invalid',
      }));
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
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'bad_request', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'Internal error; the request was not completed.' });
  });
}

export function describe(details: FieldError[]): string {
  return details.map((d) => `${d.field}: ${d.message}`).join('; ');
}
