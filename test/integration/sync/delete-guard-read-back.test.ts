/**
 * The delete guard also counts the deletes a run's read-back brings. A run that created records in Outlook reads
 * that object's delta once more at its end (so a copy the user deletes before the next run is reported then); the
 * user's deletes of other records made while the run was writing arrive in that read. They are planned through the
 * guard like the deletes of the run's main read: too many stop the object, and nothing is queued or sent for them.
 */
import assert from 'node:assert/strict';
import { ANN_TOKEN, SyncWorld, assertQuiet, startSyncWorld } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';

const PEOPLE = ['Ada', 'Alan', 'Barbara', 'Claude', 'Donald', 'Edsger', 'Frances', 'Grace'];

describe('sync engine: the delete guard counts the deletes of the read-back after Outlook creates', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  /** What the user does while the engine's create of a contact in Outlook waits (once). */
  let whileCreating: (() => Promise<void>) | null = null;

  const sfContacts = () =>
    w.query("SELECT Id, LastName FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName");
  const olContacts = () => w.list('/me/contacts?$top=100');
  // Creates go to the mailbox in a $batch: the batch that carries one.
  const isCreate = (req: SeenRequest) =>
    subrequestsOf(req).some((s) => s.method === 'POST' && /\/me\/contacts$/.test(s.url));

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: { contacts: { direction: 'both' }, events: { direction: 'none' }, tasks: { direction: 'none' } },
        deleteGuard: { maxShare: 0.5 },
      },
      mailbox: {
        contacts: PEOPLE.map((p) => ({
          givenName: p,
          surname: `${p}son`,
          emailAddresses: [{ address: `${p.toLowerCase()}@read-back.example` }],
        })),
      },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      hold: async (req) => {
        if (!whileCreating || !isCreate(req)) return;
        const act = whileCreating;
        whileCreating = null;
        await act();
      },
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.contacts.created, 8);
    assertQuiet((await w.run()).report, 'the run after the first sync');
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('5 of 8 Outlook contacts deleted while the run creates one in Outlook: the run stops for contacts', async () => {
    const [ann] = await w.query("SELECT Id FROM User WHERE Username = 'ann@test.example'");
    const created = await w.sf.post('/sobjects/Contact', {
      OwnerId: ann.Id,
      LastName: 'Newcomer',
      Email: 'newcomer@read-back.example',
    });
    assert.equal(created.status, 201, JSON.stringify(created.data));
    // The run's main read has passed when its create goes out: these deletes reach it only through the read-back.
    whileCreating = async () => {
      const doomed = (await olContacts()).filter((c) => PEOPLE.some((p) => c.surname === `${p}son`)).slice(0, 5);
      for (const c of doomed) assert.equal((await w.graph.delete(`/me/contacts/${c.id}`)).status, 204);
    };

    const run = await w.engine.runOnce();
    assert.equal(whileCreating, null, 'the run created a contact in Outlook');
    assert.equal(run.result!.report.counts.outlook.contacts.created, 1);
    assert.deepEqual(run.result!.report.stopped, {
      kind: 'deleteGuard',
      object: 'contacts',
      side: 'salesforce',
      deletes: 5,
      total: 9,
      maxShare: 0.5,
    });
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.result!.report.pendingWrites.salesforce.contacts, 0, 'no delete was queued');
  });

  it('the next run stops the same way and deletes nothing in Salesforce', async () => {
    const run = await w.engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.result!.report.stopped?.kind, 'deleteGuard');
    assert.equal(run.result!.report.counts.salesforce.contacts.deleted, 0);
    assert.equal((await sfContacts()).length, 9);
  });

  it('raising maxShare lets the deletes through', async () => {
    w.reconfigure({ deleteGuard: { maxShare: 1 } });
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.contacts.deleted, 5);
    assert.equal((await sfContacts()).length, 4);
    assertQuiet((await w.run()).report);
  });
});
