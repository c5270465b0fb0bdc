/**
 * Events end to end (local org + local mailbox, direction both): a weekly Outlook series across the March
 * daylight-saving switch (with an exception and a cancelled occurrence) becomes one Salesforce Event per
 * occurrence, all-day events both ways, a Salesforce UTC instant lands at the same instant, the event both sides
 * hold is matched, edits and deletes each way, bad records, and no ping-pong of our own writes.
 */
import assert from 'node:assert/strict';
import {
  SyncWorld,
  addDays,
  assertQuiet,
  dayFromToday,
  nextUsDstStart,
  startSyncWorld,
  writesOf,
  zonedToUtc,
} from '../../helpers/sync';

const NY = 'America/New_York';
const DST = nextUsDstStart();
const D = (n: number) => dayFromToday(n);
/** Salesforce's datetime rendering of an ISO instant. */
const sfTime = (iso: string) => iso.replace('Z', '+0000');
const EVENT_FIELDS =
  'Id, Subject, StartDateTime, EndDateTime, IsAllDayEvent, ActivityDate, Location, Description, ShowAs, IsPrivate';

describe('sync engine: events end to end', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const sfEvents = () =>
    w.query(
      `SELECT ${EVENT_FIELDS} FROM Event WHERE Owner.Username = 'ann@test.example' ORDER BY StartDateTime, Subject`,
    );
  const windowQuery = `startDateTime=${D(-29)}T00:00:00Z&endDateTime=${D(364)}T00:00:00Z`;
  const olEvents = (prefer?: string) =>
    w.list(`/me/calendarView?${windowQuery}&$top=50`, prefer ? { Prefer: `outlook.timezone="${prefer}"` } : {});
  const bySubject = async (subject: string) => (await sfEvents()).filter((e) => e.Subject === subject);

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
            subject: 'Weekly sync',
            body: { contentType: 'text', content: 'Status round' },
            start: { dateTime: `${addDays(DST, -11)}T09:00:00`, timeZone: NY },
            end: { dateTime: `${addDays(DST, -11)}T09:30:00`, timeZone: NY },
            recurrence: {
              pattern: { type: 'weekly', interval: 1, daysOfWeek: ['wednesday'] },
              range: { type: 'endDate', startDate: addDays(DST, -11), endDate: addDays(DST, 10) },
            },
            exceptionOccurrences: [
              {
                originalStartDate: addDays(DST, -4),
                subject: 'Weekly sync (moved)',
                start: { dateTime: `${addDays(DST, -4)}T10:30:00`, timeZone: NY },
                end: { dateTime: `${addDays(DST, -4)}T11:00:00`, timeZone: NY },
              },
            ],
            cancelledOccurrences: [addDays(DST, 10)],
          },
          {
            subject: 'Offsite',
            isAllDay: true,
            start: { dateTime: `${D(20)}T00:00:00`, timeZone: NY },
            end: { dateTime: `${D(22)}T00:00:00`, timeZone: NY },
          },
          {
            subject: 'Budget review',
            start: { dateTime: `${D(10)}T11:00:00`, timeZone: NY },
            end: { dateTime: `${D(10)}T12:00:00`, timeZone: NY },
          },
          {
            subject: 'Design review',
            start: { dateTime: `${D(12)}T14:00:00`, timeZone: 'W. Europe Standard Time' },
            end: { dateTime: `${D(12)}T15:00:00`, timeZone: 'W. Europe Standard Time' },
            location: { displayName: 'Room 4' },
            showAs: 'oof',
            sensitivity: 'private',
            body: {
              contentType: 'html',
              content:
                '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0}</style></head><body><p>Agenda: <b>budget</b> &amp; plans</p><p>Bring &quot;slides&quot;</p></body></html>',
            },
          },
        ],
      },
      records: {
        Event: [
          {
            Subject: 'Budget review',
            StartDateTime: zonedToUtc(`${D(10)}T11:00:00`, NY),
            EndDateTime: zonedToUtc(`${D(10)}T12:00:00`, NY),
          },
          {
            Subject: 'Customer call',
            StartDateTime: `${D(15)}T15:30:00Z`,
            EndDateTime: `${D(15)}T16:15:00Z`,
            Location: 'Phone',
            Description: 'Dial in\nthen demo',
            ShowAs: 'Free',
          },
          {
            Subject: 'Conference',
            IsAllDayEvent: true,
            StartDateTime: `${D(30)}T00:00:00Z`,
            EndDateTime: `${D(31)}T00:00:00Z`,
          },
        ],
      },
    });
  });
  after(async () => w?.close());

  it("first sync: each occurrence in the window is its own Salesforce Event, with the exception's time, without the cancelled one, across DST", async () => {
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    const weekly = (await sfEvents()).filter((e) => String(e.Subject).startsWith('Weekly sync'));
    assert.deepEqual(
      weekly.map((e) => [e.Subject, e.StartDateTime, e.EndDateTime, e.IsAllDayEvent]),
      [
        // 09:00 New York is 14:00Z before the switch...
        ['Weekly sync', `${addDays(DST, -11)}T14:00:00.000+0000`, `${addDays(DST, -11)}T14:30:00.000+0000`, false],
        // ...the exception moved to 10:30 (still standard time)...
        [
          'Weekly sync (moved)',
          `${addDays(DST, -4)}T15:30:00.000+0000`,
          `${addDays(DST, -4)}T16:00:00.000+0000`,
          false,
        ],
        // ...and 13:00Z after it. The cancelled occurrence (DST + 10) has no Event.
        ['Weekly sync', `${addDays(DST, 3)}T13:00:00.000+0000`, `${addDays(DST, 3)}T13:30:00.000+0000`, false],
      ],
    );
    assert.equal(weekly[0].Description, 'Status round');
    assert.equal(
      report.counts.salesforce.events.created,
      5,
      'three occurrences, Offsite, Design review; Budget review was matched',
    );
  });

  it('an Outlook all-day event becomes a Salesforce all-day event (ActivityDate, last day)', async () => {
    const [offsite] = await bySubject('Offsite');
    assert.equal(offsite.IsAllDayEvent, true);
    assert.equal(offsite.ActivityDate, D(20));
    assert.equal(offsite.StartDateTime, `${D(20)}T00:00:00.000+0000`);
    assert.equal(offsite.EndDateTime, `${D(21)}T00:00:00.000+0000`, 'Salesforce ends an all-day event on its last day');
  });

  it('a Salesforce all-day event becomes an Outlook all-day event with date-only start and an exclusive end', async () => {
    const conference = (await olEvents(NY)).filter((e) => e.subject === 'Conference');
    assert.equal(conference.length, 1);
    assert.equal(conference[0].isAllDay, true);
    assert.equal(conference[0].start.dateTime, `${D(30)}T00:00:00.0000000`);
    assert.equal(
      conference[0].end.dateTime,
      `${D(32)}T00:00:00.0000000`,
      'two days: the end is the midnight after the last day',
    );
  });

  it('a Salesforce event at a UTC instant lands in Outlook at the same instant', async () => {
    const utc = (await olEvents()).filter((e) => e.subject === 'Customer call');
    assert.equal(utc.length, 1);
    assert.deepEqual(
      [utc[0].start, utc[0].end],
      [
        { dateTime: `${D(15)}T15:30:00.0000000`, timeZone: 'UTC' },
        { dateTime: `${D(15)}T16:15:00.0000000`, timeZone: 'UTC' },
      ],
    );
    const local = (await olEvents(NY)).find((e) => e.subject === 'Customer call')!;
    assert.equal(local.start.dateTime, `${zonedLocal(`${D(15)}T15:30:00Z`, NY)}.0000000`);
    assert.equal(local.showAs, 'free');
    assert.equal(local.location.displayName, 'Phone');
    assert.match(String(local.body.content), /Dial in\s*(<br>)?\s*then demo/);
  });

  it('the event both sides had (same subject and start) is matched, not duplicated', async () => {
    assert.equal((await bySubject('Budget review')).length, 1);
    assert.equal((await olEvents()).filter((e) => e.subject === 'Budget review').length, 1);
  });

  it('an html body reaches Salesforce as plain text; showAs and privacy map', async () => {
    const [design] = await bySubject('Design review');
    assert.equal(design.Description, 'Agenda: budget & plans\nBring "slides"');
    assert.equal(design.Location, 'Room 4');
    assert.equal(design.ShowAs, 'OutOfOffice');
    assert.equal(design.IsPrivate, true);
    assert.equal(design.StartDateTime, sfTime(zonedToUtc(`${D(12)}T14:00:00`, 'Europe/Berlin')));
  });

  it('nothing else on either side: no duplicates', async () => {
    assert.equal((await sfEvents()).length, 8);
    // Outlook: 3 occurrences + Offsite + Budget review + Design review + Customer call + Conference.
    assert.equal((await olEvents()).length, 8);
  });

  it('the next two runs write nothing: every record reads back as it was written', async () => {
    assertQuiet((await w.run()).report, 'the second run');
    assertQuiet((await w.run()).report, 'the third run');
  });

  it("an edit of the Outlook series reaches each occurrence's Salesforce Event; the exception keeps its own", async () => {
    const [master] = (await w.list('/me/events?$top=50')).filter((e) => e.type === 'seriesMaster');
    assert.equal((await w.graph.patch(`/me/events/${master.id}`, { location: { displayName: 'Room 9' } })).status, 200);
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.events.updated, 2);
    const weekly = (await sfEvents()).filter((e) => String(e.Subject).startsWith('Weekly sync'));
    assert.deepEqual(
      weekly.map((e) => e.Location),
      ['Room 9', null, 'Room 9'],
    );
    assertQuiet((await w.run()).report, 'the run after the series edit');
  });

  it('edits each way: a Salesforce edit of an occurrence makes an Outlook exception; an Outlook edit reaches Salesforce', async () => {
    const [after] = (await bySubject('Weekly sync')).filter((e) => e.StartDateTime.startsWith(addDays(DST, 3)));
    assert.equal(
      (await w.sf.patch(`/sobjects/Event/${after.Id}`, { Subject: 'Weekly sync (agenda)', Location: 'Room 7' })).status,
      204,
    );
    const budget = (await olEvents()).find((e) => e.subject === 'Budget review')!;
    assert.equal(
      (
        await w.graph.patch(`/me/events/${budget.id}`, {
          location: { displayName: 'Board room' },
          start: { dateTime: `${D(10)}T13:00:00`, timeZone: NY },
          end: { dateTime: `${D(10)}T14:00:00`, timeZone: NY },
        })
      ).status,
      200,
    );
    const allDay = (await olEvents()).find((e) => e.subject === 'Offsite')!;
    assert.equal(
      (await w.graph.patch(`/me/events/${allDay.id}`, { end: { dateTime: `${D(23)}T00:00:00`, timeZone: NY } })).status,
      200,
    );

    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.equal(report.counts.outlook.events.updated, 1);
    assert.equal(report.counts.salesforce.events.updated, 2);
    const exception = (await olEvents()).find((e) => e.subject === 'Weekly sync (agenda)')!;
    assert.equal(exception.type, 'exception');
    assert.equal(exception.location.displayName, 'Room 7');
    assert.equal(exception.start.dateTime, `${addDays(DST, 3)}T13:00:00.0000000`);
    const [sfBudget] = await bySubject('Budget review');
    assert.equal(sfBudget.Location, 'Board room');
    assert.equal(sfBudget.StartDateTime, sfTime(zonedToUtc(`${D(10)}T13:00:00`, NY)));
    const [offsite] = await bySubject('Offsite');
    assert.equal(offsite.EndDateTime, `${D(22)}T00:00:00.000+0000`);

    assertQuiet((await w.run()).report, 'the run after the edits');
    assertQuiet((await w.run()).report, 'the run after that');
  });

  it('deletes each way: a deleted Salesforce event cancels its occurrence; a deleted Outlook event leaves Salesforce', async () => {
    const [first] = (await bySubject('Weekly sync')).filter((e) => e.StartDateTime.startsWith(addDays(DST, -11)));
    assert.equal((await w.sf.delete(`/sobjects/Event/${first.Id}`)).status, 204);
    const design = (await olEvents()).find((e) => e.subject === 'Design review')!;
    assert.equal((await w.graph.delete(`/me/events/${design.id}`)).status, 204);

    const { report } = await w.run();
    assert.equal(report.counts.outlook.events.deleted, 1);
    assert.equal(report.counts.salesforce.events.deleted, 1);
    const weekly = (await olEvents()).filter((e) => String(e.subject).startsWith('Weekly sync'));
    assert.deepEqual(
      weekly.map((e) => e.start.dateTime.slice(0, 10)),
      [addDays(DST, -4), addDays(DST, 3)],
    );
    assert.deepEqual(await bySubject('Design review'), []);
    assertQuiet((await w.run()).report, 'the run after the deletes');
  });

  it('bad records: an event Salesforce refuses is reported with its code, the rest of the batch goes on', async () => {
    const long = 'S'.repeat(300);
    assert.equal(
      (
        await w.graph.post('/me/events', {
          subject: long,
          start: { dateTime: `${D(40)}T09:00:00`, timeZone: NY },
          end: { dateTime: `${D(40)}T10:00:00`, timeZone: NY },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await w.graph.post('/me/events', {
          subject: 'Fine event',
          location: { displayName: 'L'.repeat(300) },
          start: { dateTime: `${D(41)}T09:00:00`, timeZone: NY },
          end: { dateTime: `${D(41)}T10:00:00`, timeZone: NY },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await w.graph.post('/me/events', {
          subject: 'Good event',
          start: { dateTime: `${D(42)}T09:00:00`, timeZone: NY },
          end: { dateTime: `${D(42)}T10:00:00`, timeZone: NY },
        })
      ).status,
      201,
    );
    const { report } = await w.run();
    assert.deepEqual(report.errors.map((e) => [e.object, e.side, e.code, e.fields]).sort(), [
      ['events', 'salesforce', 'STRING_TOO_LONG', ['Location']],
      ['events', 'salesforce', 'STRING_TOO_LONG', ['Subject']],
    ]);
    assert.ok(
      report.errors.every((e) => typeof e.sourceId === 'string' && e.sourceId.length > 0),
      'each error names the Outlook record',
    );
    assert.equal(report.counts.salesforce.events.created, 1);
    assert.equal((await bySubject('Good event')).length, 1);
    // A refused record stays queued: the next run sends it again, writes nothing, and names it again (issue 11.14).
    const next = (await w.run()).report;
    assert.equal(writesOf(next).salesforce, 0);
    assert.deepEqual(next.errors.map((e) => [e.code, e.fields]).sort(), [
      ['STRING_TOO_LONG', ['Location']],
      ['STRING_TOO_LONG', ['Subject']],
    ]);
  });
});

/** An instant as wall-clock time in a zone, `YYYY-MM-DDTHH:MM:SS`. */
function zonedLocal(iso: string, zone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}
