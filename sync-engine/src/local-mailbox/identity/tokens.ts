/**
 * What a successful sign-in hands out: an access token for Graph, a refresh token (rotating: each is good for one
 * use), an id_token with the claims msal-node reads, and `client_info` when asked. Access and id tokens are JWTs
 * signed RS256 with the store's key (published at `jwks_uri`), as Entra's are; refresh tokens are opaque. Every
 * secret is random and kept only as its hash (store.ts).
 */
import crypto from 'node:crypto';
import { MailboxRecord } from '../store';
import { guidFrom } from '../ids';
import { IdentityStore } from './store';
import { Scopes, scopeText } from './scopes';

/** Graph's application id: the audience of its access tokens. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Refresh tokens expire after 90 days without use, as Entra's do. */
export const REFRESH_INACTIVITY_DAYS = 90;
/** Authorization codes live 10 minutes. */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** id_tokens live an hour, whatever the access token's lifetime. */
const ID_TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenAnswer {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

/** The sign-in a set of tokens comes from. */
export interface SignIn {
  id: string;
  at: number;
}

export function newSignIn(now: number): SignIn {
  return { id: crypto.randomUUID(), at: now };
}

/** A random secret: 32 bytes or more, base64url. */
export function secret(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** The mailbox owner's object id: the `id` `GET /me` returns, `oid` in every token. */
export function objectId(m: MailboxRecord): string {
  return guidFrom(m.user.toLowerCase());
}

/** `client_info`: base64url of `{"uid","utid"}`, which msal keys its account with. */
export function clientInfo(m: MailboxRecord, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: objectId(m), utid: tenantId })).toString('base64url');
}

function jwt(identity: IdentityStore, claims: Record<string, unknown>): string {
  const { privateKey, kid } = identity.signingKey();
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ typ: 'JWT', alg: 'RS256', kid })}.${part(claims)}`;
  return `${head}.${crypto.sign('sha256', Buffer.from(head), privateKey).toString('base64url')}`;
}

export interface MintRequest {
  mailbox: MailboxRecord;
  clientId: string;
  scopes: Scopes;
  signIn: SignIn;
  /** `https://localhost:PORT/{tenantId}/v2.0`. */
  issuer: string;
  tenantId: string;
  /** Put `nonce` in the id_token (only when the authorization request sent a non-empty one). */
  nonce?: string;
  /** Answer `client_info` (the token request sent client_info=1). */
  withClientInfo: boolean;
}

/** Make and keep a set of tokens for one successful grant. */
export function mintTokens(identity: IdentityStore, r: MintRequest): TokenAnswer {
  const config = identity.config()!;
  const now = identity.now();
  const iat = Math.floor(now / 1000);
  const lifetime = config.tokenLifetimeSeconds;
  const oid = objectId(r.mailbox);
  const scope = scopeText(r.scopes);
  const accessToken = jwt(identity, {
    aud: GRAPH_APP_ID,
    iss: r.issuer,
    iat,
    nbf: iat,
    exp: iat + lifetime,
    appid: r.clientId,
    idtyp: 'user',
    name: r.mailbox.displayName,
    oid,
    scp: r.scopes.graph.join(' '),
    sub: pairwise(oid, GRAPH_APP_ID),
    tid: r.tenantId,
    unique_name: r.mailbox.user,
    upn: r.mailbox.user,
    uti: secret(16),
    ver: '1.0',
  });
  const base = {
    mailbox: r.mailbox.no,
    clientId: r.clientId,
    signIn: r.signIn.id,
    signedInAt: r.signIn.at,
    issued: now,
  };
  identity.saveCredential(accessToken, {
    ...base,
    kind: 'access',
    expires: now + lifetime * 1000,
    data: { scp: r.scopes.graph },
  });
  const answer: TokenAnswer = {
    token_type: 'Bearer',
    scope,
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  };
  if (r.scopes.offline) {
    const refreshToken = secret(48);
    identity.saveCredential(refreshToken, {
      ...base,
      kind: 'refresh',
      expires: now + REFRESH_INACTIVITY_DAYS * 86_400_000,
      data: { scope: { graph: r.scopes.graph, oidc: r.scopes.oidc } },
    });
    answer.refresh_token = refreshToken;
  }
  if (r.scopes.oidc.includes('openid')) {
    answer.id_token = jwt(identity, {
      aud: r.clientId,
      iss: r.issuer,
      iat,
      nbf: iat,
      exp: iat + ID_TOKEN_LIFETIME_SECONDS,
      name: r.mailbox.displayName,
      ...(r.nonce ? { nonce: r.nonce } : {}),
      oid,
      preferred_username: r.mailbox.user,
      ...(r.scopes.oidc.includes('email') ? { email: r.mailbox.user } : {}),
      sub: pairwise(oid, r.clientId),
      tid: r.tenantId,
      uti: secret(16),
      ver: '2.0',
    });
  }
  if (r.withClientInfo) answer.client_info = clientInfo(r.mailbox, r.tenantId);
  return answer;
}

/** `sub`: the user as one app sees them (Entra's pairwise identifier). */
function pairwise(oid: string, clientId: string): string {
  return crypto.createHash('sha256').update(`${clientId.toLowerCase()}:${oid}`).digest('base64url').slice(0, 43);
}
