/**
 * The stored sign-in of a real org: the OAuth refresh token that `sync --sign-in` got, kept in
 * `<dataDir>/salesforce-token.json` (0600, written atomically) encrypted with AES-256-GCM, beside the org, client
 * id and username it belongs to (not secret, but authenticated with it). The key is 32 random bytes in a file
 * outside the data dir (`$SFO_TOKEN_KEY_FILE`, else `$XDG_CONFIG_HOME/sfo-compat/token.key`, else
 * `~/.config/sfo-compat/token.key`; 0600 in a 0700 folder), so a copy of the data dir alone holds no usable token.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TokenKey, TokenKeyOptions, TokenStoreError } from './token-key';
import { CIPHER, readKeptFile, removeKeptFile, seal, unseal, writeKeptFile } from './sealed-file';

export { TokenStoreError, tokenKeyFile } from './token-key';
export type { TokenStoreErrorCode } from './token-key';

export const TOKEN_FILE = 'salesforce-token.json';
const FORMAT = 'sfo-compat-token/1';

/** Whom a stored token belongs to: a token is used only for this org, connected app and user. */
export interface TokenOwner {
  loginUrl: string;
  clientId: string;
  username: string;
}

export interface StoredSignIn extends TokenOwner {
  refreshToken: string;
}

interface TokenFile extends TokenOwner {
  format: typeof FORMAT;
  savedAt: string;
  cipher: typeof CIPHER;
  iv: string;
  tag: string;
  encryptedRefreshToken: string;
}

export interface TokenStoreOptions extends TokenKeyOptions {
  now?: () => Date;
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
  private readonly key: TokenKey;
  private readonly random: (n: number) => Buffer;
  private readonly now: () => Date;

  constructor(
    readonly dataDir: string,
    o: TokenStoreOptions = {},
  ) {
    this.file = path.join(dataDir, TOKEN_FILE);
    this.random = o.random ?? crypto.randomBytes;
    this.now = o.now ?? (() => new Date());
    this.key = new TokenKey(dataDir, o);
    this.keyFile = this.key.file;
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
    const key = this.key.read();
    if (!key) throw this.undecryptable(`the key file ${this.keyFile} is missing`);
    const refreshToken = unseal(key, { iv: f.iv, tag: f.tag, data: f.encryptedRefreshToken }, associatedData(f));
    if (refreshToken === null)
      throw this.undecryptable(
        `it does not decrypt with the key in ${this.keyFile} (the key changed, or the file was altered)`,
      );
    return { loginUrl: f.loginUrl, clientId: f.clientId, username: f.username, refreshToken };
  }

  /** Encrypt and store a sign-in (0600 temp file, then renamed over the old one); makes the key on first use. */
  save(s: StoredSignIn): void {
    const key = this.key.readOrCreate();
    const head = {
      format: FORMAT,
      loginUrl: s.loginUrl,
      clientId: s.clientId,
      username: s.username,
      savedAt: this.now().toISOString(),
      cipher: CIPHER,
    } as const;
    const sealed = seal(key, s.refreshToken, associatedData(head), this.random);
    const file: TokenFile = { ...head, iv: sealed.iv, tag: sealed.tag, encryptedRefreshToken: sealed.data };
    writeKeptFile(this.dataDir, this.file, file, this.random);
  }

  /** Delete the stored sign-in; whether there was one. The key stays: other data dirs may use it. */
  remove(): boolean {
    return removeKeptFile(this.file);
  }

  private readFile(): TokenFile | null {
    return readKeptFile(
      this.file,
      isTokenFile,
      `The stored Salesforce sign-in in ${this.file} is damaged: it is not a token file this program wrote.`,
    );
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
