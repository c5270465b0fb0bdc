/**
 * `sfo-compat sync --once --json` when the run cannot run or finish (issue 10, findings 8 and 9): stdout still holds
 * one JSON object (state stopped, the message, report null, the requests, and an error with its code, the file it is
 * about and the fix), stderr says the same in words and never shows a stack, and the exit code is 1. A damaged state
 * file without a good copy names the file and `--resync`; `--resync` then starts over as a first sync.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SyncWorld, startSyncWorld, ANN_TOKEN } from '../../helpers/sync';
import { runCli, CliRun } from '../../helpers/sync-cli';

const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

/** The shape every failed `--json` run prints, and no stack anywhere. */
function assertFailureJson(r: CliRun, code: string, file: string): void {
  assert.equal(r.code, 1, `${r.stderr}\n${r.stdout}`);
  assert.ok(r.json, `stdout is not one JSON object: ${JSON.stringify(r.stdout)}`);
  assert.deepEqual(Object.keys(r.json), ['state', 'message', 'report', 'requests', 'error']);
  assert.equal(r.json.state, 'stopped');
  assert.equal(r.json.report, null);
  assert.deepEqual(Object.keys(r.json.error), ['code', 'file', 'fix']);
  assert.equal(r.json.error.code, code);
  assert.equal(r.json.error.file, file);
  assert.ok(r.json.message.includes(file), `the message names ${file}: ${r.json.message}`);
  assert.ok(r.json.message.endsWith(r.json.error.fix), 'the message ends with the fix');
  assert.ok(r.stderr.startsWith('sync failed: '), r.stderr);
  assert.ok(r.stderr.includes(r.json.error.fix), r.stderr);
  for (const out of [r.stdout, r.stderr]) {
    assert.doesNotMatch(out, /^\s+at /m, 'no stack');
    assert.doesNotMatch(out, /SqliteError/);
  }
}

describe('sync --once --json when the run fails: one JSON object naming the file and the fix', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let n = 0;
  /** A config of its own (a data dir of its own) for each case. */
  const configFor = (dataDir: string) => {
    const file = path.join(w.dir, `config-${++n}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        product: 'salesforce-for-outlook',
        productVersion: '2.9.3',
        org: { loginUrl: w.org.url, username: 'ann@test.example', password: 'Ann-pass-1' },
        mailbox: { url: w.mailbox.url, token: ANN_TOKEN },
        objects: contactsOnly,
        dataDir,
      }),
    );
    return file;
  };
  const sync = (config: string, ...more: string[]) => runCli(['sync', '--config', config, '--once', '--json', ...more]);

  before(async () => {
    w = await startSyncWorld({
      mailbox: {
        contacts: [{ givenName: 'Ada', surname: 'Lovelace', emailAddresses: [{ address: 'ada@cli.example' }] }],
      },
      config: { objects: contactsOnly },
    });
    w.engine.close();
  });
  after(async () => w?.close());

  it('a damaged state file and no good copy: STATE_CORRUPT, the file, and the --resync command; --resync then syncs as a first sync', async () => {
    const config = configFor('damaged');
    const dir = path.join(w.dir, 'damaged');
    const stateFile = path.join(dir, 'state.sqlite');
    const first = await sync(config);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.json.report.counts.salesforce.contacts.created + first.json.report.counts.outlook.contacts.created,
      2,
    );
    // The file overwritten, and its good copy gone too.
    for (const f of fs
      .readdirSync(dir)
      .filter((name) => name.startsWith('state.sqlite') || name.startsWith('state.last-good')))
      fs.rmSync(path.join(dir, f));
    fs.writeFileSync(stateFile, 'this is not an SQLite database: a damaged file '.repeat(100), { mode: 0o600 });
    const r = await sync(config);
    assertFailureJson(r, 'STATE_CORRUPT', stateFile);
    assert.match(
      r.json.message,
      /^The sync state file .+ is damaged \(file is not a database\), and there is no good copy to restore \(.+state\.last-good\.sqlite: none kept\)\./,
    );
    assert.match(
      r.json.error.fix,
      new RegExp(`run: sfo-compat sync --config ${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --once --resync\\.`),
    );
    assert.deepEqual(r.json.requests, { salesforce: 0, outlook: 0 }, 'nothing was sent');

    const status = await runCli(['status', '--config', config, '--json']);
    assert.equal(status.code, 1, status.stderr);
    assert.equal(status.json.error.code, 'STATE_CORRUPT');
    assert.equal(status.json.error.file, stateFile);
    assert.doesNotMatch(status.stderr, /^\s+at /m);

    const again = await sync(config, '--resync');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.state, 'idle');
    assert.match(again.json.report.notices[0], /^Started over from an empty state, as asked:/);
    assert.equal(again.json.report.matched.contacts, 2, 'Ada and Grace, synced before, are linked by matching');
    assert.deepEqual(again.json.report.counts.salesforce.contacts, { created: 0, updated: 0, deleted: 0 });
    assert.deepEqual(again.json.report.counts.outlook.contacts, { created: 0, updated: 0, deleted: 0 });
    assert.ok(
      fs.readdirSync(dir).some((f) => /^state\.sqlite\.set-aside-/.test(f)),
      'the damaged file is kept',
    );
  });

  it('a lost state file in a data dir that synced before, and no good copy: STATE_LOST', async () => {
    const config = configFor('lost');
    const first = await sync(config);
    assert.equal(first.code, 0, first.stderr);
    const dir = path.join(w.dir, 'lost');
    assert.ok(fs.existsSync(path.join(dir, 'state.synced.json')));
    for (const f of fs
      .readdirSync(dir)
      .filter((name) => name.startsWith('state.sqlite') || name.startsWith('state.last-good')))
      fs.rmSync(path.join(dir, f));
    const r = await sync(config);
    assertFailureJson(r, 'STATE_LOST', path.join(dir, 'state.sqlite'));
    assert.match(
      r.json.message,
      /is missing, and there is no good copy to restore \(.+state\.last-good\.sqlite: none kept\)\. This data dir synced before/,
    );
    assert.match(r.json.error.fix, /--resync/);
  });

  it('a data dir that is a file: DATA_DIR_NOT_A_FOLDER, naming it', async () => {
    const file = path.join(w.dir, 'not-a-folder');
    fs.writeFileSync(file, 'a file where the data dir should be');
    const r = await sync(configFor('not-a-folder'));
    assertFailureJson(r, 'DATA_DIR_NOT_A_FOLDER', file);
    assert.match(r.json.error.fix, /Point dataDir in the configuration at a folder/);
  });

  it('a full disk under the state file: DISK_FULL, naming the file', async () => {
    // Linux's /dev/full answers every write with ENOSPC, as a full disk does; SQLite turns it into SQLITE_FULL.
    const dir = path.join(w.dir, 'full');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.symlinkSync('/dev/full', path.join(dir, 'state.sqlite'));
    const r = await sync(configFor('full'));
    assertFailureJson(r, 'DISK_FULL', path.join(dir, 'state.sqlite'));
    assert.match(r.json.message, /^The disk holding .+ is full \(database or disk is full\)\./);
    assert.match(r.json.error.fix, /^Free some space on that disk, then run the sync again\./);
  });
});
