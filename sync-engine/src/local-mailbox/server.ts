/**
 * The embedded Graph-compatible mailbox: one fastify app serving `/v1.0/me/...` (contacts, events, To Do)
 * with Graph's wire formats, the bearer token checked and the throttle switch applied on every request.
 * Paths are matched without regard to case, as Graph does (`contactfolders` = `contactFolders`).
 * Beside Graph, the same app serves the Microsoft identity platform's v2.0 endpoints (identity/).
 */
import crypto from 'node:crypto';
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MailboxContext } from './context';
import { GraphError, graphErrors, toGraphError } from './errors';
import { authenticate } from './auth';
import { registerMe } from './me';
import { registerContacts } from './contacts';
import { registerEvents } from './events';
import { registerTodo } from './todo';
import { registerThrottleAdmin } from './throttle';
import { TlsMaterial } from './tls';
import { addJsonBodyParser } from './body-limits';
import { graphClientErrorHandler } from './client-errors';
import { registerCalendarView } from './calendar-view';
import { registerIdentityPlatform } from './identity/routes';
import { registerRevoke } from './identity/revoke';
import { BATCH_PATH, registerBatch } from './batch';
import { ROUTER_OPTIONS } from './inner-routes';

const GRAPH_PATH = /^\/v1\.0(?:[/?]|$)/i;
const ADMIN_PATH = /^\/_admin(?:[/?]|$)/i;
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:{}-]{1,100}$/;

/** Build the mailbox's HTTP(S) app (not listening yet). */
export async function buildMailboxServer(ctx: MailboxContext, tls?: TlsMaterial): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.options.bodyLimit,
    return503OnClosing: false,
    clientErrorHandler: graphClientErrorHandler(ctx.store.clock),
    routerOptions: ROUTER_OPTIONS,
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
  }) as unknown as FastifyInstance;

  // JSON only: any other body is a 415, an unreadable one Graph's 400.
  app.removeAllContentTypeParsers();
  addJsonBodyParser(app);

  app.addHook('onRequest', async (req, reply) => {
    const requestId = crypto.randomUUID();
    const client = req.headers['client-request-id'];
    req.graphRequestId = requestId;
    req.graphClientRequestId = typeof client === 'string' && CLIENT_REQUEST_ID.test(client) ? client : requestId;
    reply.header('request-id', requestId).header('client-request-id', req.graphClientRequestId);
    const graph = GRAPH_PATH.test(req.url);
    if (!graph && !ADMIN_PATH.test(req.url)) return;
    req.mailbox = authenticate(ctx, req);
    // A batch's requests are throttled one by one as they run (batch.ts), the batch itself not.
    if (graph && !BATCH_PATH.test(req.url)) {
      const retryAfter = ctx.throttle.take(req.mailbox.no);
      if (retryAfter !== undefined) throw graphErrors.throttled(retryAfter);
    }
  });

  app.setErrorHandler((err: FastifyError | GraphError, req: FastifyRequest, reply: FastifyReply) => {
    sendGraphError(req, reply, toGraphError(err, req), ctx);
  });
  app.setNotFoundHandler((req, reply) => {
    const segments = req.url
      .split('?')[0]
      .split('/')
      .filter((s) => s !== '');
    const err =
      GRAPH_PATH.test(req.url) && segments.length > 1
        ? graphErrors.segmentNotFound(decodeSegment(segments[segments.length - 1]))
        : graphErrors.notFound();
    sendGraphError(req, reply, err, ctx);
  });

  registerMe(app);
  registerContacts(app, ctx);
  registerEvents(app, ctx);
  registerCalendarView(app, ctx);
  registerTodo(app, ctx);
  registerBatch(app, ctx);
  registerThrottleAdmin(app, ctx.throttle);
  registerRevoke(app, ctx.identity);
  await registerIdentityPlatform(app, ctx.identity, {
    deviceCodeIntervalSeconds: ctx.options.deviceCodeIntervalSeconds,
  });
  return app;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s).slice(0, 200);
  } catch {
    return s.slice(0, 200);
  }
}

/** Errors go out as plain `application/json` (WIRE.md 11.1), with the request's ids in `innerError`. */
export function sendGraphError(req: FastifyRequest, reply: FastifyReply, err: GraphError, ctx: MailboxContext): void {
  const requestId = req.graphRequestId ?? crypto.randomUUID();
  const body = err.toBody(ctx.store.clock.now(), requestId, req.graphClientRequestId ?? requestId);
  reply
    .code(err.status)
    .headers(err.headers)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body));
}
