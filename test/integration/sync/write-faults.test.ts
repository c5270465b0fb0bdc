/**
 * Failed Outlook writes (issue 10, finding 5): a 5xx, a reset connection or a garbage answer to one POST, PATCH or
 * DELETE no longer ends the run. The engine talks to the local mailbox through a fault-injecting proxy on loopback
 * (seeded random faults on a share of writes, some of them carried out by the mailbox before the answer was lost);
 * the failed writes go again (a create first matched by content, as after a crash), the rest of the batch goes on,
 * and the run reports what is still pending. Afterwards neither side lost or doubled a record.
 *
 * FAULT_SEED=<n> replays a seed; FAULT_CONTACTS=<n> sets how many contacts each side starts with (3000 measures
 * the figure of the review).
 */
import assert from 'node:assert/strict';
import { SyncEngine, EngineRun } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { SyncReport } from '../../../sync-engine/src/sync/report';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import {
  FaultProxy,
  FAULTS,
  SeenRequest,
  Fault,
  randomWriteFaults,
  startFaultProxy,
  subrequestsOf,
} from '../../helpers/fault-proxy';

type BatchFault = 'error-before' | 'error-after' | null;
import { prng } from '../../helpers/seeded-random';
import {
  contentOf,
  duplicateKeys,
  keyOf,
  outlookRecords,
  salesforceRecords,
  SideRecord,
} from '../../helpers/sync-sides';
import { runCli } from '../../helpers/sync-cli';

const ANN = 'ann@test.example';
const SIZE = process.env.FAULT_CONTACTS ? Number(process.env.FAULT_CONTACTS) : 300;
const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : 20261210;
const FAULT_SHARE = 0.05;
/** Runs allowed to converge: the run that sends everything, and one to spare. */
const MAX_RUNS = 2;
const noWait = async () => {};

const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

function sfContacts(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    FirstName: `Sal${i}`,
    LastName: `${prefix}${i}`,
    Email: `${prefix.toLowerCase()}${i}@faults.example`,
    Title: 'Buyer',
  }));
}

function olContacts(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    givenName: `Ola${i}`,
    surname: `${prefix}${i}`,
    companyName: 'Contoso',
    emailAddresses: [{ address: `${prefix.toLowerCase()}${i}@faults.example`, name: `Ola${i} ${prefix}${i}` }],
  }));
}

/** Run until a run ends with nothing pending; the runs it took and their reports. */
async function converge(engine: SyncEngine, maxRuns: number): Promise<{ runs: number; reports: SyncReport[] }> {
  const reports: SyncReport[] = [];
  for (let runs = 1; runs <= maxRuns; runs++) {
    const run: EngineRun = await engine.runOnce();
    assert.equal(run.status.state, 'idle', `run ${runs} stopped: ${run.status.message}`);
    reports.push(run.result!.report);
    if (run.result!.report.pending === 0) return { runs, reports };
  }
  return { runs: Infinity, reports };
}

describe('sync engine: failed Outlook writes are retried, the batch goes on, nothing lost or doubled', function () {
  this.timeout(SIZE > 1000 ? 1_800_000 : 180_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let engine: SyncEngine;
  let decide: (req: SeenRequest) => Fault | null = () => null;
  // Writes go to the mailbox 20 to a $batch: each of them fails on its own there, as Graph answers them.
  let decideInBatch: (req: SeenRequest) => BatchFault = () => null;

  before(async () => {
    w = await startSyncWorld({
      records: { Contact: sfContacts(SIZE, 'Force') },
      mailbox: { contacts: olContacts(SIZE, 'Look') },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: (req) => decide(req),
      decideInBatch: (req) => decideInBatch(req),
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
    engine = new SyncEngine(readSyncConfig(w.configFile), { retrySleep: noWait });
  });
  after(async () => {
    engine?.close();
    await proxy?.close();
    await w?.close();
  });

  const sides = async () => ({
    sf: await salesforceRecords(w.org, 'contacts', ANN),
    ol: await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN),
  });

  /** Both sides hold exactly `expected` contacts, once each, with the same content, linked one to one. */
  async function assertSameOnBothSides(
    expected: number,
    what: string,
  ): Promise<{ sf: SideRecord[]; ol: SideRecord[] }> {
    const { sf, ol } = await sides();
    assert.deepEqual(duplicateKeys('contacts', ol), [], `${what}: a contact doubled in Outlook`);
    assert.deepEqual(duplicateKeys('contacts', sf), [], `${what}: a contact doubled in Salesforce`);
    assert.equal(ol.length, expected, `${what}: contacts in Outlook`);
    assert.equal(sf.length, expected, `${what}: contacts in Salesforce`);
    const olByKey = new Map(ol.map((r) => [keyOf('contacts', r.data), r]));
    for (const r of sf) {
      const twin = olByKey.get(keyOf('contacts', r.data));
      assert.ok(twin, `${what}: ${keyOf('contacts', r.data)} is in Salesforce only`);
      assert.equal(
        contentOf(twin.data),
        contentOf(r.data),
        `${what}: ${keyOf('contacts', r.data)} differs between the sides`,
      );
    }
    const links = engine.store.links('contacts');
    assert.equal(links.length, expected, `${what}: links`);
    assert.equal(new Set(links.map((l) => l.olId)).size, expected, `${what}: an Outlook contact is linked twice`);
    return { sf, ol };
  }

  it(`a first sync of ${SIZE} + ${SIZE} contacts under ${FAULT_SHARE * 100}% failed writes converges in ${MAX_RUNS} runs or fewer`, async () => {
    console.log(`      fault seed: ${SEED} (replay with FAULT_SEED=${SEED})`);
    decide = randomWriteFaults(prng(SEED), FAULT_SHARE);
    decideInBatch = randomWriteFaults(prng(SEED + 1), FAULT_SHARE, ['error-before', 'error-after']) as (
      req: SeenRequest,
    ) => BatchFault;
    const started = Date.now();
    const { runs, reports } = await converge(engine, 10);
    const faults = FAULTS.map((f) => `${f} ${proxy.injected[f]}`).join(', ');
    console.log(
      `      converged in ${runs} run(s), ${Date.now() - started} ms; faults injected: ${faults}; writes retried in the run: ${reports.map((r) => r.retriedWrites).join(', ')}`,
    );
    // The faults happened, including writes the mailbox carried out whose answer was lost.
    assert.ok(FAULTS.reduce((n, f) => n + proxy.injected[f], 0) >= SIZE / 40, faults);
    assert.ok(
      proxy.injected['error-after'] + proxy.injected['reset-after'] + proxy.injected['garbage-after'] >= 1,
      faults,
    );
    assert.ok(runs <= MAX_RUNS, `not converged in ${MAX_RUNS} runs (${runs === Infinity ? 'not in 10' : runs})`);
    assert.deepEqual(
      reports.flatMap((r) => r.errors),
      [],
      'no write was given up as a bad record',
    );

    const expected = 2 * SIZE + 1;
    const { sf } = await assertSameOnBothSides(expected, 'after the first sync');
    const keys = new Set(sf.map((r) => keyOf('contacts', r.data)));
    for (let i = 0; i < SIZE; i++) {
      assert.ok(keys.has(`email:force${i}@faults.example`), `Salesforce contact ${i} was lost`);
      assert.ok(keys.has(`email:look${i}@faults.example`), `Outlook contact ${i} was lost`);
    }
    decide = () => null;
    decideInBatch = () => null;
    const quiet = await engine.runOnce();
    assertQuiet(quiet.result!.report, 'the run after convergence');
  });

  it('updates and deletes (PATCH, DELETE) under the same faults converge too', async () => {
    const changed = Math.min(100, SIZE / 3);
    const deleted = Math.min(20, SIZE / 15);
    const sfRows = await w.query(
      `SELECT Id, LastName FROM Contact WHERE Owner.Username = '${ANN}' AND LastName LIKE 'Force%' ORDER BY LastName`,
    );
    for (const row of sfRows.slice(0, changed))
      assert.equal((await w.sf.patch(`/sobjects/Contact/${row.Id}`, { Title: 'Head buyer' })).status, 204);
    for (const row of sfRows.slice(changed, changed + deleted))
      assert.equal((await w.sf.delete(`/sobjects/Contact/${row.Id}`)).status, 204);
    const seenBefore = proxy.seen.length;
    decide = randomWriteFaults(prng(SEED + 1), FAULT_SHARE);
    decideInBatch = randomWriteFaults(prng(SEED + 2), FAULT_SHARE, ['error-before', 'error-after']) as (
      req: SeenRequest,
    ) => BatchFault;
    const { runs } = await converge(engine, 10);
    const sent = proxy.seen.slice(seenBefore).flatMap(subrequestsOf);
    console.log(
      `      converged in ${runs} run(s); ${sent.filter((r) => r.method === 'PATCH').length} PATCH and ${sent.filter((r) => r.method === 'DELETE').length} DELETE sent; faults so far: ${FAULTS.map((f) => `${f} ${proxy.injected[f]}`).join(', ')}`,
    );
    assert.ok(runs <= MAX_RUNS, `not converged in ${MAX_RUNS} runs`);
    const { ol } = await assertSameOnBothSides(2 * SIZE + 1 - deleted, 'after the edits');
    assert.equal(ol.filter((r) => (r.data as { title: string | null }).title === 'Head buyer').length, changed);
    decide = () => null;
    assertQuiet((await engine.runOnce()).result!.report, 'the run after convergence');
  });

  it('a mailbox that fails every write stops the run after a few in a row, keeping everything queued', async () => {
    const EDITED = 40;
    const rows = await w.query(
      `SELECT Id FROM Contact WHERE Owner.Username = '${ANN}' AND LastName LIKE 'Force%' ORDER BY LastName LIMIT ${EDITED}`,
    );
    for (const row of rows)
      assert.equal((await w.sf.patch(`/sobjects/Contact/${row.Id}`, { Title: 'Buyer again' })).status, 204);
    const seenBefore = proxy.seen.length;
    // Every write fails (a 5xx before the mailbox sees it), inside the $batch that carries it; reads pass.
    decide = () => null;
    decideInBatch = (req) => (req.method === 'GET' ? null : 'error-before');
    const run = await engine.runOnce();
    const writeBatches = proxy.seen
      .slice(seenBefore)
      .filter((r) => subrequestsOf(r).some((s) => s.method !== 'GET')).length;
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.status.stopReason?.kind, 'unreachable');
    // Eight failed writes in a row stop the run: the batches in flight then, no more.
    assert.ok(
      writeBatches >= 1 && writeBatches <= 4,
      `${writeBatches} batches of writes sent to a mailbox that failed them all`,
    );
    assert.equal(run.result!.report.pending, EDITED);
    decideInBatch = () => null;
    const { runs } = await converge(engine, 2);
    assert.equal(runs, 1);
    const { ol } = await sides();
    assert.equal(ol.filter((r) => (r.data as { title: string | null }).title === 'Buyer again').length, EDITED);
  });
});

const cli = (args: string[]) => runCli(args, 60_000);

describe('sync --once --json: a write that keeps failing is reported as pending, the rest goes through', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let stubborn = true;

  before(async () => {
    w = await startSyncWorld({
      records: {
        Contact: [...sfContacts(30, 'Force'), { FirstName: 'Stu', LastName: 'Stubborn', Email: 'stu@faults.example' }],
      },
      config: { objects: contactsOnly },
    });
    // The mailbox fails every write about Stubborn (a 5xx before it does anything). One it carried out before the
    // answer was lost is confirmed by reading it back (it holds what was sent), so it would not keep failing.
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      decideInBatch: (req) =>
        stubborn && req.method !== 'GET' && req.body.includes('Stubborn') ? 'error-before' : null,
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('the run ends idle with the record pending and named; once the fault is gone, one run sends it without a duplicate', async () => {
    w.engine.close();
    const r = await cli(['sync', '--config', w.configFile, '--once', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.state, 'idle');
    assert.deepEqual(r.json.report.counts.outlook.contacts, { created: 31, updated: 0, deleted: 0 });
    assert.equal(r.json.report.pending, 1);
    assert.deepEqual(r.json.report.pendingWrites.outlook.contacts, 1);
    assert.equal(r.json.report.deferred.length, 1);
    const [deferred] = r.json.report.deferred;
    assert.equal(deferred.object, 'contacts');
    assert.equal(deferred.side, 'outlook');
    assert.match(deferred.code, /^(InternalServerError)$/);
    const [stu] = await w.query(`SELECT Id FROM Contact WHERE LastName = 'Stubborn'`);
    assert.equal(deferred.sourceId, stu.Id);
    const text = await cli(['sync', '--config', w.configFile, '--once']);
    assert.equal(text.code, 0, text.stderr);
    // The write, and what the second run read about Stubborn in Salesforce: kept unplanned until the create is answered.
    assert.match(text.stdout, /^2 changes are queued for the next run \(1 write to send\)\.$/m);
    assert.match(text.stdout, new RegExp(`not sent yet: contacts ${stu.Id} -> outlook: InternalServerError`));

    stubborn = false;
    const last = await cli(['sync', '--config', w.configFile, '--once', '--json']);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(last.json.report.pending, 0);
    const ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.equal(
      ol.filter((c) => (c.data as { lastName: string }).lastName === 'Stubborn').length,
      1,
      'Stubborn was created once',
    );
    assert.equal(ol.length, 32);
  });
});
