/**
 * `sync --connect-mailbox [--device-code] [--no-browser]` and `sync --disconnect-mailbox`: a Microsoft 365 mailbox
 * connected with msal-node (authorization code with PKCE through the browser and a loopback redirect, or the
 * device-code flow), its token cache kept encrypted in the data dir for later runs. Exit codes as `--sign-in`:
 * 0 connected, 2 usage, 1 otherwise.
 */
import { SyncConfig } from '../app/config';
import { mailboxSignIn } from '../app/mailbox-token-source';
import { MailboxTokenCache } from '../app/mailbox-token-cache';
import { TokenStoreError } from '../app/token-store';
import { CONNECT_TIMEOUT_MS, MicrosoftSignIn } from '../sign-in/microsoft/mailbox-sign-in';
import { MailboxAuthError } from '../sign-in/microsoft/mailbox-auth-error';
import { EXIT } from './usage';
import { Output } from './sync-sign-in';

export interface ConnectDeps {
  io: Output;
  /** Try to open the URL in a browser; whether an opener started. Null with --no-browser. */
  openBrowser: ((url: string) => boolean) | null;
  deviceCode: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', text: string) => void;
  /** A local authority's self-signed certificate (PEM). */
  ca?: string | Buffer;
}

/** What `--connect-mailbox` says when the configuration has no Microsoft sign-in. */
export function needsClientId(configFile: string): string {
  return (
    `${configFile}: --connect-mailbox needs mailbox.clientId (the Application (client) ID of your app registration in Entra ID;` +
    ' docs/microsoft-sign-in.md says how to register one). A mailbox opened by mailbox.token or mailbox.tokenEnv needs no sign-in.'
  );
}

/** `sync --connect-mailbox`: resolves to the exit code. */
export async function connectMailboxCommand(config: SyncConfig, configFile: string, d: ConnectDeps): Promise<number> {
  const settings = config.mailbox.microsoft;
  if (!settings) {
    d.io.err(`${needsClientId(configFile)}\n`);
    return EXIT.usage;
  }
  const { cache, signIn } = mailboxSignIn(config.dataDir, settings, { log: d.log, ca: d.ca });
  const timeoutMs = d.timeoutMs ?? CONNECT_TIMEOUT_MS;
  const minutes = Math.round(timeoutMs / 60_000);
  let connected;
  try {
    if (d.deviceCode) {
      connected = await signIn.deviceCode({
        onMessage: (message) =>
          d.io.out(`${message}\nWaiting up to ${minutes} minute${minutes === 1 ? '' : 's'} (Ctrl+C to cancel)...\n`),
        timeoutMs,
        signal: d.signal,
      });
    } else {
      connected = await signIn.interactive({
        openBrowser: (url) => {
          d.io.out(`Sign in to Microsoft in your browser to connect your Outlook mailbox:\n\n  ${url}\n\n`);
          if (d.openBrowser?.(url)) d.io.out('(opened in your browser)\n');
          d.io.out(
            `The browser comes back to ${redirectOf(url)} (the app registration must list http://localhost as a redirect URI of a` +
              ` "Mobile and desktop applications" platform). Waiting up to ${minutes} minute${minutes === 1 ? '' : 's'} (Ctrl+C to cancel)...\n`,
          );
        },
        timeoutMs,
        signal: d.signal,
      });
    }
  } catch (err) {
    if (!(err instanceof MailboxAuthError)) throw err;
    d.io.err(`${notConnectedText(err, configFile, d.deviceCode)}\n`);
    return EXIT.failure;
  }
  d.io.out(
    `Connected the Outlook mailbox of ${connected.username} (${settings.authority}).\n` +
      `The sign-in is kept, encrypted, in ${cache.file} (key: ${cache.keyFile}); sfo-compat sync --config ${configFile} uses it` +
      ' and refreshes it by itself.\n',
  );
  return EXIT.ok;
}

/** `sync --disconnect-mailbox`: msal forgets the account and the cache file is deleted; 0 unless the file stays. */
export async function disconnectMailboxCommand(
  config: SyncConfig,
  configFile: string,
  d: Pick<ConnectDeps, 'io' | 'log' | 'ca'>,
): Promise<number> {
  const settings = config.mailbox.microsoft;
  if (!settings) {
    d.io.err(`${needsClientId(configFile).replace('--connect-mailbox', '--disconnect-mailbox')}\n`);
    return EXIT.usage;
  }
  const { cache, signIn } = mailboxSignIn(config.dataDir, settings, { log: d.log, ca: d.ca });
  if (!cache.exists()) {
    d.io.out(`No Outlook mailbox is connected in ${cache.file}: nothing to disconnect.\n`);
    return EXIT.ok;
  }
  const removed = await forget(signIn, cache, d.io);
  try {
    cache.remove();
  } catch (err) {
    if (!(err instanceof TokenStoreError)) throw err;
    d.io.err(`${err.message}\n`);
    return EXIT.failure;
  }
  d.io.out(
    `Disconnected the Outlook mailbox${removed.length ? ` of ${removed.join(', ')}` : ''}: deleted ${cache.file}.\n` +
      'Microsoft offers apps no way to end a sign-in they were given; it ends when unused for 90 days. To end it now, choose' +
      ' "Sign out everywhere" at https://myaccount.microsoft.com (or ask your admin to revoke your sessions).\n',
  );
  return EXIT.ok;
}

/** msal's own removal of the accounts (its cache plugin writes what is left); a cache it cannot read is deleted anyway. */
async function forget(signIn: MicrosoftSignIn, cache: MailboxTokenCache, io: Output): Promise<string[]> {
  try {
    return await signIn.disconnect();
  } catch (err) {
    const named = cache.accounts();
    io.err(`${(err as Error).message}\nIt is deleted.\n`);
    return named;
  }
}

function redirectOf(authorizeUrl: string): string {
  return new URL(authorizeUrl).searchParams.get('redirect_uri') ?? 'http://localhost';
}

/** What to tell the user when the mailbox was not connected, with the fix for what Entra ID said. */
export function notConnectedText(err: MailboxAuthError, configFile: string, deviceCode: boolean): string {
  const again = `sfo-compat sync --config ${configFile} --connect-mailbox${deviceCode ? ' --device-code' : ''}`;
  switch (err.code) {
    case 'TIMEOUT':
      return `The mailbox was not connected: ${err.message}. Nothing was stored. Run ${again} to try again.`;
    case 'CANCELLED':
      return 'Connecting the mailbox was cancelled; nothing was stored.';
    case 'UNREACHABLE':
      return `The mailbox was not connected: the Microsoft sign-in could not be reached (${err.message}). Nothing was stored; check the network and mailbox.authority, then run ${again}.`;
    default:
      return `The mailbox was not connected: ${err.message}.${hintFor(err.message, deviceCode)} Nothing was stored.`;
  }
}

/** The fix for the AADSTS codes a new app registration meets most. */
function hintFor(message: string, deviceCode: boolean): string {
  if (/AADSTS50011\b/.test(message))
    return ' The app registration does not list this redirect URI: add a "Mobile and desktop applications" platform with http://localhost.';
  if (/AADSTS7000218\b/.test(message) || (deviceCode && /AADSTS70002\b/.test(message)))
    return ' The app registration is not a public client: in Entra ID, Authentication, set "Allow public client flows" to Yes.';
  if (/AADSTS700016\b/.test(message))
    return ' No app with this client id is registered in that tenant: check mailbox.clientId and mailbox.tenant.';
  if (/AADSTS65001\b|consent/i.test(message))
    return ' The app has not been granted the mailbox permissions: consent to them when asked, or ask your admin to grant consent.';
  return '';
}
