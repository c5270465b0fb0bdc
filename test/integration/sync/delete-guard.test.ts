/**
 * The delete guard end to end: a run that would delete more than deleteGuard.maxShare of a side's synced
 * records stops, deletes nothing, says so with the exact notice text, and keeps the deletes queued; once the
 * user raises maxShare, the queued deletes go through without the other side having to report them again.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SyncWorld, assertQuiet, startSyncWorld } from '../../helpers/sync';
import { REPO_ROOT } from '../../helpers/shared';

/** The notice's text from the catalog the product ships, filled in here independently of the engine. */
function deleteGuardText(values: Record<string, string>): string {
  const catalog = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'sync-engine', 'src', 'products', 'notices.json'), 'utf8'),
  ) as { notices: Record<string, { text: string }> };
  return catalog.notices['sync.deleteGuard'].text.replace(/\{(\w+)\}/g, (_, k: string) => values[k]);
}

const PEOPLE = ['Ada', 'Alan', 'Barbara', 'Claude', 'Donald', 'Edsger', 'Frances', 'Grace'];

describe('sync engine: the delete guard', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let listId: string;
  const sfContacts = () =>
    w.query("SELECT Id, LastName FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName");
  const sfTasks = () =>
    w.query("SELECT Id, Subject FROM Task WHERE Owner.Username = 'ann@test.example' ORDER BY Subject");
  const olContacts = () => w.list('/me/contacts?$top=100');
  const olTasks = () => w.list(`/me/todo/lists/${listId}/tasks`);

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: { contacts: { direction: 'both' }, events: { direction: 'none' }, tasks: { direction: 'both' } },
        deleteGuard: { maxShare: 0.5 },
      },
      mailbox: {
        contacts: PEOPLE.map((p) => ({
          givenName: p,
          surname: `${p}son`,
          emailAddresses: [{ address: `${p.toLowerCase()}@guard.example` }],
        })),
      },
      records: { Task: ['One', 'Two', 'Three', 'Four', 'Five', 'Six'].map((s) => ({ Subject: `Task ${s}` })) },
    });
    listId = (await w.graph.get('/me/todo/lists')).data.value[0].id;
    const { report } = await w.run();
    assert.deepEqual([report.counts.salesforce.contacts.created, report.counts.outlook.tasks.created], [8, 6]);
  });
  after(async () => w?.close());

  it('Outlook deletes 5 of 8 contacts (more than 50%): the run stops, deletes nothing and says so', async () => {
    const doomed = (await olContacts()).slice(0, 5);
    for (const c of doomed) assert.equal((await w.graph.delete(`/me/contacts/${c.id}`)).status, 204);
    // An ordinary edit in the same run waits too: the run stops before it writes anything.
    const [keep] = await olContacts();
    assert.equal((await w.graph.patch(`/me/contacts/${keep.id}`, { jobTitle: 'Survivor' })).status, 200);

    const run = await w.engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.status.stopReason?.kind, 'deleteGuard');
    assert.equal(
      run.status.message,
      deleteGuardText({ count: '5', total: '8', object: 'contacts', side: 'Salesforce', share: '50%' }),
    );
    const report = run.result!.report;
    assert.deepEqual(report.stopped, {
      kind: 'deleteGuard',
      object: 'contacts',
      side: 'salesforce',
      deletes: 5,
      total: 8,
      maxShare: 0.5,
    });
    assert.equal(report.counts.salesforce.contacts.deleted, 0);
    assert.equal((await sfContacts()).length, 8, 'nothing was deleted in Salesforce');
    assert.ok(report.pending >= 6, `the deletes and the edit are kept (pending ${report.pending})`);
    assert.equal(w.engine.status().state, 'stopped');
  });

  it('the next run stops the same way: the deletes stay queued, nothing is lost or sent', async () => {
    const run = await w.engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.equal(
      run.status.message,
      deleteGuardText({ count: '5', total: '8', object: 'contacts', side: 'Salesforce', share: '50%' }),
    );
    assert.equal((await sfContacts()).length, 8);
  });

  it('raising maxShare lets the queued deletes through, with the edit', async () => {
    w.reconfigure({ deleteGuard: { maxShare: 1 } });
    const { run, report } = await w.run();
    assert.equal(run.status.message, null);
    assert.equal(report.counts.salesforce.contacts.deleted, 5);
    assert.equal(report.counts.salesforce.contacts.updated, 1);
    assert.equal((await sfContacts()).length, 3);
    assert.equal(report.pending, 0);
    assertQuiet((await w.run()).report);
  });

  it('Salesforce deletes 5 of 6 tasks with maxShare 0.8: the guard names Outlook and 80%', async () => {
    w.reconfigure({ deleteGuard: { maxShare: 0.8 } });
    const tasks = await sfTasks();
    for (const t of tasks.slice(0, 5)) assert.equal((await w.sf.delete(`/sobjects/Task/${t.Id}`)).status, 204);
    const run = await w.engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.equal(
      run.status.message,
      deleteGuardText({ count: '5', total: '6', object: 'tasks', side: 'Outlook', share: '80%' }),
    );
    assert.equal((await olTasks()).length, 6, 'nothing was deleted in Outlook');

    w.reconfigure({ deleteGuard: { maxShare: 0.9 } });
    const { report } = await w.run();
    assert.equal(report.counts.outlook.tasks.deleted, 5);
    assert.equal((await olTasks()).length, 1);
  });
});
