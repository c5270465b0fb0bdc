/**
 * The OAuth sign-in the service keeps across restarts, so a background service syncs again after a reboot without
 * the pane: who (org, product, version, username) in the service's meta table, and the refresh token encrypted in
 * the user's data folder (sync/token-store.ts: AES-256-GCM, the key outside the data dir). A password sign-in is
 * never kept: a password is held in memory only.
 */
import path from 'node:path';
import { Product, findProduct } from '../products/catalog';
import { revoke } from '../salesforce/oauth';
import { TokenStore, TokenStoreOptions } from '../app/token-store';
import { ServiceMeta } from './service-db';

const KEY = 'keptSignIn';

export interface KeptAccount {
  orgUrl: string;
  product: Product;
  productVersion: string;
  username: string;
  userKey: string;
}

export class KeptSignIn {
  constructor(
    private readonly meta: ServiceMeta,
    private readonly dataDir: string,
    private readonly tokenOptions: TokenStoreOptions = {},
  ) {}

  private store(userKey: string): TokenStore {
    return new TokenStore(path.join(this.dataDir, 'users', userKey), this.tokenOptions);
  }

  /** Keep this account's refresh token (replacing what was kept). */
  keep(a: KeptAccount, refreshToken: string): void {
    this.store(a.userKey).save({
      loginUrl: a.orgUrl,
      clientId: a.product.defaultClientId,
      username: a.username,
      refreshToken,
    });
    this.meta.set(
      KEY,
      JSON.stringify({
        orgUrl: a.orgUrl,
        product: a.product.id,
        productVersion: a.productVersion,
        username: a.username,
        userKey: a.userKey,
      }),
    );
  }

  /** The kept account and its refresh token, or null; throws TokenStoreError when the token file cannot be read. */
  load(): { account: KeptAccount; refreshToken: string } | null {
    const raw = this.meta.get(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as {
      orgUrl: string;
      product: string;
      productVersion: string;
      username: string;
      userKey: string;
    };
    const product = findProduct(v.product);
    const stored = product ? this.store(v.userKey).load() : null;
    if (!product || !stored) {
      this.meta.set(KEY, null);
      return null;
    }
    return { account: { ...v, product }, refreshToken: stored.refreshToken };
  }

  /** Forget the kept sign-in; with `revokeAtOrg`, also end the token at the org (best effort). */
  async forget(revokeAtOrg: boolean): Promise<void> {
    const raw = this.meta.get(KEY);
    this.meta.set(KEY, null);
    if (!raw) return;
    const { userKey, orgUrl } = JSON.parse(raw) as { userKey: string; orgUrl: string };
    const store = this.store(userKey);
    if (revokeAtOrg) {
      let token: string | null;
      try {
        token = store.load()?.refreshToken ?? null;
      } catch {
        token = null;
      }
      if (token) await revoke(orgUrl, token, { timeoutMs: 10_000 }).catch(() => undefined);
    }
    store.remove();
  }
}
