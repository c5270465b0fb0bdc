/**
 * Leaving the window is not deletion, in the read-back too (property seeds 25 and 33 with every kind on). A run that
 * creates an event in Outlook reads the calendar view's delta again at its end; an event the same run moved out of
 * the window (following its Salesforce Event) shows there as removed. It is looked up like any removal: it still
 * exists, so nothing is deleted. The engine used to plan it as deleted, and the next run deleted the Salesforce Event.
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld } from '../../helpers/sync';

describe('sync engine: an event moved out of the window in the run that creates another one in Outlook', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const at = (days: number, hour: number) => `${dayFromToday(days)}T${String(hour).padStart(2, '0')}:00:00.000Z`;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: {
          contacts: { direction: 'none' },
          events: { direction: 'both', winner: 'salesforce' },
          tasks: { direction: 'none' },
        },
      },
      records: { Event: [{ Subject: 'Leaving review', StartDateTime: at(10, 15), EndDateTime: at(10, 16) }] },
    });
    const { report } = await w.run();
    assert.equal(report.counts.outlook.events.created, 1);
    assertQuiet((await w.run()).report, 'the run after the first sync');
  });
  after(async () => w?.close());

  it('the moved event follows in Outlook and its Salesforce Event stays, then and in the next runs', async () => {
    const [leaving] = await w.query("SELECT Id FROM Event WHERE Subject = 'Leaving review'");
    const [ann] = await w.query("SELECT Id FROM User WHERE Username = 'ann@test.example'");
    // Beyond the window's 365 days ahead; and a new event, so the run creates one in Outlook and reads back.
    const moved = await w.sf.patch(`/sobjects/Event/${leaving.Id}`, {
      StartDateTime: at(400, 15),
      EndDateTime: at(400, 16),
    });
    assert.equal(moved.status, 204, JSON.stringify(moved.data));
    const made = await w.sf.post('/sobjects/Event', {
      OwnerId: ann.Id,
      Subject: 'Newcomer review',
      StartDateTime: at(20, 15),
      EndDateTime: at(20, 16),
    });
    assert.equal(made.status, 201, JSON.stringify(made.data));

    const { report } = await w.run();
    assert.equal(report.counts.outlook.events.created, 1);
    assert.equal(report.counts.outlook.events.updated, 1);
    assert.equal(report.pendingWrites.salesforce.events, 0, 'no delete waits for Salesforce');
    const copies = await w.list('/me/events?$top=100');
    const olLeaving = copies.filter((e) => e.subject === 'Leaving review');
    assert.equal(olLeaving.length, 1);
    assert.equal(new Date(`${olLeaving[0].start.dateTime}Z`).toISOString(), at(400, 15));

    assertQuiet((await w.run()).report, 'the next run');
    assert.equal((await w.query(`SELECT Id FROM Event WHERE Id = '${leaving.Id}'`)).length, 1, 'the Event stays');
  });
});
