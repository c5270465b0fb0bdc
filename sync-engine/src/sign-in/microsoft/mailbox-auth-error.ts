/**
 * What msal-node's errors mean for the user, sorted once:
 * - RECONNECT: only a new sign-in helps (the refresh token refused, `invalid_grant` with AADSTS codes: consent
 *   revoked, password changed, sessions revoked; interaction required; no account or token kept)
 * - UNREACHABLE: the identity platform did not answer (the next try may work)
 * - TIMEOUT, CANCELLED: the user did not finish signing in in time, or stopped it
 * - REFUSED: the platform refused the sign-in itself (an unknown app, a redirect URI not registered, a user who said
 *   no); the message says what it said
 * msal's messages carry the platform's error and description, trace and correlation ids; never a token.
 */
import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';

export type MailboxAuthErrorCode = 'RECONNECT' | 'UNREACHABLE' | 'TIMEOUT' | 'CANCELLED' | 'REFUSED';

export class MailboxAuthError extends Error {
  constructor(
    readonly code: MailboxAuthErrorCode,
    message: string,
    /** The platform's own code (`invalid_grant`, `AADSTS700082`, `network_error`), when it gave one. */
    readonly platformCode: string | null = null,
  ) {
    super(message);
    this.name = 'MailboxAuthError';
  }
}

const RECONNECT_CODES = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
  'bad_token',
  'no_tokens_found',
  'refresh_token_expired',
  'no_account_in_silent_request',
  'no_account_found',
]);
const UNREACHABLE_CODES = new Set(['network_error', 'no_network_connectivity', 'endpoints_resolution_error']);

/** The sorted error for anything msal threw (`stopped`: a timeout or cancel we caused). */
export function mailboxAuthError(err: unknown, stopped: 'timeout' | 'cancelled' | null = null): MailboxAuthError {
  if (err instanceof MailboxAuthError) return err;
  if (stopped === 'timeout')
    return new MailboxAuthError('TIMEOUT', 'no sign-in came back from the browser in time', 'timeout');
  if (stopped === 'cancelled') return new MailboxAuthError('CANCELLED', 'the sign-in was cancelled', 'cancelled');
  if (!(err instanceof AuthError)) {
    const e = err as Error;
    return new MailboxAuthError('REFUSED', e?.message ?? String(err));
  }
  const code = err.errorCode;
  const text = describe(err);
  if (
    err instanceof InteractionRequiredAuthError ||
    RECONNECT_CODES.has(code) ||
    RECONNECT_CODES.has(err.subError) ||
    (err instanceof ServerError && /AADSTS(50173|50133|700082|70043|70008|65001|50076|50079)\b/.test(err.errorMessage))
  )
    return new MailboxAuthError('RECONNECT', text, code);
  if (UNREACHABLE_CODES.has(code)) return new MailboxAuthError('UNREACHABLE', text, code);
  if (code === 'device_code_expired' || code === 'expired_token')
    return new MailboxAuthError('TIMEOUT', 'the device code expired before the sign-in was finished', code);
  if (code === 'authorization_pending' || code === 'device_code_polling_cancelled')
    return new MailboxAuthError('CANCELLED', 'the sign-in was cancelled', code);
  return new MailboxAuthError('REFUSED', text, code);
}

/** msal's message without its `code: ` prefix repeated, one line, Trace/Correlation/Timestamp lines dropped. */
function describe(err: AuthError): string {
  const first = (err.errorMessage || err.message).split(/\r?\n/)[0].trim();
  return first ? `${err.errorCode}: ${first}` : err.errorCode;
}
