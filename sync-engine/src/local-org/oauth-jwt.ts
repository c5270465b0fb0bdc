/**
 * The OAuth 2.0 JWT bearer flow's assertion (RFC 7523; Salesforce's "OAuth 2.0 JWT Bearer Flow for
 * Server-to-Server Integration"): `header.claims.signature`, base64url, RS256 only, verified with the certificate
 * of the connected app named by `iss` (its client id). `aud` is the org's own URL or Salesforce's login hosts,
 * `sub` a username, `exp` in the future (Salesforce allows three minutes of clock skew). Length is checked before
 * anything is decoded.
 */
import crypto from 'node:crypto';
import { OrgContext } from './context';
import { ConnectedApp } from './connected-apps';
import { OAuthError, oauthErrors } from './oauth-errors';
import { publicKeyOf } from './seed';

export const MAX_ASSERTION_CHARS = 8192;
const CLOCK_SKEW_MS = 3 * 60_000;
const SALESFORCE_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);

function decodePart(part: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw invalidGrant('invalid assertion');
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw invalidGrant('invalid assertion');
  }
}

export interface VerifiedAssertion {
  app: ConnectedApp;
  username: string;
}

/** The app and username of a valid assertion, or the OAuth error Salesforce answers. */
export function verifyAssertion(ctx: OrgContext, assertion: string | undefined, orgUrl: string): VerifiedAssertion {
  if (!assertion) throw new OAuthError(400, 'invalid_request', 'assertion parameter is required');
  if (assertion.length > MAX_ASSERTION_CHARS) throw invalidGrant('invalid assertion');
  const parts = assertion.split('.');
  if (parts.length !== 3) throw invalidGrant('invalid assertion');
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (header.alg !== 'RS256') throw invalidGrant('invalid assertion');
  const app = typeof claims.iss === 'string' ? ctx.apps.find(claims.iss) : undefined;
  if (!app) throw oauthErrors.invalidClientId();
  const key = app.certificate ? publicKeyOf(app.certificate) : undefined;
  if (!key) throw invalidGrant('invalid assertion: the connected app has no certificate for the JWT bearer flow');
  const signature = /^[A-Za-z0-9_-]+$/.test(parts[2]) ? Buffer.from(parts[2], 'base64url') : Buffer.alloc(0);
  const signed = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, signature);
  if (!signed) throw invalidGrant('invalid assertion');
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((a) =>
    typeof a === 'string' ? a.replace(/\/+$/, '') : a,
  );
  if (!audiences.some((a) => a === orgUrl || SALESFORCE_AUDIENCES.includes(a as string)))
    throw invalidGrant('audience is invalid');
  if (typeof claims.exp !== 'number') throw invalidGrant('invalid assertion: exp (seconds since 1970) is required');
  if (claims.exp * 1000 + CLOCK_SKEW_MS <= ctx.store.clock.now().getTime()) throw invalidGrant('expired assertion');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidGrant('invalid assertion: sub is required');
  return { app, username: claims.sub };
}
