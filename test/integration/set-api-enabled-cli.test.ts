/**
 * `sfo-compat org set-api-enabled` (issue 12, finding 10): the admin's switch for "API Enabled", as the demo's key
 * step, through the built CLI against a local org; the product's login sees the change at once.
 */
import assert from 'node:assert/strict';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { startTestOrg, sessionFor } from '../helpers/org';
import { runCli } from '../helpers/sync-cli';
import { sharedMessages } from '../helpers/shared';

describe('sfo-compat org set-api-enabled', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  const env = { ...process.env, SFO_PASSWORD: 'Admin-pass-1' };
  const admin = (args: string[]) =>
    runCli(
      ['org', 'set-api-enabled', '--login-url', org.url, '--username', 'admin@test.example', ...args],
      30_000,
      env,
    );
  const apiEnabled = async (name: string) => {
    const res = await fetch(
      `${org.url}/services/data/v60.0/query?q=${encodeURIComponent(`SELECT PermissionsApiEnabled FROM Profile WHERE Name = '${name}'`)}`,
      { headers: { authorization: `Bearer ${sessionFor(org, 'admin@test.example')}` } },
    );
    return ((await res.json()) as { records: Array<{ PermissionsApiEnabled: boolean }> }).records[0]
      .PermissionsApiEnabled;
  };
  const annLogin = () =>
    runCli(
      [
        'login',
        '--product',
        'salesforce-for-outlook',
        '--username',
        'ann@test.example',
        '--login-url',
        org.url,
        '--json',
      ],
      30_000,
      { ...process.env, SFO_PASSWORD: 'Ann-pass-1' },
    );

  before(async () => {
    org = await startTestOrg();
  });
  after(async () => org?.close());

  it('--off on "Standard User": exit 0, says so, and ann is refused with Salesforce for Outlook\'s text; --on gives it back', async () => {
    const off = await admin(['--profile', 'Standard User', '--off', '--json']);
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(
      [off.json.target.kind, off.json.target.name, off.json.before, off.json.after],
      ['profile', 'Standard User', true, false],
    );
    assert.equal(await apiEnabled('Standard User'), false);
    const blocked = await annLogin();
    assert.equal(blocked.code, 3);
    assert.equal(blocked.json.message, sharedMessages()['sfo.login']);

    const again = await admin(['--profile', 'Standard User', '--off']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /was already off for profile "Standard User": nothing changed/);

    const on = await admin(['--profile', 'Standard User', '--on']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /"API Enabled" is now on for profile "Standard User"/);
    assert.equal((await annLogin()).code, 0);
  });

  it('a permission set by its API name', async () => {
    const r = await admin(['--permission-set', 'API_Access', '--off', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([r.json.target.kind, r.json.after], ['permissionSet', false]);
    assert.equal((await admin(['--permission-set', 'API_Access', '--on'])).code, 0);
  });

  it('usage: no target, both --on and --off, an unknown profile: exit 2 naming the problem', async () => {
    assert.deepEqual(
      [(await admin(['--on'])).code, (await admin(['--on'])).stderr.trim()],
      [2, 'sfo-compat org set-api-enabled: give one of --profile NAME or --permission-set NAME'],
    );
    const both = await admin(['--profile', 'Standard User', '--on', '--off']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one of --on or --off/);
    const unknown = await admin(['--profile', 'Nobody', '--off']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no profile named "Nobody"/);
  });
});
