/**
 * A write queued by a run that stopped before sending it, its target edited before the next run (property seed 7
 * with every kind on): the next run reads the target's edit before it sends the queued write. The docs make the two
 * "a conflict the winner decides" ("a target edited ... while a write waited in the queue (a crash, a failure), is
 * not written"); the engine used to plan the target's edit as the only change of its pair, so it overwrote the
 * other side's edit whichever side won, and the two sides ended apart or with the loser's content.
 */
import assert from 'node:assert/strict';
import { ANN_TOKEN, SyncWorld, assertQuiet, startSyncWorld } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';

type Winner = 'salesforce' | 'outlook';
const objects = (winner: Winner) => ({
  contacts: { direction: 'both', winner },
  events: { direction: 'none' },
  tasks: { direction: 'both' },
});

describe('sync engine: a queued write whose target was edited before it went out is a conflict the winner decides', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  /** Reset the mailbox's To Do reads (contacts are planned by then, nothing is sent yet) while set. */
  let dropTasks = false;
  // Alone, or in the $batch of a run's reads together.
  const isTaskRead = (req: SeenRequest) =>
    subrequestsOf(req).some((s) => s.method === 'GET' && s.url.includes('/me/todo/'));

  before(async () => {
    w = await startSyncWorld({ keepSeedContact: false, config: { objects: objects('salesforce') } });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: (req) => (dropTasks && isTaskRead(req) ? 'reset-before' : null),
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
    assertQuiet((await w.run()).report, 'the first run');
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  const sfContact = async (id: string) =>
    (await w.query(`SELECT Title, Department FROM Contact WHERE Id = '${id}'`))[0] as Record<string, unknown>;
  const olContact = async (id: string) => {
    const c = (await w.graph.get(`/me/contacts/${id}`)).data as Record<string, unknown>;
    return { Title: c.jobTitle ?? null, Department: c.department ?? null };
  };

  for (const winner of ['salesforce', 'outlook'] as const) {
    it(`winner ${winner}: the Outlook edit queued for Salesforce and the later Salesforce edit end as the winner's`, async () => {
      w.reconfigure({ objects: objects(winner) });
      const surname = `Queued${winner}`;
      const ol = await w.graph.post('/me/contacts', {
        surname,
        jobTitle: 'Base',
        emailAddresses: [{ address: `${surname.toLowerCase()}@queued.example`, name: surname }],
      });
      assert.equal(ol.status, 201, JSON.stringify(ol.data));
      const olId = ol.data.id as string;
      await w.run();
      const [sf] = await w.query(`SELECT Id FROM Contact WHERE LastName = '${surname}'`);
      assert.ok(sf, 'the contact reached Salesforce');

      // The Outlook edit is read and planned; the run stops before it sends anything.
      assert.equal((await w.graph.patch(`/me/contacts/${olId}`, { jobTitle: 'Outlook edit' })).status, 200);
      dropTasks = true;
      const stopped = await w.engine.runOnce();
      dropTasks = false;
      assert.equal(stopped.status.state, 'stopped', 'the run stopped at the To Do read');
      assert.equal(stopped.result!.report.pendingWrites.salesforce.contacts, 1, 'the update to Salesforce waits');
      assert.equal((await sfContact(sf.Id)).Title, 'Base', 'nothing was sent');

      assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Department: 'Salesforce edit' })).status, 204);
      const { report } = await w.run();
      assert.equal(report.conflicts.contacts, 1, 'the two edits are a conflict');
      const expected =
        winner === 'outlook'
          ? { Title: 'Outlook edit', Department: null }
          : { Title: 'Base', Department: 'Salesforce edit' };
      const now = await sfContact(sf.Id);
      assert.deepEqual({ Title: now.Title, Department: now.Department }, expected, 'Salesforce holds the winner');
      assert.deepEqual(await olContact(olId), expected, 'Outlook holds the winner');
      assertQuiet((await w.run()).report);
    });
  }
});
