/**
 * Password hashes: salted scrypt, never the password. A hash carries its scrypt parameters, so a hash made at an
 * older, lower cost still verifies. Hashing runs on libuv's thread pool (`crypto.scrypt`, not `scryptSync`):
 * about 50 ms a check that would otherwise stop every other request. Shared by the local org and the local
 * mailbox's identity platform.
 */
import crypto from 'node:crypto';

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

/** The same hash made synchronously: for loading a seed, once, inside one transaction. */
export function hashPasswordSync(password: string, cost: ScryptCost = PASSWORD_COST): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, KEY_BYTES, { ...cost, maxmem: MAX_SCRYPT_MEMORY });
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

export function isCurrentCost(stored: string, current: ScryptCost = PASSWORD_COST): boolean {
  const cost = scryptCostOf(stored);
  return cost !== undefined && cost.N === current.N && cost.r === current.r && cost.p === current.p;
}
