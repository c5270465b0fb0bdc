/**
 * The token endpoint (`POST /{tenant}/oauth2/v2.0/token`), for public clients: `authorization_code` with its PKCE
 * `code_verifier`, `refresh_token` (rotating: each use answers a new refresh token and the old one is spent), and
 * the device-code grant. Codes and refresh tokens are single use: a second use is taken for a stolen credential and
 * revokes everything that sign-in issued. Errors are Entra's JSON (errors.ts).
 */
import crypto from 'node:crypto';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { IdentityStore, CodeGrant, Credential } from './store';
import { identityErrors } from './errors';
import { FORM_BODY_LIMIT, formOf, issuerOf, optional, required, sendIdentityJson, tenantOf } from './requests';
import { Scopes, readScopes } from './scopes';
import { REFRESH_INACTIVITY_DAYS, TokenAnswer, mintTokens, newSignIn } from './tokens';
import { MailboxRecord } from '../store';

/** The device-code grant: RFC 8628's name (Microsoft's documentation) and `device_code` (what msal-node sends). */
export const DEVICE_CODE_GRANTS = ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'];

type Form = ReturnType<typeof formOf>;

interface GrantContext {
  identity: IdentityStore;
  req: FastifyRequest;
  form: Form;
  clientId: string;
  tenantId: string;
}

export function registerToken(app: FastifyInstance, identity: IdentityStore): void {
  app.post('/:tenant/oauth2/v2.0/token', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
    const tenant = tenantOf(identity, (req.params as { tenant: string }).tenant);
    const form = formOf(req);
    const grantType = required(form, 'grant_type');
    const clientId = required(form, 'client_id');
    const theApp = identity.app(clientId);
    if (!theApp) throw identityErrors.unknownClient(clientId, tenant.tenantId);
    const ctx: GrantContext = { identity, req, form, clientId: theApp.clientId, tenantId: tenant.tenantId };
    let answer: TokenAnswer;
    if (grantType === 'authorization_code') answer = authorizationCode(ctx);
    else if (grantType === 'refresh_token') answer = refreshToken(ctx);
    else if (DEVICE_CODE_GRANTS.includes(grantType)) answer = deviceCode(ctx);
    else throw identityErrors.unsupportedGrant(grantType);
    sendIdentityJson(reply, 200, answer);
    return reply;
  });
}

function mailboxOf(identity: IdentityStore, no: number): MailboxRecord {
  const m = identity.store.mailboxes().find((x) => x.no === no);
  if (!m) throw identityErrors.malformedGrant('grant names no mailbox');
  return m;
}

/** A grant from a sign-in before the mailbox's TokensValidFrom is void (a revoke, as a password change). */
function checkNotRevokedSince(identity: IdentityStore, mailbox: number, issued: number, signedInAt: number): void {
  const validFrom = identity.tokensValidFrom(mailbox);
  if (signedInAt < validFrom) throw identityErrors.grantRevoked(issued, validFrom);
}

function authorizationCode(c: GrantContext): TokenAnswer {
  const code = required(c.form, 'code');
  const found = c.identity.credential(code, 'code');
  if (!found) throw identityErrors.malformedGrant('authorization code is not one this authority issued');
  checkNotRevokedSince(c.identity, found.mailbox, found.issued, found.signedInAt);
  if (found.used || found.revoked) {
    c.identity.revokeSignIn(found.signIn);
    throw identityErrors.codeRedeemed();
  }
  if (found.expires < c.identity.now()) throw identityErrors.codeExpired();
  if (found.clientId.toLowerCase() !== c.clientId.toLowerCase()) throw identityErrors.grantOtherClient();
  // Spent from here on, whatever follows: a wrong verifier does not leave a code to try again with.
  if (!c.identity.markUsed(code)) {
    c.identity.revokeSignIn(found.signIn);
    throw identityErrors.codeRedeemed();
  }
  const grant = found.data as unknown as CodeGrant;
  const redirectUri = required(c.form, 'redirect_uri');
  if (redirectUri !== grant.redirectUri) throw identityErrors.grantRedirectMismatch();
  const verifier = required(c.form, 'code_verifier');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  if (
    challenge.length !== grant.codeChallenge.length ||
    !crypto.timingSafeEqual(Buffer.from(challenge), Buffer.from(grant.codeChallenge))
  )
    throw identityErrors.verifierMismatch();
  return mint(c, found, readScopes(grant.scope), grant.nonce);
}

function refreshToken(c: GrantContext): TokenAnswer {
  const token = required(c.form, 'refresh_token');
  const found = c.identity.credential(token, 'refresh');
  if (!found) throw identityErrors.malformedGrant('refresh token is not one this authority issued');
  checkNotRevokedSince(c.identity, found.mailbox, found.issued, found.signedInAt);
  if (found.used || found.revoked) {
    c.identity.revokeSignIn(found.signIn);
    throw identityErrors.refreshTokenUsed();
  }
  if (found.clientId.toLowerCase() !== c.clientId.toLowerCase()) throw identityErrors.grantOtherClient();
  if (found.expires < c.identity.now()) throw identityErrors.refreshTokenExpired(found.issued, REFRESH_INACTIVITY_DAYS);
  const asked = optional(c.form, 'scope');
  const granted = found.data.scope as Scopes;
  // A refresh gets no Graph permission its sign-in was not granted (as Entra): asking for more widens nothing.
  const scopes = asked ? withinGrant(readScopes(asked), granted) : granted;
  if (!c.identity.markUsed(token)) {
    c.identity.revokeSignIn(found.signIn);
    throw identityErrors.refreshTokenUsed();
  }
  // A refresh keeps its sign-in: a later reuse of any of its tokens revokes the lot.
  return mint(c, found, { ...scopes, offline: true });
}

function deviceCode(c: GrantContext): TokenAnswer {
  const secret = required(c.form, 'device_code');
  const found = c.identity.deviceCode(secret);
  if (!found) throw identityErrors.deviceCodeUnknown();
  if (found.clientId.toLowerCase() !== c.clientId.toLowerCase()) throw identityErrors.grantOtherClient();
  if (found.status === 'redeemed') throw identityErrors.codeRedeemed();
  if (found.expires < c.identity.now()) throw identityErrors.deviceCodeExpired();
  if (found.status === 'pending') throw identityErrors.authorizationPending();
  if (found.status === 'declined') throw identityErrors.deviceCodeDeclined();
  checkNotRevokedSince(c.identity, found.mailbox!, found.issued, found.signedInAt!);
  if (!c.identity.setDeviceCodeStatus(found.hash, 'approved', 'redeemed')) throw identityErrors.codeRedeemed();
  const signIn = newSignIn(found.signedInAt!);
  return mint(c, { mailbox: found.mailbox!, signIn: signIn.id, signedInAt: signIn.at }, readScopes(found.scope));
}

function mint(
  c: GrantContext,
  from: Pick<Credential, 'mailbox' | 'signIn' | 'signedInAt'>,
  scopes: Scopes,
  nonce?: string,
): TokenAnswer {
  return mintTokens(c.identity, {
    mailbox: mailboxOf(c.identity, from.mailbox),
    clientId: c.clientId,
    scopes,
    signIn: { id: from.signIn, at: from.signedInAt },
    issuer: issuerOf(c.req, c.tenantId),
    tenantId: c.tenantId,
    nonce,
    withClientInfo: optional(c.form, 'client_info') === '1',
  });
}

/** The asked scopes, keeping of Graph's permissions only those the grant holds. */
function withinGrant(asked: Scopes, granted: Scopes): Scopes {
  const held = new Set(granted.graph.map((g) => g.toLowerCase()));
  return { ...asked, graph: asked.graph.filter((g) => held.has(g.toLowerCase())) };
}
