/**
 * The one error type of the org client. Every failure (a REST error array, a SOAP fault, an OAuth error,
 * a socket that never connected, an answer that is not Salesforce's) is mapped here, once, into a
 * SalesforceApiError carrying Salesforce's own errorCode and a kind the callers act on.
 */
import { AxiosError, AxiosResponse } from 'axios';
import { Failure, FailureKind, failure } from '../failures/failure';
import { parseRetryAfter } from '../failures/retry-plan';

/**
 * The client's own sorting of what the wire said (kept for its callers); `.failure` is the shared vocabulary
 * (failures/failure.ts) that the synchronizer and the service act on:
 * - accessRevoked: the access rule refused (stop, keep everything, re-check slowly)
 * - authExpired: the session is gone (refresh once, shared by all callers)
 * - rateLimited: the org's request allocation is used up
 * - validation: the request or a record was wrong (report it, go on)
 * - network: the org could not be reached, or what answered was not a Salesforce org
 * - other: anything else Salesforce said (bad credentials, unknown client, server errors)
 */
export type SalesforceErrorKind = 'accessRevoked' | 'authExpired' | 'rateLimited' | 'validation' | 'network' | 'other';

export interface SalesforceErrorDetails {
  errorCode: string;
  message: string;
  kind: SalesforceErrorKind;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  /** The URL that was requested (never with credentials in it). */
  url?: string;
  fields?: string[];
  /** How long the org asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The answer was a SOAP fault (which Salesforce sends with status 500 for every refusal). */
  soapFault?: boolean;
}

export class SalesforceApiError extends Error {
  readonly errorCode: string;
  readonly kind: SalesforceErrorKind;
  readonly status: number | null;
  readonly url: string | undefined;
  readonly fields: string[] | undefined;
  readonly retryAfterMs: number | undefined;
  /** What a caller does about it, in the vocabulary both remotes share. */
  readonly failure: Failure;

  constructor(d: SalesforceErrorDetails) {
    super(d.message);
    this.name = 'SalesforceApiError';
    this.errorCode = d.errorCode;
    this.kind = d.kind;
    this.status = d.status;
    this.url = d.url;
    this.fields = d.fields;
    this.retryAfterMs = d.retryAfterMs;
    this.failure = failure(failureKindOf(d), 'salesforce', d.errorCode, d.message, d.retryAfterMs);
  }
}

/** Socket failures after which the request may have reached the org (and may pass). */
const BROKEN_MID_REQUEST = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
/** Server errors that may pass (501 never does). */
const SERVER_BUSY = new Set([500, 502, 503, 504]);
/**
 * Salesforce's own codes for a failure on its side, which may pass (its REST errors and SOAP faults). A SOAP fault
 * always comes with status 500, whatever it says (INVALID_LOGIN too), so for Salesforce's answers the code decides.
 */
export const SERVER_ERROR_CODES: ReadonlySet<string> = new Set(['UNKNOWN_EXCEPTION', 'SERVER_UNAVAILABLE']);

/** The shared failure kind of an org error. */
function failureKindOf(d: SalesforceErrorDetails): FailureKind {
  switch (d.kind) {
    case 'accessRevoked':
    case 'authExpired':
    case 'rateLimited':
      return d.kind;
    case 'network':
      return d.status === null && BROKEN_MID_REQUEST.has(d.errorCode) ? 'transient' : 'unreachable';
    case 'validation':
      if (d.status === 404 || d.errorCode === 'NOT_FOUND' || d.errorCode === 'ENTITY_IS_DELETED') return 'notFound';
      return d.status === 409 || d.status === 412 ? 'conflict' : 'validation';
    case 'other':
      if (SERVER_ERROR_CODES.has(d.errorCode)) return 'transient';
      // A SOAP fault is a refusal with status 500: only Salesforce's server-side codes above may pass.
      return d.status !== null && SERVER_BUSY.has(d.status) && !d.soapFault ? 'transient' : 'other';
  }
}

const ACCESS_REVOKED = new Set(['API_CURRENTLY_DISABLED', 'API_DISABLED_FOR_ORG']);
const AUTH_EXPIRED = new Set(['INVALID_SESSION_ID']);
const RATE_LIMITED = new Set(['REQUEST_LIMIT_EXCEEDED']);
const VALIDATION = new Set([
  'MALFORMED_QUERY',
  'INVALID_FIELD',
  'INVALID_TYPE',
  'REQUIRED_FIELD_MISSING',
  'STRING_TOO_LONG',
  'INVALID_EMAIL_ADDRESS',
  'NOT_FOUND',
  'ENTITY_IS_DELETED',
  'MALFORMED_ID',
  'INVALID_ID_FIELD',
  'INVALID_CROSS_REFERENCE_KEY',
  'JSON_PARSER_ERROR',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'DUPLICATE_VALUE',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'FIELD_INTEGRITY_EXCEPTION',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  'NUMBER_OUTSIDE_VALID_RANGE',
  'EXCEEDED_ID_LIMIT',
  'INVALID_QUERY_LOCATOR',
  'MULTIPLE_CHOICES',
  'INVALID_REQUEST',
]);

/** The kind Salesforce's error code belongs to. */
export function kindOf(errorCode: string, status: number | null): SalesforceErrorKind {
  if (ACCESS_REVOKED.has(errorCode)) return 'accessRevoked';
  if (AUTH_EXPIRED.has(errorCode)) return 'authExpired';
  if (RATE_LIMITED.has(errorCode)) return 'rateLimited';
  if (VALIDATION.has(errorCode)) return 'validation';
  if (status === 401) return 'authExpired';
  return 'other';
}

/** A failure before any answer came (refused, not found, timed out, TLS): the request never reached an org. */
export function networkError(err: unknown, url: string): SalesforceApiError {
  const e = err as AxiosError & { cause?: { code?: string } };
  const code =
    (e.code === 'ERR_NETWORK' || e.code === undefined) && e.cause?.code ? e.cause.code : (e.code ?? 'NETWORK_ERROR');
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '');
  const errorCode = timedOut ? 'ETIMEDOUT' : code;
  const reason = timedOut ? 'the request timed out' : describeNetworkCode(errorCode, e.message);
  return new SalesforceApiError({
    errorCode,
    message: `cannot reach ${originOf(url)}: ${reason}`,
    kind: 'network',
    status: null,
    url,
  });
}

function describeNetworkCode(code: string, fallback: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
  }
  if (/CERT|SSL|TLS|EPROTO/.test(code)) return `TLS error (${code})`;
  return fallback || code;
}

/** An answer came, but not from a Salesforce org (an HTML page, a proxy, garbage). */
export function notSalesforce(url: string, status: number, what: string): SalesforceApiError {
  return new SalesforceApiError({
    errorCode: 'NOT_SALESFORCE',
    kind: 'network',
    status,
    url,
    message: `${originOf(url)} did not answer like a Salesforce org (HTTP ${status}, ${what})`,
  });
}

/** Map a REST answer with status >= 400 (a JSON error array) into the error. */
export function fromRestResponse(res: AxiosResponse, url: string, nowMs = Date.now()): SalesforceApiError {
  const err = restError(res, url);
  const retryAfter = res.headers['retry-after'];
  const retryAfterMs = parseRetryAfter(
    retryAfter === undefined || retryAfter === null ? undefined : String(retryAfter),
    nowMs,
  );
  if (retryAfterMs === undefined) return err;
  return new SalesforceApiError({
    errorCode: err.errorCode,
    message: err.message,
    kind: err.kind,
    status: err.status,
    url: err.url,
    fields: err.fields,
    retryAfterMs,
  });
}

function restError(res: AxiosResponse, url: string): SalesforceApiError {
  const body = parseJsonBody(res);
  if (Array.isArray(body) && body.length > 0 && isObject(body[0]) && typeof body[0].errorCode === 'string') {
    const first = body[0] as { errorCode: string; message?: string; fields?: string[] };
    const errorCode = body.length > 1 ? 'MULTIPLE_API_ERRORS' : first.errorCode;
    return new SalesforceApiError({
      errorCode,
      message: String(first.message ?? errorCode),
      kind: kindOf(first.errorCode, res.status),
      status: res.status,
      url,
      fields: Array.isArray(first.fields) ? first.fields : undefined,
    });
  }
  if (isObject(body) && typeof body.error === 'string') return fromOAuthBody(body, res.status, url);
  if (body === undefined) return notSalesforce(url, res.status, describeContent(res));
  return new SalesforceApiError({
    errorCode: `ERROR_HTTP_${res.status}`,
    message: `HTTP ${res.status}`,
    kind: kindOf('', res.status),
    status: res.status,
    url,
  });
}

/** An OAuth error body `{error, error_description}`. */
export function fromOAuthBody(body: Record<string, unknown>, status: number, url: string): SalesforceApiError {
  const errorCode = String(body.error);
  return new SalesforceApiError({
    errorCode,
    message: String(body.error_description ?? errorCode),
    kind: kindOf(errorCode, status),
    status,
    url,
  });
}

/** The JSON body of a response when it is JSON, else undefined. */
export function parseJsonBody(res: AxiosResponse): unknown {
  const type = String(res.headers['content-type'] ?? '');
  const data: unknown = res.data;
  if (typeof data !== 'string') return data instanceof Buffer ? tryJson(data.toString('utf8'), type) : data;
  return tryJson(data, type);
}

function tryJson(text: string, contentType: string): unknown {
  if (/html/i.test(contentType)) return undefined;
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeContent(res: AxiosResponse): string {
  const type = String(res.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  return type ? `content-type ${type}` : 'no content-type';
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
