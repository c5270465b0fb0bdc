/**
 * The authorization endpoint (`GET /{tenant}/oauth2/v2.0/authorize`): authorization code with PKCE (S256 only), a
 * sign-in page, then the answer to the app's registered redirect URI: an auto-submitting form for
 * `response_mode=form_post` (what msal-node's loopback server requires), a 302 with the query for `query`.
 *
 * A request that names no known app or an unregistered redirect URI gets a page (there is nowhere safe to send an
 * answer); any other problem goes back to the redirect URI as `error`/`error_description`, as Entra does.
 * The page's form carries a random value bound to this pending authorization, and the browser a cookie bound to
 * the same: a form posted from elsewhere, or replayed, signs no one in.
 */
import crypto from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityStore, IdentityApp, CodeGrant } from './store';
import { IdentityError, identityErrors } from './errors';
import {
  FORM_BODY_LIMIT,
  clearSignInCookie,
  formOf,
  optional,
  queryOf,
  required,
  setSignInCookie,
  signInCookie,
  tenantOf,
} from './requests';
import { redirectUriRegistered } from './redirect-uris';
import { readScopes } from './scopes';
import { errorPage, formPostPage, sendPage, signInPage } from './pages';
import { CODE_LIFETIME_MS, clientInfo, newSignIn, secret } from './tokens';
import { MAX_SIGN_IN_ATTEMPTS, TOO_MANY_ATTEMPTS, WRONG_CREDENTIALS, checkCredentials } from './sign-in-check';

/** A sign-in page stays usable 15 minutes. */
const PAGE_LIFETIME_MS = 15 * 60_000;
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

/** What a pending authorization remembers between its page and its form. */
interface PendingAuthorization {
  tenant: string;
  clientId: string;
  redirectUri: string;
  responseMode: 'form_post' | 'query';
  state?: string;
  nonce?: string;
  codeChallenge: string;
  scope: string;
  clientInfo: boolean;
}

/** Where an answer goes once the redirect URI is known to be the app's. */
interface Answer {
  redirectUri: string;
  responseMode: 'form_post' | 'query';
  state?: string;
}

export function registerAuthorize(app: FastifyInstance, identity: IdentityStore): void {
  app.get('/:tenant/oauth2/v2.0/authorize', { config: { answer: 'page' } }, async (req, reply) => {
    const tenantSegment = (req.params as { tenant: string }).tenant;
    const q = queryOf(req);
    let tenantId: string;
    let theApp: IdentityApp;
    let answer: Answer;
    try {
      tenantId = tenantOf(identity, tenantSegment).tenantId;
      const clientId = required(q, 'client_id');
      const found = identity.app(clientId);
      if (!found) throw identityErrors.unknownClient(clientId, tenantId);
      theApp = found;
      const redirectUri = required(q, 'redirect_uri');
      if (!redirectUriRegistered(theApp.redirectUris, redirectUri))
        throw identityErrors.redirectMismatch(redirectUri, theApp.clientId);
      const mode = optional(q, 'response_mode') ?? 'query';
      answer = { redirectUri, responseMode: mode === 'form_post' ? 'form_post' : 'query', state: optional(q, 'state') };
      if (mode !== 'form_post' && mode !== 'query') {
        sendAnswer(reply, answer, errorFields(identityErrors.unsupportedResponseMode(mode)));
        return reply;
      }
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      sendPage(reply, 400, errorPage('Sorry, but we are having trouble signing you in.', err.message));
      return reply;
    }
    try {
      const responseType = required(q, 'response_type');
      if (responseType !== 'code') throw identityErrors.unsupportedResponseType(responseType);
      const scope = required(q, 'scope');
      readScopes(scope);
      const codeChallenge = optional(q, 'code_challenge');
      if (!codeChallenge) throw identityErrors.pkceRequired();
      const method = optional(q, 'code_challenge_method') ?? 'plain';
      if (method !== 'S256') throw identityErrors.pkceMethod(method);
      if (!CODE_CHALLENGE.test(codeChallenge))
        throw identityErrors.badParameter('code_challenge', 'send the base64url SHA-256 of the code_verifier.');
      if (optional(q, 'prompt') === 'none')
        throw new IdentityError(
          400,
          'login_required',
          50058,
          'A silent sign-in request was sent but no user is signed in.',
        );
      const pending: PendingAuthorization = {
        tenant: tenantSegment,
        clientId: theApp.clientId,
        redirectUri: answer.redirectUri,
        responseMode: answer.responseMode,
        state: answer.state,
        nonce: optional(q, 'nonce'),
        codeChallenge,
        scope,
        clientInfo: optional(q, 'client_info') === '1',
      };
      const flow = secret();
      const cookie = secret();
      identity.saveFlow(flow, cookie, {
        kind: 'authorize',
        data: pending as unknown as Record<string, unknown>,
        expires: identity.now() + PAGE_LIFETIME_MS,
      });
      setSignInCookie(req, reply, flow, cookie, PAGE_LIFETIME_MS / 1000);
      sendPage(
        reply,
        200,
        signInPage({
          appName: theApp.name,
          action: signInAction(tenantSegment),
          flow,
          username: optional(q, 'login_hint'),
        }),
      );
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      sendAnswer(reply, answer, errorFields(err));
    }
    return reply;
  });

  app.post(
    '/:tenant/oauth2/v2.0/authorize/signin',
    { bodyLimit: FORM_BODY_LIMIT, config: { answer: 'page' } },
    async (req, reply) => {
      await signIn(identity, req, reply);
      return reply;
    },
  );
}

function signInAction(tenant: string): string {
  return `/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize/signin`;
}

/** The sign-in form: check the page and the account, then answer the app with a code. */
async function signIn(identity: IdentityStore, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const form = formOf(req);
  const flowValue = optional(form, 'flow') ?? '';
  const found = flowValue ? identity.flow(flowValue, signInCookie(req, flowValue), 'authorize') : undefined;
  if (!found) {
    sendPage(
      reply,
      400,
      errorPage(
        'This sign-in page has expired',
        'This page was not opened in this browser or is too old. Go back to the app and sign in again.',
      ),
    );
    return;
  }
  const pending = found.data as unknown as PendingAuthorization;
  const answer: Answer = { redirectUri: pending.redirectUri, responseMode: pending.responseMode, state: pending.state };
  const app = identity.app(pending.clientId);
  if (optional(form, 'action') === 'cancel' || !app) {
    identity.endFlow(flowValue);
    clearSignInCookie(reply, flowValue);
    sendAnswer(
      reply,
      answer,
      errorFields(new IdentityError(400, 'access_denied', 65004, 'User declined to consent to access the app.')),
    );
    return;
  }
  const login = optional(form, 'login') ?? '';
  const mailbox = await checkCredentials(identity, login, optional(form, 'passwd') ?? '');
  if (!mailbox) {
    const attempts = identity.failFlow(flowValue);
    if (attempts >= MAX_SIGN_IN_ATTEMPTS) {
      identity.endFlow(flowValue);
      clearSignInCookie(reply, flowValue);
      sendPage(reply, 400, errorPage('Too many attempts', TOO_MANY_ATTEMPTS));
      return;
    }
    sendPage(
      reply,
      200,
      signInPage({
        appName: app.name,
        action: signInAction(pending.tenant),
        flow: flowValue,
        username: login,
        error: WRONG_CREDENTIALS,
      }),
    );
    return;
  }
  // A page signs in once: a second post of the same form (a double click, a replay) gets the expired page.
  if (!identity.endFlow(flowValue)) {
    sendPage(reply, 400, errorPage('This sign-in page has expired', 'Go back to the app and sign in again.'));
    return;
  }
  clearSignInCookie(reply, flowValue);
  const code = secret(48);
  const now = identity.now();
  const signInOf = newSignIn(now);
  const grant: CodeGrant = {
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    scope: pending.scope,
    ...(pending.nonce ? { nonce: pending.nonce } : {}),
  };
  identity.saveCredential(code, {
    kind: 'code',
    mailbox: mailbox.no,
    clientId: app.clientId,
    signIn: signInOf.id,
    signedInAt: signInOf.at,
    issued: now,
    expires: now + CODE_LIFETIME_MS,
    data: grant as unknown as Record<string, unknown>,
  });
  const tenantId = identity.config()!.tenantId;
  sendAnswer(reply, answer, {
    code,
    ...(pending.clientInfo ? { client_info: clientInfo(mailbox, tenantId) } : {}),
    session_state: crypto.randomUUID(),
  });
}

function errorFields(err: IdentityError): Record<string, string> {
  return { error: err.error, error_description: err.message };
}

/** Answer the app at its redirect URI, in the response mode it asked for; `state` goes back as it came. */
function sendAnswer(reply: FastifyReply, a: Answer, fields: Record<string, string>): void {
  const all = { ...fields, ...(a.state !== undefined ? { state: a.state } : {}) };
  if (a.responseMode === 'form_post') {
    const { html, nonce } = formPostPage(a.redirectUri, all);
    sendPage(reply, 200, html, { formAction: new URL(a.redirectUri).origin, scriptNonce: nonce });
    return;
  }
  const url = new URL(a.redirectUri);
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  reply.code(302).header('location', url.toString()).header('cache-control', 'no-store').send();
}
