/**
 * The one error type of the mailbox client. Every failure (a Graph error body, a socket that never
 * connected, an answer that is not Graph's, a link to another host) is mapped here, once, into a
 * GraphApiError carrying Graph's own error code and a kind the callers act on (WIRE.md section 11).
 * It never holds the request (whose headers carry the bearer token), only what is safe to log.
 */
import { parseRetryAfter } from '../failures/retry-plan';
import { Failure, FailureKind, failure } from '../failures/failure';

/**
 * The client's own sorting of what the wire said (kept for its callers); `.failure` is the shared vocabulary
 * (failures/failure.ts) that the synchronizer acts on:
 * - authExpired: the token is no longer accepted (401) — refresh once, shared by all callers
 * - accessRevoked: the mailbox refused this app or user (403) — stop, keep everything, re-check slowly
 * - rateLimited: throttled (429, or 503 with Retry-After) — wait as told (retryAfterMs when known)
 * - transient: a server or socket failure that may pass (5xx, reset, timeout) — retry later
 * - syncStateLost: the delta token is gone (410, syncStateNotFound / resyncRequired) — start a full delta again
 * - validation: the request or the item was wrong (400/404/409/412/413/415/422) — report the record, go on
 * - network: the mailbox could not be reached, or what answered was not Graph
 * - other: anything else
 */
export type GraphErrorKind =
  'authExpired' | 'accessRevoked' | 'rateLimited' | 'transient' | 'syncStateLost' | 'validation' | 'network' | 'other';

export interface GraphErrorDetails {
  kind: GraphErrorKind;
  /** Graph's `error.code` (`ErrorItemNotFound`, `SyncStateNotFound`, ...), or ours for failures without a body. */
  code: string;
  message: string;
  /** HTTP status, or null when no answer came. */
  statusCode: number | null;
  requestId?: string;
  /** How long the server asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  method?: string;
  /** The URL requested, without its query string. */
  url?: string;
  /** How many times the request was sent. */
  attempts?: number;
}

export class GraphApiError extends Error {
  readonly kind: GraphErrorKind;
  readonly code: string;
  readonly statusCode: number | null;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly attempts: number;
  /** What a caller does about it, in the vocabulary both remotes share. */
  readonly failure: Failure;

  constructor(d: GraphErrorDetails) {
    super(d.message);
    this.name = 'GraphApiError';
    this.kind = d.kind;
    this.code = d.code;
    this.statusCode = d.statusCode;
    this.requestId = d.requestId;
    this.retryAfterMs = d.retryAfterMs;
    this.method = d.method;
    this.url = d.url;
    this.attempts = d.attempts ?? 1;
    this.failure = failure(failureKindOf(d), 'outlook', d.code, d.message, d.retryAfterMs);
  }

  toJSON(): GraphErrorDetails {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      statusCode: this.statusCode,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
      method: this.method,
      url: this.url,
      attempts: this.attempts,
    };
  }
}

/** The shared failure kind of a mailbox error. */
function failureKindOf(d: GraphErrorDetails): FailureKind {
  switch (d.kind) {
    case 'network':
      return 'unreachable';
    case 'validation':
      return d.statusCode === 404
        ? 'notFound'
        : d.statusCode === 409 || d.statusCode === 412
          ? 'conflict'
          : 'validation';
    default:
      return d.kind;
  }
}

const SYNC_STATE_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);
const VALIDATION_STATUSES = new Set([400, 404, 409, 412, 413, 415, 422]);

/** The kind a Graph answer belongs to. */
export function kindOf(status: number, code: string, hasRetryAfter: boolean): GraphErrorKind {
  if (status === 410 || SYNC_STATE_CODES.has(code.toLowerCase())) return 'syncStateLost';
  if (status === 401) return 'authExpired';
  if (status === 403) return 'accessRevoked';
  if (status === 429 || (status === 503 && hasRetryAfter)) return 'rateLimited';
  if (status >= 500) return status === 501 ? 'other' : 'transient';
  if (VALIDATION_STATUSES.has(status)) return 'validation';
  return 'other';
}

export interface AnswerContext {
  method: string;
  url: string;
  nowMs: number;
  attempts?: number;
  /** Removed from anything taken from the answer (a server that echoes the Authorization header). */
  secret?: string;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, unknown>;
  /** The body as text. */
  data: unknown;
}

/** Map an answer with status >= 300 into the error. */
export function fromResponse(res: RawAnswer, ctx: AnswerContext): GraphApiError {
  const body = parseJson(res);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const inner = error && isObject(error.innerError) ? error.innerError : undefined;
  const retryAfterHeader = headerText(res.headers, 'retry-after');
  const retryAfterMs = parseRetryAfter(retryAfterHeader, ctx.nowMs);
  const code = typeof error?.code === 'string' && error.code !== '' ? error.code : `ERROR_HTTP_${res.status}`;
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : error
        ? code
        : `HTTP ${res.status} (${describeContent(res.headers)})`;
  const requestId =
    typeof inner?.['request-id'] === 'string' ? inner['request-id'] : headerText(res.headers, 'request-id');
  return new GraphApiError({
    kind: kindOf(res.status, code, retryAfterMs !== undefined),
    code: redact(code, ctx.secret),
    message: redact(message, ctx.secret),
    statusCode: res.status,
    requestId,
    retryAfterMs,
    method: ctx.method,
    url: withoutQuery(ctx.url),
    attempts: ctx.attempts,
  });
}

/** A failure before any answer came (refused, reset, timed out, TLS). */
export function fromNetworkError(networkCode: string, ctx: Omit<AnswerContext, 'nowMs'>): GraphApiError {
  const timedOut = networkCode === 'ETIMEDOUT' || networkCode === 'ECONNABORTED' || networkCode === 'ESOCKETTIMEDOUT';
  const code = timedOut ? 'ETIMEDOUT' : networkCode;
  // A socket that broke or timed out mid-request may work next time; one that cannot connect is "unreachable".
  const transient = timedOut || code === 'ECONNRESET' || code === 'EPIPE' || code === 'EAI_AGAIN';
  return new GraphApiError({
    kind: transient ? 'transient' : 'network',
    code,
    message: `cannot reach ${originOf(ctx.url)}: ${describeNetworkCode(code)}`,
    statusCode: null,
    method: ctx.method,
    url: withoutQuery(ctx.url),
    attempts: ctx.attempts,
  });
}

/** An answer came, but not one Graph gives (HTML, no JSON, a page without `value`). */
export function notGraph(ctx: { method: string; url: string; status: number; what: string }): GraphApiError {
  return new GraphApiError({
    kind: 'network',
    code: 'NOT_GRAPH',
    statusCode: ctx.status,
    method: ctx.method,
    url: withoutQuery(ctx.url),
    message: `${originOf(ctx.url)} did not answer like Microsoft Graph (HTTP ${ctx.status}, ${ctx.what})`,
  });
}

/** A link (nextLink, deltaLink) that points away from the mailbox: the token is not sent there. */
export function foreignLink(link: string, mailboxOrigin: string): GraphApiError {
  return new GraphApiError({
    kind: 'other',
    code: 'FOREIGN_LINK',
    statusCode: null,
    url: withoutQuery(link),
    message: `refusing to follow a link to ${originOf(link)}: the mailbox is ${mailboxOrigin}`,
  });
}

function describeNetworkCode(code: string): string {
  switch (code) {
    case 'ETIMEDOUT':
      return 'the request timed out';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EPIPE':
      return 'connection closed while sending';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
  }
  if (/CERT|SSL|TLS|EPROTO/.test(code)) return `TLS error (${code})`;
  return code;
}

/** The JSON body of an answer when it is JSON, else undefined. */
export function parseJson(res: RawAnswer): unknown {
  const type = headerText(res.headers, 'content-type') ?? '';
  const data = Buffer.isBuffer(res.data) ? res.data.toString('utf8') : res.data;
  if (typeof data !== 'string') return data ?? undefined;
  if (/html|xml/i.test(type) || data.trim() === '') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

export function describeContent(headers: Record<string, unknown>): string {
  const type = (headerText(headers, 'content-type') ?? '').split(';')[0].trim();
  return type ? `content-type ${type}` : 'no content-type';
}

export function headerText(headers: Record<string, unknown>, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map(String).join(', ') : String(v);
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function withoutQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
