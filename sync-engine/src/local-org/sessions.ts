/**
 * Sessions: access tokens (SOAP session ids and OAuth access tokens are the same thing in Salesforce) and
 * OAuth refresh tokens. Only SHA-256 hashes of tokens are stored, so the data file holds no usable secret.
 * A revoked token's row is deleted at once; expired access tokens are deleted at start and, at most once a
 * minute, when a session is opened (an indexed range delete), so the table holds about the live sessions.
 */
import crypto from 'node:crypto';
import { OrgStore } from './store';

export const SESSION_SECONDS = 7200;
/** How often opening a session also deletes the expired ones. */
export const PURGE_INTERVAL_MS = 60_000;

export interface Session {
  userId: string;
  /** The connected app's client id, or null for an ordinary client that named none. */
  clientId: string | null;
  createdAt: string;
}

/** The SHA-256 of a token, as it is stored in place of the token. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export class Sessions {
  private readonly cache = new Map<string, Session & { expiresAt: number }>();
  private lastPurge = 0;

  constructor(
    private readonly store: OrgStore,
    private readonly orgId15: () => string,
  ) {
    store.db.exec(`CREATE TABLE IF NOT EXISTS sessions (
      token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT NOT NULL, client_id TEXT,
      created_at TEXT NOT NULL, expires_at INTEGER, refresh_hash TEXT)`);
    store.db.exec(`CREATE INDEX IF NOT EXISTS sessions_refresh ON sessions (refresh_hash)`);
    store.db.exec(`CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at) WHERE expires_at IS NOT NULL`);
    this.purgeExpired();
  }

  /** Delete the access tokens past their expiry; returns how many. Refresh tokens do not expire (expires_at NULL). */
  purgeExpired(): number {
    const now = this.store.clock.now().getTime();
    this.lastPurge = now;
    return this.store.db.prepare(`DELETE FROM sessions WHERE expires_at IS NOT NULL AND expires_at <= ?`).run(now)
      .changes;
  }

  private newToken(): string {
    // Salesforce session ids start with the 15-character org id and a '!'.
    return `${this.orgId15()}!${crypto.randomBytes(48).toString('base64url')}`;
  }

  /** Open a session; returns the access token. */
  createAccess(userId: string, clientId: string | null, refreshToken?: string): string {
    const token = this.newToken();
    const now = this.store.clock.now();
    if (now.getTime() - this.lastPurge >= PURGE_INTERVAL_MS) this.purgeExpired();
    this.store.db
      .prepare(
        `INSERT INTO sessions (token_hash, kind, user_id, client_id, created_at, expires_at, refresh_hash) VALUES (?, 'access', ?, ?, ?, ?, ?)`,
      )
      .run(
        hashToken(token),
        userId,
        clientId,
        now.toISOString(),
        now.getTime() + SESSION_SECONDS * 1000,
        refreshToken ? hashToken(refreshToken) : null,
      );
    return token;
  }

  createRefresh(userId: string, clientId: string): string {
    const token = `5Aep${crypto.randomBytes(40).toString('base64url')}`;
    this.store.db
      .prepare(
        `INSERT INTO sessions (token_hash, kind, user_id, client_id, created_at, expires_at) VALUES (?, 'refresh', ?, ?, ?, NULL)`,
      )
      .run(hashToken(token), userId, clientId, this.store.clock.now().toISOString());
    return token;
  }

  /** The live session behind an access token; undefined when unknown, expired or revoked. */
  findAccess(token: string): Session | undefined {
    const now = this.store.clock.now().getTime();
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.expiresAt > now) return cached;
      this.cache.delete(token);
    }
    const row = this.store.db
      .prepare(`SELECT * FROM sessions WHERE token_hash = ? AND kind = 'access'`)
      .get(hashToken(token)) as
      { user_id: string; client_id: string | null; created_at: string; expires_at: number } | undefined;
    if (!row || row.expires_at <= now) return undefined;
    const session = {
      userId: row.user_id,
      clientId: row.client_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, session);
    return session;
  }

  findRefresh(token: string): Session | undefined {
    const row = this.store.db
      .prepare(`SELECT * FROM sessions WHERE token_hash = ? AND kind = 'refresh'`)
      .get(hashToken(token)) as { user_id: string; client_id: string | null; created_at: string } | undefined;
    return row ? { userId: row.user_id, clientId: row.client_id, createdAt: row.created_at } : undefined;
  }

  /** Revoke a token; revoking a refresh token also revokes the access tokens issued from it. Returns whether it existed. */
  revoke(token: string): boolean {
    const h = hashToken(token);
    this.cache.delete(token);
    const row = this.store.db.prepare(`SELECT kind FROM sessions WHERE token_hash = ?`).get(h) as
      { kind: string } | undefined;
    if (!row) return false;
    if (row.kind === 'refresh') {
      this.store.db.prepare(`DELETE FROM sessions WHERE refresh_hash = ?`).run(h);
      this.cache.clear();
    }
    this.store.db.prepare(`DELETE FROM sessions WHERE token_hash = ?`).run(h);
    return true;
  }

  /** Revoke tokens by their hashes, and the access tokens issued from any refresh token among them. */
  revokeIssued(tokenHashes: string[]): void {
    if (tokenHashes.length === 0) return;
    const remove = this.store.db.prepare(`DELETE FROM sessions WHERE token_hash = ? OR refresh_hash = ?`);
    this.store.transaction(() => {
      for (const h of tokenHashes) remove.run(h, h);
    });
    // The cache is keyed by the tokens themselves, which are not kept: start it afresh.
    this.cache.clear();
  }

  /** End every session of a user (deactivation does this in Salesforce). */
  revokeUser(userId: string): void {
    this.store.db.prepare(`DELETE FROM sessions WHERE user_id = ?`).run(userId);
    for (const [k, s] of this.cache) if (s.userId === userId) this.cache.delete(k);
  }
}
