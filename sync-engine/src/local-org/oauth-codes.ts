/** Authorization codes of the web-server flow: kept in memory as hashes for 15 minutes, spent by the first exchange. */
import crypto from 'node:crypto';
import { Clock } from './clock';
import { hashToken } from './sessions';

export const CODE_MINUTES = 15;

export interface AuthorizationCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  scope: string;
  expiresAt: number;
}

/** Authorization codes, kept as hashes; each one is spent by the first attempt to exchange it, failed or not. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(private readonly clock: Clock) {}

  issue(grant: Omit<AuthorizationCode, 'expiresAt'>): string {
    const now = this.clock.now().getTime();
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k);
    const code = `aPrx${crypto.randomBytes(32).toString('base64url')}`;
    this.codes.set(hashToken(code), { ...grant, expiresAt: now + CODE_MINUTES * 60_000 });
    return code;
  }

  take(code: string): AuthorizationCode | undefined {
    const key = hashToken(code);
    const grant = this.codes.get(key);
    this.codes.delete(key);
    return grant;
  }
}

/** The PKCE S256 challenge of a code verifier: its base64url SHA-256 (RFC 7636 section 4.2). */
export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier).digest('base64url');
}
