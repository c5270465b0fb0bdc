/**
 * A request of a `$batch` run in-process: its route found in the mailbox's own copy of the routes (inner-routes.ts)
 * and its handler called with a request and a reply that hold only what a handler reads and writes, where fastify's
 * `inject` would build a fake HTTP exchange for it (streams, the body written out and parsed again, the hooks). What
 * fastify's lifecycle adds for such a request is done here the same way: the token checked (server.ts, onRequest),
 * the throttle counted, the request ids, an error rendered as the error handler renders it.
 *
 * Only the plain case runs so: a route of resource() (http.ts), a JSON body (already parsed with the batch, and no
 * bigger than the whole batch, so within the route's limit when the batch is), or none. Anything else (no route, a
 * body of another type or bigger than the route takes, a method that carries no body with one) returns null, and
 * the request goes through `inject`, where fastify answers it as it would alone.
 */
import crypto from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findInnerRoute } from './inner-routes';
import { GraphError, graphErrors, toGraphError } from './errors';
import { authenticate } from './auth';
import { mailboxOf } from './http';
import { MailboxContext } from './context';

/** What a handler's reply held once it was sent. */
export interface StepReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = /^application\/json(\s*;|$)/i;
const BODY_METHODS = new Set(['POST', 'PATCH']);

/**
 * Run one request of a batch in-process, or null when it is not the plain case (see above). `headers` are the
 * request's, lower-case, with the batch's token; `batch` is the batch's own request.
 */
export async function runStep(
  app: FastifyInstance,
  batch: FastifyRequest,
  step: { method: string; url: string; headers: Record<string, string>; body?: unknown },
  ctx: MailboxContext,
): Promise<StepReply | null> {
  const found = findInnerRoute(app, step.method, step.url);
  if (!found) return null;
  if (step.body !== undefined) {
    if (!BODY_METHODS.has(step.method) || typeof step.body !== 'object' || step.body === null) return null;
    if (!JSON_TYPE.test(step.headers['content-type'] ?? '')) return null;
    const batchLength = Number(batch.headers['content-length']);
    if (!(batchLength <= found.route.bodyLimit)) return null;
  }
  const requestId = crypto.randomUUID();
  const client = step.headers['client-request-id'];
  const req = {
    method: step.method,
    url: step.url,
    headers: step.headers,
    params: found.params,
    query: found.query,
    body: step.body,
    protocol: batch.protocol,
    socket: batch.socket,
    graphRequestId: requestId,
    graphClientRequestId: client !== undefined && client !== '' ? client : requestId,
  } as unknown as FastifyRequest;
  const reply = new StepReplyBuilder();
  try {
    req.mailbox = authenticate(ctx, req);
    const retryAfter = ctx.throttle.take(req.mailbox.no);
    if (retryAfter !== undefined) throw graphErrors.throttled(retryAfter);
    await found.route.handler(req, reply as unknown as FastifyReply, mailboxOf(req));
    if (!reply.sent) throw new Error(`${step.method} ${step.url}: the handler sent no answer`);
  } catch (err) {
    return errorReply(toGraphError(err, req), req, ctx);
  }
  return reply.result();
}

/** An error as the server's error handler sends it (server.ts, sendGraphError). */
function errorReply(err: GraphError, req: FastifyRequest, ctx: MailboxContext): StepReply {
  const requestId = req.graphRequestId!;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.headers)) headers[k.toLowerCase()] = v;
  headers['content-type'] = 'application/json; charset=utf-8';
  return {
    status: err.status,
    headers,
    body: JSON.stringify(err.toBody(ctx.store.clock.now(), requestId, req.graphClientRequestId ?? requestId)),
  };
}

/** The part of fastify's reply the routes use, kept as data. */
class StepReplyBuilder {
  private statusCode = 200;
  private readonly fields: Record<string, string> = {};
  private payload: string | undefined;
  sent = false;

  code(status: number): this {
    this.statusCode = status;
    return this;
  }

  status(status: number): this {
    return this.code(status);
  }

  header(name: string, value: unknown): this {
    this.fields[name.toLowerCase()] = String(value);
    return this;
  }

  headers(all: Record<string, unknown>): this {
    for (const [k, v] of Object.entries(all)) this.header(k, v);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.fields[name.toLowerCase()];
  }

  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.fields;
  }

  removeHeader(name: string): this {
    delete this.fields[name.toLowerCase()];
    return this;
  }

  type(contentType: string): this {
    return this.header('content-type', contentType);
  }

  /** As fastify sends: a string as it is (text/plain unless typed), anything else as JSON. */
  send(payload?: unknown): this {
    if (this.sent) throw new Error('reply sent twice');
    this.sent = true;
    if (payload === undefined || payload === null) return this;
    if (typeof payload === 'string') {
      this.fields['content-type'] ??= 'text/plain; charset=utf-8';
      this.payload = payload;
    } else {
      this.fields['content-type'] ??= 'application/json; charset=utf-8';
      this.payload = JSON.stringify(payload);
    }
    return this;
  }

  result(): StepReply {
    return { status: this.statusCode, headers: this.fields, body: this.payload ?? '' };
  }
}
