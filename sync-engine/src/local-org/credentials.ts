/**
 * Passwords (salted scrypt hashes, never the password) and lockout as Salesforce's default password
 * policy has it: 10 invalid attempts lock the user out for 15 minutes; a successful login resets the count.
 *
 * A hash made at an older, lower cost (common/password-hash.ts) is made again at the current cost on the user's
 * next successful login.
 */
import { OrgStore } from './store';
import { PASSWORD_COST, ScryptCost, hashPassword, isCurrentCost, verifyPassword } from '../common/password-hash';

export { PASSWORD_COST, ScryptCost, hashPassword, scryptCostOf, verifyPassword } from '../common/password-hash';

export const MAX_INVALID_ATTEMPTS = 10;
export const LOCKOUT_MINUTES = 15;

export type CredentialCheck = 'ok' | 'invalid-password' | 'locked-out';

interface CredentialRow {
  password_hash: string;
  failed_attempts: number;
  locked_until: string | null;
}

export class Credentials {
  /** The hash an unknown username is checked against, made on first need (not at startup: it costs a hash). */
  private unknownUserHash: Promise<string> | undefined;

  constructor(
    private readonly store: OrgStore,
    /** The scrypt cost new hashes are made at (and older ones upgraded to). */
    readonly cost: ScryptCost = PASSWORD_COST,
  ) {
    store.db.exec(`CREATE TABLE IF NOT EXISTS credentials (
      user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until TEXT)`);
  }

  /** Store a hash made by hashPassword, clearing failures and lockout. */
  setPasswordHash(userId: string, passwordHash: string): void {
    this.store.db
      .prepare(
        `INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)
      ON CONFLICT(user_id) DO UPDATE SET password_hash = excluded.password_hash, failed_attempts = 0, locked_until = NULL`,
      )
      .run(userId, passwordHash);
  }

  async setPassword(userId: string, password: string): Promise<void> {
    this.setPasswordHash(userId, await hashPassword(password, this.cost));
  }

  /** Hash a password against a throwaway hash: the cost of a check for a user that does not exist. */
  async checkUnknown(password: string): Promise<void> {
    this.unknownUserHash ??= hashPassword('unknown-user-placeholder', this.cost);
    await verifyPassword(password, await this.unknownUserHash);
  }

  /** Check a password, counting failures and locking the user out after too many. */
  async check(userId: string, password: string): Promise<CredentialCheck> {
    const before = this.row(userId);
    if (!before) return 'invalid-password';
    if (this.isLockedOut(before)) return 'locked-out';
    const matches = await verifyPassword(password, before.password_hash);
    // Other attempts ran while the hash was computed: decide on the row as it is now, so none of their counts is lost.
    const row = this.row(userId);
    if (!row) return 'invalid-password';
    if (row.password_hash !== before.password_hash) return this.check(userId, password);
    if (this.isLockedOut(row)) return 'locked-out';
    if (matches) {
      this.store.db
        .prepare(`UPDATE credentials SET failed_attempts = 0, locked_until = NULL WHERE user_id = ?`)
        .run(userId);
      if (!isCurrentCost(row.password_hash, this.cost)) await this.upgrade(userId, password, row.password_hash);
      return 'ok';
    }
    const failed = (row.locked_until ? 0 : row.failed_attempts) + 1;
    const lockedUntil =
      failed >= MAX_INVALID_ATTEMPTS
        ? new Date(this.store.clock.now().getTime() + LOCKOUT_MINUTES * 60_000).toISOString()
        : null;
    this.store.db
      .prepare(`UPDATE credentials SET failed_attempts = ?, locked_until = ? WHERE user_id = ?`)
      .run(lockedUntil ? 0 : failed, lockedUntil, userId);
    return lockedUntil ? 'locked-out' : 'invalid-password';
  }

  private row(userId: string): CredentialRow | undefined {
    return this.store.db.prepare(`SELECT * FROM credentials WHERE user_id = ?`).get(userId) as
      CredentialRow | undefined;
  }

  private isLockedOut(row: CredentialRow): boolean {
    return row.locked_until !== null && new Date(row.locked_until) > this.store.clock.now();
  }

  /** Store the password again at the current cost, unless it was changed meanwhile. */
  private async upgrade(userId: string, password: string, oldHash: string): Promise<void> {
    const newHash = await hashPassword(password, this.cost);
    if (!this.store.db.open) return;
    this.store.db
      .prepare(`UPDATE credentials SET password_hash = ? WHERE user_id = ? AND password_hash = ?`)
      .run(newHash, userId, oldHash);
  }
}
