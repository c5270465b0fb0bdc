/**
 * OAuth 2.0 against `/services/oauth2/*` (WIRE.md section 2): the password and refresh-token grants, and
 * the web-server flow with PKCE the mobile apps use, including driving the org's login page with a
 * username and password the way a user does in the app's web view.
 */
import crypto from 'node:crypto';
import { send, formBody, joinUrl } from './http';
import { SalesforceApiError, fromOAuthBody, notSalesforce, describeContent, parseJsonBody, originOf } from './errors';
import { loginThroughPage } from './page-login';

export interface TokenResponse {
  accessToken: string;
  refreshToken: string | null;
  instanceUrl: string;
  /** The identity URL `{loginUrl}/id/{orgId}/{userId}`. */
  identityUrl: string;
  userId: string;
  organizationId: string;
  issuedAt: string | null;
  scope: string | null;
}

interface ClientCredentials {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  timeoutMs?: number;
  userAgent?: string;
}

/** `grant_type=password` (username-password flow). */
export function passwordGrant(o: ClientCredentials & { username: string; password: string }): Promise<TokenResponse> {
  return tokenRequest(o, { grant_type: 'password', username: o.username, password: o.password });
}

/** `grant_type=refresh_token`. Salesforce returns no new refresh token; the old one is kept. */
export async function refreshTokenGrant(o: ClientCredentials & { refreshToken: string }): Promise<TokenResponse> {
  const t = await tokenRequest(o, { grant_type: 'refresh_token', refresh_token: o.refreshToken });
  return { ...t, refreshToken: t.refreshToken ?? o.refreshToken };
}

/** `grant_type=authorization_code`, with the PKCE verifier. */
export function authorizationCodeGrant(
  o: ClientCredentials & { code: string; redirectUri: string; codeVerifier?: string },
): Promise<TokenResponse> {
  return tokenRequest(o, {
    grant_type: 'authorization_code',
    code: o.code,
    redirect_uri: o.redirectUri,
    code_verifier: o.codeVerifier,
  });
}

async function tokenRequest(o: ClientCredentials, grant: Record<string, string | undefined>): Promise<TokenResponse> {
  const url = joinUrl(o.loginUrl, '/services/oauth2/token');
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (o.userAgent) headers['User-Agent'] = o.userAgent;
  const res = await send({
    method: 'POST',
    url,
    headers,
    timeoutMs: o.timeoutMs,
    data: formBody({ ...grant, client_id: o.clientId, client_secret: o.clientSecret }),
  });
  const body = parseJsonBody(res) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') throw notSalesforce(url, res.status, describeContent(res));
  if (res.status >= 400 || typeof body.error === 'string') throw fromOAuthBody(body, res.status, url);
  return tokenFrom(body, url, res.status);
}

function tokenFrom(body: Record<string, unknown>, url: string, status: number): TokenResponse {
  const accessToken = body.access_token;
  const instanceUrl = body.instance_url;
  const id = body.id;
  if (typeof accessToken !== 'string' || typeof instanceUrl !== 'string' || typeof id !== 'string') {
    throw notSalesforce(url, status, 'a token response without access_token, instance_url or id');
  }
  const [organizationId, userId] = new URL(id).pathname.split('/').filter(Boolean).slice(-2);
  return {
    accessToken,
    instanceUrl: instanceUrl.replace(/\/+$/, ''),
    identityUrl: id,
    userId,
    organizationId,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
    issuedAt: typeof body.issued_at === 'string' ? body.issued_at : null,
    scope: typeof body.scope === 'string' ? body.scope : null,
  };
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A PKCE pair: a random verifier and its S256 challenge. */
export function createPkce(random: (n: number) => Buffer = crypto.randomBytes): Pkce {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

/** The S256 challenge of a verifier: base64url(sha256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier).digest('base64url');
}

/** The `/services/oauth2/authorize` URL that starts the web-server flow. */
export function authorizeUrl(o: {
  loginUrl: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  state?: string;
  scope?: string;
  display?: string;
}): string {
  const url = new URL(joinUrl(o.loginUrl, '/services/oauth2/authorize'));
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    scope: o.scope,
    state: o.state,
    display: o.display,
    code_challenge: o.codeChallenge,
    code_challenge_method: o.codeChallenge ? 'S256' : undefined,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export interface WebServerLogin extends ClientCredentials {
  redirectUri: string;
  username: string;
  password: string;
  scope?: string;
  display?: string;
}

/**
 * The web-server flow end to end as a user does it: open the authorize page, fill in the login form,
 * follow the redirects to the callback, take the code and exchange it (with the PKCE verifier).
 * Rejects with errorCode `access_denied` (kind accessRevoked) when the org sends the user back to the
 * login page or to the callback with `error=access_denied`, and with `INVALID_LOGIN` when the login page
 * comes back with an error.
 */
export async function loginWithAuthorizationCode(o: WebServerLogin, pkce: Pkce = createPkce()): Promise<TokenResponse> {
  const code = await authorizeWithPassword(o, pkce);
  return authorizationCodeGrant({ ...o, code, codeVerifier: pkce.verifier });
}

/** Drive the authorize page and its login form; resolves with the authorization code. */
export function authorizeWithPassword(
  o: WebServerLogin,
  pkce: Pkce,
  state = crypto.randomBytes(12).toString('base64url'),
): Promise<string> {
  const startUrl = authorizeUrl({ ...o, codeChallenge: pkce.challenge, state });
  return loginThroughPage({ ...o, startUrl }, ({ url }) => {
    if (url.startsWith(o.redirectUri)) return codeFromCallback(url, state);
    // Sent back to the login page with an error (Chatter External users of a blocked app).
    const error = new URL(url).searchParams.get('error');
    if (error) throw authorizeError(error, new URL(url).searchParams.get('error_description'), url);
    return undefined;
  });
}

function codeFromCallback(callback: string, state: string): string {
  const params = new URL(callback).searchParams;
  const error = params.get('error');
  if (error) throw authorizeError(error, params.get('error_description'), callback);
  const code = params.get('code');
  if (!code) throw notSalesforce(callback, 302, 'a callback without code');
  if (params.get('state') !== null && params.get('state') !== state) {
    throw new SalesforceApiError({
      errorCode: 'STATE_MISMATCH',
      kind: 'other',
      status: 302,
      url: callback,
      message: 'the callback carried another state than the one sent',
    });
  }
  return code;
}

function authorizeError(error: string, description: string | null, url: string): SalesforceApiError {
  return new SalesforceApiError({
    errorCode: error,
    kind: error === 'access_denied' ? 'accessRevoked' : 'other',
    status: 302,
    url,
    message: description ?? error,
  });
}

/** POST `/services/oauth2/revoke`; revoking a refresh token also ends its access tokens. */
export async function revoke(loginUrl: string, token: string, o: { timeoutMs?: number } = {}): Promise<void> {
  const url = joinUrl(loginUrl, '/services/oauth2/revoke');
  const res = await send({
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: formBody({ token }),
    timeoutMs: o.timeoutMs,
  });
  if (res.status >= 400) {
    const body = parseJsonBody(res);
    if (body && typeof body === 'object' && !Array.isArray(body))
      throw fromOAuthBody(body as Record<string, unknown>, res.status, url);
    const params = new URLSearchParams(String(res.data ?? ''));
    const error = params.get('error');
    if (error)
      throw fromOAuthBody({ error, error_description: params.get('error_description') ?? error }, res.status, url);
    throw notSalesforce(url, res.status, `revoke refused by ${originOf(url)}`);
  }
}
