/**
 * Which failures stop a run, and as what: derived from the one failure vocabulary (failures/failure.ts), so both
 * sides stop for the same things. Also how a stop is kept in the state file's status table and read back typed.
 */
import { Failure } from '../failures/failure';
import { StopReason } from './types';

export type StopKind = StopReason['kind'];

export const STOP_KINDS: readonly StopKind[] = [
  'accessRevoked',
  'rateLimited',
  'deleteGuard',
  'authFailed',
  'unreachable',
];

/** A throttled side that did not say how long to wait: the org's allocation is per day, the mailbox's per minute. */
const RATE_LIMIT_WAIT_MS = { salesforce: 60 * 60_000, outlook: 60_000 };

/**
 * The stop a failure means, or null when it is about one request or record (the caller reports it and goes on).
 * A mailbox that refuses us (403, `ErrorAccessDenied`: the app's consent withdrawn, the mailbox disabled) stops as
 * authFailed on the outlook side, not accessRevoked: accessRevoked is the org's access rule, with the product's own
 * text and a slow re-check of the org, none of which fits; the user has to sign in to the mailbox again, which is
 * what authFailed tells them.
 */
export function stopFor(f: Failure): StopReason | null {
  switch (f.kind) {
    case 'accessRevoked':
      return f.remote === 'salesforce'
        ? { kind: 'accessRevoked', errorCode: f.code, message: f.message }
        : { kind: 'authFailed', side: f.remote, message: f.message };
    case 'rateLimited':
      return { kind: 'rateLimited', side: f.remote, retryAfterMs: f.retryAfterMs ?? RATE_LIMIT_WAIT_MS[f.remote] };
    case 'authExpired':
      return { kind: 'authFailed', side: f.remote, message: f.message };
    // A failure that may pass, still failing after the client's retries, is a side that is not there for now.
    case 'transient':
    case 'unreachable':
      return { kind: 'unreachable', side: f.remote, message: f.message };
    default:
      return null;
  }
}

/** A stop as a version before typed stops stored it: its kind alone. */
export interface StopKindOnly {
  kind: StopKind;
  fromOlderVersion: true;
}

/** A stop as the status table holds it. */
export type StoredStopReason = StopReason | StopKindOnly;

/** The status table's text for a stop: its JSON. */
export function storedStopText(reason: StoredStopReason | null): string | null {
  return reason === null ? null : JSON.stringify(reason);
}

/** A stop read back from the status table: JSON, or the plain kind older versions stored; null for anything else. */
export function readStoredStop(text: string | null): StoredStopReason | null {
  if (text === null) return null;
  const plain = STOP_KINDS.find((k) => k === text);
  if (plain) return { kind: plain, fromOlderVersion: true };
  try {
    const value = JSON.parse(text) as { kind?: unknown } | null;
    return value && STOP_KINDS.some((k) => k === value.kind) ? (value as StopReason) : null;
  } catch {
    return null;
  }
}
