/**
 * The stored sign-in of a real org: the OAuth refresh token that `sync --sign-in` got, kept in
 * `<dataDir>/salesforce-token.json` (0600, written atomically) encrypted with AES-256-GCM, beside the org, client
 * id and username it belongs to (not secret, but authenticated with it). The key is 32 random bytes in a file
 * outside the data dir (`$SFO_TOKEN_KEY_FILE`, else `$XDG_CONFIG_HOME/sfo-compat/token.key`, else
 * `~/.config/sfo-compat/token.key`; 0600 in a 0700 folder), so a copy of the data dir alone holds no usable token.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { privateDir } from '../common/private-files';

export const TOKEN_FILE = 'salesforce-token.json';
const FORMAT = 'sfo-compat-token/1';
const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Whom a stored token belongs to: a token is used only for this org, connected app and user. */
export interface TokenOwner {
  loginUrl: string;
  clientId: string;
  username: string;
}

export interface StoredSignIn extends TokenOwner {
  refreshToken: string;
}

/**
 * Why a stored sign-in cannot be used:
 * - TOKEN_FILE_DAMAGED: the token file is not one this module wrote (not JSON, fields missing)
 * - TOKEN_UNDECRYPTABLE: the key is missing or another one, or the file was altered
 * - KEY_FILE_INVALID: the key file is not 32 bytes
 * - KEY_FILE_TOO_OPEN: other users may read the key file
 * - KEY_IN_DATA_DIR: the key file would sit beside the token it protects
 * - FILE_ACCESS: the file system refused (permissions, a full disk)
 */
export type TokenStoreErrorCode =
  | 'TOKEN_FILE_DAMAGED'
  | 'TOKEN_UNDECRYPTABLE'
  | 'KEY_FILE_INVALID'
  | 'KEY_FILE_TOO_OPEN'
  | 'KEY_IN_DATA_DIR'
  | 'FILE_ACCESS';

export class TokenStoreError extends Error {
  constructor(
    readonly code: TokenStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenStoreError';
  }

  /** Whether signing in again (which writes a new token, and a new key when there is none) fixes it. */
  get signInAgainFixes(): boolean {
    return this.code === 'TOKEN_FILE_DAMAGED' || this.code === 'TOKEN_UNDECRYPTABLE';
  }
}

/** The key file's path: `$SFO_TOKEN_KEY_FILE`, else under the user's config folder (XDG). */
export function tokenKeyFile(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (env.SFO_TOKEN_KEY_FILE) return path.resolve(env.SFO_TOKEN_KEY_FILE);
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const configHome =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(configHome, 'sfo-compat', 'token.key');
}

interface TokenFile extends TokenOwner {
  format: typeof FORMAT;
  savedAt: string;
  cipher: typeof CIPHER;
  iv: string;
  tag: string;
  encryptedRefreshToken: string;
}

export interface TokenStoreOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  random?: (n: number) => Buffer;
  now?: () => Date;
  /** Unix permission checks; off on Windows, where modes mean nothing. */
  checkModes?: boolean;
}

/** Whether two owners are the same org, app and user (Salesforce usernames ignore case). */
export function sameOwner(a: TokenOwner, b: TokenOwner): boolean {
  return (
    a.loginUrl.replace(/\/+$/, '') === b.loginUrl.replace(/\/+$/, '') &&
    a.clientId === b.clientId &&
    a.username.toLowerCase() === b.username.toLowerCase()
  );
}

export class TokenStore {
  readonly file: string;
  readonly keyFile: string;
  private readonly random: (n: number) => Buffer;
  private readonly now: () => Date;
  private readonly checkModes: boolean;

  constructor(
    readonly dataDir: string,
    o: TokenStoreOptions = {},
  ) {
    this.file = path.join(dataDir, TOKEN_FILE);
    this.keyFile = tokenKeyFile(o.env, o.home);
    this.random = o.random ?? crypto.randomBytes;
    this.now = o.now ?? (() => new Date());
    this.checkModes = o.checkModes ?? process.platform !== 'win32';
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  /** Whom the stored token belongs to, read without the key; null when there is none. */
  owner(): TokenOwner | null {
    const f = this.readFile();
    return f ? { loginUrl: f.loginUrl, clientId: f.clientId, username: f.username } : null;
  }

  /** The stored sign-in, decrypted; null when there is none. Throws TokenStoreError when it cannot be used. */
  load(): StoredSignIn | null {
    const f = this.readFile();
    if (!f) return null;
    const key = this.readKey();
    if (!key) throw this.undecryptable(`the key file ${this.keyFile} is missing`);
    try {
      const decipher = crypto.createDecipheriv(CIPHER, key, Buffer.from(f.iv, 'base64'));
      decipher.setAAD(associatedData(f));
      decipher.setAuthTag(Buffer.from(f.tag, 'base64'));
      const refreshToken = Buffer.concat([
        decipher.update(Buffer.from(f.encryptedRefreshToken, 'base64')),
        decipher.final(),
      ]).toString('utf8');
      return { loginUrl: f.loginUrl, clientId: f.clientId, username: f.username, refreshToken };
    } catch {
      throw this.undecryptable(
        `it does not decrypt with the key in ${this.keyFile} (the key changed, or the file was altered)`,
      );
    }
  }

  /** Encrypt and store a sign-in (0600 temp file, then renamed over the old one); makes the key on first use. */
  save(s: StoredSignIn): void {
    const key = this.readKey() ?? this.createKey();
    const iv = this.random(IV_BYTES);
    const head = {
      format: FORMAT,
      loginUrl: s.loginUrl,
      clientId: s.clientId,
      username: s.username,
      savedAt: this.now().toISOString(),
      cipher: CIPHER,
    } as const;
    const cipher = crypto.createCipheriv(CIPHER, key, iv);
    cipher.setAAD(associatedData(head));
    const encrypted = Buffer.concat([cipher.update(s.refreshToken, 'utf8'), cipher.final()]);
    const file: TokenFile = {
      ...head,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      encryptedRefreshToken: encrypted.toString('base64'),
    };
    fileAccess(() => {
      privateDir(this.dataDir);
      writePrivate(this.file, `${JSON.stringify(file, null, 2)}\n`, this.random);
    }, this.file);
  }

  /** Delete the stored sign-in; whether there was one. The key stays: other data dirs may use it. */
  remove(): boolean {
    return fileAccess(() => {
      try {
        fs.unlinkSync(this.file);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    }, this.file);
  }

  private readFile(): TokenFile | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw accessError(err, this.file);
    }
    let f: unknown;
    try {
      f = JSON.parse(text);
    } catch {
      f = undefined;
    }
    if (!isTokenFile(f))
      throw new TokenStoreError(
        'TOKEN_FILE_DAMAGED',
        `The stored Salesforce sign-in in ${this.file} is damaged: it is not a token file this program wrote.`,
      );
    return f;
  }

  /** The key, or null when there is no key file yet. */
  private readKey(): Buffer | null {
    this.checkKeyPlace();
    let key: Buffer;
    try {
      key = fs.readFileSync(this.keyFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw accessError(err, this.keyFile);
    }
    if (key.length !== KEY_BYTES) {
      throw new TokenStoreError(
        'KEY_FILE_INVALID',
        `The key file ${this.keyFile} is not a ${KEY_BYTES}-byte key. Delete it and sign in again with --sign-in (stored sign-ins it protected are lost).`,
      );
    }
    const mode = fs.statSync(this.keyFile).mode & 0o777;
    if (this.checkModes && (mode & 0o077) !== 0) {
      throw new TokenStoreError(
        'KEY_FILE_TOO_OPEN',
        `The key file ${this.keyFile} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}). Run: chmod 600 ${this.keyFile}`,
      );
    }
    return key;
  }

  /** A new random key, created once even when two sign-ins race: the first one linked into place wins. */
  private createKey(): Buffer {
    return fileAccess(() => {
      fs.mkdirSync(path.dirname(this.keyFile), { recursive: true, mode: 0o700 });
      const tmp = tempName(this.keyFile, this.random);
      fs.writeFileSync(tmp, this.random(KEY_BYTES), { mode: 0o600, flag: 'wx' });
      try {
        fs.linkSync(tmp, this.keyFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        fs.unlinkSync(tmp);
      }
      return this.readKey()!;
    }, this.keyFile);
  }

  private checkKeyPlace(): void {
    const rel = path.relative(path.resolve(this.dataDir), this.keyFile);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      throw new TokenStoreError(
        'KEY_IN_DATA_DIR',
        `The key file ${this.keyFile} is inside the data dir ${this.dataDir}, beside the token it protects. Point SFO_TOKEN_KEY_FILE elsewhere.`,
      );
    }
  }

  private undecryptable(why: string): TokenStoreError {
    return new TokenStoreError(
      'TOKEN_UNDECRYPTABLE',
      `The stored Salesforce sign-in in ${this.file} cannot be used: ${why}.`,
    );
  }
}

/** What GCM authenticates beside the token: whom it belongs to, so the owner fields cannot be swapped either. */
function associatedData(f: TokenOwner & { format: string; cipher: string }): Buffer {
  return Buffer.from(JSON.stringify([f.format, f.cipher, f.loginUrl, f.clientId, f.username]), 'utf8');
}

function isTokenFile(f: unknown): f is TokenFile {
  if (typeof f !== 'object' || f === null) return false;
  const o = f as Record<string, unknown>;
  return (
    o.format === FORMAT &&
    o.cipher === CIPHER &&
    ['loginUrl', 'clientId', 'username', 'iv', 'tag', 'encryptedRefreshToken'].every((k) => typeof o[k] === 'string')
  );
}

function tempName(file: string, random: (n: number) => Buffer): string {
  return `${file}.${process.pid}.${random(6).toString('hex')}.tmp`;
}

/** Write a file only its owner may read: a new 0600 temp file beside it (never an existing one), then rename. */
function writePrivate(file: string, content: string, random: (n: number) => Buffer): void {
  const tmp = tempName(file, random);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function fileAccess<T>(f: () => T, file: string): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof TokenStoreError) throw err;
    throw accessError(err, file);
  }
}

function accessError(err: unknown, file: string): TokenStoreError {
  const e = err as NodeJS.ErrnoException;
  return new TokenStoreError('FILE_ACCESS', `Cannot use ${file}: ${e.code ?? e.message}.`);
}
