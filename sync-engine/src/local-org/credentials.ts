/**
 * Passwords (salted scrypt hashes, never the password) and lockout as Salesforce's default password
 * policy has it: 10 invalid attempts lock the user out for 15 minutes; a successful login resets the count.
 */
import crypto from 'node:crypto';
import { OrgStore } from './store';

export const MAX_INVALID_ATTEMPTS = 10;
export const LOCKOUT_MINUTES = 15;

export type CredentialCheck = 'ok' | 'invalid-password' | 'locked-out';

export function hashPassword(password: string, salt = crypto.randomBytes(16)): string {
  const hash = crypto.scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = crypto.scryptSync(password, Buffer.from(saltB64, 'base64'), expected.length, { N: Number(n), r: 8, p: 1 });
  return crypto.timingSafeEqual(expected, actual);
}

const DUMMY_HASH = hashPassword('unknown-user-placeholder');

export class Credentials {
  constructor(private readonly store: OrgStore) {
    store.db.exec(`CREATE TABLE IF NOT EXISTS credentials (
      user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until TEXT)`);
  }

  setPassword(userId: string, password: string): void {
    this.store.db.prepare(`INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)
      ON CONFLICT(user_id) DO UPDATE SET password_hash = excluded.password_hash, failed_attempts = 0, locked_until = NULL`)
      .run(userId, hashPassword(password));
  }

  /** Hash a password against a throwaway hash: the cost of a check for a user that does not exist. */
  checkUnknown(password: string): void {
    verifyPassword(password, DUMMY_HASH);
  }

  /** Check a password, counting failures and locking the user out after too many. */
  check(userId: string, password: string): CredentialCheck {
    const row = this.store.db.prepare(`SELECT * FROM credentials WHERE user_id = ?`).get(userId) as
      | { password_hash: string; failed_attempts: number; locked_until: string | null }
      | undefined;
    if (!row) return 'invalid-password';
    const now = this.store.clock.now();
    if (row.locked_until && new Date(row.locked_until) > now) return 'locked-out';
    if (verifyPassword(password, row.password_hash)) {
      this.store.db.prepare(`UPDATE credentials SET failed_attempts = 0, locked_until = NULL WHERE user_id = ?`).run(userId);
      return 'ok';
    }
    const failed = (row.locked_until ? 0 : row.failed_attempts) + 1;
    const lockedUntil = failed >= MAX_INVALID_ATTEMPTS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
    this.store.db.prepare(`UPDATE credentials SET failed_attempts = ?, locked_until = ? WHERE user_id = ?`)
      .run(lockedUntil ? 0 : failed, lockedUntil, userId);
    return lockedUntil ? 'locked-out' : 'invalid-password';
  }
}
