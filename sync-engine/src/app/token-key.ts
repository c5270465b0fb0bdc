/**
 * The key that encrypts stored sign-ins (the org's refresh token, the mailbox's token cache), and how their files
 * are written. The key is 32 random bytes in a file outside any data dir (`$SFO_TOKEN_KEY_FILE`, else
 * `$XDG_CONFIG_HOME/sfo-compat/token.key`, else `~/.config/sfo-compat/token.key`; 0600 in a 0700 folder), so a copy
 * of a data dir alone holds no usable token. One key for every stored sign-in of the user.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const KEY_BYTES = 32;

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

export interface TokenKeyOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  random?: (n: number) => Buffer;
  /** Unix permission checks; off on Windows, where modes mean nothing. */
  checkModes?: boolean;
}

/** The key for the stored sign-ins of one data dir (which it must not sit in). */
export class TokenKey {
  readonly file: string;
  private readonly random: (n: number) => Buffer;
  private readonly checkModes: boolean;

  constructor(
    private readonly dataDir: string,
    o: TokenKeyOptions = {},
  ) {
    this.file = tokenKeyFile(o.env, o.home);
    this.random = o.random ?? crypto.randomBytes;
    this.checkModes = o.checkModes ?? process.platform !== 'win32';
  }

  /** The key, or null when there is no key file yet. */
  read(): Buffer | null {
    this.checkPlace();
    let key: Buffer;
    try {
      key = fs.readFileSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw accessError(err, this.file);
    }
    if (key.length !== KEY_BYTES) {
      throw new TokenStoreError(
        'KEY_FILE_INVALID',
        `The key file ${this.file} is not a ${KEY_BYTES}-byte key. Delete it and sign in again with --sign-in (stored sign-ins it protected are lost).`,
      );
    }
    const mode = fs.statSync(this.file).mode & 0o777;
    if (this.checkModes && (mode & 0o077) !== 0) {
      throw new TokenStoreError(
        'KEY_FILE_TOO_OPEN',
        `The key file ${this.file} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}). Run: chmod 600 ${this.file}`,
      );
    }
    return key;
  }

  /** The key, made first when there is none: created once even when two sign-ins race (the first linked wins). */
  readOrCreate(): Buffer {
    const existing = this.read();
    if (existing) return existing;
    return fileAccess(() => {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = tempName(this.file, this.random);
      fs.writeFileSync(tmp, this.random(KEY_BYTES), { mode: 0o600, flag: 'wx' });
      try {
        fs.linkSync(tmp, this.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        fs.unlinkSync(tmp);
      }
      return this.read()!;
    }, this.file);
  }

  private checkPlace(): void {
    const rel = path.relative(path.resolve(this.dataDir), this.file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      throw new TokenStoreError(
        'KEY_IN_DATA_DIR',
        `The key file ${this.file} is inside the data dir ${this.dataDir}, beside the token it protects. Point SFO_TOKEN_KEY_FILE elsewhere.`,
      );
    }
  }
}

export function tempName(file: string, random: (n: number) => Buffer): string {
  return `${file}.${process.pid}.${random(6).toString('hex')}.tmp`;
}

/** Write a file only its owner may read: a new 0600 temp file beside it (never an existing one), then rename. */
export function writePrivate(file: string, content: string, random: (n: number) => Buffer): void {
  const tmp = tempName(file, random);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function fileAccess<T>(f: () => T, file: string): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof TokenStoreError) throw err;
    throw accessError(err, file);
  }
}

export function accessError(err: unknown, file: string): TokenStoreError {
  const e = err as NodeJS.ErrnoException;
  return new TokenStoreError('FILE_ACCESS', `Cannot use ${file}: ${e.code ?? e.message}.`);
}
