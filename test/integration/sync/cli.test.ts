/**
 * `sfo-compat sync` and `sfo-compat status` as a user runs them: the built CLI in a child process, against a
 * local org and mailbox served by this process. Output of --json and the exit codes of SYNC-CONFIG.md:
 * 0 idle, 5 stopped because API access is off (with the product's exact text), 2 bad usage or config (one
 * error per problem, naming the key), 1 anything else; --dry-run writes nothing on either side.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SyncWorld, startSyncWorld, ANN_TOKEN } from '../../helpers/sync';
import { sharedMessages } from '../../helpers/shared';
import { runCli } from '../../helpers/sync-cli';

const cli = (args: string[]) => runCli(args);

describe('sfo-compat sync and status (the built CLI)', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let config: string;
  const messages = sharedMessages();
  const writeConfig = (name: string, content: Record<string, unknown>) => {
    const file = path.join(w.dir, name);
    fs.writeFileSync(file, JSON.stringify(content, null, 2));
    return file;
  };
  const base = () => ({
    product: 'salesforce-for-outlook',
    productVersion: '2.9.3',
    org: { loginUrl: w.org.url, username: 'ann@test.example', password: 'Ann-pass-1' },
    mailbox: { url: w.mailbox.url, token: ANN_TOKEN },
    objects: { contacts: { direction: 'both' }, events: { direction: 'none' }, tasks: { direction: 'both' } },
  });
  const sfContacts = () =>
    w.query(
      "SELECT Id, LastName, Title, SystemModstamp FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName",
    );
  const olContacts = async () =>
    (await w.list('/me/contacts?$top=100')).sort((a, b) => (a.surname < b.surname ? -1 : 1));
  const setApi = async (on: boolean) => {
    const [profile] = await w.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    assert.equal((await w.sf.patch(`/sobjects/Profile/${profile.Id}`, { PermissionsApiEnabled: on })).status, 204);
  };

  before(async () => {
    w = await startSyncWorld({
      mailbox: {
        contacts: [
          {
            givenName: 'Linus',
            surname: 'Torvalds',
            companyName: 'Linux',
            emailAddresses: [{ address: 'linus@kernel.example' }],
          },
        ],
        taskLists: [{ displayName: 'Tasks', tasks: [{ title: 'Review patches', importance: 'high' }] }],
      },
    });
    config = writeConfig('cli.json', { ...base(), dataDir: 'cli-state' });
  });
  after(async () => w?.close());

  it("sync --once --json: exit 0, state idle, the report's counts and the requests per side", async () => {
    const r = await cli(['sync', '--config', config, '--once', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(r.json), ['state', 'message', 'report', 'requests']);
    assert.equal(r.json.state, 'idle');
    assert.equal(r.json.message, null);
    assert.deepEqual(r.json.report.counts.salesforce.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.deepEqual(r.json.report.counts.outlook.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.deepEqual(r.json.report.counts.salesforce.tasks, { created: 1, updated: 0, deleted: 0 });
    assert.deepEqual(r.json.report.errors, []);
    assert.ok(r.json.requests.salesforce > 0 && r.json.requests.outlook > 0, JSON.stringify(r.json.requests));
    assert.deepEqual(
      (await sfContacts()).map((c) => c.LastName),
      ['Hopper', 'Torvalds'],
    );
    assert.deepEqual(
      (await olContacts()).map((c) => c.surname),
      ['Hopper', 'Torvalds'],
    );
  });

  it('status --json: exit 0, idle, the last run and its counts', async () => {
    const r = await cli(['status', '--config', config, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.state, 'idle');
    assert.equal(r.json.message, null);
    assert.match(r.json.lastRun, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.deepEqual(r.json.counts.salesforce.contacts, { created: 1, updated: 0, deleted: 0 });
  });

  it('sync --dry-run --json: shows the plan and writes nothing on either side; a real run then does it', async () => {
    const [grace] = (await sfContacts()).filter((c) => c.LastName === 'Hopper');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${grace.Id}`, { Title: 'Rear Admiral' })).status, 204);
    assert.equal((await w.graph.post('/me/contacts', { givenName: 'Ada', surname: 'Lovelace' })).status, 201);
    const sfBefore = await sfContacts();
    const olBefore = await olContacts();
    const statusBefore = (await cli(['status', '--config', config, '--json'])).json;

    const r = await cli(['sync', '--config', config, '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.state, 'idle');
    const contactsPlan = r.json.plan.find((p: { object: string }) => p.object === 'contacts');
    assert.deepEqual(contactsPlan.byKind, { 'update in outlook': 1, 'create in salesforce': 1 });
    assert.deepEqual(r.json.report.counts.salesforce.contacts, { created: 0, updated: 0, deleted: 0 });
    assert.deepEqual(await sfContacts(), sfBefore, 'nothing written in Salesforce');
    assert.deepEqual(await olContacts(), olBefore, 'nothing written in Outlook');
    assert.equal(
      (await cli(['status', '--config', config, '--json'])).json.lastRun,
      statusBefore.lastRun,
      'a dry run is not a run',
    );

    const real = await cli(['sync', '--config', config, '--once', '--json']);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(real.json.report.counts.outlook.contacts, { created: 0, updated: 1, deleted: 0 });
    assert.deepEqual(real.json.report.counts.salesforce.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.equal((await olContacts()).find((c) => c.surname === 'Hopper')!.jobTitle, 'Rear Admiral');
  });

  it('sync --dry-run: the plan in words, one line per object, no raw JSON', async () => {
    const [grace] = (await sfContacts()).filter((c) => c.LastName === 'Hopper');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${grace.Id}`, { Title: 'Admiral' })).status, 204);
    const r = await cli(['sync', '--config', config, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[{}]/, r.stdout);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Dry run: nothing was written. Planned:');
    assert.ok(lines.includes('  contacts: 1 write (1 update in outlook), 0 matched, 0 conflicts'), r.stdout);
    assert.ok(lines.includes('  tasks: nothing to write, 0 matched, 0 conflicts'), r.stdout);
    // What the dry run showed, a real run then does.
    assert.equal((await cli(['sync', '--config', config, '--once'])).code, 0);
  });

  it("exit 5 when API access is off: the product's exact text in message, for sync and for status", async () => {
    await setApi(false);
    try {
      const r = await cli(['sync', '--config', config, '--once', '--json']);
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.json.state, 'stopped');
      assert.equal(r.json.message, messages['sfo.syncStopped'], 'a user who synced before sees the sync-specific text');
      const s = await cli(['status', '--config', config, '--json']);
      assert.equal(s.code, 5);
      assert.equal(s.json.state, 'stopped');
      assert.equal(s.json.message, messages['sfo.syncStopped']);

      // A user who never synced is refused at sign-in: the product's login text.
      const fresh = writeConfig('fresh.json', { ...base(), dataDir: 'fresh-state' });
      const f = await cli(['sync', '--config', fresh, '--once', '--json']);
      assert.equal(f.code, 5, f.stderr);
      assert.equal(f.json.state, 'stopped');
      assert.equal(f.json.message, messages['sfo.login']);
    } finally {
      await setApi(true);
    }
    const back = await cli(['sync', '--config', config, '--once', '--json']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.json.state, 'idle');
    assert.equal((await cli(['status', '--config', config, '--json'])).json.state, 'idle');
  });

  it('exit 2 for a bad config: one error per problem, each naming its key; nothing runs', async () => {
    const bad = writeConfig('bad.json', {
      product: 'salesforce-for-excel',
      org: { loginUrl: 'ftp://login.example', username: '' },
      mailbox: { url: w.mailbox.url, token: 'x', tokenEnv: 'ALSO' },
      objects: { contacts: { direction: 'sideways', winner: 'both' }, notes: {} },
      deleteGuard: { maxShare: 2 },
      intervalSeconds: 5,
    });
    // Independent runs: in parallel, to keep the test quick.
    const [r, status, missing, noConfig] = await Promise.all([
      cli(['sync', '--config', bad, '--once', '--json']),
      cli(['status', '--config', bad, '--json']),
      cli(['sync', '--config', path.join(w.dir, 'missing.json'), '--once']),
      cli(['sync', '--once']),
    ]);
    assert.equal(r.code, 2);
    // --json: still one object on stdout (issue 10, finding 8), saying nothing ran and why.
    assert.deepEqual(Object.keys(r.json), ['state', 'message', 'report', 'requests', 'error']);
    assert.equal(r.json.state, 'stopped');
    assert.equal(r.json.report, null);
    assert.deepEqual(r.json.requests, { salesforce: 0, outlook: 0 });
    assert.deepEqual(r.json.error, { code: 'BAD_CONFIG', file: bad, fix: 'Fix each problem listed, then run again.' });
    assert.ok(r.json.message.startsWith(`${bad}: the sync configuration has 11 problems:`), r.json.message);
    const problems = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('  - '))
      .map((l) => l.slice(4).split(':')[0]);
    assert.deepEqual(problems, [
      'product',
      'org.loginUrl',
      'org.username',
      'org.password',
      'mailbox.token',
      'objects.contacts.direction',
      'objects.contacts.winner',
      'objects.notes',
      'intervalSeconds',
      'dataDir',
      'deleteGuard.maxShare',
    ]);
    assert.ok(r.stderr.includes('the sync configuration has 11 problems'), r.stderr);
    assert.equal(status.code, 2);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /missing\.json: the sync configuration has 1 problem:\n {2}- cannot read the file \(ENOENT\)/,
    );
    assert.equal(noConfig.code, 2, 'no --config');
    assert.match(noConfig.stderr, /required option '--config <file>' not specified/);
  });

  it('exit 1 for any other stop: the mailbox refuses the token', async () => {
    const wrong = writeConfig('wrong-token.json', {
      ...base(),
      mailbox: { url: w.mailbox.url, token: 'not-the-token' },
      dataDir: 'cli-state',
    });
    const r = await cli(['sync', '--config', wrong, '--once', '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.state, 'stopped');
    assert.match(
      r.json.message,
      // A static token is not reconnected with --connect-mailbox: the fix names the token's keys.
      /^Sync stopped: your Outlook mailbox http:\/\/127\.0\.0\.1:\d+ no longer accepts sfo-compat \(.+\)\. Reconnect your Outlook mailbox: give the configuration a new mailbox token \(mailbox\.token or mailbox\.tokenEnv\)\. Nothing read or queued is lost; sync resumes by itself once the mailbox is connected again\.$/,
    );
    const s = await cli(['status', '--config', wrong, '--json']);
    assert.equal(s.code, 0, 'status itself worked: only access loss is 5');
    assert.equal(s.json.state, 'stopped');
  });
});
