import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from './schemas';

/** A small, self-contained HTML page (headings and bodies are escaped by the caller). */
export function htmlPage(title: string, heading: string, body = ''): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" ' +
    `content="width=device-width,initial-scale=1"><title>${title}</title></head>` +
    `<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${heading}</h1>${body}</body></html>`
  );
}

/** Whether the caller is a browser asking for a page (else it gets the JSON error shape). */
export function wantsHtml(request: FastifyRequest): boolean {
  return /text\/html/.test(request.headers.accept ?? '');
}

/** A 4xx for pages: HTML for a browser, the one JSON error shape for anything else. */
export function pageError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error: { error: string; message: string; details?: FieldError[] },
  title: string,
) {
  if (wantsHtml(request))
    return reply.code(status).type('text/html; charset=utf-8').send(htmlPage(title, error.message));
  return reply.code(status).send({ details: [], ...error });
}
