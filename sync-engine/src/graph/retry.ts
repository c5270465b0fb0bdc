/**
 * Retrying the mailbox's requests: axios-retry's loop, deciding with the shared planner (failures/retry-plan.ts)
 * and waiting through its injected sleep.
 *
 * axios-retry's own waiting (a bare setTimeout) and its Retry-After reading (Date.now(), no cap) are not
 * used: its retryDelay hook returns 0 and the wait happens in its onRetry hook, so tests never wait.
 */
import { AxiosError, AxiosInstance, AxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';
import { FailedAttempt, RETRY_STATUSES, RetryOptions, RetryPlan, planRetry } from '../failures/retry-plan';

export {
  RetryOptions,
  DEFAULT_RETRY_OPTIONS,
  FailedAttempt,
  RetryPlan,
  RETRY_STATUSES,
  parseRetryAfter,
  planRetry,
  backoff,
} from '../failures/retry-plan';

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

/** A request config that says it is safe to send twice whatever its method (axios keeps unknown config keys). */
interface MaybeIdempotent {
  sfoIdempotent?: boolean;
}

/** Per-request switch: `{ ...config, ...markIdempotent() }` for a request safe to send twice (a `$batch` of reads). */
export function markIdempotent(): AxiosRequestConfig {
  return { sfoIdempotent: true } as MaybeIdempotent as AxiosRequestConfig;
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
      onRetry({
        method: (err.config?.method ?? 'GET').toUpperCase(),
        url: err.config?.url ?? '',
        retryNumber,
        delayMs,
        reason: plan?.reason ?? '',
      });
      await o.sleep(delayMs);
    },
  });
}

function describeAttempt(err: AxiosError): FailedAttempt {
  const res = err.response;
  const retryAfter = res?.headers?.['retry-after'];
  return {
    method: err.config?.method ?? 'GET',
    idempotent: (err.config as MaybeIdempotent | undefined)?.sfoIdempotent ? true : undefined,
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
  return (
    data === undefined ||
    data === null ||
    typeof data === 'string' ||
    Buffer.isBuffer(data) ||
    data instanceof ArrayBuffer
  );
}
