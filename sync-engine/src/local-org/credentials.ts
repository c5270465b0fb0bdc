/**
 * Passwords (salted scrypt hashes, never the password) and lockout as Salesforce's default password
 * policy has it: 10 invalid attempts lock the user out for 15 minutes; a successful login resets the count.
 *
 * A hash carries its scrypt parameters, so a hash made at an older, lower cost still verifies, and is made
 * again at the current cost on the user's next successful login. Hashing runs on libuv's thread pool
 * (`crypto.scrypt`, not `scryptSync`): about 50 ms a login that would otherwise stop every other request.
 */
import crypto from 'node:crypto';
import { OrgStore } from './store';

export const MAX_INVALID_ATTEMPTS = 10;
export const LOCKOUT_MINUTES = 15;

export type CredentialCheck = 'ok' | 'invalid-password' | 'locked-out';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** Node's default scrypt cost (16 MiB of memory a hash). */
export const PASSWORD_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;
/** The most memory a stored hash may ask for: a hash stronger than ours still verifies, a forged one cannot exhaust memory. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, cost: ScryptCost, keyBytes = KEY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password, salt, keyBytes, { ...cost, maxmem: MAX_SCRYPT_MEMORY }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$n=16384,r=8,p=1$<salt>$<hash>`, both in base64. */
export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, cost);
  return `scrypt$n=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface StoredHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): StoredHash | undefined {
  const [scheme, params, salt, hash, extra] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined || extra !== undefined) return undefined;
  // The first version stored N alone (`scrypt$1024$...`), always with r=8 and p=1.
  const legacy = /^(\d+)$/.exec(params);
  const named = /^n=(\d+),r=(\d+),p=(\d+)$/.exec(params);
  const cost = legacy
    ? { N: Number(legacy[1]), r: 8, p: 1 }
    : named
      ? { N: Number(named[1]), r: Number(named[2]), p: Number(named[3]) }
      : undefined;
  if (!cost) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** The scrypt parameters a stored hash was made with, or undefined when it is not one of ours. */
export function scryptCostOf(stored: string): ScryptCost | undefined {
  return parseHash(stored)?.cost;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.hash.length < 16 || parsed.hash.length > 64) return false;
  let actual: Buffer;
  try {
    actual = await scrypt(password, parsed.salt, parsed.cost, parsed.hash.length);
  } catch {
    return false; // parameters scrypt refuses (not a power of two, too much memory): not a hash we wrote
  }
  return crypto.timingSafeEqual(parsed.hash, actual);
}

function isCurrentCost(stored: string): boolean {
  const cost = scryptCostOf(stored);
  return cost !== undefined && cost.N === PASSWORD_COST.N && cost.r === PASSWORD_COST.r && cost.p === PASSWORD_COST.p;
}

interface CredentialRow {
  password_hash: string;
  failed_attempts: number;
  locked_until: string | null;
}

export class Credentials {
  /** The hash an unknown username is checked against, made on first need (not at startup: it costs a hash). */
  private unknownUserHash: Promise<string> | undefined;

  constructor(private readonly store: OrgStore) {
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
    this.setPasswordHash(userId, await hashPassword(password));
  }

  /** Hash a password against a throwaway hash: the cost of a check for a user that does not exist. */
  async checkUnknown(password: string): Promise<void> {
    this.unknownUserHash ??= hashPassword('unknown-user-placeholder');
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
      if (!isCurrentCost(row.password_hash)) await this.upgrade(userId, password, row.password_hash);
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
    const newHash = await hashPassword(password);
    if (!this.store.db.open) return;
    this.store.db
      .prepare(`UPDATE credentials SET password_hash = ? WHERE user_id = ? AND password_hash = ?`)
      .run(newHash, userId, oldHash);
  }
}
