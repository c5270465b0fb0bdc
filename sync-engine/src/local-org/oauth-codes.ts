/**
 * Authorization codes of the web-server flow: kept in memory as hashes for 15 minutes, spent by the first
 * exchange attempt, failed or not. A spent code is remembered, with the tokens issued from it, until it would
 * have expired: presented again, it means two callers hold it, so those tokens are revoked (RFC 6749 4.1.2).
 */
import crypto from 'node:crypto';
import { Clock } from '../common/clock';
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

interface SpentCode {
  expiresAt: number;
  /** Hashes of the tokens issued from the code (none when its exchange failed). */
  issuedTokenHashes: string[];
}

/** What presenting a code finds: its grant the first time; the tokens issued from it on any later time. */
export type TakenCode =
  { kind: 'grant'; grant: AuthorizationCode } | { kind: 'reused'; issuedTokenHashes: string[] } | { kind: 'unknown' };

export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly spent = new Map<string, SpentCode>();

  constructor(private readonly clock: Clock) {}

  issue(grant: Omit<AuthorizationCode, 'expiresAt'>): string {
    const now = this.clock.now().getTime();
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k);
    for (const [k, c] of this.spent) if (c.expiresAt <= now) this.spent.delete(k);
    const code = `aPrx${crypto.randomBytes(32).toString('base64url')}`;
    this.codes.set(hashToken(code), { ...grant, expiresAt: now + CODE_MINUTES * 60_000 });
    return code;
  }

  /** Spend a code: its grant if it was never presented, `reused` if it was. */
  take(code: string): TakenCode {
    const key = hashToken(code);
    const spent = this.spent.get(key);
    if (spent) return { kind: 'reused', issuedTokenHashes: spent.issuedTokenHashes };
    const grant = this.codes.get(key);
    if (!grant) return { kind: 'unknown' };
    this.codes.delete(key);
    this.spent.set(key, { expiresAt: grant.expiresAt, issuedTokenHashes: [] });
    return { kind: 'grant', grant };
  }

  /** Remember the tokens a code's exchange issued, for revoking them if the code comes back. */
  issuedFrom(code: string, tokens: string[]): void {
    this.spent.get(hashToken(code))?.issuedTokenHashes.push(...tokens.map(hashToken));
  }
}

/** The PKCE S256 challenge of a code verifier: its base64url SHA-256 (RFC 7636 section 4.2). */
export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier).digest('base64url');
}
