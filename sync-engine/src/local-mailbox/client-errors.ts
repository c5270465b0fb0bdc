/**
 * Requests Node's HTTP parser refuses before any route sees them (a request line and headers over its 16 KB, as a
 * `$filter` of 15 KB nearly was; a malformed request; one too slow to arrive) answered in Graph's error shape on
 * the raw socket, instead of fastify's own `{"error","message","statusCode"}`. The codes are ours (Graph's front
 * door answers these before Graph does).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { Socket } from 'node:net';
import { GraphError } from './errors';
import { Clock } from '../common/clock';

/** fastify's `clientErrorHandler`. */
export function graphClientErrorHandler(clock: Clock): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    // A connection reset or already closed: nobody is listening for an answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const graphError =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new GraphError(
            431,
            'RequestHeaderFieldsTooLarge',
            'The request line and headers are larger than the 16 KB the server reads.',
          )
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new GraphError(408, 'RequestTimeout', 'The request did not arrive in time.')
          : new GraphError(400, 'BadRequest', 'The request could not be read as HTTP.');
    const requestId = crypto.randomUUID();
    const body = JSON.stringify(graphError.toBody(clock.now(), requestId, requestId));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${graphError.status} ${http.STATUS_CODES[graphError.status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
          `request-id: ${requestId}\r\nclient-request-id: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}
