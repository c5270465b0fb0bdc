/**
 * The OAuth token endpoint (password, refresh_token, authorization_code, client_credentials and JWT bearer grants)
 * and revoke (WIRE.md 2.1-2.4). Like the password grant, client credentials and JWT bearer issue the token and leave
 * the access rule to the first data call (ACCESS.md section 3); every issue is a LoginHistory row.
 */
import crypto from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { ConnectedApp } from './connected-apps';
import { authenticate } from './authenticate';
import { identityUrl, loadIdentityUser } from './identity';
import { baseUrl, clientVersion, loginSource } from './request-info';
import { oauthErrorHandler, oauthErrors, sendOAuthJson } from './oauth-errors';
import { Params, params } from './oauth-params';
import { DEFAULT_SCOPE, RefreshScopes, allowsRefresh } from './oauth-scopes';
import { AuthorizationCodes, pkceChallenge } from './oauth-codes';
import { verifyAssertion } from './oauth-jwt';
import { describeAgent, recordLogin } from './login-history';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

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
  if (app.clientSecret !== null && !ctx.apps.secretMatches(app, p.client_secret ?? basicSecret))
    throw oauthErrors.invalidClient();
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
  const signature = crypto
    .createHmac('sha256', signingKey(ctx, t.app))
    .update(id + issuedAt)
    .digest('base64');
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

/**
 * The user a client credentials or JWT bearer token acts as: known and active, else `invalid_grant`. The
 * sign-in is recorded in LoginHistory as the password grant's is.
 */
function flowUser(ctx: OrgContext, req: FastifyRequest, app: ConnectedApp, username: string): string {
  const user = ctx.store.db
    .prepare(`SELECT "Id", "IsActive" FROM sobj_User WHERE lower("Username") = lower(?)`)
    .get(username) as { Id: string; IsActive: number } | undefined;
  if (!user) throw oauthErrors.userNotFound();
  const source = loginSource(req);
  const agent = describeAgent(source.userAgent);
  recordLogin(ctx.store, {
    userId: user.Id,
    status: user.IsActive === 1 ? 'Success' : 'User is Inactive',
    application: app.name,
    clientVersion: clientVersion(undefined, req.headers['user-agent']),
    // Salesforce's login type for every OAuth flow.
    loginType: 'Remote Access 2.0',
    apiType: null,
    apiVersion: null,
    platform: agent.platform,
    browser: agent.browser,
    sourceIp: source.sourceIp,
    loginUrl: source.loginUrl,
  });
  if (user.IsActive !== 1) throw oauthErrors.inactiveUser();
  return user.Id;
}

/** Register `/services/oauth2/token` and `/services/oauth2/revoke`. */
export function registerOAuthToken(
  app: FastifyInstance,
  ctx: OrgContext,
  codes: AuthorizationCodes,
  scopes: RefreshScopes,
): void {
  const grants: Record<
    string,
    (req: FastifyRequest, p: Params) => Record<string, string> | Promise<Record<string, string>>
  > = {
    password: async (req, p) => {
      const client = tokenClient(ctx, req, p);
      const username = p.username?.trim();
      if (!username || p.password === undefined) throw oauthErrors.authenticationFailure();
      const outcome = await authenticate(ctx, {
        username,
        password: p.password,
        app: client,
        clientVersion: clientVersion(undefined, req.headers['user-agent']),
        loginType: 'Remote Access 2.0',
        apiType: null,
        apiVersion: null,
        ...loginSource(req),
        checkAccess: false,
      });
      if (!outcome.ok) throw oauthErrors.authenticationFailure();
      return tokenBody(ctx, { base: baseUrl(req), app: client, userId: outcome.userId, scope: DEFAULT_SCOPE });
    },
    refresh_token: (req, p) => {
      const client = tokenClient(ctx, req, p);
      const session = p.refresh_token ? ctx.sessions.findRefresh(p.refresh_token) : undefined;
      if (!session || session.clientId !== client.clientId) throw oauthErrors.expiredToken();
      if (!isActive(ctx, session.userId)) throw oauthErrors.inactiveUser();
      return tokenBody(ctx, {
        base: baseUrl(req),
        app: client,
        userId: session.userId,
        scope: scopes.get(p.refresh_token!),
        refreshedFrom: p.refresh_token,
      });
    },
    authorization_code: (req, p) => {
      const client = tokenClient(ctx, req, p);
      const taken = p.code ? codes.take(p.code) : { kind: 'unknown' as const };
      if (taken.kind === 'reused') ctx.sessions.revokeIssued(taken.issuedTokenHashes);
      if (taken.kind !== 'grant' || taken.grant.clientId !== client.clientId) throw oauthErrors.invalidCode();
      const { grant } = taken;
      if (grant.expiresAt <= ctx.store.clock.now().getTime()) throw oauthErrors.codeExpired();
      if (p.redirect_uri !== grant.redirectUri) throw oauthErrors.redirectMismatch();
      if (
        grant.codeChallenge !== null &&
        (!p.code_verifier || pkceChallenge(p.code_verifier) !== grant.codeChallenge)
      ) {
        throw oauthErrors.invalidVerifier();
      }
      if (!isActive(ctx, grant.userId)) throw oauthErrors.inactiveUser();
      const refreshToken = allowsRefresh(grant.scope)
        ? ctx.sessions.createRefresh(grant.userId, client.clientId)
        : undefined;
      if (refreshToken) scopes.set(refreshToken, grant.scope);
      const body = tokenBody(ctx, {
        base: baseUrl(req),
        app: client,
        userId: grant.userId,
        scope: grant.scope,
        refreshToken,
      });
      codes.issuedFrom(p.code!, [body.access_token, ...(refreshToken ? [refreshToken] : [])]);
      return body;
    },
  };

  grants.client_credentials = (req, p) => {
    const client = tokenClient(ctx, req, p);
    // A public client (no secret) cannot prove who it is: the flow needs a confidential one.
    if (client.clientSecret === null) throw oauthErrors.invalidClient();
    if (!client.clientCredentialsUser) throw oauthErrors.noClientCredentialsUser();
    const userId = flowUser(ctx, req, client, client.clientCredentialsUser);
    return tokenBody(ctx, { base: baseUrl(req), app: client, userId, scope: DEFAULT_SCOPE });
  };
  grants[JWT_BEARER] = (req, p) => {
    const { app: client, username } = verifyAssertion(ctx, p.assertion, baseUrl(req));
    const userId = flowUser(ctx, req, client, username);
    return tokenBody(ctx, { base: baseUrl(req), app: client, userId, scope: DEFAULT_SCOPE });
  };

  app.post('/services/oauth2/token', { errorHandler: oauthErrorHandler }, async (req, reply) => {
    const p = params(req.body);
    const grant = Object.hasOwn(grants, p.grant_type ?? '') ? grants[p.grant_type!] : undefined;
    if (!grant) throw oauthErrors.unsupportedGrant();
    return sendOAuthJson(reply, 200, await grant(req, p));
  });

  const revoke = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = { ...params(req.query), ...params(req.body) };
    if (!p.token || !ctx.sessions.revoke(p.token)) throw oauthErrors.invalidToken();
    scopes.forget(p.token);
    return reply.code(200).header('cache-control', 'no-store').send('');
  };
  app.post('/services/oauth2/revoke', { errorHandler: oauthErrorHandler }, revoke);
  app.get('/services/oauth2/revoke', { errorHandler: oauthErrorHandler }, revoke);
}
