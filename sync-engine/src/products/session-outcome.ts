/**
 * What a product shows when a call of an existing session fails (ACCESS.md section 5): the permission was
 * removed while the user was logged in, so the next data call is refused.
 */
import { Product } from './catalog';
import { message } from './messages';
import { notice } from './notices';
import { isBelowMinimum, networkReason } from './outcome';
import { SalesforceApiError } from '../salesforce/errors';

/**
 * - working: the call succeeded
 * - sync-stopped: desktop products stop syncing (and Salesforce for Outlook's settings are unavailable)
 * - action-denied: mobile apps show an action-specific error
 * - session-expired: the session is gone; the product asks to log in again
 * - network-error, failed: as at login
 */
export type SessionOutcome =
  'working' | 'sync-stopped' | 'action-denied' | 'session-expired' | 'network-error' | 'failed';

export interface SessionResult {
  ok: boolean;
  product: string;
  version: string;
  outcome: SessionOutcome;
  message: string | null;
  errorCode: string | null;
  /** Salesforce for Outlook: what opening the settings shows while sync is stopped. */
  settings?: string;
  notice?: string;
}

/**
 * The product's answer to its next data call in a session. `action` names what the mobile user tried, in
 * the words of `mobile.actionDenied` ("view your contacts").
 */
export function sessionOutcome(
  product: Product,
  version: string,
  err: SalesforceApiError | null,
  o: { action: string },
): SessionResult {
  if (!err) {
    const r: SessionResult = {
      ok: true,
      product: product.id,
      version,
      outcome: 'working',
      message: null,
      errorCode: null,
    };
    if (product.kind === 'browser') r.notice = notice('mobileBrowser.unsupported');
    return r;
  }
  const failed = (outcome: SessionOutcome, message: string | null): SessionResult => ({
    ok: false,
    product: product.id,
    version,
    outcome,
    message,
    errorCode: err.errorCode,
  });
  if (err.kind === 'accessRevoked') {
    if (product.kind === 'mobile') {
      const text =
        isBelowMinimum(product, version) && product.belowMinimum === 'legacy-generic'
          ? message('mobile.legacyGeneric')
          : message('mobile.actionDenied', { action: o.action });
      return failed('action-denied', text);
    }
    if (!product.syncStopped) return failed('failed', err.message);
    const r = failed('sync-stopped', message(product.syncStopped));
    if (product.settingsUnavailable) r.settings = message(product.settingsUnavailable);
    return r;
  }
  if (err.kind === 'network') {
    const text =
      product.kind === 'mobile'
        ? message('mobile.networkError')
        : notice('desktop.networkError', { url: err.url ?? '', reason: networkReason(err) });
    return failed('network-error', text);
  }
  if (err.kind === 'authExpired') return failed('session-expired', err.message);
  return failed('failed', err.message);
}
