/**
 * A lost, emptied or damaged state file (issue 10, finding 9). Each run that ends keeps a checked copy of the state;
 * a state file that is later missing, empty or fails `PRAGMA quick_check` at start is set aside and replaced by that
 * copy, and the report says so: the deletions made since are carried over, not undone by a sync from nothing (which
 * copied back 20 of 20 deleted contacts). Without a good copy the engine refuses, naming the file and `--resync`;
 * with `--resync` it starts over as a first sync that links by matching and deletes nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { damageLinksIndexPage } from '../../helpers/state-damage';
import { SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { StateFileError } from '../../../sync-engine/src/sync/state-file';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { duplicateKeys, keyOf, outlookRecords, salesforceRecords } from '../../helpers/sync-sides';

const ANN = 'ann@test.example';
const CONTACTS = 60;
const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

describe('sync engine: a lost, emptied or damaged state file', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let engine: SyncEngine;
  let stateDir: string;
  const stateFile = () => path.join(stateDir, 'state.sqlite');
  const sides = async () => ({
    sf: await salesforceRecords(w.org, 'contacts', ANN),
    ol: await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN),
  });
  /** The engine stops, the state file is damaged somehow, a new engine starts (as the next `sync --once` would). */
  const restart = (damage: () => void) => {
    engine.close();
    w.engine.close();
    damage();
    engine = new SyncEngine(readSyncConfig(w.configFile));
  };
  const emails = (records: Array<{ data: unknown }>) => new Set(records.map((r) => keyOf('contacts', r.data as never)));

  /** Both sides hold the same contacts, once each (`expected` of them when given); their match keys. */
  async function assertInStep(expected: number | null, what: string): Promise<Set<string>> {
    const { sf, ol } = await sides();
    assert.deepEqual(duplicateKeys('contacts', sf), [], `${what}: duplicates in Salesforce`);
    assert.deepEqual(duplicateKeys('contacts', ol), [], `${what}: duplicates in Outlook`);
    if (expected !== null) {
      assert.equal(sf.length, expected, `${what}: contacts in Salesforce`);
      assert.equal(ol.length, expected, `${what}: contacts in Outlook`);
    }
    assert.deepEqual(emails(ol), emails(sf), what);
    return emails(sf);
  }

  before(async () => {
    w = await startSyncWorld({
      records: {
        Contact: Array.from({ length: CONTACTS }, (_, i) => ({
          FirstName: `Kept${i}`,
          LastName: `State${i}`,
          Email: `state${i}@files.example`,
        })),
      },
      config: { objects: contactsOnly },
    });
    stateDir = path.join(w.dir, 'state');
    engine = new SyncEngine(readSyncConfig(w.configFile));
    for (let i = 0; i < 2; i++) assert.equal((await engine.runOnce()).status.state, 'idle');
    await assertInStep(CONTACTS + 1, 'after the first sync');
  });
  after(async () => {
    engine?.close();
    await w?.close();
  });

  it('keeps a checked copy of the state after each run, 0600, and marks the data dir as synced', () => {
    const copy = path.join(stateDir, 'state.last-good.sqlite');
    assert.equal(fs.statSync(copy).mode & 0o777, 0o600);
    const db = new Database(copy, { readonly: true });
    try {
      assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
      assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM links`).get() as { n: number }).n, CONTACTS + 1);
    } finally {
      db.close();
    }
    const mark = JSON.parse(fs.readFileSync(path.join(stateDir, 'state.synced.json'), 'utf8'));
    assert.match(mark.lastCopyAt, /^\d{4}-\d{2}-\d{2}T/);
  });

  it('a lost state file: restored from the last good copy, so 20 contacts deleted in Outlook since are deleted in Salesforce, not copied back', async () => {
    const { ol } = await sides();
    const gone = ol.filter((r) => /^email:state\d+@/.test(keyOf('contacts', r.data))).slice(0, 20);
    for (const r of gone) assert.equal((await w.graph.delete(`/me/contacts/${encodeURIComponent(r.id)}`)).status, 204);
    restart(() => {
      for (const f of fs.readdirSync(stateDir).filter((n) => n.startsWith('state.sqlite')))
        fs.rmSync(path.join(stateDir, f));
    });
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    const report = run.result!.report;
    const left = await assertInStep(null, 'after the restore');
    assert.deepEqual(gone.filter((r) => left.has(keyOf('contacts', r.data))).length, 0, 'deleted contacts came back');
    assert.equal(report.counts.salesforce.contacts.deleted, 20);
    assert.equal(report.counts.outlook.contacts.created, 0, 'nothing copied back to Outlook');
    assert.equal(left.size, CONTACTS + 1 - 20);
    assert.equal(report.notices.length, 1, JSON.stringify(report.notices));
    assert.match(
      report.notices[0],
      new RegExp(
        `^The sync state file ${stateFile().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is missing: restored the last good copy taken \\d{4}-`,
      ),
    );
    assertQuiet((await engine.runOnce()).result!.report, 'the run after the restore');
  });

  it('an emptied state file (0 bytes): restored likewise, deletions in Salesforce since reach Outlook', async () => {
    const rows = await w.query(
      `SELECT Id, Email FROM Contact WHERE Owner.Username = '${ANN}' AND Email LIKE 'state%' ORDER BY Email LIMIT 10`,
    );
    for (const row of rows) assert.equal((await w.sf.delete(`/sobjects/Contact/${row.Id}`)).status, 204);
    restart(() => fs.truncateSync(stateFile(), 0));
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    const report = run.result!.report;
    const left = await assertInStep(null, 'after the restore');
    assert.deepEqual(rows.filter((row) => left.has(`email:${row.Email}`)).length, 0, 'deleted contacts came back');
    assert.equal(report.counts.outlook.contacts.deleted, 10);
    assert.equal(report.counts.salesforce.contacts.created, 0, 'nothing copied back to Salesforce');
    assert.match(
      report.notices.join('\n'),
      /is empty: restored the last good copy.*The empty file is kept as .*state\.sqlite\.empty-/,
    );
  });

  it('a damaged page is noticed at start (quick_check): the file is set aside and the last good copy restored', async () => {
    const before = await assertInStep(null, 'before');
    restart(() => damageLinksIndexPage(stateFile()));
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    assert.match(
      (run.result!.report.notices ?? []).join('\n'),
      /is damaged \(quick_check: .+\): restored the last good copy/,
      'the damage went unnoticed',
    );
    const aside = fs.readdirSync(stateDir).filter((n) => /^state\.sqlite\.damaged-[0-9TZ-]+$/.test(n));
    assert.equal(aside.length, 1, `the damaged file is kept: ${fs.readdirSync(stateDir).join(', ')}`);
    assert.deepEqual(await assertInStep(null, 'after the restore'), before);
    assertQuiet(run.result!.report, 'the restored run');
  });

  it('no good copy either: refused, naming the file and --resync; --resync starts over as a first sync that deletes nothing', async () => {
    const before = await assertInStep(null, 'before');
    engine.close();
    for (const f of fs
      .readdirSync(stateDir)
      .filter((n) => n.startsWith('state.sqlite') || n.startsWith('state.last-good')))
      fs.rmSync(path.join(stateDir, f));
    assert.throws(
      () => new SyncEngine(readSyncConfig(w.configFile)),
      (err: unknown) => {
        assert.ok(err instanceof StateFileError);
        assert.equal(err.code, 'STATE_LOST');
        assert.equal(err.file, stateFile());
        assert.ok(
          err.message.includes(`The sync state file ${stateFile()} is missing, and there is no good copy to restore`),
          err.message,
        );
        assert.match(
          err.message,
          /a sync from nothing would copy back every record deleted on one side since the last run/,
        );
        assert.match(err.fix, /--resync/);
        return true;
      },
    );
    assert.ok(!fs.existsSync(stateFile()), 'the refusal made no new state file');

    engine = new SyncEngine(readSyncConfig(w.configFile), { resync: true });
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    const report = run.result!.report;
    assert.match(
      report.notices.join('\n'),
      /^Started over from an empty state, as asked: this run is a first sync, which links matching records and deletes nothing\. What the data dir held is kept as .*state\.synced\.json\.set-aside-/,
    );
    assert.equal(report.matched.contacts, before.size, 'every pair linked by matching');
    assert.deepEqual(report.counts.salesforce.contacts, { created: 0, updated: 0, deleted: 0 });
    assert.deepEqual(report.counts.outlook.contacts, { created: 0, updated: 0, deleted: 0 });
    assert.deepEqual(await assertInStep(null, 'after the resync'), before);
    assert.equal(engine.store.linkCount('contacts'), before.size);
    assertQuiet((await engine.runOnce()).result!.report, 'the run after the resync');
  });

  it('a damaged file and no good copy: starting over keeps the links still readable in it, so contacts deleted since are not copied back', async () => {
    const before = await assertInStep(null, 'before');
    const { ol } = await sides();
    const gone = ol.filter((r) => /^email:state\d+@/.test(keyOf('contacts', r.data))).slice(0, 5);
    for (const r of gone) assert.equal((await w.graph.delete(`/me/contacts/${encodeURIComponent(r.id)}`)).status, 204);
    engine.close();
    damageLinksIndexPage(stateFile());
    fs.rmSync(path.join(stateDir, 'state.last-good.sqlite'));
    assert.throws(
      () => new SyncEngine(readSyncConfig(w.configFile)),
      (err: unknown) => err instanceof StateFileError && err.code === 'STATE_CORRUPT',
    );

    engine = new SyncEngine(readSyncConfig(w.configFile), { resync: true });
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    const report = run.result!.report;
    assert.match(
      report.notices.join('\n'),
      new RegExp(
        `^Started over, as asked: the ${before.size} links still readable in the damaged state file were kept`,
      ),
    );
    assert.equal(report.counts.outlook.contacts.created, 0, 'nothing copied back to Outlook');
    assert.equal(report.matched.contacts, 0, 'linked already: nothing to match');
    const { sf: sfAfter, ol: olAfter } = await sides();
    assert.deepEqual(duplicateKeys('contacts', sfAfter), []);
    assert.deepEqual(duplicateKeys('contacts', olAfter), []);
    assert.equal(olAfter.length, before.size - gone.length, 'the deleted contacts stay deleted in Outlook');
    assert.ok(
      fs.readdirSync(stateDir).some((n) => /^state\.sqlite\.set-aside-/.test(n)),
      'the damaged file is kept',
    );
  });
});
