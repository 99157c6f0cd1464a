import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { statusName } from './error-handler';

/**
 * Requests Node refuses before Fastify sees them (headers or URL over Node's limit, a request that never finished, a
 * malformed request line) get the one error shape too, on the raw socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'the request line and headers are larger than the server accepts'
      : status === 408
        ? 'the request did not arrive in time'
        : 'the request could not be parsed as HTTP';
  const body = JSON.stringify({ error: statusName(status), message, details: [] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
