/**
 * The mailbox's tokens when it signs in with Microsoft (`mailbox.clientId`): msal-node's silent refresh over the
 * encrypted cache in the data dir, its failures turned into the Graph client's own error, so a refresh the identity
 * platform refuses stops a run as a 401 that cannot be refreshed would (authFailed, outlook), and an identity platform
 * that does not answer as an unreachable mailbox.
 */
import { MicrosoftMailboxSettings } from './config';
import { MailboxTokenCache, MailboxTokenCacheOptions } from './mailbox-token-cache';
import { MicrosoftSignIn } from '../sign-in/microsoft/mailbox-sign-in';
import { MailboxAuthError } from '../sign-in/microsoft/mailbox-auth-error';
import { GraphApiError } from '../graph/errors';

export interface MailboxTokenSourceOptions extends MailboxTokenCacheOptions {
  log?: (level: 'info' | 'warn' | 'error', text: string) => void;
  /** A local authority's self-signed certificate (PEM). */
  ca?: string | Buffer;
}

/** The cache and the sign-in of one data dir's mailbox. */
export function mailboxSignIn(
  dataDir: string,
  settings: MicrosoftMailboxSettings,
  o: MailboxTokenSourceOptions = {},
): { cache: MailboxTokenCache; signIn: MicrosoftSignIn } {
  const cache = new MailboxTokenCache(dataDir, settings, o);
  return { cache, signIn: new MicrosoftSignIn(settings, { cachePlugin: cache, log: o.log, ca: o.ca }) };
}

export class MailboxTokenSource {
  readonly cache: MailboxTokenCache;
  readonly signIn: MicrosoftSignIn;

  constructor(dataDir: string, settings: MicrosoftMailboxSettings, o: MailboxTokenSourceOptions = {}) {
    ({ cache: this.cache, signIn: this.signIn } = mailboxSignIn(dataDir, settings, o));
  }

  /**
   * Whose mailbox is connected (its username), read without the key; null when none, or when the kept sign-in is
   * another app's or authority's (msal is never shown those tokens, so nothing is connected).
   */
  mailbox(): string | null {
    try {
      return this.cache.fitsOwner() ? (this.cache.accounts()[0] ?? null) : null;
    } catch {
      return null;
    }
  }

  /** A token for Graph; throws GraphApiError (authExpired: sign in again; network: try later). */
  async token(o: { forceRefresh?: boolean } = {}): Promise<string> {
    try {
      return await this.signIn.accessToken(o);
    } catch (err) {
      throw asGraphError(err);
    }
  }
}

function asGraphError(err: unknown): Error {
  const e =
    err instanceof MailboxAuthError
      ? err
      : new MailboxAuthError('REFUSED', (err as Error)?.message ?? String(err), null);
  // A cache file that cannot be read (damaged, another key) is fixed the same way: connect again.
  const code = e.platformCode ?? (e.code === 'RECONNECT' ? 'InvalidAuthenticationToken' : 'MailboxSignInFailed');
  return new GraphApiError({
    kind: e.code === 'UNREACHABLE' ? 'network' : 'authExpired',
    code,
    message: `the Microsoft sign-in could not give a token: ${e.message}`,
    statusCode: null,
  });
}
