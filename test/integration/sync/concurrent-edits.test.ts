/**
 * Lost updates during a run (issue 11, finding 2): a record edited on the side the engine is about to write, after
 * the engine read that side and before it wrote, is not overwritten silently. The engine talks to the mailbox
 * through a proxy that holds the answer to its last read (the final page of the contacts delta round) while the
 * test edits records on both sides over HTTP: for the records the engine will update in Outlook, their Outlook
 * copies; for those it will update in Salesforce, their Salesforce copies. Each such write finds its target
 * changed (Graph: If-Match and 412; Salesforce: SystemModstamp read again just before the update), goes back to
 * the planner as a conflict, and the configured winner's version ends on both sides, once per winner setting.
 *
 * CONCURRENT_CONTACTS=<n> sets how many contacts are synced (3000 measures the figure of the review; 60 records
 * are edited during the run each way and for each winner).
 */
import assert from 'node:assert/strict';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { MidRead, eachLimited, holdOutlookReads } from '../../helpers/mid-read';
import { SideRecord, outlookRecords, salesforceRecords } from '../../helpers/sync-sides';
import { CanonicalContact } from '../../../sync-engine/src/sync/types';

const SIZE = process.env.CONCURRENT_CONTACTS ? Number(process.env.CONCURRENT_CONTACTS) : 300;
/** Records edited during the run, per way and winner. */
const EDITED = Math.min(60, Math.floor(SIZE / 5));
const contactsOnly = (winner: 'salesforce' | 'outlook') => ({
  contacts: { direction: 'both', winner },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
});

describe("sync engine: an edit made on the target between the engine's read and its write is not lost", function () {
  this.timeout(SIZE > 1000 ? 900_000 : 180_000);
  let w: SyncWorld;
  let mid: MidRead;
  /** Runs once, while the engine waits for the last page of its Outlook read. */
  const olIds = new Map<string, string>();
  const sfIds = new Map<string, string>();

  before(async () => {
    w = await startSyncWorld({
      records: {
        Contact: Array.from({ length: SIZE }, (_, i) => ({
          FirstName: `Cora${i}`,
          LastName: `Current${i}`,
          Email: `current${i}@edits.example`,
          Title: 'Buyer',
        })),
      },
      keepSeedContact: false,
      config: { objects: contactsOnly('salesforce') },
    });
    mid = await holdOutlookReads(w);
    const { report } = await w.run();
    assert.equal(report.counts.outlook.contacts.created, SIZE);
    for (const c of await w.list('/me/contacts?$top=500')) olIds.set(c.surname, c.id);
    for (const r of await salesforceRecords(w.org, 'contacts', 'ann@test.example'))
      sfIds.set((r.data as CanonicalContact).lastName!, r.id);
    assertQuiet((await w.run()).report, 'the run after the first');
  });
  after(async () => {
    await mid?.proxy.close();
    await w?.close();
  });

  const names = (from: number) => Array.from({ length: EDITED }, (_, i) => `Current${from + i}`);
  const sfEdit = (name: string, fields: Record<string, unknown>) =>
    w.sf
      .patch(`/sobjects/Contact/${sfIds.get(name)}`, fields)
      .then((r) => assert.equal(r.status, 204, JSON.stringify(r.data)));
  const olEdit = (name: string, fields: Record<string, unknown>) =>
    w.graph
      .patch(`/me/contacts/${olIds.get(name)}`, fields)
      .then((r) => assert.equal(r.status, 200, JSON.stringify(r.data)));
  /** Title and department by last name, as each side holds them (every page). */
  const state = (records: SideRecord[]) =>
    new Map(
      records.map((r) => {
        const c = r.data as CanonicalContact;
        return [c.lastName as string, [c.title, c.department]];
      }),
    );
  const sfState = async () => state(await salesforceRecords(w.org, 'contacts', 'ann@test.example'));
  const olState = async () => state(await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN));

  for (const [n, winner] of [
    [0, 'salesforce'],
    [1, 'outlook'],
  ] as const) {
    it(`winner ${winner}: ${EDITED} edits each way during the run are conflicts the winner decides, none overwritten unseen`, async () => {
      w.reconfigure({ objects: contactsOnly(winner) });
      // toOutlook: edited in Salesforce before the run (the engine will update Outlook), then in Outlook during it.
      const toOutlook = names(2 * EDITED * n);
      // toSalesforce: edited in Outlook before the run (the engine will update Salesforce), then in Salesforce during it.
      const toSalesforce = names(2 * EDITED * n + EDITED);
      await eachLimited(toOutlook, (name) => sfEdit(name, { Title: `SF title ${name}` }));
      await eachLimited(toSalesforce, (name) => olEdit(name, { jobTitle: `OL title ${name}` }));
      mid.duringNextRead(async () => {
        await eachLimited(toOutlook, (name) => olEdit(name, { department: `OL dept ${name}` }));
        await eachLimited(toSalesforce, (name) => sfEdit(name, { Department: `SF dept ${name}` }));
      });

      const { report } = await w.run();
      assert.ok(!mid.waiting(), 'the edits were made during the run');
      assert.deepEqual(report.errors, []);
      const [sf, ol] = [await sfState(), await olState()];
      // The winner's whole record on both sides: its edit made before the run, or the one made during it.
      const expected = (name: string, before: 'toOutlook' | 'toSalesforce'): [string | null, string | null] => {
        if (before === 'toOutlook')
          return winner === 'salesforce' ? [`SF title ${name}`, null] : ['Buyer', `OL dept ${name}`];
        return winner === 'salesforce' ? ['Buyer', `SF dept ${name}`] : [`OL title ${name}`, null];
      };
      // Counted first, so the figure shows what happened before any assertion stops the test.
      const right = (group: 'toOutlook' | 'toSalesforce', list: string[]) =>
        list.filter(
          (name) =>
            JSON.stringify([sf.get(name), ol.get(name)]) ===
            JSON.stringify([expected(name, group), expected(name, group)]),
        ).length;
      // The edits made during the run on the winner's side are kept; those on the other side lose to it, as a conflict.
      const kept = winner === 'salesforce' ? right('toSalesforce', toSalesforce) : right('toOutlook', toOutlook);
      const lost = winner === 'salesforce' ? right('toOutlook', toOutlook) : right('toSalesforce', toSalesforce);
      console.log(
        `      winner ${winner}: ${kept} of ${EDITED} edits made in ${winner === 'salesforce' ? 'Salesforce' : 'Outlook'} during the run kept on both sides; ` +
          `${lost} of ${EDITED} made on the other side decided for the winner; ${report.conflicts.contacts} conflicts reported`,
      );
      for (const [group, list] of [
        ['toOutlook', toOutlook],
        ['toSalesforce', toSalesforce],
      ] as const) {
        for (const name of list) {
          assert.deepEqual(sf.get(name), expected(name, group), `${name} in Salesforce`);
          assert.deepEqual(ol.get(name), expected(name, group), `${name} in Outlook`);
        }
      }
      assert.equal(report.conflicts.contacts, 2 * EDITED, 'each edit during the run is a conflict');
      // The records nobody edited are as they were.
      for (const name of names(SIZE - EDITED))
        assert.deepEqual(
          [sf.get(name), ol.get(name)],
          [
            ['Buyer', null],
            ['Buyer', null],
          ],
        );
      assertQuiet((await w.run()).report, 'the run after');
    });
  }
});
