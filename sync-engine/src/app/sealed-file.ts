/**
 * The sealing both kept sign-ins use (the org's refresh token, token-store.ts; msal's cache, mailbox-token-cache.ts):
 * AES-256-GCM under the key of token-key.ts, with what the file says in the clear (whose it is) authenticated as
 * associated data, and the file's own reading, writing and removal: 0600, atomic, its damage named.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { privateDir } from '../common/private-files';
import { TokenStoreError, accessError, fileAccess, writePrivate } from './token-key';

export const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;

/** A sealed text, each part base64. */
export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

export function seal(key: Buffer, plaintext: string, associated: Buffer, random: (n: number) => Buffer): Sealed {
  const iv = random(IV_BYTES);
  const cipher = crypto.createCipheriv(CIPHER, key, iv);
  cipher.setAAD(associated);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** The plaintext, or null when it does not open with this key and associated data (another key, or altered). */
export function unseal(key: Buffer, s: Sealed, associated: Buffer): string | null {
  try {
    const decipher = crypto.createDecipheriv(CIPHER, key, Buffer.from(s.iv, 'base64'));
    decipher.setAAD(associated);
    decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** A kept file as this program wrote it, or null when there is none; TOKEN_FILE_DAMAGED (`damaged`) otherwise. */
export function readKeptFile<T>(file: string, isValid: (f: unknown) => f is T, damaged: string): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw accessError(err, file);
  }
  let f: unknown;
  try {
    f = JSON.parse(text);
  } catch {
    f = undefined;
  }
  if (!isValid(f)) throw new TokenStoreError('TOKEN_FILE_DAMAGED', damaged);
  return f;
}

/** Write a kept file: 0600 in its 0700 folder, through a temp file renamed over the old one. */
export function writeKeptFile(dataDir: string, file: string, content: object, random: (n: number) => Buffer): void {
  fileAccess(() => {
    privateDir(dataDir);
    writePrivate(file, `${JSON.stringify(content, null, 2)}\n`, random);
  }, file);
}

/** Delete a kept file; whether there was one. */
export function removeKeptFile(file: string): boolean {
  return fileAccess(() => {
    try {
      fs.unlinkSync(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }, file);
}
