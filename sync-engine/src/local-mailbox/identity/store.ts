/**
 * What the identity platform keeps, in the mailbox's own SQLite file: the tenant and its apps, each mailbox
 * owner's password hash and the moment before which their tokens are void (`TokensValidFrom`, moved by a revoke),
 * and every credential it hands out (authorization codes, refresh tokens, access tokens, device codes), each kept
 * as the sha256 of its secret, never the secret. Every credential belongs to one sign-in, so a reused code or
 * refresh token revokes the whole sign-in at once. The tables are made when missing, so a data dir written before
 * the identity platform existed opens as it is and gains them.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { MailboxStore, MailboxRecord, hashToken } from '../store';

export interface IdentityApp {
  clientId: string;
  name: string;
  redirectUris: string[];
  publicClient: boolean;
}

export interface IdentityConfig {
  tenantId: string;
  tokenLifetimeSeconds: number;
}

export type CredentialKind = 'code' | 'refresh' | 'access';

/** What an authorization code remembers of the request that made it. */
export interface CodeGrant {
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
}

export interface Credential {
  kind: CredentialKind;
  mailbox: number;
  clientId: string;
  signIn: string;
  /** The moment the sign-in behind it happened (what TokensValidFrom is compared with). */
  signedInAt: number;
  issued: number;
  expires: number;
  used: boolean;
  revoked: boolean;
  /** Kind-specific: a code's CodeGrant; a refresh token's `{ scope }`. */
  data: Record<string, unknown>;
}

export type DeviceCodeStatus = 'pending' | 'approved' | 'declined' | 'redeemed';

export interface DeviceCode {
  hash: string;
  userCode: string;
  clientId: string;
  scope: string;
  issued: number;
  expires: number;
  status: DeviceCodeStatus;
  mailbox: number | null;
  signedInAt: number | null;
}

/** A sign-in page waiting for its form: what it was opened for, and the cookie it set. */
export interface PendingFlow {
  kind: 'authorize' | 'device';
  data: Record<string, unknown>;
  cookieHash: string;
  expires: number;
  attempts: number;
}

const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export class IdentityStore {
  private readonly db: Database.Database;
  private credentialByHash: Database.Statement | undefined;

  constructor(readonly store: MailboxStore) {
    this.db = store.db;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS identity_apps (
        client_id TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL, redirect_uris TEXT NOT NULL, public_client INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS identity_users (
        mailbox INTEGER PRIMARY KEY, password_hash TEXT, tokens_valid_from INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS identity_credentials (
        hash TEXT PRIMARY KEY, kind TEXT NOT NULL, mailbox INTEGER NOT NULL, client_id TEXT NOT NULL,
        sign_in TEXT NOT NULL, signed_in_at INTEGER NOT NULL, issued INTEGER NOT NULL, expires INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS identity_credentials_sign_in ON identity_credentials (sign_in);
      CREATE INDEX IF NOT EXISTS identity_credentials_mailbox ON identity_credentials (mailbox, kind);
      CREATE INDEX IF NOT EXISTS identity_credentials_expires ON identity_credentials (expires);
      CREATE TABLE IF NOT EXISTS identity_device_codes (
        hash TEXT PRIMARY KEY, user_code TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL, scope TEXT NOT NULL,
        issued INTEGER NOT NULL, expires INTEGER NOT NULL, status TEXT NOT NULL, mailbox INTEGER, signed_in_at INTEGER);
      CREATE TABLE IF NOT EXISTS identity_flows (
        hash TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, cookie_hash TEXT NOT NULL,
        expires INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
    `);
  }

  now(): number {
    return this.store.now();
  }

  /** The tenant, or undefined when the seed gave none (the identity endpoints then know no tenant). */
  config(): IdentityConfig | undefined {
    const tenantId = this.store.getMeta('identity.tenantId');
    if (!tenantId) return undefined;
    return {
      tenantId,
      tokenLifetimeSeconds: Number(
        this.store.getMeta('identity.tokenLifetimeSeconds') ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      ),
    };
  }

  configure(tenantId: string, tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS): void {
    this.store.setMeta('identity.tenantId', tenantId.toLowerCase());
    this.store.setMeta('identity.tokenLifetimeSeconds', String(tokenLifetimeSeconds));
  }

  addApp(app: IdentityApp): void {
    this.db
      .prepare(`INSERT INTO identity_apps (client_id, name, redirect_uris, public_client) VALUES (?, ?, ?, ?)`)
      .run(app.clientId.toLowerCase(), app.name, JSON.stringify(app.redirectUris), app.publicClient ? 1 : 0);
  }

  apps(): IdentityApp[] {
    const ids = this.db.prepare(`SELECT client_id FROM identity_apps ORDER BY rowid`).pluck().all() as string[];
    return ids.map((id) => this.app(id)!);
  }

  app(clientId: string): IdentityApp | undefined {
    const r = this.db.prepare(`SELECT * FROM identity_apps WHERE client_id = ?`).get(clientId) as
      { client_id: string; name: string; redirect_uris: string; public_client: number } | undefined;
    return r
      ? {
          clientId: r.client_id,
          name: r.name,
          redirectUris: JSON.parse(r.redirect_uris) as string[],
          publicClient: r.public_client === 1,
        }
      : undefined;
  }

  setPasswordHash(mailbox: number, hash: string): void {
    this.db
      .prepare(
        `INSERT INTO identity_users (mailbox, password_hash) VALUES (?, ?)
         ON CONFLICT(mailbox) DO UPDATE SET password_hash = excluded.password_hash`,
      )
      .run(mailbox, hash);
  }

  passwordHash(mailbox: number): string | undefined {
    const r = this.db.prepare(`SELECT password_hash FROM identity_users WHERE mailbox = ?`).get(mailbox) as
      { password_hash: string | null } | undefined;
    return r?.password_hash ?? undefined;
  }

  /** Tokens from sign-ins before this moment are void (0: none revoked yet). */
  tokensValidFrom(mailbox: number): number {
    const r = this.db.prepare(`SELECT tokens_valid_from FROM identity_users WHERE mailbox = ?`).get(mailbox) as
      { tokens_valid_from: number } | undefined;
    return r?.tokens_valid_from ?? 0;
  }

  mailboxByUser(user: string): MailboxRecord | undefined {
    return this.store.mailboxes().find((m) => m.user.toLowerCase() === user.trim().toLowerCase());
  }

  /** Keep a credential; its secret is the caller's, only its hash is written. Expired rows older than a day go. */
  saveCredential(secret: string, c: Omit<Credential, 'used' | 'revoked'>): void {
    const now = this.now();
    this.db.prepare(`DELETE FROM identity_credentials WHERE expires < ?`).run(now - 86_400_000);
    this.db
      .prepare(
        `INSERT INTO identity_credentials (hash, kind, mailbox, client_id, sign_in, signed_in_at, issued, expires, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        hashToken(secret),
        c.kind,
        c.mailbox,
        c.clientId,
        c.signIn,
        c.signedInAt,
        c.issued,
        c.expires,
        JSON.stringify(c.data),
      );
  }

  credential(secret: string, kind: CredentialKind): Credential | undefined {
    // Asked for every Graph request (and every request of a $batch): compiled once.
    this.credentialByHash ??= this.db.prepare(`SELECT * FROM identity_credentials WHERE hash = ? AND kind = ?`);
    const r = this.credentialByHash.get(hashToken(secret), kind) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      kind: r.kind as CredentialKind,
      mailbox: Number(r.mailbox),
      clientId: String(r.client_id),
      signIn: String(r.sign_in),
      signedInAt: Number(r.signed_in_at),
      issued: Number(r.issued),
      expires: Number(r.expires),
      used: r.used === 1,
      revoked: r.revoked === 1,
      data: JSON.parse(String(r.data)) as Record<string, unknown>,
    };
  }

  /** Mark a code or refresh token used; false when another request used it first. */
  markUsed(secret: string): boolean {
    return (
      this.db.prepare(`UPDATE identity_credentials SET used = 1 WHERE hash = ? AND used = 0`).run(hashToken(secret))
        .changes === 1
    );
  }

  /** Revoke every credential of one sign-in (a reused code or refresh token). */
  revokeSignIn(signIn: string): number {
    return this.db.prepare(`UPDATE identity_credentials SET revoked = 1 WHERE sign_in = ? AND revoked = 0`).run(signIn)
      .changes;
  }

  /**
   * Revoke every refresh and access token of a mailbox, and void its earlier sign-ins (as "revoke sessions" or a
   * password change does): TokensValidFrom becomes now.
   */
  revokeMailbox(mailbox: number): { refreshTokens: number; accessTokens: number } {
    return this.store.transaction(() => {
      const count = (kind: CredentialKind) =>
        this.db
          .prepare(
            `UPDATE identity_credentials SET revoked = 1 WHERE mailbox = ? AND kind = ? AND revoked = 0 AND expires >= ?`,
          )
          .run(mailbox, kind, this.now()).changes;
      const refreshTokens = count('refresh');
      const accessTokens = count('access');
      count('code');
      this.db
        .prepare(
          `INSERT INTO identity_users (mailbox, tokens_valid_from) VALUES (?, ?)
           ON CONFLICT(mailbox) DO UPDATE SET tokens_valid_from = excluded.tokens_valid_from`,
        )
        .run(mailbox, this.now());
      return { refreshTokens, accessTokens };
    });
  }

  saveDeviceCode(secret: string, d: Omit<DeviceCode, 'hash' | 'status' | 'mailbox' | 'signedInAt'>): void {
    this.db.prepare(`DELETE FROM identity_device_codes WHERE expires < ?`).run(this.now() - 86_400_000);
    this.db
      .prepare(
        `INSERT INTO identity_device_codes (hash, user_code, client_id, scope, issued, expires, status)
         VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
      )
      .run(hashToken(secret), d.userCode, d.clientId, d.scope, d.issued, d.expires);
  }

  deviceCode(secret: string): DeviceCode | undefined {
    return this.toDeviceCode(
      this.db.prepare(`SELECT * FROM identity_device_codes WHERE hash = ?`).get(hashToken(secret)),
    );
  }

  deviceCodeByUserCode(userCode: string): DeviceCode | undefined {
    return this.toDeviceCode(this.db.prepare(`SELECT * FROM identity_device_codes WHERE user_code = ?`).get(userCode));
  }

  /** Move a device code on from the status it was read in; false when something else moved it first. */
  setDeviceCodeStatus(
    hash: string,
    from: DeviceCodeStatus,
    to: DeviceCodeStatus,
    mailbox?: number,
    signedInAt?: number,
  ): boolean {
    return (
      this.db
        .prepare(
          `UPDATE identity_device_codes SET status = ?, mailbox = COALESCE(?, mailbox), signed_in_at = COALESCE(?, signed_in_at)
           WHERE hash = ? AND status = ?`,
        )
        .run(to, mailbox ?? null, signedInAt ?? null, hash, from).changes === 1
    );
  }

  private toDeviceCode(row: unknown): DeviceCode | undefined {
    if (!row) return undefined;
    const r = row as Record<string, unknown>;
    return {
      hash: String(r.hash),
      userCode: String(r.user_code),
      clientId: String(r.client_id),
      scope: String(r.scope),
      issued: Number(r.issued),
      expires: Number(r.expires),
      status: r.status as DeviceCodeStatus,
      mailbox: r.mailbox === null ? null : Number(r.mailbox),
      signedInAt: r.signed_in_at === null ? null : Number(r.signed_in_at),
    };
  }

  /** A new pending sign-in page; returns the form's value (the cookie's value is the caller's). */
  saveFlow(formValue: string, cookieValue: string, flow: Omit<PendingFlow, 'cookieHash' | 'attempts'>): void {
    this.db.prepare(`DELETE FROM identity_flows WHERE expires < ?`).run(this.now());
    this.db
      .prepare(`INSERT INTO identity_flows (hash, kind, data, cookie_hash, expires) VALUES (?, ?, ?, ?, ?)`)
      .run(hashToken(formValue), flow.kind, JSON.stringify(flow.data), hashToken(cookieValue), flow.expires);
  }

  /** The pending page a form names, when the browser also holds its cookie and it has not expired. */
  flow(formValue: string, cookieValue: string | undefined, kind: PendingFlow['kind']): PendingFlow | undefined {
    if (!cookieValue) return undefined;
    const r = this.db
      .prepare(`SELECT * FROM identity_flows WHERE hash = ? AND kind = ? AND expires >= ?`)
      .get(hashToken(formValue), kind, this.now()) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    const cookieHash = hashToken(cookieValue);
    if (!crypto.timingSafeEqual(Buffer.from(cookieHash), Buffer.from(String(r.cookie_hash)))) return undefined;
    return {
      kind,
      data: JSON.parse(String(r.data)) as Record<string, unknown>,
      cookieHash,
      expires: Number(r.expires),
      attempts: Number(r.attempts),
    };
  }

  /** Count a failed attempt on a page; returns the count. */
  failFlow(formValue: string): number {
    this.db.prepare(`UPDATE identity_flows SET attempts = attempts + 1 WHERE hash = ?`).run(hashToken(formValue));
    const r = this.db.prepare(`SELECT attempts FROM identity_flows WHERE hash = ?`).get(hashToken(formValue)) as
      { attempts: number } | undefined;
    return r?.attempts ?? 0;
  }

  /** A page's form is good once: true when this call ended it. */
  endFlow(formValue: string): boolean {
    return this.db.prepare(`DELETE FROM identity_flows WHERE hash = ?`).run(hashToken(formValue)).changes === 1;
  }

  /** The key that signs tokens (RS256), made on first need and kept in the store. */
  signingKey(): { privateKey: crypto.KeyObject; publicJwk: crypto.JsonWebKey; kid: string } {
    let pem = this.store.getMeta('identity.signingKey');
    if (!pem) {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      this.store.setMeta('identity.signingKey', pem);
    }
    const privateKey = crypto.createPrivateKey(pem);
    const publicJwk = crypto.createPublicKey(privateKey).export({ format: 'jwk' });
    const kid = crypto.createHash('sha256').update(String(publicJwk.n)).digest('base64url').slice(0, 27);
    return { privateKey, publicJwk, kid };
  }
}
