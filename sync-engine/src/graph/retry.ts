/**
 * When and how long to wait before sending a Graph request again, after Microsoft Graph's own client
 * (RetryHandler): Retry-After read as seconds or an HTTP date, a cap, jitter, and never a replay of a
 * request the server may already have carried out.
 *
 * The retry loop is axios-retry's; this file decides (`planRetry`) and waits through an injected sleep.
 * axios-retry's own waiting (a bare setTimeout) and its Retry-After reading (Date.now(), no cap) are not
 * used: its retryDelay hook returns 0 and the wait happens in its onRetry hook, so tests never wait.
 */
import { AxiosError, AxiosInstance, AxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';

export interface RetryOptions {
  /** Retries after the first attempt (Graph's client: 3). */
  maxRetries: number;
  /** First backoff step when the server did not say how long to wait. */
  baseDelayMs: number;
  /**
   * No single wait is longer. A Retry-After beyond it is not waited out here: the request fails with
   * kind 'rateLimited' and its retryAfterMs, and the caller schedules the next try.
   */
  maxDelayMs: number;
  /** At most this much is added to a Retry-After wait, so throttled clients do not all come back at once. */
  jitterMs: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1). */
  random: () => number;
  /** Milliseconds since the epoch (for Retry-After given as a date). */
  now: () => number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 120_000,
  jitterMs: 1_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

/** What one failed attempt looked like. */
export interface FailedAttempt {
  method: string;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  /** The socket error code when no answer came (ECONNRESET, ETIMEDOUT, ...). */
  networkCode?: string;
  retryAfter?: string;
  /** False for a body that cannot be sent twice (a stream). */
  replayable: boolean;
  /** 1 for the first retry. */
  retryNumber: number;
}

export type RetryPlan = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

/** Statuses worth another try; only 429 proves the request was not carried out. */
export const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** The connection was refused: nothing was sent, so any request may go again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED']);
/** The request may have been carried out before the socket failed: idempotent requests only. */
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

/** Retry-After in milliseconds: seconds (decimals allowed) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone takes "-3" for a year.
  const at = /[a-z]{3}/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Decide whether to send a failed request again, and after how long. */
export function planRetry(a: FailedAttempt, o: RetryOptions): RetryPlan {
  if (!a.replayable) return { retry: false, reason: 'the body cannot be sent twice' };
  const method = a.method.toUpperCase();
  const idempotent = IDEMPOTENT_METHODS.has(method);
  if (a.status === null) {
    const code = a.networkCode ?? '';
    if (NOT_SENT_CODES.has(code)) return { retry: true, delayMs: backoff(a.retryNumber, o), reason: code };
    if (MAYBE_SENT_CODES.has(code)) {
      return idempotent
        ? { retry: true, delayMs: backoff(a.retryNumber, o), reason: code }
        : { retry: false, reason: `${method} is not idempotent and may have been carried out (${code})` };
    }
    return { retry: false, reason: code || 'network failure' };
  }
  if (!RETRY_STATUSES.has(a.status)) return { retry: false, reason: `HTTP ${a.status}` };
  // 429 means "not processed": even a POST may go again. A 5xx may come after the work was done.
  if (a.status !== 429 && !idempotent) return { retry: false, reason: `${method} is not idempotent (HTTP ${a.status})` };
  const told = parseRetryAfter(a.retryAfter, o.now());
  if (told === undefined) return { retry: true, delayMs: backoff(a.retryNumber, o), reason: `HTTP ${a.status}` };
  if (told > o.maxDelayMs) return { retry: false, reason: `Retry-After ${told} ms is beyond the ${o.maxDelayMs} ms cap` };
  // Never earlier than told; a little later, spread out.
  return { retry: true, delayMs: told + Math.floor(o.random() * Math.min(o.jitterMs, o.maxDelayMs - told)), reason: `HTTP ${a.status}, Retry-After` };
}

/** Exponential backoff with equal jitter: half the step fixed, half random, capped. */
export function backoff(retryNumber: number, o: RetryOptions): number {
  const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.floor(step / 2 + o.random() * (step / 2));
}

export interface RetryNotice {
  method: string;
  url: string;
  retryNumber: number;
  delayMs: number;
  reason: string;
}

/** Per-request switch: `{ ...config, ...noRetry() }` sends a request exactly once. */
export function noRetry(): Pick<AxiosRequestConfig, 'axios-retry'> {
  return { 'axios-retry': { retries: 0 } };
}

/** The number of retries axios-retry made for this request so far. */
export function retriesMade(config: AxiosRequestConfig | undefined): number {
  return config?.['axios-retry']?.retryCount ?? 0;
}

/** Make `instance` retry under `o` (answers with a retryable status arrive as rejections until retries end). */
export function installRetry(instance: AxiosInstance, o: RetryOptions, onRetry: (n: RetryNotice) => void): void {
  const plans = new WeakMap<AxiosError, RetryPlan>();
  axiosRetry(instance, {
    retries: o.maxRetries,
    // Each attempt gets the full timeout; the waits between them are bounded by maxDelayMs.
    shouldResetTimeout: true,
    validateResponse: (res) => !RETRY_STATUSES.has(res.status),
    retryCondition: (err) => {
      const plan = planRetry(describeAttempt(err), o);
      plans.set(err, plan);
      return plan.retry;
    },
    retryDelay: () => 0,
    onRetry: async (retryNumber, err) => {
      const plan = plans.get(err);
      const delayMs = plan?.retry ? plan.delayMs : 0;
      onRetry({ method: (err.config?.method ?? 'GET').toUpperCase(), url: err.config?.url ?? '', retryNumber, delayMs, reason: plan?.reason ?? '' });
      await o.sleep(delayMs);
    },
  });
}

function describeAttempt(err: AxiosError): FailedAttempt {
  const res = err.response;
  const retryAfter = res?.headers?.['retry-after'];
  return {
    method: err.config?.method ?? 'GET',
    status: res ? res.status : null,
    networkCode: res ? undefined : networkCodeOf(err),
    retryAfter: retryAfter === undefined || retryAfter === null ? undefined : String(retryAfter),
    replayable: isReplayable(err.config?.data),
    retryNumber: retriesMade(err.config) + 1,
  };
}

/** The socket error behind an axios failure (axios puts it on `code`, or on `cause.code` for ERR_NETWORK). */
export function networkCodeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  if ((e.code === undefined || e.code === 'ERR_NETWORK') && e.cause?.code) return e.cause.code;
  if (e.code) return e.code;
  return /socket hang up/i.test(e.message ?? '') ? 'ECONNRESET' : 'NETWORK_ERROR';
}

/** Strings, buffers and no body can be sent again; a stream cannot. */
export function isReplayable(data: unknown): boolean {
  return data === undefined || data === null || typeof data === 'string' || Buffer.isBuffer(data) || data instanceof ArrayBuffer;
}
