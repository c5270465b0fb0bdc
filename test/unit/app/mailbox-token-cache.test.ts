/**
 * msal's token cache for the mailbox, kept encrypted (issue 13): msal-node's own TokenCache round-trips through the
 * plugin; the file is AES-256-GCM under the Salesforce token's key (outside the data dir), 0600 in a 0700 folder, and
 * holds no token in the clear; an altered file or another key is refused; a cache with no refresh token left (every
 * account removed) deletes the file; another app's cache is not handed to msal.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenCacheContext } from '@azure/msal-node';
import { MAILBOX_CACHE_FILE, MailboxTokenCache } from '../../../sync-engine/src/app/mailbox-token-cache';
import { TokenStoreError } from '../../../sync-engine/src/app/token-store';

const OWNER = { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', authority: 'https://localhost:8701/common' };
const REFRESH_TOKEN = '0.AAAA-the-refresh-token-itself';
const ACCESS_TOKEN = 'eyJ0eXAi-the-access-token-itself';
const HOME = 'uid.utid';
const ENV = 'localhost:8701';

/** A serialized msal cache as msal-node writes it (its JSON shape), for one account. */
function msalCache(withRefreshToken = true): string {
  return JSON.stringify({
    Account: {
      [`${HOME}-${ENV}-utid`]: {
        home_account_id: HOME,
        environment: ENV,
        realm: 'utid',
        local_account_id: 'uid',
        username: 'ann@contoso.example',
        authority_type: 'MSSTS',
        name: 'Ann',
      },
    },
    IdToken: {},
    AccessToken: {
      [`${HOME}-${ENV}-accesstoken-${OWNER.clientId}-utid-contacts.readwrite`]: {
        home_account_id: HOME,
        environment: ENV,
        credential_type: 'AccessToken',
        client_id: OWNER.clientId,
        secret: ACCESS_TOKEN,
        realm: 'utid',
        target: 'contacts.readwrite',
        cached_at: '1700000000',
        expires_on: '1700003600',
      },
    },
    RefreshToken: withRefreshToken
      ? {
          [`${HOME}-${ENV}-refreshtoken-${OWNER.clientId}--`]: {
            home_account_id: HOME,
            environment: ENV,
            credential_type: 'RefreshToken',
            client_id: OWNER.clientId,
            secret: REFRESH_TOKEN,
          },
        }
      : {},
    AppMetadata: {},
  });
}

/** msal-node's serializable cache, as the plugin sees it. */
class Serializable {
  text = '';
  deserialize(t: string) {
    this.text = t;
  }
  serialize() {
    return this.text;
  }
}
const context = (cache: Serializable, changed: boolean) =>
  new TokenCacheContext(cache as unknown as ConstructorParameters<typeof TokenCacheContext>[0], changed);

describe('mailbox token cache (msal cache plugin)', () => {
  let dir: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const plugin = (owner = OWNER) => new MailboxTokenCache(dataDir, owner, { env });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-mailbox-cache-'));
    dataDir = path.join(dir, 'data');
    env = { SFO_TOKEN_KEY_FILE: path.join(dir, 'config', 'token.key') };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round trip: what msal wrote comes back on the next access, encrypted at rest, 0600 in 0700', async () => {
    const written = new Serializable();
    written.text = msalCache();
    await plugin().afterCacheAccess(context(written, true));
    const file = path.join(dataDir, MAILBOX_CACHE_FILE);
    const raw = fs.readFileSync(file, 'utf8');
    assert.ok(!raw.includes(REFRESH_TOKEN) && !raw.includes(ACCESS_TOKEN), 'no token in the clear');
    assert.deepEqual(JSON.parse(raw).accounts, ['ann@contoso.example']);
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
      assert.equal(fs.statSync(env.SFO_TOKEN_KEY_FILE!).mode & 0o777, 0o600);
    }
    const read = new Serializable();
    await plugin().beforeCacheAccess(context(read, false));
    assert.equal(read.text, msalCache());
    assert.deepEqual(plugin().accounts(), ['ann@contoso.example']);
  });

  it('an altered file or another key is refused, naming the file', async () => {
    const c = new Serializable();
    c.text = msalCache();
    await plugin().afterCacheAccess(context(c, true));
    const file = path.join(dataDir, MAILBOX_CACHE_FILE);
    const f = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...f, accounts: ['mallory@contoso.example'] }));
    await assert.rejects(plugin().beforeCacheAccess(context(new Serializable(), false)), (err: unknown) => {
      assert.ok(err instanceof TokenStoreError);
      assert.equal(err.code, 'TOKEN_UNDECRYPTABLE');
      assert.match(err.message, new RegExp(`Outlook mailbox sign-in in ${file.replace(/[\\/.]/g, '\\$&')}`));
      return true;
    });
    fs.writeFileSync(file, JSON.stringify(f));
    fs.writeFileSync(env.SFO_TOKEN_KEY_FILE!, Buffer.alloc(32, 7), { mode: 0o600 });
    await assert.rejects(plugin().beforeCacheAccess(context(new Serializable(), false)), /does not decrypt/);
  });

  it('no refresh token left (accounts removed): the file is deleted, and msal then sees an empty cache', async () => {
    const c = new Serializable();
    c.text = msalCache();
    const p = plugin();
    await p.afterCacheAccess(context(c, true));
    c.text = msalCache(false);
    await p.afterCacheAccess(context(c, true));
    assert.equal(fs.existsSync(path.join(dataDir, MAILBOX_CACHE_FILE)), false);
    const read = new Serializable();
    await plugin().beforeCacheAccess(context(read, false));
    assert.deepEqual(JSON.parse(read.text).RefreshToken, {});
  });

  it("another app's or authority's cache is not handed to msal", async () => {
    const c = new Serializable();
    c.text = msalCache();
    await plugin().afterCacheAccess(context(c, true));
    const other = plugin({ ...OWNER, clientId: '00000000-0000-0000-0000-000000000001' });
    assert.equal(other.fitsOwner(), false);
    const read = new Serializable();
    await other.beforeCacheAccess(context(read, false));
    assert.deepEqual(JSON.parse(read.text).Account, {});
  });

  it('an unchanged cache is not written again', async () => {
    const c = new Serializable();
    c.text = msalCache();
    const p = plugin();
    await p.afterCacheAccess(context(c, true));
    const file = path.join(dataDir, MAILBOX_CACHE_FILE);
    const first = fs.readFileSync(file, 'utf8');
    await p.beforeCacheAccess(context(c, false));
    await p.afterCacheAccess(context(c, true));
    assert.equal(fs.readFileSync(file, 'utf8'), first);
  });
});
