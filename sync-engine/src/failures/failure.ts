/**
 * The one failure vocabulary above both remotes (DESIGN.md, "Failures are typed"). Each client maps what its wire
 * said once, in its own errors.ts: SalesforceApiError and GraphApiError keep the wire's details (errorCode, status,
 * request id) and expose `.failure`, what a caller does about it. The synchronizer's stops derive from it
 * (sync/stop-reason.ts), and so does the retry planner's choice (retry-plan.ts).
 */

/** Which remote failed: the org (Salesforce) or the mailbox (Outlook, through Graph). */
export type Remote = 'salesforce' | 'outlook';

/**
 * - accessRevoked: the remote refused this user or app (the org's access rule; a mailbox whose consent was withdrawn):
 *   stop, keep everything, re-check slowly
 * - authExpired: the session or token is no longer accepted: refresh once, shared by all callers
 * - rateLimited: throttled: wait as told (`retryAfterMs` when the remote said how long)
 * - transient: a server error or a socket that broke mid-request, which may pass: retry idempotent requests
 * - unreachable: no answer (refused, unknown host, TLS), or one that was not the remote's own
 * - syncStateLost: the delta token is forgotten: list everything again
 * - notFound: the record is not there (any more)
 * - conflict: the record changed since it was read (412), or clashes with another (409)
 * - validation: the request or the record was wrong: report the record, go on
 * - other: anything else the remote said (bad credentials, an unknown client, a refused link)
 */
export type FailureKind =
  | 'accessRevoked'
  | 'authExpired'
  | 'rateLimited'
  | 'transient'
  | 'unreachable'
  | 'syncStateLost'
  | 'notFound'
  | 'conflict'
  | 'validation'
  | 'other';

interface FailureOf<K extends FailureKind> {
  kind: K;
  remote: Remote;
  /** The remote's own code (`API_CURRENTLY_DISABLED`, `ErrorAccessDenied`, `ECONNRESET`). */
  code: string;
  message: string;
}

export type Failure =
  (FailureOf<'rateLimited'> & { retryAfterMs: number | null }) | FailureOf<Exclude<FailureKind, 'rateLimited'>>;

/** A failure of one remote (a rate limit without a Retry-After when none is given). */
export function failure(
  kind: FailureKind,
  remote: Remote,
  code: string,
  message: string,
  retryAfterMs?: number | null,
): Failure {
  return kind === 'rateLimited'
    ? { kind, remote, code, message, retryAfterMs: retryAfterMs ?? null }
    : { kind, remote, code, message };
}

/** Any error that carries a failure (both clients' errors do). */
export function failureOf(err: unknown): Failure | undefined {
  const f = (err as { failure?: unknown } | null)?.failure;
  return typeof f === 'object' && f !== null && 'kind' in f && 'remote' in f ? (f as Failure) : undefined;
}
