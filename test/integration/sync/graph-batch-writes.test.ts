/**
 * Outlook writes go 20 to a Graph `$batch` (issue 17), each answered on its own: a batch whose requests end every
 * way a request can (created, refused as a bad record, throttled with a Retry-After, a 5xx before or after the
 * mailbox carried it out) leaves every record either confirmed once or still queued, never doubled; an engine
 * SIGKILLed while its batches are in flight converges on the next run without a duplicate.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { BatchFault, FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';
import { duplicateKeys, outlookRecords } from '../../helpers/sync-sides';
import { REPO_ROOT } from '../../helpers/shared';

const ANN = 'ann@test.example';
const ENGINE = path.join(REPO_ROOT, 'build', 'test', 'helpers', 'sync-child.js');
const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

function sfContacts(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    FirstName: `Bat${i}`,
    LastName: `${prefix}${i}`,
    Email: `${prefix.toLowerCase()}${i}@batch.example`,
  }));
}

const creates = (req: SeenRequest) =>
  subrequestsOf(req).filter((s) => s.method === 'POST' && /\/contacts$/.test(s.url));

describe('sync engine: Outlook writes in $batch, each request answered on its own', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let decideInBatch: (req: SeenRequest) => BatchFault | null = () => null;
  let throttleNextBatch = false;
  /** The mailbox refuses the next batch of creates whole, as Graph refuses a batch it cannot read. */
  let refuseNextBatchWhole = false;
  const statuses: number[] = [];

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: {
        Contact: [
          ...['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon'].map((name) => ({
            FirstName: 'Mixed',
            LastName: name,
            Email: `${name.toLowerCase()}@batch.example`,
          })),
        ],
      },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      decideInBatch: (req) => decideInBatch(req),
      answer: (req) => {
        if (!refuseNextBatchWhole || !creates(req).length) return null;
        refuseNextBatchWhole = false;
        return {
          status: 400,
          body: { error: { code: 'BadRequest', message: 'Invalid batch payload format.', innerError: {} } },
        };
      },
      beforeForward: (req) => {
        // The mailbox throttles the first request of the first batch of creates (Retry-After 0).
        if (throttleNextBatch && creates(req).length) {
          throttleNextBatch = false;
          w.mailbox.throttle({ requests: 1, retryAfterSeconds: 0 }, ANN);
        }
      },
      beforeAnswer: (req, answer) => {
        if (creates(req).length && answer.status === 200)
          for (const r of (JSON.parse(answer.body) as { responses: Array<{ status: number }> }).responses)
            statuses.push(r.status);
      },
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('created, 400 bad record, 429, 500 before and after: each record confirmed once or still queued, never doubled', async () => {
    // Epsilon's first send fails before the mailbox sees it, Delta's after the mailbox made it; Beta is refused
    // until the test lifts it; the mailbox throttles the first request of the batch.
    const failedOnce = new Set<string>();
    let refuseBeta = true;
    decideInBatch = (req) => {
      if (req.method !== 'POST') return null;
      if (req.body.includes('Beta') && refuseBeta) return 'refuse';
      for (const [name, fault] of [
        ['Delta', 'error-after'],
        ['Epsilon', 'error-before'],
      ] as const) {
        if (req.body.includes(name) && !failedOnce.has(name)) {
          failedOnce.add(name);
          return fault;
        }
      }
      return null;
    };
    throttleNextBatch = true;
    const batchesBefore = proxy.seen.filter((r) => creates(r).length).length;

    const { report } = await w.run();
    assert.ok(statuses.includes(429), `the mailbox throttled a request inside the batch: ${statuses.join(', ')}`);
    assert.ok(proxy.seen.filter((r) => creates(r).length).length - batchesBefore >= 1, 'creates went in a batch');
    assert.ok(
      proxy.seen.every((r) => subrequestsOf(r).length <= 20),
      'no batch carries more than 20 requests',
    );
    assert.deepEqual(report.counts.outlook.contacts, { created: 4, updated: 0, deleted: 0 });
    assert.deepEqual(
      report.errors.map((e) => [e.code, e.side]),
      [['ErrorInvalidProperty', 'outlook']],
    );
    assert.equal(report.pending, 1, 'the refused record is still queued');
    assert.deepEqual(report.pendingWrites.outlook.contacts, 1);
    let ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.deepEqual(duplicateKeys('contacts', ol), [], 'no contact doubled in Outlook');
    assert.deepEqual(ol.map((r) => (r.data as { lastName: string }).lastName).sort(), [
      'Alpha',
      'Delta',
      'Epsilon',
      'Gamma',
    ]);
    assert.equal(w.engine.store.links('contacts').length, 4, 'each confirmed record is linked');

    refuseBeta = false;
    const next = await w.run();
    assert.deepEqual(next.report.counts.outlook.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.equal(next.report.pending, 0);
    ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.deepEqual(duplicateKeys('contacts', ol), []);
    assert.equal(ol.length, 5);
    assertQuiet((await w.run()).report, 'the run after');
  });

  it('a batch refused whole (400) is no bad record of each request in it: they stay queued and go again', async () => {
    const [ann] = await w.query(`SELECT Id FROM User WHERE Username = '${ANN}'`);
    for (const name of ['Zeta', 'Eta']) {
      const made = await w.sf.post('/sobjects/Contact', {
        FirstName: 'Whole',
        LastName: name,
        Email: `${name.toLowerCase()}@batch.example`,
        OwnerId: ann.Id,
      });
      assert.equal(made.status, 201, JSON.stringify(made.data));
    }
    decideInBatch = () => null;
    refuseNextBatchWhole = true;
    const { report } = await w.run();
    assert.equal(refuseNextBatchWhole, false, 'the batch was refused');
    assert.deepEqual(report.errors, [], 'no record is reported bad');
    // Still queued after the refusal, they went again in the run's next round.
    assert.deepEqual(report.counts.outlook.contacts, { created: 2, updated: 0, deleted: 0 });
    assert.equal(report.pending, 0);
    const ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.deepEqual(duplicateKeys('contacts', ol), []);
    assert.equal(ol.length, 7);
    assertQuiet((await w.run()).report, 'the run after');
  });
});

describe('sync engine: SIGKILLed while its $batch writes are in flight, the next run converges without a duplicate', function () {
  this.timeout(180_000);
  const SIZE = 150;
  let w: SyncWorld;
  let proxy: FaultProxy;
  let killAt: ((req: SeenRequest) => boolean) | null = null;
  let kill: (() => Promise<void>) | null = null;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: { Contact: sfContacts(SIZE, 'Killed') },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      // Once the mailbox carried the batch out, before the engine has its answer.
      beforeAnswer: async (req) => {
        if (kill && killAt?.(req)) await kill();
      },
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it(`${SIZE} creates to Outlook, killed as the third batch is answered: one copy of each after the next run`, async () => {
    w.engine.close();
    let batches = 0;
    killAt = (req) => creates(req).length > 0 && ++batches === 3;
    const child = spawn(process.execPath, [ENGINE, w.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killed = false;
    kill = async () => {
      kill = null;
      killed = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    };
    const ended = await new Promise<{ signal: string | null }>((resolve) =>
      child.on('close', (_code, signal) => resolve({ signal })),
    );
    assert.ok(killed, 'the engine was killed mid-run');
    assert.equal(ended.signal, 'SIGKILL');
    await proxy.settled();
    const before = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.ok(before.length >= 60 && before.length < SIZE, `${before.length} contacts made before the kill`);

    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
    const { report } = await w.run();
    assert.equal(report.pending, 0);
    const ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.deepEqual(duplicateKeys('contacts', ol), [], 'no contact doubled in Outlook');
    assert.equal(ol.length, SIZE);
    const links = w.engine.store.links('contacts');
    assert.equal(links.length, SIZE);
    assert.equal(new Set(links.map((l) => l.olId)).size, SIZE, 'each Outlook contact linked once');
    assertQuiet((await w.run()).report, 'the run after');
  });
});
