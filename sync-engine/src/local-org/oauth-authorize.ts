/** The authorization page of the OAuth web-server flow: its GET, and the login form it posts back (WIRE.md 2.2). */
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { ConnectedApp } from './connected-apps';
import { authenticate } from './authenticate';
import { baseUrl, clientVersion, loginSource } from './request-info';
import { LOGIN_FAILED_TEXT, renderLoginPage, renderOAuthErrorPage, sendHtml } from './oauth-login-page';
import { OAuthError, invalidRequest, oauthErrors } from './oauth-errors';
import { Params, params, withParams } from './oauth-params';
import { grantedScope } from './oauth-scopes';
import { acceptsCallback } from './product-callbacks';
import { AuthorizationCodes } from './oauth-codes';
import { logUnexpectedError } from '../common/unexpected-error-log';

const AUTHORIZE_PATH = '/services/oauth2/authorize';
const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
  'display',
  'prompt',
];

/** ACCESS.md 3 decision: a Chatter External user of an allowlisted app is refused at authorization when the rule blocks them. */
function refusedAtAuthorization(ctx: OrgContext, username: string, app: ConnectedApp): boolean {
  if (!app.allowlisted) return false;
  const row = ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE lower("Username") = lower(?)`).get(username) as
    { Id: string } | undefined;
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
  if (!redirectUri || !acceptsCallback(app, redirectUri)) return { ok: false, page: oauthErrors.redirectMismatch() };
  const back = (err: OAuthError): AuthorizeCheck => ({ ok: false, redirect: err, redirectUri });
  if (p.response_type !== 'code') return back(oauthErrors.unsupportedResponseType());
  if (p.code_challenge_method !== undefined && p.code_challenge_method !== 'S256') {
    return back(invalidRequest('code_challenge_method must be S256'));
  }
  if (p.code_challenge_method !== undefined && p.code_challenge === undefined)
    return back(invalidRequest('missing code_challenge'));
  if (p.code_challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge)) {
    return back(invalidRequest('invalid code_challenge: expected the base64url SHA-256 of the code verifier'));
  }
  const scope = grantedScope(p.scope);
  if (!scope) return back(oauthErrors.invalidScope());
  return { ok: true, app, redirectUri, scope };
}

/** Errors before the request is trusted are pages; later ones go back to the registered redirect URI. */
function refuse(
  reply: FastifyReply,
  check: Exclude<AuthorizeCheck, { ok: true }>,
  state: string | undefined,
): FastifyReply {
  if ('page' in check) return sendHtml(reply, 400, renderOAuthErrorPage(check.page.error, check.page.description));
  return reply.redirect(
    withParams(check.redirectUri, {
      error: check.redirect.error,
      error_description: check.redirect.description,
      state,
    }),
  );
}

/** Any failure on the authorization page, as Salesforce's OAuth error page. */
function authorizeErrorHandler(err: FastifyError | OAuthError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof OAuthError) return sendHtml(reply, 400, renderOAuthErrorPage(err.error, err.description));
  if (typeof err.statusCode === 'number' && err.statusCode < 500)
    return sendHtml(reply, 400, renderOAuthErrorPage('invalid_request', err.message));
  logUnexpectedError('local org', req, err);
  return sendHtml(reply, 500, renderOAuthErrorPage('server_error', 'an unexpected error occurred'));
}

const hiddenFields = (p: Params): Params => Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, p[k]]));

/** Register `/services/oauth2/authorize`: the login page, and its form post that ends in a code or an error. */
export function registerOAuthAuthorize(app: FastifyInstance, ctx: OrgContext, codes: AuthorizationCodes): void {
  app.get(AUTHORIZE_PATH, { errorHandler: authorizeErrorHandler }, async (req, reply) => {
    const p = params(req.query);
    const check = checkAuthorize(ctx, p);
    if (!check.ok) return refuse(reply, check, p.state);
    // A request sent back with error=access_denied shows the plain login page again (no message, ACCESS.md 4).
    return sendHtml(
      reply,
      200,
      renderLoginPage({
        action: AUTHORIZE_PATH,
        hidden: hiddenFields(p),
        username: p.login_hint,
        appName: check.app.name,
      }),
    );
  });

  app.post(AUTHORIZE_PATH, { errorHandler: authorizeErrorHandler }, async (req, reply) => {
    const p = params(req.body);
    const check = checkAuthorize(ctx, p); // the hidden fields came back from the browser: trust nothing in them
    if (!check.ok) return refuse(reply, check, p.state);
    const username = (p.username ?? '').trim();
    const password = p.pw ?? p.password ?? '';
    if (username === '' || password === '') {
      return sendHtml(
        reply,
        200,
        renderLoginPage({
          action: AUTHORIZE_PATH,
          hidden: hiddenFields(p),
          username,
          error: LOGIN_FAILED_TEXT,
          appName: check.app.name,
        }),
      );
    }
    const outcome = await authenticate(ctx, {
      username,
      password,
      app: check.app,
      clientVersion: clientVersion(undefined, req.headers['user-agent']),
      loginType: 'Remote Access 2.0',
      apiType: null,
      apiVersion: null,
      ...loginSource(req),
      checkAccess: refusedAtAuthorization(ctx, username, check.app),
    });
    if (!outcome.ok && outcome.failure === 'access-denied') {
      return reply.redirect(
        withParams(`${baseUrl(req)}${AUTHORIZE_PATH}`, {
          error: 'access_denied',
          error_description: 'API is disabled for this User',
          ...hiddenFields(p),
        }),
      );
    }
    if (!outcome.ok) {
      return sendHtml(
        reply,
        200,
        renderLoginPage({
          action: AUTHORIZE_PATH,
          hidden: hiddenFields(p),
          username,
          error: LOGIN_FAILED_TEXT,
          appName: check.app.name,
        }),
      );
    }
    const code = codes.issue({
      userId: outcome.userId,
      clientId: check.app.clientId,
      redirectUri: check.redirectUri,
      codeChallenge: p.code_challenge ?? null,
      scope: check.scope,
    });
    return reply.redirect(withParams(check.redirectUri, { code, state: p.state }));
  });
}
