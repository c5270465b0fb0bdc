/**
 * The HTTP conventions every Graph route shares: JSON bodies with Graph's Content-Type, the weak ETag header,
 * 405 for a method a resource lacks, the JSON object a write must send, and `If-Match` preconditions.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GRAPH_JSON, graphErrors } from './errors';
import { etagOf } from './ids';
import { MailboxRecord } from './store';
import { Obj, isObject } from './properties';
import { BODY_LIMITS } from './body-limits';
import { checkUsersSegment, withUsersAlias } from './users-alias';
import { RouteHandler, addInnerRoute } from './inner-routes';
import { checkPermission, permissionRule } from './permissions';

declare module 'fastify' {
  interface FastifyRequest {
    /** The mailbox the bearer token opened (set by the auth gate for /v1.0 and /_admin). */
    mailbox?: MailboxRecord;
    /** Which kind of token opened it: the seed's static token, or an access token from the identity platform. */
    mailboxTokenKind?: 'static' | 'identity';
    graphRequestId?: string;
    graphClientRequestId?: string;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Handler = RouteHandler;
const METHODS: Method[] = ['GET', 'POST', 'PATCH', 'DELETE'];

/**
 * Register a resource's handlers on its urls (under /v1.0), taking bodies up to `bodyLimit` bytes (body-limits.ts);
 * any other method is a 405, and reads no more than a small body. Every `/me...` url is also served as
 * `/users/{id | userPrincipalName}...` (the paths Microsoft's Kiota-based SDK builds) by the same handler, for the
 * token's own mailbox only (users-alias.ts).
 */
export function resource(
  app: FastifyInstance,
  urls: string[],
  handlers: Partial<Record<Method, Handler>>,
  bodyLimit: number = BODY_LIMITS.none,
): void {
  const allowed = METHODS.filter((m) => handlers[m]);
  for (const url of urls.flatMap(withUsersAlias)) {
    const rule = permissionRule(url);
    for (const m of allowed) {
      // The token's permissions checked first, whichever way the request came (alone, or inside a $batch).
      const handler: Handler = (req, reply, mailbox) => {
        checkPermission(req, rule);
        return handlers[m]!(req, reply, mailbox);
      };
      addInnerRoute(app, m, `/v1.0${url}`, { handler, bodyLimit });
      app.route({
        method: m,
        url: `/v1.0${url}`,
        bodyLimit,
        handler: async (req, reply) => {
          await handler(req, reply, mailboxOf(req));
          return reply;
        },
      });
    }
    app.route({
      method: [...METHODS.filter((m) => !handlers[m]), 'PUT', ...(handlers.GET ? [] : ['HEAD'])],
      url: `/v1.0${url}`,
      bodyLimit: BODY_LIMITS.none,
      handler: async (req) => {
        mailboxOf(req);
        throw graphErrors.methodNotAllowed(req.method, allowed);
      },
    });
  }
}

/** The caller's mailbox; the auth gate sets it before any /v1.0 route runs. Under /users/{x}, x must be it. */
export function mailboxOf(req: FastifyRequest): MailboxRecord {
  if (!req.mailbox) throw graphErrors.emptyToken();
  checkUsersSegment(req, req.mailbox);
  return req.mailbox;
}

/** Send a JSON body with Graph's Content-Type. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  reply.code(status).header('content-type', GRAPH_JSON).header('cache-control', 'private').send(JSON.stringify(body));
}

/** Send one entity with its ETag header (WIRE.md: the header carries the same weak ETag as `@odata.etag`). */
export function sendEntity(reply: FastifyReply, status: number, entity: Obj, changeKey?: string): void {
  if (changeKey) reply.header('etag', etagOf(changeKey));
  sendJson(reply, status, entity);
}

export function sendNoContent(reply: FastifyReply): void {
  reply.code(204).header('cache-control', 'private').send();
}

/** The JSON object a POST or PATCH sends: wrong media type 415, no body or not an object 400. */
export function jsonBody(req: FastifyRequest): Obj {
  const type = String(req.headers['content-type'] ?? '');
  if (req.body !== undefined && !/^application\/json(\s*;|$)/i.test(type)) throw graphErrors.unsupportedMediaType(type);
  if (req.body === undefined || req.body === null) throw graphErrors.emptyBody();
  if (!isObject(req.body)) throw graphErrors.badJson();
  return req.body;
}

/** Refuse a write whose `If-Match` names another version (412); `*` and no header always pass. */
export function checkIfMatch(req: FastifyRequest, changeKey: string): void {
  const header = req.headers['if-match'];
  if (header === undefined) return;
  const wanted = String(header)
    .split(',')
    .map((s) =>
      s
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    );
  if (wanted.includes('*') || wanted.includes(changeKey)) return;
  throw graphErrors.changeKeyMismatch();
}

/** A route parameter as given (fastify has decoded it). */
export function param(req: FastifyRequest, name: string): string {
  return (req.params as Record<string, string>)[name];
}
