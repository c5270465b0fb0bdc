/**
 * OAuth 2.0 as Salesforce serves it (WIRE.md 2): the token endpoint (password, refresh_token and
 * authorization_code with PKCE S256), the authorization page of the web-server flow, and revoke.
 *
 * The access rule does not stop OAuth: tokens are issued as usual and the first data call is refused by the
 * REST gate (ACCESS.md 3). The one exception is a Chatter External user of a blocked allowlisted app, whose
 * authorization ends in a redirect back to the login page with `error=access_denied` and no code.
 *
 * Decisions: the granted scope is the requested one (default `api refresh_token`); a refresh token is issued
 * only by the authorization_code grant and only when the scope has `refresh_token` or `offline_access` (the
 * password grant never returns one, as in Salesforce); authorization codes live in memory for 15 minutes and
 * are spent by the first exchange attempt, failed or not; apps without a secret sign with an org-level key.
 */
import crypto from 'node:crypto';
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { ConnectedApp } from './connected-apps';
import { authenticate } from './authenticate';
import { Clock } from './clock';
import { baseUrl, clientVersion, identityUrl, loadIdentityUser, loginSource, registerIdentity } from './identity';
import { LOGIN_FAILED_TEXT, renderLoginPage, renderOAuthErrorPage, sendHtml } from './oauth-login-page';
import { registerUiLogin } from './ui-login';

const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
export const CODE_MINUTES = 15;
const DEFAULT_SCOPE = 'api refresh_token';
const KNOWN_SCOPES = new Set(['api', 'web', 'full', 'refresh_token', 'offline_access', 'openid', 'id', 'profile', 'email', 'address',
  'phone', 'chatter_api', 'visualforce', 'custom_permissions', 'wave_api', 'content', 'lightning', 'sfap_api', 'cdp_api']);
const AUTHORIZE_PATH = '/services/oauth2/authorize';
const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method', 'display', 'prompt'];

/** An OAuth error as the token endpoint sends it: `{"error":..., "error_description":...}`. */
export class OAuthError extends Error {
  constructor(readonly status: number, readonly error: string, readonly description: string) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);
const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);
const oauthErrors = {
  unsupportedGrant: () => new OAuthError(400, 'unsupported_grant_type', 'grant type not supported'),
  invalidClientId: () => new OAuthError(400, 'invalid_client_id', 'client identifier invalid'),
  invalidClient: () => new OAuthError(400, 'invalid_client', 'invalid client credentials'),
  authenticationFailure: () => invalidGrant('authentication failure'),
  expiredToken: () => invalidGrant('expired access/refresh token'),
  invalidCode: () => invalidGrant('invalid authorization code'),
  codeExpired: () => invalidGrant('authorization code expired'),
  invalidVerifier: () => invalidGrant('invalid code verifier'),
  inactiveUser: () => invalidGrant('inactive user'),
  redirectMismatch: () => new OAuthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration'),
  invalidScope: () => new OAuthError(400, 'invalid_scope', 'the requested scope is not allowed'),
};

type Params = Record<string, string | undefined>;

/** Request parameters as single strings; a repeated parameter makes the request ambiguous, so it is refused. */
function params(source: unknown): Params {
  if (source === undefined || source === null || source === '') return {};
  if (typeof source !== 'object') throw invalidRequest('the request body must be application/x-www-form-urlencoded');
  const out: Params = {};
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    if (Array.isArray(v)) throw invalidRequest(`duplicate parameter: ${k}`);
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function sha256(text: string, encoding: 'hex' | 'base64url'): string {
  return crypto.createHash('sha256').update(text).digest(encoding);
}

/** Scope as granted: the requested names when all are known, the default when none is asked. */
function grantedScope(requested: string | undefined): string | undefined {
  const names = (requested ?? '').split(/\s+/).filter(Boolean);
  if (names.length === 0) return DEFAULT_SCOPE;
  return names.every((n) => KNOWN_SCOPES.has(n)) ? [...new Set(names)].join(' ') : undefined;
}

function allowsRefresh(scope: string): boolean {
  return scope.split(' ').some((s) => s === 'refresh_token' || s === 'offline_access');
}

/** Append parameters to a URI (which may use an app's own scheme, like `sfdc://success`). */
function withParams(uri: string, extra: Params): string {
  const query = new URLSearchParams(Object.entries(extra).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const hash = uri.indexOf('#');
  const [head, fragment] = hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash)];
  return `${head}${head.includes('?') ? '&' : '?'}${query}${fragment}`;
}

interface AuthorizationCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  scope: string;
  expiresAt: number;
}

/** Authorization codes, kept as hashes; each one is spent by the first attempt to exchange it. */
class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(private readonly clock: Clock) {}

  issue(grant: Omit<AuthorizationCode, 'expiresAt'>): string {
    const now = this.clock.now().getTime();
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k);
    const code = `aPrx${crypto.randomBytes(32).toString('base64url')}`;
    this.codes.set(sha256(code, 'hex'), { ...grant, expiresAt: now + CODE_MINUTES * 60_000 });
    return code;
  }

  take(code: string): AuthorizationCode | undefined {
    const key = sha256(code, 'hex');
    const grant = this.codes.get(key);
    this.codes.delete(key);
    return grant;
  }
}

/** The scope granted with each refresh token, so a refresh answers with the scope of the original grant. */
class RefreshScopes {
  constructor(private readonly ctx: OrgContext) {
    ctx.store.db.exec(`CREATE TABLE IF NOT EXISTS oauth_refresh_scopes (refresh_hash TEXT PRIMARY KEY, scope TEXT NOT NULL)`);
  }

  set(token: string, scope: string): void {
    this.ctx.store.db.prepare(`INSERT OR REPLACE INTO oauth_refresh_scopes (refresh_hash, scope) VALUES (?, ?)`).run(sha256(token, 'hex'), scope);
  }

  get(token: string): string {
    const row = this.ctx.store.db.prepare(`SELECT scope FROM oauth_refresh_scopes WHERE refresh_hash = ?`).get(sha256(token, 'hex')) as
      | { scope: string }
      | undefined;
    return row?.scope ?? DEFAULT_SCOPE;
  }

  forget(token: string): void {
    this.ctx.store.db.prepare(`DELETE FROM oauth_refresh_scopes WHERE refresh_hash = ?`).run(sha256(token, 'hex'));
  }
}

/** The key that signs `id + issued_at`: the app's secret, or an org-level key for apps without one. */
function signingKey(ctx: OrgContext, app: ConnectedApp): string {
  if (app.clientSecret !== null) return app.clientSecret;
  let key = ctx.store.getMeta('oauthSigningKey');
  if (!key) {
    key = crypto.randomBytes(32).toString('base64');
    ctx.store.setMeta('oauthSigningKey', key);
  }
  return key;
}

/** The client of a token request: `client_id`/`client_secret` parameters or HTTP Basic. */
function tokenClient(ctx: OrgContext, req: FastifyRequest, p: Params): ConnectedApp {
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const [basicId, basicSecret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(/:(.*)/s) : [];
  const app = ctx.apps.find(p.client_id ?? basicId);
  if (!app) throw oauthErrors.invalidClientId();
  if (app.clientSecret !== null && !ctx.apps.secretMatches(app, p.client_secret ?? basicSecret)) throw oauthErrors.invalidClient();
  return app;
}

interface Issue {
  base: string;
  app: ConnectedApp;
  userId: string;
  scope: string;
  /** A new refresh token to return. */
  refreshToken?: string;
  /** The refresh token the access token comes from (revoking it revokes the access token). */
  refreshedFrom?: string;
}

/** The token response, fields in Salesforce's order (WIRE.md 2.1, 2.3). */
function tokenBody(ctx: OrgContext, t: Issue): Record<string, string> {
  const accessToken = ctx.sessions.createAccess(t.userId, t.app.clientId, t.refreshToken ?? t.refreshedFrom);
  const id = identityUrl(t.base, ctx.orgId(), t.userId);
  const issuedAt = String(ctx.store.clock.now().getTime());
  const signature = crypto.createHmac('sha256', signingKey(ctx, t.app)).update(id + issuedAt).digest('base64');
  return {
    access_token: accessToken,
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    signature,
    scope: t.scope,
    instance_url: t.base,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

function isActive(ctx: OrgContext, userId: string): boolean {
  return loadIdentityUser(ctx, userId)?.active === true;
}

/** ACCESS.md 3 decision: a Chatter External user of an allowlisted app is refused at authorization when the rule blocks them. */
function refusedAtAuthorization(ctx: OrgContext, username: string, app: ConnectedApp): boolean {
  if (!app.allowlisted) return false;
  const row = ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE lower("Username") = lower(?)`).get(username) as { Id: string } | undefined;
  return row !== undefined && ctx.access.evaluate(row.Id, true)?.facts.license === 'Chatter External';
}

type AuthorizeCheck =
  | { ok: true; app: ConnectedApp; redirectUri: string; scope: string }
  /** Shown as a page: never redirect to a URI the app did not register. */
  | { ok: false; page: OAuthError }
  | { ok: false; redirect: OAuthError; redirectUri: string };

function checkAuthorize(ctx: OrgContext, p: Params): AuthorizeCheck {
  const app = ctx.apps.find(p.client_id);
  if (!app) return { ok: false, page: oauthErrors.invalidClientId() };
  const redirectUri = p.redirect_uri;
  if (!redirectUri || !app.callbackUrls.includes(redirectUri)) return { ok: false, page: oauthErrors.redirectMismatch() };
  const back = (err: OAuthError): AuthorizeCheck => ({ ok: false, redirect: err, redirectUri });
  if (p.response_type !== 'code') return back(new OAuthError(400, 'unsupported_response_type', 'response type not supported'));
  if (p.code_challenge_method !== undefined && p.code_challenge_method !== 'S256') {
    return back(invalidRequest('code_challenge_method must be S256'));
  }
  if (p.code_challenge_method !== undefined && p.code_challenge === undefined) return back(invalidRequest('missing code_challenge'));
  if (p.code_challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge)) {
    return back(invalidRequest('invalid code_challenge: expected the base64url SHA-256 of the code verifier'));
  }
  const scope = grantedScope(p.scope);
  if (!scope) return back(oauthErrors.invalidScope());
  return { ok: true, app, redirectUri, scope };
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', JSON_CONTENT_TYPE).header('cache-control', 'no-store').header('pragma', 'no-cache')
    .send(JSON.stringify(body));
}

/** Any failure on an OAuth JSON endpoint, in OAuth's shape: a client's mistake is a 400, never a crash page. */
function oauthErrorHandler(err: FastifyError | OAuthError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof OAuthError) return sendJson(reply, err.status, err.toBody());
  const status = (err as FastifyError).statusCode ?? (err as { status?: number }).status;
  if (typeof status === 'number' && status < 500) return sendJson(reply, 400, invalidRequest(`malformed request: ${err.message}`).toBody());
  process.stderr.write(`local org: unexpected error on ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
  return sendJson(reply, 500, { error: 'server_error', error_description: 'an unexpected error occurred' });
}

/** Register the OAuth endpoints, the identity service and the browser login. */
export async function registerOAuth(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const codes = new AuthorizationCodes(ctx.store.clock);
  const scopes = new RefreshScopes(ctx);

  const grants: Record<string, (req: FastifyRequest, p: Params) => Record<string, string>> = {
    password: (req, p) => {
      const client = tokenClient(ctx, req, p);
      const username = p.username?.trim();
      if (!username || p.password === undefined) throw oauthErrors.authenticationFailure();
      const outcome = authenticate(ctx, {
        username, password: p.password, app: client, clientVersion: clientVersion(undefined, req.headers['user-agent']),
        loginType: 'Remote Access 2.0', apiType: null, apiVersion: null, ...loginSource(req), checkAccess: false,
      });
      if (!outcome.ok) throw oauthErrors.authenticationFailure();
      return tokenBody(ctx, { base: baseUrl(req), app: client, userId: outcome.userId, scope: DEFAULT_SCOPE });
    },
    refresh_token: (req, p) => {
      const client = tokenClient(ctx, req, p);
      const session = p.refresh_token ? ctx.sessions.findRefresh(p.refresh_token) : undefined;
      if (!session || session.clientId !== client.clientId) throw oauthErrors.expiredToken();
      if (!isActive(ctx, session.userId)) throw oauthErrors.inactiveUser();
      return tokenBody(ctx, { base: baseUrl(req), app: client, userId: session.userId, scope: scopes.get(p.refresh_token!), refreshedFrom: p.refresh_token });
    },
    authorization_code: (req, p) => {
      const client = tokenClient(ctx, req, p);
      const grant = p.code ? codes.take(p.code) : undefined;
      if (!grant || grant.clientId !== client.clientId) throw oauthErrors.invalidCode();
      if (grant.expiresAt <= ctx.store.clock.now().getTime()) throw oauthErrors.codeExpired();
      if (p.redirect_uri !== grant.redirectUri) throw oauthErrors.redirectMismatch();
      if (grant.codeChallenge !== null && (!p.code_verifier || sha256(p.code_verifier, 'base64url') !== grant.codeChallenge)) {
        throw oauthErrors.invalidVerifier();
      }
      if (!isActive(ctx, grant.userId)) throw oauthErrors.inactiveUser();
      const refreshToken = allowsRefresh(grant.scope) ? ctx.sessions.createRefresh(grant.userId, client.clientId) : undefined;
      if (refreshToken) scopes.set(refreshToken, grant.scope);
      return tokenBody(ctx, { base: baseUrl(req), app: client, userId: grant.userId, scope: grant.scope, refreshToken });
    },
  };

  app.post('/services/oauth2/token', { errorHandler: oauthErrorHandler }, async (req, reply) => {
    const p = params(req.body);
    const grant = Object.hasOwn(grants, p.grant_type ?? '') ? grants[p.grant_type!] : undefined;
    if (!grant) throw oauthErrors.unsupportedGrant();
    return sendJson(reply, 200, grant(req, p));
  });

  const revoke = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = { ...params(req.query), ...params(req.body) };
    if (!p.token || !ctx.sessions.revoke(p.token)) throw new OAuthError(400, 'invalid_token', 'invalid token');
    scopes.forget(p.token);
    return reply.code(200).header('cache-control', 'no-store').send('');
  };
  app.post('/services/oauth2/revoke', { errorHandler: oauthErrorHandler }, revoke);
  app.get('/services/oauth2/revoke', { errorHandler: oauthErrorHandler }, revoke);

  /** Errors before the request is trusted are pages; later ones go back to the registered redirect URI. */
  const refuse = (reply: FastifyReply, check: Exclude<AuthorizeCheck, { ok: true }>, state: string | undefined): FastifyReply => {
    if ('page' in check) return sendHtml(reply, 400, renderOAuthErrorPage(check.page.error, check.page.description));
    return reply.redirect(withParams(check.redirectUri, { error: check.redirect.error, error_description: check.redirect.description, state }));
  };
  const authorizeErrorHandler = (err: FastifyError | OAuthError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (err instanceof OAuthError) return sendHtml(reply, 400, renderOAuthErrorPage(err.error, err.description));
    if (typeof err.statusCode === 'number' && err.statusCode < 500) return sendHtml(reply, 400, renderOAuthErrorPage('invalid_request', err.message));
    process.stderr.write(`local org: unexpected error on ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
    return sendHtml(reply, 500, renderOAuthErrorPage('server_error', 'an unexpected error occurred'));
  };
  const hiddenFields = (p: Params): Params => Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, p[k]]));

  app.get(AUTHORIZE_PATH, { errorHandler: authorizeErrorHandler }, async (req, reply) => {
    const p = params(req.query);
    const check = checkAuthorize(ctx, p);
    if (!check.ok) return refuse(reply, check, p.state);
    // A request sent back with error=access_denied shows the plain login page again (no message, ACCESS.md 4).
    return sendHtml(reply, 200, renderLoginPage({ action: AUTHORIZE_PATH, hidden: hiddenFields(p), username: p.login_hint, appName: check.app.name }));
  });

  app.post(AUTHORIZE_PATH, { errorHandler: authorizeErrorHandler }, async (req, reply) => {
    const p = params(req.body);
    const check = checkAuthorize(ctx, p); // the hidden fields came back from the browser: trust nothing in them
    if (!check.ok) return refuse(reply, check, p.state);
    const username = (p.username ?? '').trim();
    const password = p.pw ?? p.password ?? '';
    if (username === '' || password === '') {
      return sendHtml(reply, 200, renderLoginPage({ action: AUTHORIZE_PATH, hidden: hiddenFields(p), username, error: LOGIN_FAILED_TEXT, appName: check.app.name }));
    }
    const outcome = authenticate(ctx, {
      username, password, app: check.app, clientVersion: clientVersion(undefined, req.headers['user-agent']),
      loginType: 'Remote Access 2.0', apiType: null, apiVersion: null, ...loginSource(req),
      checkAccess: refusedAtAuthorization(ctx, username, check.app),
    });
    if (!outcome.ok && outcome.failure === 'access-denied') {
      return reply.redirect(withParams(`${baseUrl(req)}${AUTHORIZE_PATH}`, {
        error: 'access_denied', error_description: 'API is disabled for this User', ...hiddenFields(p),
      }));
    }
    if (!outcome.ok) {
      return sendHtml(reply, 200, renderLoginPage({ action: AUTHORIZE_PATH, hidden: hiddenFields(p), username, error: LOGIN_FAILED_TEXT, appName: check.app.name }));
    }
    const code = codes.issue({
      userId: outcome.userId, clientId: check.app.clientId, redirectUri: check.redirectUri, codeChallenge: p.code_challenge ?? null, scope: check.scope,
    });
    return reply.redirect(withParams(check.redirectUri, { code, state: p.state }));
  });

  registerIdentity(app, ctx);
  registerUiLogin(app, ctx);
}
