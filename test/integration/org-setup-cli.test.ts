/**
 * `sfo-compat org setup` (issue 14): through the built CLI against a stock local org, it creates OutlookId__c on
 * Contact and Activity (Event, Task) with the Tooling API, grants it through the "sfo-compat sync" permission set
 * and assigns that; a second run changes nothing; a bad user changes nothing; a non-admin is refused.
 */
import assert from 'node:assert/strict';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { startTestOrg, sessionFor, testSeed } from '../helpers/org';
import { runCli } from '../helpers/sync-cli';

describe('sfo-compat org setup', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  const setup = (args: string[], username = 'admin@test.example', password = 'Admin-pass-1') =>
    runCli(['org', 'setup', '--login-url', org.url, '--username', username, ...args], 30_000, {
      ...process.env,
      SFO_PASSWORD: password,
    });
  const fieldsOf = async (user: string, type: string) => {
    const res = await fetch(`${org.url}/services/data/v60.0/sobjects/${type}/describe`, {
      headers: { authorization: `Bearer ${sessionFor(org, user)}` },
    });
    const body = (await res.json()) as { fields: Array<{ name: string; externalId: boolean; createable: boolean }> };
    return body.fields.filter((f) => f.name === 'OutlookId__c').map((f) => [f.externalId, f.createable]);
  };
  const customFieldsStored = () => JSON.parse(org.ctx.store.getMeta('customFields') ?? '[]').length;

  beforeEach(async () => {
    const seed = testSeed();
    seed.organization.customFields = false;
    org = await startTestOrg(seed);
  });
  afterEach(async () => org?.close());

  it('creates the field on the three objects, grants it to the user named, and a second run says it was set up already', async () => {
    const first = await setup(['--assign', 'ann@test.example', '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.json.fields, [
      { fullName: 'Contact.OutlookId__c', created: true },
      { fullName: 'Activity.OutlookId__c', created: true },
    ]);
    assert.deepEqual(
      [first.json.permissionSet.name, first.json.permissionSet.label, first.json.permissionSet.created],
      ['sfo_compat_sync', 'sfo-compat sync', true],
    );
    assert.deepEqual(
      first.json.fieldPermissions.map((f: { field: string; granted: boolean }) => [f.field, f.granted]),
      [
        ['Contact.OutlookId__c', true],
        ['Event.OutlookId__c', true],
        ['Task.OutlookId__c', true],
      ],
    );
    assert.deepEqual(first.json.assigned, [{ username: 'ann@test.example', assigned: true }]);
    for (const type of ['Contact', 'Event', 'Task']) {
      assert.deepEqual(await fieldsOf('ann@test.example', type), [[true, true]], `ann reads and writes ${type}'s`);
      assert.deepEqual(await fieldsOf('admin@test.example', type), [], `nobody else is granted ${type}'s`);
    }

    const second = await setup(['--assign', 'ann@test.example']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.stdout.trim().split('\n'), [
      'Contact.OutlookId__c exists already: left as it is.',
      'Activity.OutlookId__c exists already: left as it is.',
      'The permission set "sfo-compat sync" (sfo_compat_sync) exists already.',
      'It grants read and edit of the three fields already.',
      'ann@test.example holds it already.',
      'Nothing changed: the org was set up already.',
    ]);
    const noAssign = await setup([]);
    assert.equal(noAssign.code, 0, noAssign.stderr);
    assert.match(noAssign.stdout, /Assign "sfo-compat sync" to each user who syncs .*--assign USERNAME/);
    assert.equal(customFieldsStored(), 3);
  });

  it('an unknown user changes nothing (exit 2); a user without Customize Application is refused (exit 1); no password is usage', async () => {
    const unknown = await setup(['--assign', 'ann@test.example', '--assign', 'nobody@test.example']);
    assert.equal(unknown.code, 2);
    assert.equal(
      unknown.stderr.trim(),
      'sfo-compat org setup: --assign: no user "nobody@test.example" in the org (give the username, e.g. ann@example.com); nothing was changed',
    );
    assert.equal(customFieldsStored(), 0);

    const ann = await setup([], 'ann@test.example', 'Ann-pass-1');
    assert.equal(ann.code, 1);
    assert.match(ann.stderr, /^sfo-compat org setup: INSUFFICIENT_ACCESS_OR_READONLY/);
    assert.equal(customFieldsStored(), 0);

    const noPassword = await runCli(
      ['org', 'setup', '--login-url', org.url, '--username', 'admin@test.example'],
      30_000,
      {
        ...process.env,
        SFO_PASSWORD: undefined,
      },
    );
    assert.deepEqual(
      [noPassword.code, noPassword.stderr.trim()],
      [2, 'sfo-compat org setup: --password is required (or set SFO_PASSWORD)'],
    );
  });
});
