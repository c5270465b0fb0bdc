/**
 * The delete guard also counts the deletes of the replan rounds. A run plans updates of Outlook copies (their
 * Salesforce records were edited); the user deletes most of those copies after the run read Outlook and before its
 * writes land. The writes find their targets gone and go back to the planner as an edit against a delete; with
 * Outlook the winner, each becomes a delete of the Salesforce record (conflicts.ts, deleteOutcome). Those deletes pass
 * the guard like any other: too many stop the object, nothing of them is queued or sent, and they wait in the inbox
 * for the next run, which stops the same way until the user raises the share.
 *
 * The engine reaches the mailbox through a proxy that holds the answer to its contacts read while the test deletes.
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, startSyncWorld } from '../../helpers/sync';
import { MidRead, eachLimited, holdOutlookReads } from '../../helpers/mid-read';
import { notice } from '../../../sync-engine/src/products/notices';

const LINKED = 40;
/** Contacts edited in Salesforce before the run; the first DELETED of them are deleted in Outlook during it. */
const EDITED = 35;
const DELETED = 30;
const name = (i: number) => `Guarded${String(i).padStart(2, '0')}`;

/**
 * A world of `count` contacts linked both ways (Outlook wins, half of them may go in a run), a proxy that can hold
 * the engine's Outlook reads, and each contact's id on both sides by last name.
 */
async function linkedContacts(
  count: number,
  nameOf: (i: number) => string,
  title?: string,
): Promise<{ w: SyncWorld; mid: MidRead; olIds: Map<string, string>; sfIds: Map<string, string> }> {
  const w = await startSyncWorld({
    keepSeedContact: false,
    records: {
      Contact: Array.from({ length: count }, (_, i) => ({
        FirstName: 'Kept',
        LastName: nameOf(i),
        Email: `${nameOf(i).toLowerCase()}@replan-guard.example`,
        ...(title ? { Title: title } : {}),
      })),
    },
    config: {
      objects: {
        contacts: { direction: 'both', winner: 'outlook' },
        events: { direction: 'none' },
        tasks: { direction: 'none' },
      },
      deleteGuard: { maxShare: 0.5 },
    },
  });
  const mid = await holdOutlookReads(w);
  const { report } = await w.run();
  assert.equal(report.counts.outlook.contacts.created, count);
  const olIds = new Map<string, string>();
  const sfIds = new Map<string, string>();
  for (const c of await w.list('/me/contacts?$top=500')) olIds.set(c.surname, c.id);
  for (const r of await w.query(`SELECT Id, LastName FROM Contact WHERE Owner.Username = 'ann@test.example'`))
    sfIds.set(r.LastName, r.Id);
  assertQuiet((await w.run()).report, 'the run after the first');
  return { w, mid, olIds, sfIds };
}

describe('sync engine: the delete guard counts the deletes of writes planned again', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let mid: MidRead;
  let olIds: Map<string, string>;
  let sfIds: Map<string, string>;

  const sfContacts = async () =>
    new Map(
      (await w.query(`SELECT LastName, Title FROM Contact WHERE Owner.Username = 'ann@test.example'`)).map((r) => [
        r.LastName as string,
        r.Title as string | null,
      ]),
    );
  const olContacts = async () =>
    new Map((await w.list('/me/contacts?$top=500')).map((c) => [c.surname as string, (c.jobTitle ?? null) as string]));

  before(async () => {
    ({ w, mid, olIds, sfIds } = await linkedContacts(LINKED, name, 'Buyer'));
  });
  after(async () => {
    await mid?.proxy.close();
    await w?.close();
  });

  it(`${DELETED} of ${LINKED} Outlook copies deleted while the run updates them: the replans stop contacts, Salesforce keeps its records`, async () => {
    const edited = Array.from({ length: EDITED }, (_, i) => name(i));
    await eachLimited(edited, async (n) => {
      const res = await w.sf.patch(`/sobjects/Contact/${sfIds.get(n)}`, { Title: `SF edit ${n}` });
      assert.equal(res.status, 204, JSON.stringify(res.data));
    });
    // A new Salesforce contact: the run creates it in Outlook, so it reads Outlook back at its end.
    const [ann] = await w.query("SELECT Id FROM User WHERE Username = 'ann@test.example'");
    const created = await w.sf.post('/sobjects/Contact', {
      OwnerId: ann.Id,
      LastName: 'Newcomer',
      Email: 'newcomer@replan-guard.example',
    });
    assert.equal(created.status, 201, JSON.stringify(created.data));
    // The run has read Outlook (every copy there) when these land: its updates of them find them gone.
    mid.duringNextRead(() =>
      eachLimited(edited.slice(0, DELETED), async (n) => {
        assert.equal((await w.graph.delete(`/me/contacts/${olIds.get(n)}`)).status, 204);
      }),
    );

    const run = await w.engine.runOnce();
    assert.ok(!mid.waiting(), 'the deletes were made during the run');
    const report = run.result!.report;
    const sf = await sfContacts();
    assert.equal(sf.size, LINKED + 1, `Salesforce keeps every contact (the run deleted ${LINKED + 1 - sf.size})`);
    assert.equal(report.counts.salesforce.contacts.deleted, 0);
    assert.ok(report.replanned >= DELETED, `the stale updates went back to the planner (${report.replanned})`);
    assert.deepEqual(report.stopped, {
      kind: 'deleteGuard',
      object: 'contacts',
      side: 'salesforce',
      deletes: DELETED,
      total: LINKED + 1,
      maxShare: 0.5,
    });
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.status.stopReason?.kind, 'deleteGuard');
    // The rest of the object's writes went before the replans: the updates whose copies lived, and the create.
    assert.equal(report.counts.outlook.contacts.updated, EDITED - DELETED);
    assert.equal(report.counts.outlook.contacts.created, 1);
    assert.equal(report.pendingWrites.salesforce.contacts, 0, 'no delete was queued');
    assert.ok(report.pending >= 2 * DELETED, `the replans wait in the inbox (pending ${report.pending})`);
    const ol = await olContacts();
    for (let i = DELETED; i < EDITED; i++) assert.equal(ol.get(name(i)), `SF edit ${name(i)}`);
    assert.equal(ol.get('Newcomer'), null);
  });

  it('the next run stops the same way (with a delete of the copy the run read back) and deletes nothing', async () => {
    // The stopped run read its new copy back, so the mailbox's delta reports this delete to the next run.
    const newcomer = (await w.list('/me/contacts?$top=500')).find((c) => c.surname === 'Newcomer');
    assert.equal((await w.graph.delete(`/me/contacts/${newcomer.id}`)).status, 204);
    const run = await w.engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.deepEqual(run.result!.report.stopped, {
      kind: 'deleteGuard',
      object: 'contacts',
      side: 'salesforce',
      deletes: DELETED + 1,
      total: LINKED + 1,
      maxShare: 0.5,
    });
    assert.equal(run.result!.report.counts.salesforce.contacts.deleted, 0);
    assert.equal((await sfContacts()).size, LINKED + 1);
  });

  it('raising maxShare lets the deletes through: the winner Outlook deleted them, both sides end the same', async () => {
    w.reconfigure({ deleteGuard: { maxShare: 1 } });
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.contacts.deleted, DELETED + 1);
    const sf = await sfContacts();
    const ol = await olContacts();
    assert.equal(sf.size, LINKED - DELETED);
    assert.deepEqual(new Map([...sf].sort()), new Map([...ol].sort()), 'both sides hold the same contacts');
    for (let i = 0; i < DELETED; i++) assert.ok(!sf.has(name(i)), `${name(i)} went with its Outlook copy`);
    assert.ok(!sf.has('Newcomer'));
    assert.equal(report.pending, 0);
    assertQuiet((await w.run()).report, 'the run after');
  });
});

describe("sync engine: the delete guard counts the run's deletes already made", function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let mid: MidRead;
  const TOTAL = 40;
  /** Deleted in Outlook before the run: the run deletes their Salesforce records (15 of 40 is within half). */
  const BEFORE = 15;
  /** Edited in Salesforce before the run; the first DURING of them deleted in Outlook while the run updates them. */
  const EDITED = 20;
  const DURING = 10;
  let olIds: Map<string, string>;
  let sfIds: Map<string, string>;
  const nameOf = (i: number) => `Counted${String(i).padStart(2, '0')}`;

  before(async () => {
    ({ w, mid, olIds, sfIds } = await linkedContacts(TOTAL, nameOf));
  });
  after(async () => {
    await mid?.proxy.close();
    await w?.close();
  });

  it(`${BEFORE} deletes made, ${DURING} more planned again: ${BEFORE + DURING} of ${TOTAL} is past half, the run stops before them`, async () => {
    await eachLimited(
      Array.from({ length: BEFORE }, (_, i) => nameOf(i)),
      async (n) => assert.equal((await w.graph.delete(`/me/contacts/${olIds.get(n)}`)).status, 204),
    );
    const edited = Array.from({ length: EDITED }, (_, i) => nameOf(BEFORE + i));
    await eachLimited(edited, async (n) => {
      assert.equal((await w.sf.patch(`/sobjects/Contact/${sfIds.get(n)}`, { Title: 'Edited' })).status, 204);
    });
    mid.duringNextRead(() =>
      eachLimited(edited.slice(0, DURING), async (n) => {
        assert.equal((await w.graph.delete(`/me/contacts/${olIds.get(n)}`)).status, 204);
      }),
    );
    const run = await w.engine.runOnce();
    const report = run.result!.report;
    assert.equal(report.counts.salesforce.contacts.deleted, BEFORE, 'the first plan deleted its share');
    assert.deepEqual(report.stopped, {
      kind: 'deleteGuard',
      object: 'contacts',
      side: 'salesforce',
      deletes: DURING,
      deleted: BEFORE,
      total: TOTAL,
      maxShare: 0.5,
    });
    const left = await w.query(`SELECT Id FROM Contact WHERE Owner.Username = 'ann@test.example'`);
    assert.equal(left.length, TOTAL - BEFORE, 'no more than the first plan deleted');
    assert.equal(run.status.state, 'stopped');
    assert.equal(
      run.status.message,
      notice('sync.deleteGuard.partway', {
        deleted: String(BEFORE),
        count: String(DURING),
        total: String(TOTAL),
        object: 'contacts',
        side: 'Salesforce',
        share: '50%',
      }),
    );
    assert.match(
      run.status.message ?? '',
      /^Sync stopped before deleting more: this run deleted 15 and would delete 10 more of 40 contacts in Salesforce/,
    );
  });
});
