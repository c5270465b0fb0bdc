/**
 * When and how long to wait before sending a failed request again, for both clients (the org's and the mailbox's),
 * after Microsoft Graph's own client (RetryHandler): Retry-After read as seconds or an HTTP date, a cap, exponential
 * backoff with jitter, a budget of retries, and never a replay of a request the server may already have carried out
 * unless sending it twice does no harm. A pure policy: time, randomness and sleep are injected.
 */

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
  /**
   * Whether sending the request twice does no harm, when the caller knows better than its method (a Salesforce
   * collections PATCH, an update or an upsert by external id, is; a POST that creates is not). Default: by method.
   */
  idempotent?: boolean;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  /** The socket error code when no answer came (ECONNRESET, ETIMEDOUT, ...). */
  networkCode?: string;
  retryAfter?: string;
  /** The same, already read (a client that parsed Retry-After into its error); `retryAfter` wins when both are given. */
  retryAfterMs?: number;
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
  const idempotent = a.idempotent ?? IDEMPOTENT_METHODS.has(method);
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
  if (a.status !== 429 && !idempotent)
    return { retry: false, reason: `${method} is not idempotent (HTTP ${a.status})` };
  const told = parseRetryAfter(a.retryAfter, o.now()) ?? a.retryAfterMs;
  if (told === undefined) return { retry: true, delayMs: backoff(a.retryNumber, o), reason: `HTTP ${a.status}` };
  if (told > o.maxDelayMs)
    return { retry: false, reason: `Retry-After ${told} ms is beyond the ${o.maxDelayMs} ms cap` };
  // Never earlier than told; a little later, spread out.
  return {
    retry: true,
    delayMs: told + Math.floor(o.random() * Math.min(o.jitterMs, o.maxDelayMs - told)),
    reason: `HTTP ${a.status}, Retry-After`,
  };
}

/** Exponential backoff with equal jitter: half the step fixed, half random, capped. */
export function backoff(retryNumber: number, o: RetryOptions): number {
  const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.floor(step / 2 + o.random() * (step / 2));
}
