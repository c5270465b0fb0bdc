/**
 * Edit against delete during a run (issue 11, finding 3): the engine writes an edit to a record deleted on the target
 * after the engine read it, or deletes a record edited on the target after the engine read it. Each is an edit
 * against a delete like any other: the configured winner decides whether the record lives (on both sides, with the
 * edit) or goes (on both sides). A target found gone is a delete on that side, never a bad record.
 *
 * The engine talks to the mailbox through a proxy that holds the answer to its last read (the final page of the
 * contacts delta round) while the test deletes or edits the targets over HTTP.
 */
import assert from 'node:assert/strict';
import { SyncWorld, startSyncWorld, assertQuiet } from '../../helpers/sync';
import { MidRead, eachLimited, holdOutlookReads } from '../../helpers/mid-read';

/** Records per combination of what happened before the run and during it. */
const EACH = 30;
const contactsOnly = (winner: 'salesforce' | 'outlook') => ({
  contacts: { direction: 'both', winner },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
});

type Combination =
  'sf edit, ol delete during' | 'ol edit, sf delete during' | 'sf delete, ol edit during' | 'ol delete, sf edit during';
const COMBINATIONS: Combination[] = [
  'sf edit, ol delete during',
  'ol edit, sf delete during',
  'sf delete, ol edit during',
  'ol delete, sf edit during',
];
/** The side whose edit is in each combination (the other side deleted). */
const EDITED_ON: Record<Combination, 'salesforce' | 'outlook'> = {
  'sf edit, ol delete during': 'salesforce',
  'ol edit, sf delete during': 'outlook',
  'sf delete, ol edit during': 'outlook',
  'ol delete, sf edit during': 'salesforce',
};

describe('sync engine: an edit against a delete made during a run is decided by the winner', function () {
  this.timeout(180_000);
  let w: SyncWorld;
  let mid: MidRead;
  const olIds = new Map<string, string>();
  const sfIds = new Map<string, string>();
  const total = 2 * COMBINATIONS.length * EACH;

  before(async () => {
    w = await startSyncWorld({
      records: {
        Contact: Array.from({ length: total }, (_, i) => ({
          FirstName: `Del${i}`,
          LastName: `Race${i}`,
          Email: `race${i}@deletes.example`,
          Title: 'Buyer',
        })),
      },
      keepSeedContact: false,
      config: { objects: contactsOnly('salesforce') },
    });
    mid = await holdOutlookReads(w);
    await w.run();
    for (const c of await w.list('/me/contacts?$top=500')) olIds.set(c.surname, c.id);
    for (const r of await w.query(`SELECT Id, LastName FROM Contact WHERE Owner.Username = 'ann@test.example'`))
      sfIds.set(r.LastName, r.Id);
    assert.equal(olIds.size, total);
    assertQuiet((await w.run()).report, 'the run after the first');
  });
  after(async () => {
    await mid?.proxy.close();
    await w?.close();
  });

  const sfEdit = (name: string) =>
    w.sf
      .patch(`/sobjects/Contact/${sfIds.get(name)}`, { Title: `SF edit ${name}` })
      .then((r) => assert.equal(r.status, 204));
  const olEdit = (name: string) =>
    w.graph
      .patch(`/me/contacts/${olIds.get(name)}`, { jobTitle: `OL edit ${name}` })
      .then((r) => assert.equal(r.status, 200));
  const sfDelete = (name: string) =>
    w.sf.delete(`/sobjects/Contact/${sfIds.get(name)}`).then((r) => assert.equal(r.status, 204));
  const olDelete = (name: string) =>
    w.graph.delete(`/me/contacts/${olIds.get(name)}`).then((r) => assert.equal(r.status, 204));

  for (const [n, winner] of [
    [0, 'salesforce'],
    [1, 'outlook'],
  ] as const) {
    it(`winner ${winner}: ${EACH} records in each of ${COMBINATIONS.length} combinations; the record lives where the winner edited it, else goes on both sides`, async () => {
      w.reconfigure({ objects: contactsOnly(winner) });
      const groups = new Map(
        COMBINATIONS.map((c, k) => [
          c,
          Array.from({ length: EACH }, (_, i) => `Race${(n * COMBINATIONS.length + k) * EACH + i}`),
        ]),
      );
      const g = (c: Combination) => groups.get(c)!;
      await eachLimited(g('sf edit, ol delete during'), sfEdit);
      await eachLimited(g('ol edit, sf delete during'), olEdit);
      await eachLimited(g('sf delete, ol edit during'), sfDelete);
      await eachLimited(g('ol delete, sf edit during'), olDelete);
      mid.duringNextRead(async () => {
        await eachLimited(g('sf edit, ol delete during'), olDelete);
        await eachLimited(g('ol edit, sf delete during'), sfDelete);
        await eachLimited(g('sf delete, ol edit during'), olEdit);
        await eachLimited(g('ol delete, sf edit during'), sfEdit);
      });

      const { report } = await w.run();
      assert.ok(!mid.waiting(), 'the changes were made during the run');
      const sf = new Map(
        (await w.query(`SELECT LastName, Title FROM Contact WHERE Owner.Username = 'ann@test.example'`)).map((r) => [
          r.LastName as string,
          r.Title,
        ]),
      );
      const ol = new Map((await w.list('/me/contacts?$top=500')).map((c) => [c.surname as string, c.jobTitle]));
      const figures: string[] = [];
      for (const c of COMBINATIONS) {
        const lives = EDITED_ON[c] === winner;
        let right = 0;
        for (const name of g(c)) {
          const title = EDITED_ON[c] === 'salesforce' ? `SF edit ${name}` : `OL edit ${name}`;
          const want = lives ? [title, title] : [undefined, undefined];
          if (JSON.stringify([sf.get(name), ol.get(name)]) === JSON.stringify(want)) right += 1;
        }
        figures.push(
          `${c}: ${right} of ${EACH} ${lives ? 'live on both sides with the edit' : 'gone from both sides'}`,
        );
      }
      console.log(
        `      winner ${winner}:\n        ${figures.join('\n        ')}; ${report.conflicts.contacts} conflicts reported`,
      );
      assert.deepEqual(report.errors, [], 'a target found gone is a delete, not a bad record');
      for (const f of figures) assert.match(f, new RegExp(`: ${EACH} of ${EACH} `), f);
      assert.equal(report.conflicts.contacts, COMBINATIONS.length * EACH);
      assertQuiet((await w.run()).report, 'the run after');
      assert.equal(sf.size, ol.size, 'both sides hold the same records');
    });
  }
});
