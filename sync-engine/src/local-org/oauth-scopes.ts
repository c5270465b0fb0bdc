/** OAuth scopes: what a request is granted, whether it earns a refresh token, and the scope each refresh token carries. */
import { OrgContext } from './context';
import { hashToken } from './sessions';

/** Decision: the scope granted when none is asked (the password grant always gets it). */
export const DEFAULT_SCOPE = 'api refresh_token';
const KNOWN_SCOPES = new Set([
  'api',
  'web',
  'full',
  'refresh_token',
  'offline_access',
  'openid',
  'id',
  'profile',
  'email',
  'address',
  'phone',
  'chatter_api',
  'visualforce',
  'custom_permissions',
  'wave_api',
  'content',
  'lightning',
  'sfap_api',
  'cdp_api',
]);

/** Scope as granted: the requested names when all are known, the default when none is asked. */
export function grantedScope(requested: string | undefined): string | undefined {
  const names = (requested ?? '').split(/\s+/).filter(Boolean);
  if (names.length === 0) return DEFAULT_SCOPE;
  return names.every((n) => KNOWN_SCOPES.has(n)) ? [...new Set(names)].join(' ') : undefined;
}

/** Whether a scope earns a refresh token: it names `refresh_token` or `offline_access`. */
export function allowsRefresh(scope: string): boolean {
  return scope.split(' ').some((s) => s === 'refresh_token' || s === 'offline_access');
}

/** The scope granted with each refresh token, so a refresh answers with the scope of the original grant. */
export class RefreshScopes {
  constructor(private readonly ctx: OrgContext) {
    ctx.store.db.exec(
      `CREATE TABLE IF NOT EXISTS oauth_refresh_scopes (refresh_hash TEXT PRIMARY KEY, scope TEXT NOT NULL)`,
    );
  }

  set(token: string, scope: string): void {
    this.ctx.store.db
      .prepare(`INSERT OR REPLACE INTO oauth_refresh_scopes (refresh_hash, scope) VALUES (?, ?)`)
      .run(hashToken(token), scope);
  }

  get(token: string): string {
    const row = this.ctx.store.db
      .prepare(`SELECT scope FROM oauth_refresh_scopes WHERE refresh_hash = ?`)
      .get(hashToken(token)) as { scope: string } | undefined;
    return row?.scope ?? DEFAULT_SCOPE;
  }

  forget(token: string): void {
    this.ctx.store.db.prepare(`DELETE FROM oauth_refresh_scopes WHERE refresh_hash = ?`).run(hashToken(token));
  }
}
