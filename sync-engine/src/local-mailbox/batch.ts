/**
 * JSON batching (`POST /v1.0/$batch`), as Graph serves it: up to 20 requests in one round trip, each with its own
 * `id`, `method`, relative `url`, `headers` and `body`, answered with its own `id`, `status`, `headers` and `body`.
 * Each request runs in-process through the same routes as a request of its own (fastify's `inject`), with the
 * batch's bearer token: authentication, the `/users/{id}` alias, `If-Match` and the throttle switch apply to it
 * alone, so a throttled request inside a batch answers 429 with its Retry-After and its neighbours go through.
 * The batch itself is not counted by the throttle: its requests are.
 *
 * Requests run one after another in the order sent (Graph may run them in any order; one after another is one of
 * those). `dependsOn` names earlier requests: a request whose dependency did not succeed answers 424 without
 * running. A batch that cannot be read (not an object, no `requests`, more than 20, a duplicate or missing `id`, a
 * body without `Content-Type`, a `dependsOn` naming no request) is refused whole with Graph's 400.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { origin } from './paging';
import { BATCH_ORIGIN_HEADER, BATCH_ORIGIN_SECRET } from './batch-origin';
import { GRAPH_JSON, GraphError, graphErrors } from './errors';
import { mailboxOf } from './http';
import { isObject } from './properties';
import { MailboxContext } from './context';
import { runStep } from './batch-step';

/** Graph's limit of requests in one batch. */
export const BATCH_LIMIT = 20;

/** The batch's own path: the throttle switch counts its requests, not it. */
export const BATCH_PATH = /^\/v1\.0\/(?:\$|%24)batch(?:[/?]|$)/i;

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
/**
 * Headers of an answer passed on in its `headers` (the ids and the connection's own are the batch's), with the
 * names Graph writes.
 */
const ANSWER_HEADERS: Array<[string, string]> = [
  ['content-type', 'Content-Type'],
  ['etag', 'ETag'],
  ['retry-after', 'Retry-After'],
  ['location', 'Location'],
  ['allow', 'Allow'],
  ['www-authenticate', 'WWW-Authenticate'],
  ['cache-control', 'Cache-Control'],
];
/** Headers a request may not set for itself: the batch's token is every request's. */
const BATCH_OWNED = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'connection']);

interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  /** A JSON body as the route wrote it, embedded as it is (parsing and writing it again costs a create's time). */
  json?: string;
}

export function registerBatch(app: FastifyInstance, ctx: MailboxContext): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    mailboxOf(req);
    const steps = readBatch(req.body);
    const answers: BatchAnswer[] = [];
    const byId = new Map<string, BatchAnswer>();
    for (const step of steps) {
      const failed = step.dependsOn.find((d) => {
        const s = byId.get(d.toLowerCase())?.status ?? 0;
        return s < 200 || s >= 300;
      });
      const answer = failed ? failedDependency(step, failed, req, ctx) : await run(app, req, step, ctx);
      answers.push(answer);
      byId.set(step.id.toLowerCase(), answer);
    }
    reply
      .code(200)
      .header('content-type', GRAPH_JSON)
      .header('cache-control', 'private')
      .send(`{"responses":[${answers.map(answerJson).join(',')}]}`);
    return reply;
  };
  app.post('/v1.0/$batch', { bodyLimit: ctx.options.bodyLimit }, handler);
}

/** The batch's requests, checked whole: any problem refuses the batch with Graph's 400, naming it. */
function readBatch(body: unknown): BatchStep[] {
  if (body === undefined || body === null) throw graphErrors.emptyBody();
  if (!isObject(body) || !Array.isArray(body.requests))
    throw graphErrors.badRequest('Invalid batch payload format: send {"requests": [...]}.');
  const list = body.requests;
  if (list.length === 0) throw graphErrors.badRequest('Invalid batch payload format: requests is empty.');
  if (list.length > BATCH_LIMIT)
    throw graphErrors.badRequest(
      `Too many requests in the batch: ${list.length}. At most ${BATCH_LIMIT} requests are allowed.`,
    );
  const seen = new Set<string>();
  const steps = list.map((r: unknown, i: number): BatchStep => {
    if (!isObject(r)) throw graphErrors.badRequest(`Invalid batch payload format: requests[${i}] is not an object.`);
    const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : '';
    if (id.trim() === '') throw graphErrors.badRequest(`Invalid batch payload format: requests[${i}] has no id.`);
    if (seen.has(id.toLowerCase())) throw graphErrors.badRequest(`Batch request contains duplicate id '${id}'.`);
    seen.add(id.toLowerCase());
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
    if (!METHODS.has(method))
      throw graphErrors.badRequest(`Invalid batch payload format: request id ${id} has no supported method.`);
    if (typeof r.url !== 'string' || r.url.trim() === '')
      throw graphErrors.badRequest(`Invalid batch payload format: request id ${id} has no url.`);
    const headers: Record<string, string> = {};
    if (r.headers !== undefined) {
      if (!isObject(r.headers))
        throw graphErrors.badRequest(`Invalid batch payload format: request id ${id} headers is not an object.`);
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    if (r.body !== undefined && r.body !== null && headers['content-type'] === undefined)
      throw graphErrors.badRequest(`Write request id : ${id} does not contain Content-Type header or body.`);
    const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string' || !seen.has(d.toLowerCase())))
      throw graphErrors.badRequest(
        `Invalid batch payload format: request id ${id} dependsOn must name requests before it.`,
      );
    if ((dependsOn as string[]).some((d) => d.toLowerCase() === id.toLowerCase()))
      throw graphErrors.badRequest(`Invalid batch payload format: request id ${id} depends on itself.`);
    return { id, method, url: r.url, headers, body: r.body ?? undefined, dependsOn: dependsOn as string[] };
  });
  return steps;
}

/** Run one request through the app's own routes, with the batch's token. */
async function run(
  app: FastifyInstance,
  batch: FastifyRequest,
  step: BatchStep,
  ctx: MailboxContext,
): Promise<BatchAnswer> {
  const path = innerPath(step.url);
  if (path instanceof GraphError) return errorAnswer(step, path, batch, ctx);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.headers)) if (!BATCH_OWNED.has(k)) headers[k] = v;
  if (batch.headers.authorization) headers.authorization = batch.headers.authorization;
  // Links the answer builds (nextLink, deltaLink) point where the batch was sent.
  if (batch.headers.host) headers.host = batch.headers.host;
  headers[BATCH_ORIGIN_HEADER] = `${BATCH_ORIGIN_SECRET} ${origin(batch)}`;
  headers['client-request-id'] = batch.graphClientRequestId ?? '';
  const direct = await runStep(app, batch, { method: step.method, url: path, headers, body: step.body }, ctx);
  if (direct) return answerOf(step, direct.status, direct.headers, direct.body);
  const payload =
    step.body === undefined ? undefined : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
  const res = await app.inject({
    method: step.method as 'GET',
    url: path,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  return answerOf(step, res.statusCode, res.headers, res.body, res.rawPayload);
}

/** A request's answer in the batch: its status, the headers a batch passes on, and its body. */
function answerOf(
  step: BatchStep,
  status: number,
  headers: Record<string, string | string[] | number | undefined>,
  body: string,
  raw?: Buffer,
): BatchAnswer {
  const answerHeaders: Record<string, string> = {};
  for (const [name, shown] of ANSWER_HEADERS) {
    const v = headers[name];
    if (v !== undefined) answerHeaders[shown] = String(v);
  }
  const answer: BatchAnswer = { id: step.id, status, headers: answerHeaders };
  // The routes write JSON with JSON.stringify (http.ts sendJson, sendGraphError): whole, valid JSON text.
  if (body !== '' && /^application\/json/i.test(String(headers['content-type'] ?? ''))) {
    answer.json = body;
  } else if (body !== '') {
    try {
      answer.body = JSON.parse(body);
    } catch {
      // Not JSON: Graph sends such bodies base64-encoded.
      answer.body = (raw ?? Buffer.from(body)).toString('base64');
    }
  }
  return answer;
}

/**
 * A request's url under `/v1.0`: relative (`/me/contacts`, `me/contacts`), or with the version in front, as
 * Microsoft's client sends it (`/v1.0/me/contacts`). Nothing outside `/v1.0` (no `..` out of it), no nested batch.
 */
function innerPath(url: string): string | GraphError {
  const trimmed = url.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed))
    return graphErrors.badRequest(`The url '${trimmed.slice(0, 200)}' is absolute; a batch takes relative urls.`);
  const relative = trimmed.replace(/^\/+/, '').replace(/^v1\.0(?=[/?]|$)\/?/i, '');
  const full = new URL(`/v1.0/${relative}`, 'http://batch.invalid');
  if (!/^\/v1\.0\//i.test(full.pathname) || BATCH_PATH.test(full.pathname))
    return graphErrors.badRequest(`The url '${trimmed.slice(0, 200)}' is not a resource a batch can request.`);
  return `${full.pathname}${full.search}`;
}

function failedDependency(step: BatchStep, on: string, req: FastifyRequest, ctx: MailboxContext): BatchAnswer {
  const err = new GraphError(424, 'FailedDependency', `Request ${step.id} depends on request ${on}, which failed.`);
  return errorAnswer(step, err, req, ctx);
}

function errorAnswer(step: BatchStep, err: GraphError, req: FastifyRequest, ctx: MailboxContext): BatchAnswer {
  const requestId = req.graphRequestId ?? '';
  return {
    id: step.id,
    status: err.status,
    headers: { 'Content-Type': 'application/json', ...err.headers },
    body: err.toBody(ctx.store.clock.now(), requestId, req.graphClientRequestId ?? requestId),
  };
}

/** One answer as JSON text, its body embedded as the route wrote it. */
function answerJson(a: BatchAnswer): string {
  const { json, ...rest } = a;
  if (json === undefined) return JSON.stringify(rest);
  return `${JSON.stringify(rest).slice(0, -1)},"body":${json}}`;
}
