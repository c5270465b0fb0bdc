/**
 * The seed's identity keys: one problem a line naming its path; passwords kept only as scrypt hashes; a data dir
 * seeded before the identity platform gains its tenant, apps and passwords from the seed on the next start.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateSeed, readSeedFile } from '../../../sync-engine/src/local-mailbox/seed';
import { startLocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { DEMO_MAILBOX_SEED, testMailboxSeed } from '../../helpers/mailbox';
import { ANN_PASSWORD, CLIENT_ID, TENANT_ID, identitySeed } from '../../helpers/identity';

describe('local mailbox: identity seed keys', () => {
  it('accepts the demo seed with its tenant, app and password', () => {
    const demo = readSeedFile(DEMO_MAILBOX_SEED);
    assert.match(demo.tenantId!, /^[0-9a-f-]{36}$/);
    assert.equal(demo.apps?.length, 1);
    assert.deepEqual(demo.apps![0].redirectUris, ['http://localhost']);
    assert.ok(demo.mailboxes[0].password);
    assert.deepEqual(validateSeed(identitySeed()), []);
  });

  it('names each problem with its path', () => {
    const seed = testMailboxSeed() as any;
    seed.tenantId = 'contoso';
    seed.tokenLifetimeSeconds = 0;
    seed.apps = [
      {
        name: '',
        clientId: 'not-a-guid',
        redirectUris: ['http://app.example/cb', 'https://ok.example/#x'],
        publicClient: false,
        secret: 's',
      },
      { name: 'B', clientId: CLIENT_ID, redirectUris: [] },
      { name: 'C', clientId: CLIENT_ID.toUpperCase(), redirectUris: ['http://localhost'], publicClient: true },
      'nope',
    ];
    seed.apps[1].publicClient = true;
    seed.apps.splice(2, 0, { name: 'B2', clientId: CLIENT_ID, redirectUris: ['http://localhost'], publicClient: true });
    seed.mailboxes[0].password = 'short';
    assert.deepEqual(validateSeed(seed), [
      'tenantId: must be a GUID such as "72f988bf-86f1-41af-91ab-2d7cd011db47" (got "contoso")',
      'tokenLifetimeSeconds: must be a whole number of seconds from 1 to 86400 (got 0)',
      'apps[0].secret: unknown key (expected name, clientId, redirectUris, publicClient)',
      'apps[0].name: required, a non-empty string',
      `apps[0].clientId: required, a GUID (the app's Application (client) ID) (got "not-a-guid")`,
      'apps[0].publicClient: must be true (the local identity platform serves public clients, with no secret)',
      'apps[0].redirectUris[0]: must be https, or http on localhost, 127.0.0.1 or [::1] (got "http://app.example/cb")',
      'apps[0].redirectUris[1]: must not have a fragment (#...)',
      'apps[1].redirectUris: required, at least one URI (e.g. "http://localhost")',
      'apps[2].clientId: another app has the same clientId',
      'apps[3].clientId: another app has the same clientId',
      'apps[4]: must be an object { name, clientId, redirectUris, publicClient }',
      'mailboxes[0].password: must be a string of 8 to 256 characters',
    ]);
  });

  it('apps and passwords need a tenant', () => {
    const seed = identitySeed();
    delete seed.tenantId;
    assert.deepEqual(validateSeed(seed), [
      'apps: apps belong to a tenant: give tenantId too',
      'mailboxes[0].password: a password is for signing in to a tenant: give tenantId too',
    ]);
  });

  it('keeps passwords as scrypt hashes, never in clear, and gives an older data dir the identity keys on restart', async function () {
    this.timeout(20_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-identity-seed-'));
    try {
      const data = path.join(dir, 'mailbox');
      const old = await startLocalMailbox({ seed: testMailboxSeed(), dataDir: data, port: 0 });
      assert.equal(old.ctx.identity.config(), undefined);
      await old.close();

      const again = await startLocalMailbox({ seed: identitySeed(), dataDir: data, port: 0 });
      try {
        assert.equal(again.seeded, false);
        assert.equal(again.ctx.identity.config()?.tenantId, TENANT_ID);
        assert.equal(again.ctx.identity.app(CLIENT_ID)?.name, 'Sync test app');
        const ann = again.mailboxes[0];
        assert.match(again.ctx.identity.passwordHash(ann.no)!, /^scrypt\$n=16384,r=8,p=1\$/);
        const conf = await fetch(`${again.url}/${TENANT_ID}/v2.0/.well-known/openid-configuration`);
        assert.equal(conf.status, 200);
      } finally {
        await again.close();
      }
      for (const f of fs.readdirSync(data)) {
        const bytes = fs.readFileSync(path.join(data, f));
        assert.equal(bytes.includes(Buffer.from(ANN_PASSWORD)), false, `${f} holds the password in clear`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
