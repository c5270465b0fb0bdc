/**
 * The mailbox's Microsoft sign-in in the sync configuration (issue 13): mailbox.clientId, tenant (default common),
 * the authority override, url defaulting to Graph; the static token stays. Each bad value is one problem naming the
 * key and the fix, and a configuration whose mailbox is not connected yet says to run --connect-mailbox.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, ReadOptions, SyncConfig, readSyncConfig } from '../../../sync-engine/src/app/config';

const CLIENT_ID = '6731de76-14a6-49ae-97bc-6eba6914391e';

describe('sync config: the mailbox signs in with Microsoft', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-mailbox-config-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const withMailbox = (mailbox: unknown) => ({
    product: 'salesforce-for-outlook',
    org: { loginUrl: 'http://127.0.0.1:8700', username: 'ann@test.example', password: 'pw' },
    mailbox,
    dataDir: 'state',
  });
  const read = (config: unknown, o: ReadOptions = {}): SyncConfig | string[] => {
    const f = path.join(dir, 'config.json');
    fs.writeFileSync(f, JSON.stringify(config));
    try {
      return readSyncConfig(f, {}, o);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems;
    }
  };
  const mailboxOf = (config: unknown, o: ReadOptions = {}) => {
    const r = read(config, o);
    assert.ok(!Array.isArray(r), `problems: ${JSON.stringify(r)}`);
    return r.mailbox;
  };

  it('clientId alone: Graph at graph.microsoft.com, the common authority, no static token', () => {
    assert.deepEqual(mailboxOf(withMailbox({ clientId: CLIENT_ID })), {
      url: 'https://graph.microsoft.com',
      token: '',
      microsoft: { clientId: CLIENT_ID, authority: 'https://login.microsoftonline.com/common' },
    });
  });

  it('a tenant by GUID, by domain, or organizations; an authority override for a local or sovereign cloud', () => {
    const tenantId = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
    for (const tenant of [tenantId, 'contoso.onmicrosoft.com', 'organizations'])
      assert.equal(
        mailboxOf(withMailbox({ clientId: CLIENT_ID, tenant }))?.microsoft?.authority,
        `https://login.microsoftonline.com/${tenant}`,
      );
    assert.deepEqual(
      mailboxOf(
        withMailbox({
          url: 'https://localhost:8701',
          clientId: CLIENT_ID,
          authority: 'https://localhost:8701/common/',
        }),
      ),
      {
        url: 'https://localhost:8701',
        token: '',
        microsoft: { clientId: CLIENT_ID, authority: 'https://localhost:8701/common' },
      },
    );
  });

  it('the static token stays, with no sign-in', () => {
    assert.deepEqual(mailboxOf(withMailbox({ url: 'http://127.0.0.1:8701', token: 't' })), {
      url: 'http://127.0.0.1:8701',
      token: 't',
      microsoft: null,
    });
  });

  it('bad values: one problem each, naming the key and the fix', () => {
    assert.deepEqual(read(withMailbox({ clientId: 'my-app' })), [
      'mailbox.clientId: must be the Application (client) ID of your app registration in Entra ID, a GUID like 11111111-2222-3333-4444-555555555555 (got "my-app")',
    ]);
    assert.deepEqual(read(withMailbox({ clientId: CLIENT_ID, tenant: 'not a tenant' })), [
      'mailbox.tenant: must be common (the default), organizations, consumers, your Directory (tenant) ID (a GUID) or a domain of your tenant such as contoso.onmicrosoft.com (got "not a tenant")',
    ]);
    assert.deepEqual(read(withMailbox({ clientId: CLIENT_ID, authority: 'http://localhost:8701/common' })), [
      'mailbox.authority: "http://localhost:8701/common" must use https (Microsoft\'s library signs in at https authorities only; serve a local mailbox with --tls)',
    ]);
    assert.deepEqual(read(withMailbox({ clientId: CLIENT_ID, authority: 'https://localhost:8701' })), [
      'mailbox.authority: "https://localhost:8701" must be the authority\'s host and its tenant alone, e.g. https://localhost:8701/common',
    ]);
    assert.deepEqual(
      read(withMailbox({ clientId: CLIENT_ID, tenant: 'common', authority: 'https://localhost:8701/x' })),
      ['mailbox.authority: give either tenant or authority (which names its tenant), not both'],
    );
    assert.deepEqual(read(withMailbox({ clientId: CLIENT_ID, token: 't' })), [
      'mailbox.token: give either a static token (token or tokenEnv: a local mailbox, scripts) or a Microsoft sign-in (clientId, with tenant or authority), not both',
    ]);
    assert.deepEqual(read(withMailbox({ tenant: 'common' })), [
      'mailbox.clientId: required with mailbox.tenant or mailbox.authority: the Application (client) ID of your app registration in Entra ID (docs/microsoft-sign-in.md)',
    ]);
    assert.deepEqual(read(withMailbox({ clientId: CLIENT_ID, tenantt: 'common' })), [
      'mailbox.tenantt: unknown key (did you mean tenant? expected url, token, tokenEnv, clientId, tenant, authority)',
    ]);
  });

  it('neither a token nor a clientId: the problem names both ways', () => {
    assert.deepEqual(read(withMailbox({ url: 'http://127.0.0.1:8701' })), [
      "mailbox: give clientId to sign in to a Microsoft 365 mailbox (your app registration's Application (client) ID; docs/microsoft-sign-in.md), or token or tokenEnv for a local mailbox or a script",
    ]);
  });

  it('a sync run with clientId and no connected mailbox is told to run --connect-mailbox', () => {
    const f = path.join(dir, 'config.json');
    const problems = read(withMailbox({ clientId: CLIENT_ID }), { hasMailboxSignIn: () => false });
    assert.deepEqual(problems, [
      `mailbox.clientId: no Outlook mailbox is connected in ${path.join(dir, 'state')}: connect it once with: sfo-compat sync --config ${f} --connect-mailbox (add --device-code on a machine without a browser)`,
    ]);
    assert.ok(!Array.isArray(read(withMailbox({ clientId: CLIENT_ID }), { hasMailboxSignIn: () => true })));
  });
});
