/**
 * msal-node's token cache for the mailbox (its accounts, access and refresh tokens), kept in
 * `<dataDir>/mailbox-token-cache.json` encrypted with AES-256-GCM under the same key as the org's refresh token
 * (token-key.ts: outside the data dir), 0600 and written atomically. msal-node calls the plugin around each use of
 * its cache: the file is read before (so a sign-in made by another process, `sync --connect-mailbox`, is seen by a
 * running engine) and written after a change.
 *
 * Why not `@azure/msal-node-extensions`: on Linux it keeps the cache in the desktop keyring through libsecret, which
 * a server, a container or an ssh session does not have (this machine has none); its plain-file fallback is not
 * encrypted. The Salesforce token's scheme works everywhere and is one scheme to audit.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { TokenKey, TokenKeyOptions, TokenStoreError } from './token-key';
import { CIPHER, readKeptFile, removeKeptFile, seal, unseal, writeKeptFile } from './sealed-file';

export const MAILBOX_CACHE_FILE = 'mailbox-token-cache.json';
const FORMAT = 'sfo-compat-msal-cache/1';
/** msal-node's serialized form of an empty cache: what a removed file reads as. */
const EMPTY_CACHE = JSON.stringify({ Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} });

/** Which app and authority the cache belongs to, and whose mailbox (not secret; authenticated with the cache). */
export interface MailboxCacheOwner {
  clientId: string;
  authority: string;
}

interface CacheFile extends MailboxCacheOwner {
  format: typeof FORMAT;
  /** The signed-in accounts' usernames, readable without the key (status, the pane). */
  accounts: string[];
  savedAt: string;
  cipher: typeof CIPHER;
  iv: string;
  tag: string;
  encryptedCache: string;
}

export interface MailboxTokenCacheOptions extends TokenKeyOptions {
  now?: () => Date;
}

export class MailboxTokenCache implements ICachePlugin {
  readonly file: string;
  readonly keyFile: string;
  private readonly key: TokenKey;
  private readonly random: (n: number) => Buffer;
  private readonly now: () => Date;
  /** The plaintext last read or written, so an unchanged cache is not written again. */
  private last: string | null = null;

  constructor(
    readonly dataDir: string,
    readonly owner: MailboxCacheOwner,
    o: MailboxTokenCacheOptions = {},
  ) {
    this.file = path.join(dataDir, MAILBOX_CACHE_FILE);
    this.key = new TokenKey(dataDir, o);
    this.keyFile = this.key.file;
    this.random = o.random ?? crypto.randomBytes;
    this.now = o.now ?? (() => new Date());
  }

  /** Whether a connected mailbox is kept here (read without the key). */
  exists(): boolean {
    return fs.existsSync(this.file);
  }

  /** The usernames of the mailboxes connected, read without the key; [] when none. */
  accounts(): string[] {
    return readCacheFile(this.file)?.accounts ?? [];
  }

  /** When the kept cache was last written (ISO 8601, read without the key); null when none is kept. */
  savedAt(): string | null {
    return readCacheFile(this.file)?.savedAt ?? null;
  }

  /** Whether the kept cache was made for this app and authority. */
  fitsOwner(): boolean {
    const f = readCacheFile(this.file);
    return !f || (f.clientId === this.owner.clientId && sameAuthority(f.authority, this.owner.authority));
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    const text = this.load();
    this.last = text;
    context.tokenCache.deserialize(text ?? EMPTY_CACHE);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!context.cacheHasChanged) return;
    const text = context.tokenCache.serialize();
    if (text === this.last) return;
    this.save(text);
    this.last = text;
  }

  /** The cache's plaintext, or null when none is kept. Throws TokenStoreError when it cannot be used. */
  load(): string | null {
    const f = readCacheFile(this.file);
    if (!f) return null;
    if (f.clientId !== this.owner.clientId || !sameAuthority(f.authority, this.owner.authority)) {
      // Another app's or authority's tokens are no use here; msal must not see them.
      return null;
    }
    const key = this.key.read();
    if (!key) throw this.undecryptable(`the key file ${this.keyFile} is missing`);
    const text = unseal(key, { iv: f.iv, tag: f.tag, data: f.encryptedCache }, associatedData(f));
    if (text === null)
      throw this.undecryptable(
        `it does not decrypt with the key in ${this.keyFile} (the key changed, or the file was altered)`,
      );
    return text;
  }

  /** Encrypt and keep the cache (0600 temp file renamed over the old one); an empty cache removes the file. */
  save(text: string): void {
    const accounts = accountsIn(text);
    if (accounts === null) {
      this.remove();
      return;
    }
    const key = this.key.readOrCreate();
    const head = {
      format: FORMAT,
      clientId: this.owner.clientId,
      authority: this.owner.authority,
      accounts,
      savedAt: this.now().toISOString(),
      cipher: CIPHER,
    } as const;
    const sealed = seal(key, text, associatedData(head), this.random);
    const file: CacheFile = { ...head, iv: sealed.iv, tag: sealed.tag, encryptedCache: sealed.data };
    writeKeptFile(this.dataDir, this.file, file, this.random);
  }

  /** Delete the kept cache; whether there was one. The key stays (other sign-ins use it). */
  remove(): boolean {
    this.last = null;
    return removeKeptFile(this.file);
  }

  private undecryptable(why: string): TokenStoreError {
    return new TokenStoreError(
      'TOKEN_UNDECRYPTABLE',
      `The Outlook mailbox sign-in in ${this.file} cannot be used: ${why}.`,
    );
  }
}

/** The usernames of a serialized msal cache's accounts; null when it holds no refresh token (nothing to keep). */
function accountsIn(text: string): string[] | null {
  let cache: { Account?: Record<string, { username?: unknown }>; RefreshToken?: Record<string, unknown> };
  try {
    cache = JSON.parse(text) as typeof cache;
  } catch {
    return [];
  }
  if (!cache.RefreshToken || Object.keys(cache.RefreshToken).length === 0) return null;
  return Object.values(cache.Account ?? {})
    .map((a) => a.username)
    .filter((u): u is string => typeof u === 'string');
}

function sameAuthority(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

function associatedData(f: MailboxCacheOwner & { format: string; cipher: string; accounts: string[] }): Buffer {
  return Buffer.from(JSON.stringify([f.format, f.cipher, f.clientId, f.authority, f.accounts]), 'utf8');
}

function readCacheFile(file: string): CacheFile | null {
  return readKeptFile(
    file,
    isCacheFile,
    `The Outlook mailbox sign-in in ${file} is damaged: it is not a file this program wrote.`,
  );
}

function isCacheFile(f: unknown): f is CacheFile {
  if (typeof f !== 'object' || f === null) return false;
  const o = f as Record<string, unknown>;
  return (
    o.format === FORMAT &&
    o.cipher === CIPHER &&
    Array.isArray(o.accounts) &&
    o.accounts.every((a) => typeof a === 'string') &&
    ['clientId', 'authority', 'iv', 'tag', 'encryptedCache'].every((k) => typeof o[k] === 'string')
  );
}
