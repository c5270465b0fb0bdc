/**
 * What a product shows for what the org answered (ACCESS.md section 4). Pure: the org decides, this file
 * only maps its answer (an error code, a redirect, a network failure) to the product's own text.
 */
import { Product, compareVersions } from './catalog';
import { message } from './messages';
import { notice } from './notices';
import { SalesforceApiError } from '../salesforce/errors';

/**
 * - logged-in: the first data call succeeded
 * - blocked: the access rule refused (API_CURRENTLY_DISABLED / API_DISABLED_FOR_ORG)
 * - redirect-to-login: the rule refused and the app went back to its login page (iOS, Chatter External)
 * - network-error: the org could not be reached, or what answered was not an org
 * - unsupported-version: the product refuses the version before asking the org
 * - login-failed: the org refused for another reason (bad credentials, locked out, unknown client, ...)
 */
export type LoginOutcome =
  'logged-in' | 'blocked' | 'redirect-to-login' | 'network-error' | 'unsupported-version' | 'login-failed';

export interface LoginResult {
  ok: boolean;
  product: string;
  version: string;
  outcome: LoginOutcome;
  /** What the product's user sees; null when it shows nothing (logged in, or back to the login page). */
  message: string | null;
  /** Salesforce's error code (or the network error's code); null when logged in. */
  errorCode: string | null;
  /** A note beside the outcome that is not a refusal (the mobile browser's). */
  notice?: string;
}

/** Whether a version is below the lowest one the article covers for the product. */
export function isBelowMinimum(product: Product, version: string): boolean {
  return product.minVersion !== null && compareVersions(version, product.minVersion) < 0;
}

/** Salesforce for Outlook before 2.3.0: refused before any request (Decision, ACCESS.md section 4). */
export function unsupportedVersion(product: Product, version: string): LoginResult | null {
  if (product.belowMinimum !== 'unsupported' || !isBelowMinimum(product, version)) return null;
  return {
    ok: false,
    product: product.id,
    version,
    outcome: 'unsupported-version',
    message: message('sfo.unsupportedVersion', { version }),
    errorCode: null,
  };
}

export function loggedIn(product: Product, version: string, extra: { notice?: string } = {}): LoginResult {
  const r: LoginResult = {
    ok: true,
    product: product.id,
    version,
    outcome: 'logged-in',
    message: null,
    errorCode: null,
  };
  if (extra.notice) r.notice = extra.notice;
  return r;
}

export interface FailureContext {
  /** The identity's user_type when the login got that far (`CSN_ONLY` for Chatter licenses). */
  userType?: string | null;
  /** The URL the product tried (Connect for Office shows it). */
  triedUrl?: string;
}

/** The product's answer to a failed login. */
export function loginFailure(
  product: Product,
  version: string,
  err: SalesforceApiError,
  c: FailureContext = {},
): LoginResult {
  const failed = (outcome: LoginOutcome, message: string | null): LoginResult => ({
    ok: false,
    product: product.id,
    version,
    outcome,
    message,
    errorCode: err.errorCode,
  });
  if (err.kind === 'network') return failed('network-error', networkMessage(product, err, c.triedUrl));
  if (err.kind === 'accessRevoked') {
    const shown = blockedMessage(product, version, {
      redirectedToLogin: err.errorCode === 'access_denied',
      userType: c.userType ?? null,
      triedUrl: c.triedUrl ?? err.url ?? '',
    });
    return shown === 'redirect-to-login' ? failed('redirect-to-login', null) : failed('blocked', shown);
  }
  return failed('login-failed', err.message);
}

/**
 * The text a blocked login shows, or 'redirect-to-login'.
 * `redirectedToLogin`: the org's authorize flow sent the user back to the login page (`error=access_denied`),
 * which it does for Chatter External users; the iOS apps then just show the login page again.
 */
export function blockedMessage(
  product: Product,
  version: string,
  f: { redirectedToLogin: boolean; userType: string | null; triedUrl: string },
): string | 'redirect-to-login' {
  if (product.kind === 'desktop') {
    if (!product.loginBlocked) throw new Error(`${product.id} has no blocked-login message`);
    const text = message(product.loginBlocked);
    return product.id === 'connect-for-office'
      ? `${text}\n${message('connectOffice.urlLine', { url: f.triedUrl })}`
      : text;
  }
  if (product.kind !== 'mobile')
    throw new Error(`${product.name} does not use the API: the access rule never refuses it`);
  if (f.redirectedToLogin && product.loginBlockedChatterExternal === 'redirect-to-login') return 'redirect-to-login';
  // Versions before 6.1 showed one generic error on every API-dependent action (the article's footnote).
  if (product.belowMinimum === 'legacy-generic' && isBelowMinimum(product, version))
    return message('mobile.legacyGeneric');
  const key = f.redirectedToLogin
    ? (product.loginBlockedChatterExternal ?? product.loginBlockedChatter ?? product.loginBlocked)
    : f.userType === 'CSN_ONLY'
      ? (product.loginBlockedChatter ?? product.loginBlocked)
      : product.loginBlocked;
  if (!key || key === 'redirect-to-login') return 'redirect-to-login';
  return message(key);
}

function networkMessage(product: Product, err: SalesforceApiError, triedUrl: string | undefined): string {
  if (product.kind === 'mobile') return message('mobile.networkError');
  return notice('desktop.networkError', { url: triedUrl ?? err.url ?? '', reason: networkReason(err) });
}

/** The reason of a network failure without the client's "cannot reach <url>: " prefix (the notice names the URL). */
export function networkReason(err: SalesforceApiError): string {
  return err.message.replace(/^cannot reach \S+: /, '');
}
