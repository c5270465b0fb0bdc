/**
 * A copy the engine made in Outlook and the user deleted before the next run (found by `npm run chaos`): the
 * mailbox's delta reports a delete only of an item its token knew, so the engine reads back what it created in the
 * same run; the delete then reaches Salesforce at the next run instead of never.
 */
import assert from 'node:assert/strict';
import { assertQuiet, startSyncWorld, SyncWorld } from '../../helpers/sync';

describe('sync engine: deleting in Outlook a copy the last run made', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: { Contact: [{ FirstName: 'Fresh', LastName: 'Copy', Email: 'fresh@copy.example' }] },
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'none' },
          tasks: { direction: 'none' },
        },
      },
    });
  });
  after(async () => {
    await w?.close();
  });

  it('run 1 copies the contact to Outlook; the user deletes the copy; run 2 deletes it in Salesforce', async () => {
    const first = await w.run();
    assert.equal(first.report.counts.outlook.contacts.created, 1);
    const [copy] = await w.list('/me/contacts');
    assert.equal((await w.graph.delete(`/me/contacts/${copy.id}`)).status, 204);
    const second = await w.run();
    assert.equal(second.report.counts.salesforce.contacts.deleted, 1, 'the delete reached Salesforce');
    assert.deepEqual(await w.query("SELECT Id FROM Contact WHERE Email = 'fresh@copy.example'"), []);
    assertQuiet((await w.run()).report, 'the run after');
  });
});
