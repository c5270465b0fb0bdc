/**
 * A run that made records in Outlook reads them back at its end, because the mailbox's delta reports a delete only of
 * an item its token knew. When that read-back never happens (the run stopped, or the engine was killed, after the
 * creates and before it), a copy the user deletes next is reported by no delta round: its delete would never reach
 * Salesforce. Found by `npm run chaos -- --full` (CHAOS_SEED=1853449587: 13 deletes undone). The engine keeps which
 * Outlook creates no completed read has seen; the next read that ends with some unseen lists the object in full, and
 * a linked copy the listing does not find is a delete.
 */
import assert from 'node:assert/strict';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { FaultProxy, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';

const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};
const NAMES = ['Ames', 'Bell', 'Cole', 'Dunn', 'Eads', 'Ford'];

describe('sync engine: a read-back that never happened loses no delete', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let createsSeen = false;
  let refuseReads = true;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: {
        Contact: NAMES.map((n) => ({ FirstName: 'Back', LastName: n, Email: `${n.toLowerCase()}@read-back.example` })),
      },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      beforeForward: (req) => {
        if (subrequestsOf(req).some((s) => s.method === 'POST' && /\/contacts$/.test(s.url))) createsSeen = true;
      },
      // Once the creates went, the mailbox refuses the app (403): the run stops before its read-back.
      answer: (req) =>
        refuseReads && createsSeen && req.method === 'GET' && /\/contacts\/delta/.test(req.url)
          ? { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } } }
          : null,
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('the run stops after its creates; the user deletes two copies; the next run deletes their records', async () => {
    const stopped = await w.engine.runOnce();
    assert.equal(stopped.status.state, 'stopped', 'the run stopped before its read-back');
    assert.equal(stopped.result?.report.counts.outlook.contacts.created, NAMES.length);
    assert.equal(w.engine.store.links('contacts').length, NAMES.length);

    const copies = await w.list('/me/contacts?$top=100');
    for (const surname of ['Bell', 'Eads']) {
      const copy = copies.find((c) => c.surname === surname);
      assert.equal((await w.graph.delete(`/me/contacts/${copy.id}`)).status, 204);
    }
    refuseReads = false;
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.contacts.deleted, 2, 'the two deletes reached Salesforce');
    const left = await w.query(`SELECT LastName FROM Contact WHERE Owner.Username = 'ann@test.example'`);
    assert.deepEqual(left.map((r) => r.LastName).sort(), ['Ames', 'Cole', 'Dunn', 'Ford']);
    assert.equal(w.engine.store.links('contacts').length, 4);
    assertQuiet((await w.run()).report, 'the run after');
  });

  it('a run whose read-back happened lists nothing in full afterwards', async () => {
    const before = proxy.seen.length;
    assertQuiet((await w.run()).report, 'an idle run');
    // Its reads follow the delta link: none starts a round from scratch (a full listing).
    const reads = proxy.seen.slice(before).flatMap((r) => subrequestsOf(r));
    assert.ok(reads.length > 0);
    for (const r of reads) assert.match(decodeURIComponent(r.url), /\$deltatoken=/, `${r.method} ${r.url}`);
  });
});
