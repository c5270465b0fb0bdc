/**
 * Salesforce changes stamped below the checkpoint are still read (issue 11, finding 5): the engine reads each
 * object from READ_OVERLAP_MS before its checkpoint, so an edit after the org's clock steps back (NTP) and an edit
 * committed while a long read was paging arrive; what the overlap reads again is an echo and writes nothing.
 */
import assert from 'node:assert/strict';
import { Clock } from '../../../sync-engine/src/common/clock';
import { READ_OVERLAP_MS, nextCheckpoint } from '../../../sync-engine/src/sync/sides/salesforce-side';
import { assertQuiet, startSyncWorld, SyncWorld } from '../../helpers/sync';

/** The system clock, moved by `offsetMs` (an org whose clock is stepped back). */
class SteppedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

describe('sync engine: Salesforce edits stamped before the checkpoint', function () {
  this.timeout(60_000);
  const clock = new SteppedClock();
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      orgClock: clock,
      records: { Contact: [{ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@engine.example', Title: 'Analyst' }] },
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'none' },
          tasks: { direction: 'none' },
        },
      },
    });
    await w.run();
  });
  after(async () => {
    await w?.close();
  });

  const outlookTitle = async () =>
    (await w.list('/me/contacts')).find((c) => c.emailAddresses?.[0]?.address === 'ada@engine.example')?.jobTitle;

  it('the overlap is a few minutes, more than an NTP step', () => {
    assert.ok(READ_OVERLAP_MS >= 5 * 60_000 && READ_OVERLAP_MS <= 30 * 60_000, String(READ_OVERLAP_MS));
  });

  it("an edit made after the org's clock stepped back 2 minutes reaches Outlook; the next run is quiet", async () => {
    assert.equal(await outlookTitle(), 'Analyst');
    clock.offsetMs = -2 * 60_000;
    const [ada] = await w.query("SELECT Id FROM Contact WHERE Email = 'ada@engine.example'");
    const res = await w.sf.patch(`/sobjects/Contact/${ada.Id}`, { Title: 'Countess' });
    assert.equal(res.status, 204, JSON.stringify(res.data));
    const { report } = await w.run();
    assert.equal(report.counts.outlook.contacts.updated, 1);
    assert.equal(await outlookTitle(), 'Countess');
    // What the overlap reads again is an echo.
    assertQuiet((await w.run()).report, 'the run after');
  });
});

describe('sync engine: where the next Salesforce read starts', () => {
  it("READ_OVERLAP_MS before the org's time of this read, even when that is before the checkpoint (a clock stepped back)", () => {
    const at = Date.parse('2026-06-01T12:00:00.000Z');
    assert.equal(nextCheckpoint('2026-06-01T11:58:00.000Z', at, null), new Date(at - READ_OVERLAP_MS).toISOString());
    assert.equal(
      nextCheckpoint('2026-06-01T12:30:00.000Z', at, '2026-06-01T12:31:00.000Z'),
      new Date(at - READ_OVERLAP_MS).toISOString(),
    );
  });

  it("without the org's time: the newest stamp read less the overlap, never before where this read started", () => {
    const newest = '2026-06-01T12:00:00.000Z';
    assert.equal(
      nextCheckpoint('2026-06-01T11:00:00.000Z', null, newest),
      new Date(Date.parse(newest) - READ_OVERLAP_MS).toISOString(),
    );
    assert.equal(nextCheckpoint('2026-06-01T11:59:00.000Z', null, newest), '2026-06-01T11:59:00.000Z');
    assert.equal(nextCheckpoint('2026-06-01T11:59:00.000Z', null, null), '2026-06-01T11:59:00.000Z');
    assert.equal(nextCheckpoint(null, null, null), '1970-01-01T00:00:00.000Z');
  });
});
