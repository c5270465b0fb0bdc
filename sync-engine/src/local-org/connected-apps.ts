/** Connected apps registered in the local org: client id, secret, callback URLs, allowlisted, product. */
import crypto from 'node:crypto';
import { OrgStore } from './store';

export interface ConnectedApp {
  name: string;
  clientId: string;
  clientSecret: string | null;
  callbackUrls: string[];
  allowlisted: boolean;
  product: string | null;
  /** OAuth client credentials flow: the username its tokens act as ("Run As" user); null: the flow is off. */
  clientCredentialsUser: string | null;
  /** OAuth JWT bearer flow: the PEM certificate (or public key) that verifies RS256 assertions; null: off. */
  certificate: string | null;
}

export class ConnectedApps {
  private readonly byId = new Map<string, ConnectedApp>();

  constructor(private readonly store: OrgStore) {
    store.db.exec(`CREATE TABLE IF NOT EXISTS connected_apps (
      client_id TEXT PRIMARY KEY, name TEXT NOT NULL, client_secret TEXT, callback_urls TEXT NOT NULL,
      allowlisted INTEGER NOT NULL, product TEXT)`);
    // Org files made before the client credentials and JWT flows get their columns.
    const columns = (store.db.prepare(`PRAGMA table_info(connected_apps)`).all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    for (const column of ['client_credentials_user', 'certificate'])
      if (!columns.includes(column)) store.db.exec(`ALTER TABLE connected_apps ADD COLUMN ${column} TEXT`);
    this.reload();
  }

  private reload(): void {
    this.byId.clear();
    const rows = this.store.db.prepare(`SELECT * FROM connected_apps`).all() as Array<Record<string, unknown>>;
    for (const r of rows) {
      this.byId.set(r.client_id as string, {
        clientId: r.client_id as string,
        name: r.name as string,
        clientSecret: (r.client_secret as string | null) ?? null,
        callbackUrls: JSON.parse(r.callback_urls as string) as string[],
        allowlisted: r.allowlisted === 1,
        product: (r.product as string | null) ?? null,
        clientCredentialsUser: (r.client_credentials_user as string | null) ?? null,
        certificate: (r.certificate as string | null) ?? null,
      });
    }
  }

  add(app: ConnectedApp): void {
    this.store.db
      .prepare(
        `INSERT INTO connected_apps (client_id, name, client_secret, callback_urls, allowlisted, product, client_credentials_user, certificate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        app.clientId,
        app.name,
        app.clientSecret,
        JSON.stringify(app.callbackUrls),
        app.allowlisted ? 1 : 0,
        app.product,
        app.clientCredentialsUser,
        app.certificate,
      );
    this.byId.set(app.clientId, { ...app });
  }

  /** Let an app redirect to one more callback URL (kept with the org). */
  addCallbackUrl(clientId: string, url: string): void {
    const app = this.byId.get(clientId);
    if (!app || app.callbackUrls.includes(url)) return;
    app.callbackUrls = [...app.callbackUrls, url];
    this.store.db
      .prepare(`UPDATE connected_apps SET callback_urls = ? WHERE client_id = ?`)
      .run(JSON.stringify(app.callbackUrls), clientId);
  }

  /** The app for a client id. A SOAP `client` value may carry a version after a slash (`id/2.9.0`). */
  find(clientId: string | undefined | null): ConnectedApp | undefined {
    if (!clientId) return undefined;
    return this.byId.get(clientId) ?? this.byId.get(clientId.split('/')[0]);
  }

  all(): ConnectedApp[] {
    return [...this.byId.values()];
  }

  /** Constant-time check of a client secret. */
  secretMatches(app: ConnectedApp, secret: string | undefined): boolean {
    if (app.clientSecret === null) return secret === undefined || secret === '';
    if (secret === undefined) return false;
    const a = Buffer.from(app.clientSecret);
    const b = Buffer.from(secret);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }
}
