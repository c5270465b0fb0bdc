/**
 * Events over real HTTP: CRUD, all-day events, time zones (Prefer: outlook.timezone, IANA and Windows names,
 * across daylight-saving changes), recurrence with occurrences, exceptions and cancellations, and
 * calendarView/delta.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { occurrenceId } from '../../../sync-engine/src/local-mailbox/ids';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox, walk } from '../../helpers/mailbox';

const MARCH = 'startDateTime=2026-02-20T00:00:00Z&endDateTime=2026-03-31T00:00:00Z';
const NY = { Prefer: 'outlook.timezone="America/New_York"' };
const brief = (e: any) =>
  `${e.type} ${e.subject} ${e.start.dateTime.slice(0, 16)}-${e.end.dateTime.slice(11, 16)} ${e.start.timeZone}`;

describe('local mailbox: events', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;

  beforeEach(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
  });
  afterEach(() => mb.close());

  const seriesId = async () =>
    (await ann('GET', `/me/events?$filter=${encodeURIComponent("type eq 'seriesMaster'")}`)).body.value[0].id as string;

  describe('calendar view of a recurring series', () => {
    it('keeps a weekly 09:00 New York meeting at 09:00 local across the March change, moving in UTC', async () => {
      const utc = await ann('GET', `/me/calendarView?${MARCH}&$top=50`);
      assert.equal(utc.status, 200);
      assert.deepEqual(utc.body.value.map(brief), [
        'occurrence Weekly sync 2026-02-23T14:00-14:30 UTC',
        'exception Weekly sync (moved) 2026-03-02T16:00-16:30 UTC',
        'singleInstance Berlin call 2026-03-04T14:00-15:00 UTC',
        'occurrence Weekly sync 2026-03-09T13:00-13:30 UTC',
        'singleInstance Offsite 2026-03-20T00:00-00:00 UTC',
        'occurrence Weekly sync 2026-03-23T13:00-13:30 UTC',
      ]);
      const local = await ann('GET', `/me/calendarView?${MARCH}&$top=50`, { headers: NY });
      assert.equal(local.headers.get('preference-applied'), 'outlook.timezone="America/New_York"');
      assert.deepEqual(local.body.value.map(brief), [
        'occurrence Weekly sync 2026-02-23T09:00-09:30 America/New_York',
        'exception Weekly sync (moved) 2026-03-02T11:00-11:30 America/New_York',
        'singleInstance Berlin call 2026-03-04T09:00-10:00 America/New_York',
        'occurrence Weekly sync 2026-03-09T09:00-09:30 America/New_York',
        'singleInstance Offsite 2026-03-20T00:00-00:00 America/New_York',
        'occurrence Weekly sync 2026-03-23T09:00-09:30 America/New_York',
      ]);
      const windows = await ann('GET', `/me/calendarView?${MARCH}&$top=50`, {
        headers: { Prefer: 'outlook.timezone="Eastern Standard Time"' },
      });
      assert.deepEqual(
        windows.body.value.map((e: any) => e.start.dateTime.slice(11, 16)),
        ['09:00', '11:00', '09:00', '09:00', '00:00', '09:00'],
      );
      assert.equal(windows.body.value[0].start.timeZone, 'Eastern Standard Time');
      const pacific = await ann('GET', `/me/calendarView?${MARCH}&$top=50`, {
        headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' },
      });
      assert.equal(pacific.body.value[0].start.dateTime, '2026-02-23T06:00:00.0000000');
    });

    it('gives occurrences and exceptions their series master id and original start; the cancelled one is not there', async () => {
      const master = await seriesId();
      const view = (await ann('GET', `/me/calendarView?${MARCH}&$top=50`)).body.value.filter(
        (e: any) => e.seriesMasterId,
      );
      assert.equal(view.length, 4);
      for (const e of view) {
        assert.equal(e.seriesMasterId, master);
        assert.equal(e.recurrence, null);
        assert.notEqual(e.id, master);
      }
      assert.deepEqual(
        view.map((e: any) => e.originalStart),
        ['2026-02-23T14:00:00Z', '2026-03-02T14:00:00Z', '2026-03-09T13:00:00Z', '2026-03-23T13:00:00Z'],
      );
      assert.ok(
        !view.some((e: any) => e.start.dateTime.startsWith('2026-03-16')),
        'the 16 March occurrence is cancelled',
      );
    });

    it('/me/events lists the master (with its recurrence) and single events, no occurrences', async () => {
      const res = await ann('GET', '/me/events?$top=50');
      assert.deepEqual(res.body.value.map((e: any) => `${e.type} ${e.subject}`).sort(), [
        'seriesMaster Weekly sync',
        'singleInstance Berlin call',
        'singleInstance Offsite',
      ]);
      const master = res.body.value.find((e: any) => e.type === 'seriesMaster');
      assert.deepEqual(master.recurrence, {
        pattern: {
          type: 'weekly',
          interval: 1,
          month: 0,
          dayOfMonth: 0,
          daysOfWeek: ['monday'],
          firstDayOfWeek: 'sunday',
          index: 'first',
        },
        range: {
          type: 'endDate',
          startDate: '2026-02-23',
          endDate: '2026-03-23',
          recurrenceTimeZone: 'America/New_York',
          numberOfOccurrences: 0,
        },
      });
      assert.equal(master.seriesMasterId, null);
      assert.equal(master.originalStartTimeZone, 'America/New_York');
      assert.deepEqual(master.start, { dateTime: '2026-02-23T14:00:00.0000000', timeZone: 'UTC' });
      const latestFirst = await ann('GET', '/me/events?$orderby=start/dateTime desc&$select=subject');
      assert.deepEqual(
        latestFirst.body.value.map((e: any) => e.subject),
        ['Offsite', 'Berlin call', 'Weekly sync'],
      );
    });

    it("/me/events/{id}/instances lists a series' instances in a window", async () => {
      const master = await seriesId();
      const res = await ann(
        'GET',
        `/me/events/${master}/instances?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-03-12T00:00:00Z`,
      );
      assert.deepEqual(
        res.body.value.map((e: any) => e.type),
        ['exception', 'occurrence'],
      );
      assertGraphError(
        await ann('GET', `/me/events/${master}/instances`),
        400,
        'ErrorInvalidParameter',
        'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      );
    });

    it('a series created over the November change keeps 09:00 local and moves in UTC', async () => {
      const created = await ann('POST', '/me/events', {
        body: {
          subject: 'Autumn standup',
          start: { dateTime: '2026-10-19T09:00:00', timeZone: 'America/New_York' },
          end: { dateTime: '2026-10-19T09:15:00', timeZone: 'America/New_York' },
          recurrence: {
            pattern: { type: 'weekly', daysOfWeek: ['monday'] },
            range: { type: 'numbered', startDate: '2026-10-19', numberOfOccurrences: 4 },
          },
        },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.type, 'seriesMaster');
      const res = await ann(
        'GET',
        `/me/events/${created.body.id}/instances?startDateTime=2026-10-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z`,
      );
      assert.deepEqual(
        res.body.value.map((e: any) => e.start.dateTime.slice(0, 16)),
        ['2026-10-19T13:00', '2026-10-26T13:00', '2026-11-02T14:00', '2026-11-09T14:00'],
      );
      const local = await ann(
        'GET',
        `/me/events/${created.body.id}/instances?startDateTime=2026-10-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z`,
        { headers: NY },
      );
      assert.deepEqual(
        local.body.value.map((e: any) => e.start.dateTime.slice(11, 16)),
        ['09:00', '09:00', '09:00', '09:00'],
      );
    });
  });

  describe('occurrences, exceptions, cancellations', () => {
    it('PATCH of an occurrence makes it an exception under the same id; DELETE cancels it', async () => {
      const view = async () =>
        (await ann('GET', `/me/calendarView?${MARCH}&$top=50`, { headers: NY })).body.value.filter(
          (e: any) => e.seriesMasterId,
        );
      const occurrence = (await view()).find((e: any) => e.start.dateTime.startsWith('2026-03-09'));
      assert.equal(occurrence.type, 'occurrence');
      const read = await ann('GET', `/me/events/${occurrence.id}`, { headers: NY });
      assert.equal(read.status, 200);
      assert.equal(read.body.type, 'occurrence');

      const patched = await ann('PATCH', `/me/events/${occurrence.id}`, {
        body: { subject: 'Weekly sync (Room B)', location: { displayName: 'Room B' } },
        headers: NY,
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.id, occurrence.id);
      assert.equal(patched.body.type, 'exception');
      assert.equal(patched.body.subject, 'Weekly sync (Room B)');
      assert.equal(patched.body.start.dateTime, '2026-03-09T09:00:00.0000000');
      assert.notEqual(patched.body.changeKey, occurrence.changeKey);
      assert.equal((await view()).find((e: any) => e.id === occurrence.id).location.displayName, 'Room B');

      const moved = await ann('PATCH', `/me/events/${occurrence.id}`, {
        body: {
          start: { dateTime: '2026-03-10T15:00:00', timeZone: 'America/New_York' },
          end: { dateTime: '2026-03-10T15:30:00', timeZone: 'America/New_York' },
        },
        headers: NY,
      });
      assert.equal(moved.body.start.dateTime, '2026-03-10T15:00:00.0000000');
      assert.equal(moved.body.subject, 'Weekly sync (Room B)');

      assert.equal((await ann('DELETE', `/me/events/${occurrence.id}`)).status, 204);
      assert.ok(!(await view()).some((e: any) => e.id === occurrence.id));
      assertGraphError(await ann('GET', `/me/events/${occurrence.id}`), 404, 'ErrorItemNotFound');

      const other = (await view()).find((e: any) => e.start.dateTime.startsWith('2026-02-23'));
      assert.equal((await ann('DELETE', `/me/events/${other.id}`)).status, 204);
      assert.deepEqual(
        (await view()).map((e: any) => e.start.dateTime.slice(0, 10)),
        ['2026-03-02', '2026-03-23'],
      );
    });

    it('an occurrence cannot take a recurrence; an occurrence id the pattern never made, or cancelled, is 404', async () => {
      const occ = (await ann('GET', `/me/calendarView?${MARCH}`)).body.value.find((e: any) => e.type === 'occurrence');
      assertGraphError(
        await ann('PATCH', `/me/events/${occ.id}`, {
          body: { recurrence: { pattern: { type: 'daily' }, range: { type: 'noEnd', startDate: '2026-03-01' } } },
        }),
        400,
        'ErrorInvalidRequest',
      );
      const cancelledView = await ann(
        'GET',
        `/me/calendarView?startDateTime=2026-03-16T00:00:00Z&endDateTime=2026-03-17T00:00:00Z`,
      );
      assert.deepEqual(cancelledView.body.value, []);
      const master = await seriesId();
      assertGraphError(
        await ann('GET', `/me/events/${occurrenceId(master, Date.parse('2026-03-10T13:00:00Z'))}`),
        404,
        'ErrorItemNotFound',
      );
      assertGraphError(
        await ann('GET', `/me/events/${occurrenceId(master, Date.parse('2026-03-16T13:00:00Z'))}`),
        404,
        'ErrorItemNotFound',
      );
      assert.equal(
        (await ann('GET', `/me/events/${occurrenceId(master, Date.parse('2026-03-09T13:00:00Z'))}`)).status,
        200,
      );
    });

    it("changing the series' time drops its exceptions and cancellations, as Outlook does", async () => {
      const master = await seriesId();
      const patched = await ann('PATCH', `/me/events/${master}`, {
        body: {
          start: { dateTime: '2026-02-23T10:00:00', timeZone: 'America/New_York' },
          end: { dateTime: '2026-02-23T10:30:00', timeZone: 'America/New_York' },
        },
      });
      assert.equal(patched.status, 200);
      const view = (await ann('GET', `/me/calendarView?${MARCH}&$top=50`, { headers: NY })).body.value.filter(
        (e: any) => e.seriesMasterId,
      );
      assert.deepEqual(
        view.map((e: any) => `${e.type} ${e.start.dateTime.slice(0, 16)}`),
        [
          'occurrence 2026-02-23T10:00',
          'occurrence 2026-03-02T10:00',
          'occurrence 2026-03-09T10:00',
          'occurrence 2026-03-16T10:00',
          'occurrence 2026-03-23T10:00',
        ],
      );
      // A new subject alone keeps them, and so does sending back the start and end as read (in UTC).
      await ann('DELETE', `/me/events/${view[1].id}`);
      const read = (await ann('GET', `/me/events/${master}`)).body;
      const plain = (
        await ann('PATCH', `/me/events/${master}`, {
          body: { subject: 'Renamed', start: read.start, end: read.end, recurrence: read.recurrence },
        })
      ).body;
      assert.equal(plain.subject, 'Renamed');
      const after = (await ann('GET', `/me/calendarView?${MARCH}&$top=50`, { headers: NY })).body.value.filter(
        (e: any) => e.seriesMasterId,
      );
      assert.deepEqual(
        after.map((e: any) => `${e.subject} ${e.start.dateTime.slice(0, 16)}`),
        [
          'Renamed 2026-02-23T10:00',
          'Renamed 2026-03-09T10:00',
          'Renamed 2026-03-16T10:00',
          'Renamed 2026-03-23T10:00',
        ],
      );
    });

    it('deleting the master deletes the whole series', async () => {
      const master = await seriesId();
      assert.equal((await ann('DELETE', `/me/events/${master}`)).status, 204);
      const view = (await ann('GET', `/me/calendarView?${MARCH}&$top=50`)).body.value;
      assert.deepEqual(
        view.map((e: any) => e.subject),
        ['Berlin call', 'Offsite'],
      );
    });
  });

  describe('the spring-forward gap (New York, 2026-03-08: 02:00 jumps to 03:00)', () => {
    const gapDay = (subject: string, start: string, end: string, extra: object = {}) => ({
      subject,
      start: { dateTime: `2026-03-08T${start}:00`, timeZone: 'America/New_York' },
      end: { dateTime: `2026-03-08T${end}:00`, timeZone: 'America/New_York' },
      ...extra,
    });

    it('a single event at 02:30-03:30 starts at 03:30 and keeps its hour, as Exchange moves it', async () => {
      const created = await ann('POST', '/me/events', { body: gapDay('In the gap', '02:30', '03:30') });
      assert.equal(created.status, 201);
      assert.deepEqual(
        [created.body.start.dateTime, created.body.end.dateTime],
        ['2026-03-08T07:30:00.0000000', '2026-03-08T08:30:00.0000000'],
      );
      const local = await ann('GET', `/me/events/${created.body.id}`, { headers: NY });
      assert.deepEqual(
        [local.body.start.dateTime, local.body.end.dateTime],
        ['2026-03-08T03:30:00.0000000', '2026-03-08T04:30:00.0000000'],
      );
      // 02:30-03:00 lasts half an hour too (03:30-04:00), rather than ending before it starts.
      const short = await ann('POST', '/me/events', { body: gapDay('Short', '02:30', '03:00') });
      assert.equal(short.status, 201);
      assert.deepEqual(
        [short.body.start.dateTime, short.body.end.dateTime],
        ['2026-03-08T07:30:00.0000000', '2026-03-08T08:00:00.0000000'],
      );
    });

    it('the occurrence of a daily 02:30 series on that day starts at 03:30 and keeps its half hour', async () => {
      const created = await ann('POST', '/me/events', {
        body: {
          subject: 'Night shift',
          start: { dateTime: '2026-03-06T02:30:00', timeZone: 'America/New_York' },
          end: { dateTime: '2026-03-06T03:00:00', timeZone: 'America/New_York' },
          recurrence: {
            pattern: { type: 'daily', interval: 1 },
            range: { type: 'numbered', startDate: '2026-03-06', numberOfOccurrences: 4 },
          },
        },
      });
      assert.equal(created.status, 201);
      const res = await ann('GET', `/me/events/${created.body.id}/instances?${MARCH}`, { headers: NY });
      assert.deepEqual(
        res.body.value.map((e: any) => `${e.start.dateTime.slice(0, 16)}-${e.end.dateTime.slice(11, 16)}`),
        ['2026-03-06T02:30-03:00', '2026-03-07T02:30-03:00', '2026-03-08T03:30-04:00', '2026-03-09T02:30-03:00'],
      );
      const view = (
        await ann('GET', `/me/calendarView?startDateTime=2026-03-08T00:00:00Z&endDateTime=2026-03-09T00:00:00Z`)
      ).body.value.filter((e: any) => e.subject === 'Night shift');
      assert.deepEqual(
        view.map((e: any) => [e.start.dateTime, e.end.dateTime]),
        [['2026-03-08T07:30:00.0000000', '2026-03-08T08:00:00.0000000']],
      );
    });
  });

  describe('single and all-day events', () => {
    it('creates, reads in another zone, updates and deletes a single event', async () => {
      const created = await ann('POST', '/me/events', {
        body: {
          subject: 'Plan shopping list',
          body: { contentType: 'html', content: '<p>Milk &amp; <b>eggs</b></p>' },
          start: { dateTime: '2026-07-01T12:30:00', timeZone: 'W. Europe Standard Time' },
          end: { dateTime: '2026-07-01T14:00:00', timeZone: 'W. Europe Standard Time' },
          attendees: [{ emailAddress: { address: 'grace@navy.example' } }],
        },
      });
      assert.equal(created.status, 201);
      const e = created.body;
      assert.equal(e['@odata.etag'], `W/"${e.changeKey}"`);
      assert.equal(created.headers.get('etag'), e['@odata.etag']);
      assert.deepEqual(e.start, { dateTime: '2026-07-01T10:30:00.0000000', timeZone: 'UTC' });
      assert.deepEqual(e.end, { dateTime: '2026-07-01T12:00:00.0000000', timeZone: 'UTC' });
      assert.equal(e.originalStartTimeZone, 'W. Europe Standard Time');
      assert.equal(e.type, 'singleInstance');
      assert.equal(e.bodyPreview, 'Milk & eggs');
      assert.deepEqual(e.attendees, [
        {
          type: 'required',
          status: { response: 'none', time: '0001-01-01T00:00:00Z' },
          emailAddress: { name: 'grace@navy.example', address: 'grace@navy.example' },
        },
      ]);
      assert.deepEqual(e.organizer, { emailAddress: { name: 'Ann Test', address: 'ann@test.example' } });
      assert.match(e.createdDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);

      const pacific = await ann('GET', `/me/events/${e.id}`, {
        headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' },
      });
      assert.deepEqual(pacific.body.start, {
        dateTime: '2026-07-01T03:30:00.0000000',
        timeZone: 'Pacific Standard Time',
      });

      const patched = await ann('PATCH', `/me/events/${e.id}`, {
        body: { subject: 'Plan the party', end: { dateTime: '2026-07-01T15:00:00', timeZone: 'Europe/Berlin' } },
      });
      assert.equal(patched.status, 200);
      assert.deepEqual(patched.body.end, { dateTime: '2026-07-01T13:00:00.0000000', timeZone: 'UTC' });
      assert.equal(patched.body.originalEndTimeZone, 'Europe/Berlin');
      assert.equal((await ann('DELETE', `/me/events/${e.id}`)).status, 204);
      assertGraphError(await ann('GET', `/me/events/${e.id}`), 404, 'ErrorItemNotFound');
    });

    it('shows an all-day event from midnight to midnight in whatever zone it is asked in', async () => {
      const created = await ann('POST', '/me/events', {
        body: {
          subject: 'Holiday',
          isAllDay: true,
          start: { dateTime: '2026-07-03', timeZone: 'America/New_York' },
          end: { dateTime: '2026-07-04', timeZone: 'America/New_York' },
        },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.isAllDay, true);
      assert.deepEqual(created.body.start, { dateTime: '2026-07-03T00:00:00.0000000', timeZone: 'UTC' });
      assert.deepEqual(created.body.end, { dateTime: '2026-07-04T00:00:00.0000000', timeZone: 'UTC' });
      const tokyo = await ann('GET', `/me/events/${created.body.id}`, {
        headers: { Prefer: 'outlook.timezone="Tokyo Standard Time"' },
      });
      assert.deepEqual(tokyo.body.start, { dateTime: '2026-07-03T00:00:00.0000000', timeZone: 'Tokyo Standard Time' });
      // In the mailbox's zone (New York) the day runs 04:00Z to 04:00Z: a view of the evening before misses it.
      const before = await ann(
        'GET',
        '/me/calendarView?startDateTime=2026-07-02T20:00:00-04:00&endDateTime=2026-07-03T00:00:00-04:00',
      );
      assert.ok(!before.body.value.some((x: any) => x.subject === 'Holiday'));
      const during = await ann(
        'GET',
        '/me/calendarView?startDateTime=2026-07-03T10:00:00-04:00&endDateTime=2026-07-03T11:00:00-04:00',
      );
      assert.deepEqual(
        during.body.value.map((x: any) => x.subject),
        ['Holiday'],
      );
    });

    it('a recurring all-day event expands into all-day occurrences', async () => {
      const created = await ann('POST', '/me/events', {
        body: {
          subject: 'Pay day',
          isAllDay: true,
          start: { dateTime: '2026-01-15T00:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-01-16T00:00:00', timeZone: 'UTC' },
          recurrence: {
            pattern: { type: 'absoluteMonthly', dayOfMonth: 15 },
            range: { type: 'noEnd', startDate: '2026-01-15' },
          },
        },
      });
      const res = await ann(
        'GET',
        `/me/events/${created.body.id}/instances?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-06-01T00:00:00Z`,
      );
      assert.deepEqual(
        res.body.value.map((e: any) => `${e.isAllDay} ${e.start.dateTime.slice(0, 16)} ${e.end.dateTime.slice(0, 16)}`),
        [
          'true 2026-03-15T00:00 2026-03-16T00:00',
          'true 2026-04-15T00:00 2026-04-16T00:00',
          'true 2026-05-15T00:00 2026-05-16T00:00',
        ],
      );
    });

    it('refuses an all-day event that does not start at midnight, an end before the start, an unknown zone', async () => {
      assertGraphError(
        await ann('POST', '/me/events', {
          body: {
            subject: 'x',
            isAllDay: true,
            start: { dateTime: '2026-07-03T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-07-04T00:00:00', timeZone: 'UTC' },
          },
        }),
        400,
        'ErrorInvalidRequest',
      );
      assertGraphError(
        await ann('POST', '/me/events', {
          body: {
            subject: 'x',
            start: { dateTime: '2026-07-03T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-07-03T08:00:00', timeZone: 'UTC' },
          },
        }),
        400,
        'ErrorCalendarEndDateIsEarlierThanStartDate',
        'The end date occurs before the start date.',
      );
      assertGraphError(
        await ann('POST', '/me/events', {
          body: {
            subject: 'x',
            start: { dateTime: '2026-07-03T09:00:00', timeZone: 'Mars/Base' },
            end: { dateTime: '2026-07-03T10:00:00', timeZone: 'UTC' },
          },
        }),
        400,
        'TimeZoneNotSupportedException',
        "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Mars/Base'.",
      );
      assertGraphError(await ann('POST', '/me/events', { body: { subject: 'no times' } }), 400, 'ErrorInvalidRequest');
      assertGraphError(
        await ann('POST', '/me/events', {
          body: {
            subject: 'x',
            start: { dateTime: '2026-07-03T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-07-03T10:00:00', timeZone: 'UTC' },
            recurrence: { pattern: { type: 'weekly' }, range: { type: 'noEnd', startDate: '2026-07-03' } },
          },
        }),
        400,
        'ErrorInvalidRequest',
      );
      assert.equal((await ann('GET', '/me/events?$top=50')).body.value.length, 3, 'nothing was written');
    });

    it('a repeated POST with the same transactionId returns the first event', async () => {
      const body = {
        subject: 'Once',
        transactionId: 'tx-7f3a',
        start: { dateTime: '2026-07-09T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-07-09T10:00:00', timeZone: 'UTC' },
      };
      const a = await ann('POST', '/me/events', { body });
      const b = await ann('POST', '/me/events', { body });
      assert.equal(a.body.id, b.body.id);
      assert.equal(a.body.transactionId, 'tx-7f3a');
      assert.equal(
        (await ann('GET', '/me/events?$top=50')).body.value.filter((e: any) => e.subject === 'Once').length,
        1,
      );
    });
  });

  describe('calendarView/delta', () => {
    const deltaPath = `/me/calendarView/delta?${MARCH}`;

    it('needs a window to start a round', async () => {
      assertGraphError(await ann('GET', '/me/calendarView/delta'), 400, 'ErrorInvalidParameter');
    });

    it("pages a first round of the window's instances, then sends only what changed", async () => {
      const first = await ann('GET', deltaPath, { headers: { Prefer: 'odata.maxpagesize=2' } });
      assert.equal(first.body['@odata.context'], `${mb.url}/v1.0/$metadata#Collection(event)`);
      assert.ok(first.body['@odata.nextLink'].startsWith(`${mb.url}/v1.0/me/calendarView/delta?$skiptoken=`));
      assert.ok(!first.body['@odata.nextLink'].includes('startDateTime'), 'the window lives in the token');
      const round1 = await walk(ann, deltaPath, { Prefer: 'odata.maxpagesize=2' });
      assert.ok(round1.pages.every((p) => p.length <= 2));
      assert.equal(round1.items.length, 6);
      assert.ok(
        round1.items.every((e: any) => e['@odata.type'] === '#microsoft.graph.event' && e.type !== 'seriesMaster'),
      );
      assert.ok(round1.deltaLink!.startsWith(`${mb.url}/v1.0/me/calendarView/delta?$deltatoken=`));

      const quiet = await walk(ann, round1.deltaLink!);
      assert.deepEqual(quiet.items, []);

      const occ = round1.items.find((e: any) => e.type === 'occurrence' && e.start.dateTime.startsWith('2026-03-09'));
      const cancelled = round1.items.find(
        (e: any) => e.type === 'occurrence' && e.start.dateTime.startsWith('2026-03-23'),
      );
      const berlin = round1.items.find((e: any) => e.subject === 'Berlin call');
      await ann('PATCH', `/me/events/${occ.id}`, { body: { subject: 'Weekly sync (special)' } });
      await ann('DELETE', `/me/events/${cancelled.id}`);
      await ann('DELETE', `/me/events/${berlin.id}`);
      const added = (
        await ann('POST', '/me/events', {
          body: {
            subject: 'New in March',
            start: { dateTime: '2026-03-25T12:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-03-25T13:00:00', timeZone: 'UTC' },
          },
        })
      ).body;
      await ann('POST', '/me/events', {
        body: {
          subject: 'Outside the window',
          start: { dateTime: '2026-05-01T12:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-05-01T13:00:00', timeZone: 'UTC' },
        },
      });

      const round2 = await walk(ann, round1.deltaLink!, { Prefer: 'odata.maxpagesize=2' });
      const summary = round2.items
        .map((e: any) =>
          e['@removed']
            ? `removed ${e.id === cancelled.id ? 'cancelled occurrence' : e.id === berlin.id ? 'berlin' : e.id}`
            : `${e.type} ${e.subject}`,
        )
        .sort();
      assert.deepEqual(summary, [
        'exception Weekly sync (special)',
        'removed berlin',
        'removed cancelled occurrence',
        'singleInstance New in March',
      ]);
      const removed = round2.items.find((e: any) => e.id === berlin.id);
      assert.deepEqual(removed, {
        '@odata.type': '#microsoft.graph.event',
        id: berlin.id,
        '@removed': { reason: 'deleted' },
      });
      assert.equal(round2.items.find((e: any) => e.type === 'exception').id, occ.id);
      assert.ok(round2.items.some((e: any) => e.id === added.id));

      // A change to the master's own properties changes every occurrence in the window.
      const master = occ.seriesMasterId;
      await ann('PATCH', `/me/events/${master}`, { body: { subject: 'Weekly sync v2' } });
      const round3 = await walk(ann, round2.deltaLink!);
      assert.deepEqual(round3.items.map((e: any) => `${e.type} ${e.subject} ${e.start.dateTime.slice(0, 10)}`).sort(), [
        'occurrence Weekly sync v2 2026-02-23',
      ]);
    });

    it('honours Prefer: outlook.timezone in delta pages', async () => {
      const round = await walk(ann, deltaPath, NY);
      assert.ok(round.items.every((e: any) => e.start.timeZone === 'America/New_York'));
      const res = await ann('GET', deltaPath, {
        headers: { Prefer: 'outlook.timezone="America/New_York", odata.maxpagesize=2' },
      });
      assert.equal(
        res.headers.get('preference-applied'),
        'odata.track-changes, odata.maxpagesize=2, outlook.timezone="America/New_York"',
      );
      assert.equal(res.body.value.length, 2);
    });
  });
});
