/**
 * Signing in to a Microsoft 365 mailbox as Microsoft's own software does, with `@azure/msal-node`'s
 * PublicClientApplication: authorization code with PKCE through the system browser and a loopback redirect, or the
 * device-code flow; then tokens from msal's cache, refreshed silently before and on expiry. The cache is the
 * caller's (`cachePlugin`: encrypted in the data dir); nothing here writes a file or logs a token.
 */
import {
  AccountInfo,
  AuthError,
  AuthenticationResult,
  ICachePlugin,
  LogLevel,
  PublicClientApplication,
} from '@azure/msal-node';
import { IdentityNetworkClient } from './network-client';
import { mailboxAuthError, MailboxAuthError } from './mailbox-auth-error';

export { MailboxAuthError } from './mailbox-auth-error';

/** What the engine needs of the mailbox; `offline_access` brings the refresh token. */
export const MAILBOX_SCOPES = [
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite',
  'User.Read',
  // The mailbox's time zone (GET /me/mailboxSettings), for To Do due dates: User.Read does not cover it.
  'MailboxSettings.Read',
  'offline_access',
] as const;
/** msal answers these from its cache without asking; the OIDC ones are its own. */
const TOKEN_SCOPES = MAILBOX_SCOPES.filter((s) => s !== 'offline_access');
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const CONNECT_TIMEOUT_MS = 5 * 60_000;

export interface MicrosoftSignInSettings {
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant>`, or a local or sovereign-cloud authority. */
  authority: string;
}

export interface MicrosoftSignInDeps {
  cachePlugin: ICachePlugin;
  /** msal's own log lines, PII off; never a token. */
  log?: (level: 'info' | 'warn' | 'error', text: string) => void;
  /** A local authority's self-signed certificate (PEM). */
  ca?: string | Buffer;
}

/** A connected mailbox: whose it is. */
export interface ConnectedMailbox {
  username: string;
  name: string | null;
}

export interface InteractiveOptions {
  /** Show the sign-in page: open a browser, or print the link. */
  openBrowser: (url: string) => Promise<void> | void;
  timeoutMs?: number;
  signal?: AbortSignal;
  loginHint?: string;
}

export interface DeviceCodeOptions {
  /** msal's message for the user: the page to open and the code to type. */
  onMessage: (message: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class MicrosoftSignIn {
  private readonly app: PublicClientApplication;

  constructor(
    readonly settings: MicrosoftSignInSettings,
    deps: MicrosoftSignInDeps,
  ) {
    const authorityHost = new URL(settings.authority).host;
    const isMicrosoft = authorityHost.toLowerCase() === new URL(DEFAULT_AUTHORITY_HOST).host;
    this.app = new PublicClientApplication({
      auth: {
        clientId: settings.clientId,
        authority: settings.authority,
        // An authority of our own (a local one, or a sovereign cloud's) is trusted as given: no instance discovery.
        ...(isMicrosoft ? {} : { knownAuthorities: [authorityHost] }),
      },
      cache: { cachePlugin: deps.cachePlugin },
      system: {
        networkClient: new IdentityNetworkClient({ ca: deps.ca }),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii || !deps.log) return;
            deps.log(
              level === LogLevel.Error ? 'error' : level === LogLevel.Warning ? 'warn' : 'info',
              `msal: ${message}`,
            );
          },
        },
      },
    });
  }

  /** The connected account, or null when none is kept. */
  async account(): Promise<AccountInfo | null> {
    try {
      const accounts = await this.app.getTokenCache().getAllAccounts();
      return accounts[0] ?? null;
    } catch (err) {
      throw mailboxAuthError(err);
    }
  }

  /** Authorization code with PKCE: the sign-in page in a browser, the answer on a loopback redirect. */
  async interactive(o: InteractiveOptions): Promise<ConnectedMailbox> {
    let cancel: ((why: string) => void) | null = null;
    const stop = watchStop(o.timeoutMs ?? CONNECT_TIMEOUT_MS, o.signal, (why) => cancel?.(why));
    try {
      const result = await this.app.acquireTokenInteractive({
        scopes: [...MAILBOX_SCOPES],
        ...(o.loginHint ? { loginHint: o.loginHint } : {}),
        openBrowser: async (url) => {
          cancel = (why) => void cancelLoopback(url, why);
          if (stop.stopped) cancel(stop.stopped);
          await o.openBrowser(url);
        },
        successTemplate: page(
          'Connected',
          'Your Outlook mailbox is connected to sfo-compat. You can close this window.',
        ),
        errorTemplate: page('Not connected', 'The mailbox was not connected. Go back to sfo-compat to see why.'),
      });
      return connected(result);
    } catch (err) {
      throw mailboxAuthError(err, stop.stopped);
    } finally {
      stop.clear();
    }
  }

  /** The device-code flow: the user opens a page on any device and types the code msal's message gives. */
  async deviceCode(o: DeviceCodeOptions): Promise<ConnectedMailbox> {
    const request = {
      scopes: [...MAILBOX_SCOPES],
      deviceCodeCallback: (r: { message: string }) => o.onMessage(r.message),
      cancel: false,
    };
    const stop = watchStop(o.timeoutMs ?? CONNECT_TIMEOUT_MS, o.signal, () => {
      // msal checks this flag between polls and gives up.
      request.cancel = true;
    });
    try {
      const result = await this.app.acquireTokenByDeviceCode(request);
      if (!result) throw new AuthError('device_code_cancelled', 'no token came back');
      return connected(result);
    } catch (err) {
      throw mailboxAuthError(err, stop.stopped);
    } finally {
      stop.clear();
    }
  }

  /**
   * An access token for the mailbox from msal's cache, refreshed by msal when it expires within five minutes;
   * `forceRefresh` after Graph refused the one it had (a 401). Throws MailboxAuthError (`RECONNECT` when only a
   * new sign-in helps).
   */
  async accessToken(o: { forceRefresh?: boolean } = {}): Promise<string> {
    const account = await this.account();
    if (!account) throw new MailboxAuthError('RECONNECT', 'no Outlook mailbox is connected');
    try {
      const result = await this.app.acquireTokenSilent({
        account,
        scopes: [...TOKEN_SCOPES],
        forceRefresh: o.forceRefresh === true,
      });
      return result.accessToken;
    } catch (err) {
      throw mailboxAuthError(err);
    }
  }

  /** Forget every connected account (msal's removal, which the cache plugin writes); their usernames. */
  async disconnect(): Promise<string[]> {
    const cache = this.app.getTokenCache();
    const accounts = await cache.getAllAccounts();
    for (const a of accounts) await cache.removeAccount(a);
    return accounts.map((a) => a.username);
  }
}

function connected(result: AuthenticationResult): ConnectedMailbox {
  return { username: result.account?.username ?? '', name: result.account?.name ?? null };
}

/** A timeout and an abort signal as one, telling why the wait stopped. */
function watchStop(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onStop: (why: 'timeout' | 'cancelled') => void,
): { stopped: 'timeout' | 'cancelled' | null; clear: () => void } {
  const state = { stopped: null as 'timeout' | 'cancelled' | null, clear: () => {} };
  const fire = (why: 'timeout' | 'cancelled') => {
    if (state.stopped) return;
    state.stopped = why;
    onStop(why);
  };
  const timer = setTimeout(() => fire('timeout'), timeoutMs);
  timer.unref();
  const onAbort = () => fire('cancelled');
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  state.clear = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  return state;
}

/**
 * msal's loopback server waits for the browser with no timeout of its own; the way to end the wait is to answer it
 * as the authority would with an error (form_post, its state), so msal closes the server and returns.
 */
async function cancelLoopback(authorizeUrl: string, why: string): Promise<void> {
  const q = new URL(authorizeUrl).searchParams;
  const redirect = q.get('redirect_uri');
  const state = q.get('state');
  if (!redirect || !state) return;
  const target = new URL(redirect);
  // The loopback listens on 127.0.0.1 whatever name the redirect URI uses.
  if (target.hostname === 'localhost') target.hostname = '127.0.0.1';
  try {
    await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ error: 'sfo_compat_stopped', error_description: why, state }).toString(),
    });
  } catch {
    // The server is gone already.
  }
}

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}
