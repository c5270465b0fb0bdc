/**
 * A real org's sign-in for `sfo-compat sync`: `--sign-in` runs the OAuth web-server flow with PKCE in the user's
 * browser (a one-shot callback server on 127.0.0.1, like the Salesforce CLI's web login) and stores the refresh
 * token encrypted (token-store.ts); `sync` runs without a password sign in with it; `--sign-out` revokes it at the
 * org (best effort) and deletes it. The token, the code and the PKCE verifier are never printed or logged.
 */
import crypto from 'node:crypto';
import { SyncConfig } from '../app/config';
import { StoredSignIn, TokenOwner, TokenStore, TokenStoreError, sameOwner } from '../app/token-store';
import { Product, findProduct } from '../products/catalog';
import { SignInResult } from '../sign-in/product-session';
import { unsupportedVersion } from '../products/outcome';
import { signInWithCode, signInWithRefreshToken } from '../sign-in/oauth-session';
import { authorizeUrl, createPkce, revoke } from '../salesforce/oauth';
import { send } from '../salesforce/http';
import { SalesforceApiError } from '../salesforce/errors';
import { decodeEntities } from '../salesforce/login-page';
import { CallbackResult, CallbackServer, CallbackServerError } from './oauth-callback-server';
import { EXIT } from './usage';

/** The scope asked for: the API, and a refresh token for the engine's later sign-ins. */
const SCOPE = 'api refresh_token';
export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface SignInDeps {
  io: Output;
  store: TokenStore;
  /** Try to open the URL in a browser; whether an opener started. */
  openBrowser: ((url: string) => boolean) | null;
  timeoutMs?: number;
  /** Aborts the wait (Ctrl+C). */
  signal?: AbortSignal;
  random?: (n: number) => Buffer;
}

const productOf = (config: SyncConfig): Product => findProduct(config.product)!;
const ownerOf = (config: SyncConfig): TokenOwner => ({
  loginUrl: config.org.loginUrl,
  clientId: config.org.clientId,
  username: config.org.username,
});
const signInAgain = (configFile: string) => `sfo-compat sync --config ${configFile} --sign-in`;

/** `sync --sign-in`: resolves to the exit code (0 stored, 5 refused by the access rule, 1 otherwise). */
export async function signInCommand(
  config: SyncConfig,
  configFile: string,
  callbackPort: number,
  d: SignInDeps,
): Promise<number> {
  // The product refuses a version it does not support before asking the org (as its password sign-in does).
  const tooOld = unsupportedVersion(productOf(config), config.productVersion);
  if (tooOld) {
    d.io.err(`${tooOld.message}\n`);
    return EXIT.failure;
  }
  const random = d.random ?? crypto.randomBytes;
  const state = random(24).toString('base64url');
  const pkce = createPkce(random);
  let server: CallbackServer;
  try {
    server = await CallbackServer.start({
      port: callbackPort,
      state,
      onRefused: (why) => d.io.err(`Ignored ${why} on the callback port (not this sign-in); still waiting.\n`),
    });
  } catch (err) {
    if (!(err instanceof CallbackServerError)) throw err;
    d.io.err(
      `Cannot receive the sign-in: ${err.message}. Free the port, or use --callback-port N (the connected app must list http://localhost:N/OauthRedirect too).\n`,
    );
    return EXIT.failure;
  }
  try {
    const url = new URL(
      authorizeUrl({
        loginUrl: config.org.loginUrl,
        clientId: config.org.clientId,
        redirectUri: server.redirectUri,
        codeChallenge: pkce.challenge,
        state,
        scope: SCOPE,
      }),
    );
    url.searchParams.set('login_hint', config.org.username);
    const refused = await checkAuthorizePage(url.toString());
    if (refused) {
      d.io.err(`${refusalText(config, server.redirectUri, refused.error, refused.description)}\n`);
      return EXIT.failure;
    }
    const minutes = Math.round((d.timeoutMs ?? SIGN_IN_TIMEOUT_MS) / 60_000);
    d.io.out(`Sign in to Salesforce as ${config.org.username} in your browser:\n\n  ${url.toString()}\n\n`);
    if (d.openBrowser?.(url.toString())) d.io.out('(opened in your browser)\n');
    d.io.out(
      `The browser comes back to ${server.redirectUri}: the org's connected app (client id ${config.org.clientId}, org.clientId) must list` +
        ' this callback URL. A real org needs its own connected app for that.\n' +
        `Waiting up to ${minutes} minute${minutes === 1 ? '' : 's'} (Ctrl+C to cancel)...\n`,
    );
    const callback = await server.wait({ timeoutMs: d.timeoutMs ?? SIGN_IN_TIMEOUT_MS, signal: d.signal });
    return await finishSignIn(config, configFile, callback, server.redirectUri, pkce.verifier, d);
  } finally {
    await server.close();
  }
}

async function finishSignIn(
  config: SyncConfig,
  configFile: string,
  callback: CallbackResult,
  redirectUri: string,
  codeVerifier: string,
  d: SignInDeps,
): Promise<number> {
  const { io } = d;
  if (callback.kind === 'timeout' || callback.kind === 'aborted') {
    io.err(
      callback.kind === 'timeout'
        ? `No sign-in came back from the browser in time; nothing was stored. Run ${signInAgain(configFile)} to try again.\n`
        : 'Sign-in cancelled; nothing was stored.\n',
    );
    return EXIT.failure;
  }
  if (callback.kind === 'error') {
    const text = refusalText(config, redirectUri, callback.error, callback.description);
    await callback.reply({ status: 400, title: 'Not signed in', text });
    io.err(`${text}\n`);
    return EXIT.failure;
  }
  const product = productOf(config);
  const out = await signInWithCode(product, {
    loginUrl: config.org.loginUrl,
    clientId: config.org.clientId,
    version: config.productVersion,
    code: callback.code,
    redirectUri,
    codeVerifier,
  });
  const { result } = out;
  if (!result.ok) {
    // The access rule's refusal: the product's own text, exactly (ACCESS.md section 4).
    if (result.outcome === 'blocked' || result.outcome === 'redirect-to-login') {
      const text = result.message ?? '';
      await callback.reply({ status: 403, title: product.name, text });
      io.err(`${text}\n`);
      return EXIT.stopped;
    }
    const text = result.errorCode
      ? refusalText(config, redirectUri, result.errorCode, result.message)
      : `Salesforce did not sign you in: ${result.message}. Nothing was stored.`;
    await callback.reply({ status: 400, title: 'Not signed in', text });
    io.err(`${text}\n`);
    return EXIT.failure;
  }
  // Signed in, but the token cannot be used: give it back to the org rather than leave it valid and unheld.
  const failed = async (text: string) => {
    if (out.refreshToken) await revokeQuietly(config.org.loginUrl, out.refreshToken);
    await callback.reply({ status: 400, title: 'Not signed in', text });
    io.err(`${text}\n`);
    return EXIT.failure;
  };
  if (!out.refreshToken) {
    return failed(
      'The org signed you in but issued no refresh token, so later runs could not sign in: the connected app must allow the' +
        ' refresh_token (or offline_access) scope. Nothing was stored.',
    );
  }
  if (!out.username || out.username.toLowerCase() !== config.org.username.toLowerCase()) {
    return failed(
      `You signed in as ${out.username ?? 'another user'}, but ${configFile} names ${config.org.username} (org.username). Nothing was stored:` +
        ' sign in as that user, or change org.username.',
    );
  }
  const replaced = loadQuietly(d.store);
  try {
    d.store.save({ ...ownerOf(config), refreshToken: out.refreshToken });
  } catch (err) {
    if (!(err instanceof TokenStoreError)) throw err;
    return failed(`Signed in, but the sign-in could not be stored: ${err.message}`);
  }
  // The sign-in it replaces would stay valid at its org until revoked: revoke it, as --sign-out would.
  if (replaced && replaced.refreshToken !== out.refreshToken)
    await revokeQuietly(replaced.loginUrl, replaced.refreshToken);
  await callback.reply({
    status: 200,
    title: 'Signed in',
    text: `Signed in to Salesforce as ${config.org.username}. You can close this window.`,
  });
  io.out(
    `Signed in to ${config.org.loginUrl} as ${config.org.username} with ${product.name} ${config.productVersion}.\n` +
      `The sign-in is stored, encrypted, in ${d.store.file} (key: ${d.store.keyFile}); sfo-compat sync --config ${configFile} uses it.\n`,
  );
  if (config.org.password)
    io.out(
      'Note: the configuration gives org.password, so sync runs sign in with the password; leave it out to use this sign-in.\n',
    );
  return EXIT.ok;
}

/**
 * Ask for the authorize page once before sending the user there: an org that refuses the client id or the
 * callback URL says so on a page in the browser and never calls back, so the command would only wait.
 */
async function checkAuthorizePage(url: string): Promise<{ error: string; description: string | null } | null> {
  let res;
  try {
    res = await send({ method: 'GET', url, headers: { Accept: 'text/html' } });
  } catch (err) {
    if (err instanceof SalesforceApiError) return { error: err.errorCode, description: err.message };
    throw err;
  }
  if (res.status >= 300 && res.status < 400 && typeof res.headers.location === 'string') {
    const q = new URL(res.headers.location, url).searchParams;
    const error = q.get('error');
    return error ? { error, description: q.get('error_description') } : null;
  }
  if (res.status < 400) return null;
  // Salesforce's OAuth error page says `error=... error_description=...`.
  const shown = /error=([\w-]+)[\s\S]*?error_description=([^<&]*)/.exec(String(res.data ?? ''));
  return shown
    ? { error: shown[1], description: decodeEntities(shown[2].trim()) }
    : { error: `HTTP_${res.status}`, description: `the authorize page answered HTTP ${res.status}` };
}

/** What to tell the user when the org refused the sign-in with an OAuth error. */
function refusalText(config: SyncConfig, redirectUri: string, error: string, description: string | null): string {
  const said = description && description !== error ? `${description} (${error})` : error;
  switch (error) {
    case 'redirect_uri_mismatch':
      return (
        `Salesforce refused the sign-in: ${said}.\n` +
        `The connected app with client id ${config.org.clientId} does not list the callback URL ${redirectUri}. A real org needs its own` +
        ' connected app: create one with that callback URL, the api and refresh_token scopes and PKCE, and put its consumer key in' +
        ' org.clientId (or pass --callback-port N for a callback URL the app already lists). Nothing was stored.'
      );
    case 'invalid_client_id':
    case 'invalid_client':
      return (
        `Salesforce refused the sign-in: ${said}.\n` +
        `This org has no connected app with client id ${config.org.clientId}: set org.clientId to the consumer key of a connected app` +
        ` that lists the callback URL ${redirectUri}. Nothing was stored.`
      );
    default:
      return `Salesforce did not sign you in: ${said}. Nothing was stored.`;
  }
}

/** `sync --sign-out`: revoke the stored token at its org (best effort) and delete it; 0 unless the file stays. */
export async function signOutCommand(d: { io: Output; store: TokenStore }): Promise<number> {
  const { io, store } = d;
  if (!store.exists()) {
    io.out(`No stored sign-in in ${store.file}: nothing to sign out.\n`);
    return EXIT.ok;
  }
  let stored: StoredSignIn | null = null;
  try {
    stored = store.load();
  } catch (err) {
    if (!(err instanceof TokenStoreError)) throw err;
    io.err(
      `${err.message}\nIt cannot be revoked from here; it is deleted. To end it at the org too, revoke it in Salesforce (Connected Apps OAuth Usage).\n`,
    );
  }
  let revoked = '';
  if (stored) {
    try {
      await revoke(stored.loginUrl, stored.refreshToken);
      revoked = ` The org (${stored.loginUrl}) no longer accepts it.`;
    } catch (err) {
      if (!(err instanceof SalesforceApiError)) throw err;
      // invalid_token: the org had ended it already (revoked in Setup, or a password change).
      if (err.errorCode === 'invalid_token') revoked = ' The org had ended it already.';
      else
        io.err(
          `Could not revoke the sign-in at ${stored.loginUrl} (${err.message}); it is deleted here. Revoke it in Salesforce if it must end now.\n`,
        );
    }
  }
  try {
    store.remove();
  } catch (err) {
    if (!(err instanceof TokenStoreError)) throw err;
    io.err(`${err.message}\n`);
    return EXIT.failure;
  }
  io.out(`Signed out${stored ? ` ${stored.username}` : ''}: deleted ${store.file}.${revoked}\n`);
  return EXIT.ok;
}

/** How a `sync` run without a password signs in: the stored refresh token, or why it cannot. */
export type StoredSignInUse =
  { ok: true; signIn: () => Promise<SignInResult>; refusedByOrg: () => boolean } | { ok: false; message: string };

/** The engine's sign-in with the stored token, for the configured org, app and user only. */
export function useStoredSignIn(config: SyncConfig, configFile: string, store: TokenStore): StoredSignInUse {
  let stored: StoredSignIn | null;
  try {
    stored = store.load();
  } catch (err) {
    if (!(err instanceof TokenStoreError)) throw err;
    return {
      ok: false,
      message: err.signInAgainFixes ? `${err.message}\nSign in again with: ${signInAgain(configFile)}` : err.message,
    };
  }
  if (!stored)
    return { ok: false, message: `No stored sign-in in ${store.file}. Sign in with: ${signInAgain(configFile)}` };
  const wanted = ownerOf(config);
  if (!sameOwner(stored, wanted)) {
    return {
      ok: false,
      message:
        `The stored sign-in in ${store.file} is for ${stored.username} at ${stored.loginUrl} (client id ${stored.clientId}), not for` +
        ` ${wanted.username} at ${wanted.loginUrl} (client id ${wanted.clientId}) as the configuration says. Sign in again with: ${signInAgain(configFile)}`,
    };
  }
  const product = productOf(config);
  let refreshToken = stored.refreshToken;
  let refused = false;
  const tooOld = unsupportedVersion(product, config.productVersion);
  const signIn = async (): Promise<SignInResult> => {
    if (tooOld) return { result: tooOld, session: null };
    const out = await signInWithRefreshToken(product, {
      loginUrl: wanted.loginUrl,
      clientId: wanted.clientId,
      version: config.productVersion,
      refreshToken,
    });
    // An org that rotates refresh tokens answers a new one and ends the old: keep the new one.
    if (out.result.ok && out.refreshToken && out.refreshToken !== refreshToken) {
      refreshToken = out.refreshToken;
      store.save({ ...wanted, refreshToken });
    }
    if (!out.result.ok && out.result.outcome === 'login-failed' && out.result.errorCode === 'invalid_grant') {
      // Revoked, expired, or the user was deactivated: trying again will not help; signing in again may.
      refused = true;
      const message = `${out.result.message}: the org no longer accepts the stored sign-in; sign in again with ${signInAgain(configFile)}`;
      return { ...out, result: { ...out.result, message } };
    }
    return out;
  };
  return { ok: true, signIn, refusedByOrg: () => refused };
}

function loadQuietly(store: TokenStore): StoredSignIn | null {
  try {
    return store.load();
  } catch {
    return null;
  }
}

/** Revoke a token, ignoring any failure: used where the token is being given up anyway. */
async function revokeQuietly(loginUrl: string, token: string): Promise<void> {
  try {
    await revoke(loginUrl, token, { timeoutMs: 10_000 });
  } catch {
    // best effort
  }
}
