/**
 * Refusals made before any route runs: a request line or headers over Salesforce's 16 KB, a URL that is not valid
 * percent-encoding, a request that is not HTTP. Each is worded in the shape of the endpoint its URL names: a SOAP
 * fault for SOAP login, OAuth's JSON error for the OAuth endpoints, the REST error array everywhere else.
 */
import http from 'node:http';
import { Socket } from 'node:net';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SalesforceRestError, restErrors } from './errors';
import { JSON_CONTENT_TYPE } from './json-reply';
import { invalidRequest } from './oauth-errors';
import { MAX_URL_AND_HEADER_BYTES } from './request-limits';
import { SoapFault, XML_CONTENT_TYPE, faultNamespaceFor } from './soap-fault';
import { pathOf } from '../common/unexpected-error-log';

export interface RenderedRefusal {
  status: number;
  contentType: string;
  body: string;
}

/** A refusal in the shape the endpoint at `path` speaks. */
export function renderRefusal(path: string, refusal: SalesforceRestError): RenderedRefusal {
  if (path.startsWith('/services/Soap/')) {
    return {
      status: refusal.status,
      contentType: XML_CONTENT_TYPE,
      body: SoapFault.client(refusal.message).toXml(faultNamespaceFor(path)),
    };
  }
  if (path.startsWith('/services/oauth2/')) {
    return {
      status: refusal.status,
      contentType: JSON_CONTENT_TYPE,
      body: JSON.stringify(invalidRequest(refusal.message).toBody()),
    };
  }
  return { status: refusal.status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(refusal.toBody()) };
}

/**
 * Node's `clientError`: the request never reached fastify. Node stops reading at 16 KB of request line and headers,
 * as Salesforce does; the request line alone past that is Salesforce's 414, otherwise its 431.
 */
export function answerClientError(err: Error, socket: Socket): void {
  const { code, rawPacket } = err as Error & { code?: string; rawPacket?: unknown };
  if (code === 'ECONNRESET' || socket.destroyed) return;
  const head = Buffer.isBuffer(rawPacket) ? rawPacket.toString('latin1', 0, MAX_URL_AND_HEADER_BYTES + 2) : '';
  const lineEnd = head.indexOf('\r\n');
  const refusal =
    code === 'HPE_HEADER_OVERFLOW'
      ? lineEnd === -1 || lineEnd > MAX_URL_AND_HEADER_BYTES
        ? restErrors.uriTooLong(MAX_URL_AND_HEADER_BYTES)
        : restErrors.headersTooLarge(MAX_URL_AND_HEADER_BYTES)
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? restErrors.requestTimeout()
        : restErrors.badHttp();
  const path = /^[A-Z]+ (\/[^\s?]*)/.exec(head.slice(0, 256))?.[1] ?? '/';
  const r = renderRefusal(path, refusal);
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status]}\r\nContent-Type: ${r.contentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(r.body)}\r\nConnection: close\r\n\r\n${r.body}`,
  );
}

/** Fastify's own refusals before routing (a malformed percent-encoding in the URL), in the endpoint's shape. */
export function answerFrameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const refusal =
    err.code === 'FST_ERR_BAD_URL'
      ? restErrors.badUrl()
      : new SalesforceRestError(
          typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 400,
          'INVALID_REQUEST',
          err.message,
        );
  const r = renderRefusal(pathOf(req.url), refusal);
  void reply.code(r.status).header('content-type', r.contentType).send(r.body);
}
