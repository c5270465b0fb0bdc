/**
 * Regression found in review (issue 11, finding 13): on the day clocks spring forward, an Outlook event at a local
 * time that does not exist (02:30 in New York) moved its start to 03:30 but not its end: an occurrence of a half-hour
 * series ended before it started, which Salesforce refuses on every run, and a 02:30-03:30 meeting lasted nothing.
 * The end now moves with the start, as Exchange does, and both reach Salesforce with their length.
 */
import assert from 'node:assert/strict';
import { SyncWorld, addDays, assertQuiet, nextUsDstStart, startSyncWorld, zonedToUtc } from '../../helpers/sync';

const NY = 'America/New_York';
const DST = nextUsDstStart();
const sfTime = (iso: string) => iso.replace('Z', '+0000');
const HOUR_MS = 3_600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('sync engine: events in the spring-forward gap', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      config: {
        objects: {
          contacts: { direction: 'none' },
          events: { direction: 'both', winner: 'salesforce' },
          tasks: { direction: 'none' },
        },
      },
      mailbox: {
        timeZone: NY,
        events: [
          {
            subject: 'Gap meeting',
            start: { dateTime: `${DST}T02:30:00`, timeZone: NY },
            end: { dateTime: `${DST}T03:30:00`, timeZone: NY },
          },
          {
            subject: 'Night shift',
            start: { dateTime: `${addDays(DST, -1)}T02:30:00`, timeZone: NY },
            end: { dateTime: `${addDays(DST, -1)}T03:00:00`, timeZone: NY },
            recurrence: {
              pattern: { type: 'daily', interval: 1 },
              range: { type: 'numbered', startDate: addDays(DST, -1), numberOfOccurrences: 3 },
            },
          },
        ],
      },
    });
  });
  after(async () => w?.close());

  it('each reaches Salesforce starting at 03:30 with its own length; no record is refused', async () => {
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    const events = await w.query(
      "SELECT Subject, StartDateTime, EndDateTime FROM Event WHERE Owner.Username = 'ann@test.example' ORDER BY StartDateTime",
    );
    const threeThirty = zonedToUtc(`${DST}T03:30:00`, NY);
    assert.deepEqual(
      events.map((e) => [e.Subject, e.StartDateTime, e.EndDateTime]),
      [
        [
          'Night shift',
          sfTime(zonedToUtc(`${addDays(DST, -1)}T02:30:00`, NY)),
          sfTime(zonedToUtc(`${addDays(DST, -1)}T03:00:00`, NY)),
        ],
        ['Night shift', sfTime(threeThirty), sfTime(plus(threeThirty, HOUR_MS / 2))],
        ['Gap meeting', sfTime(threeThirty), sfTime(plus(threeThirty, HOUR_MS))],
        [
          'Night shift',
          sfTime(zonedToUtc(`${addDays(DST, 1)}T02:30:00`, NY)),
          sfTime(zonedToUtc(`${addDays(DST, 1)}T03:00:00`, NY)),
        ],
      ],
    );
    assertQuiet((await w.run()).report, 'the next run');
  });
});
