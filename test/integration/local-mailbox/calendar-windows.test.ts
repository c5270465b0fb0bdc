/**
 * Calendar windows (issue 10, finding 4): calendarView and its delta over 0001-9999 took 11-42 s and 2.4 GB a
 * request, and every delta page did it again. Exchange refuses windows longer than 1,825 days (400
 * ErrorInvalidRequest, text as Graph sends it); within one, what a page costs follows the occurrences it sends,
 * counted by the store as they are computed.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox, walk } from '../../helpers/mailbox';

const RANGE_TOO_BIG =
  "Your request can't be completed. The range between the start and end dates is greater than the allowed range. Maximum number of days: 1825";
const WHOLE_CALENDAR = 'startDateTime=0001-01-01T00:00:00Z&endDateTime=9999-12-31T00:00:00Z';
/** 1,824 days, far from the daily series' start (2026). */
const FAR_WINDOW = 'startDateTime=9990-01-01T00:00:00Z&endDateTime=9994-12-30T00:00:00Z';

describe('local mailbox: calendar windows', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  let dailyId: string;

  before(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
    const created = await ann('POST', '/me/events', {
      body: {
        subject: 'Daily stand-up',
        start: { dateTime: '2026-01-05T09:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2026-01-05T09:30:00', timeZone: 'America/New_York' },
        recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2026-01-05' } },
      },
    });
    assert.equal(created.status, 201, created.text);
    dailyId = created.body.id;
  });
  after(() => mb.close());

  /** Occurrences computed while `fn` runs. */
  async function occurrencesComputed<T>(fn: () => Promise<T>): Promise<{ result: T; occurrences: number }> {
    const before = mb.ctx.store.readStats.occurrences;
    const result = await fn();
    return { result, occurrences: mb.ctx.store.readStats.occurrences - before };
  }

  it("refuses a window of 0001-9999 on calendarView, its delta and a series' instances, as Exchange does", async () => {
    assertGraphError(await ann('GET', `/me/calendarView?${WHOLE_CALENDAR}`), 400, 'ErrorInvalidRequest', RANGE_TOO_BIG);
    assertGraphError(
      await ann('GET', `/me/calendar/calendarView/delta?${WHOLE_CALENDAR}`),
      400,
      'ErrorInvalidRequest',
      RANGE_TOO_BIG,
    );
    assertGraphError(
      await ann('GET', `/me/events/${dailyId}/instances?${WHOLE_CALENDAR}`),
      400,
      'ErrorInvalidRequest',
      RANGE_TOO_BIG,
    );
  });

  it('takes 1,825 days and refuses a minute more', async () => {
    const ok = await ann(
      'GET',
      '/me/calendarView?startDateTime=2026-01-01T00:00:00Z&endDateTime=2030-12-31T00:00:00Z&$top=1',
    );
    assert.equal(ok.status, 200, ok.text);
    assertGraphError(
      await ann('GET', '/me/calendarView?startDateTime=2026-01-01T00:00:00Z&endDateTime=2030-12-31T00:01:00Z'),
      400,
      'ErrorInvalidRequest',
      RANGE_TOO_BIG,
    );
    // Offsets count: this window is 1,825 days and 5 hours long.
    assertGraphError(
      await ann('GET', '/me/calendarView?startDateTime=2026-01-01T00:00:00-05:00&endDateTime=2030-12-31T10:00:00Z'),
      400,
      'ErrorInvalidRequest',
      RANGE_TOO_BIG,
    );
  });

  it('a page of a far window over a daily series computes about $top occurrences, starting at the window', async () => {
    const { result, occurrences } = await occurrencesComputed(() =>
      ann('GET', `/me/calendarView?${FAR_WINDOW}&$top=5`),
    );
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(
      result.body.value.map((e: any) => `${e.type} ${e.start.dateTime}`),
      [
        'occurrence 9990-01-01T14:00:00.0000000',
        'occurrence 9990-01-02T14:00:00.0000000',
        'occurrence 9990-01-03T14:00:00.0000000',
        'occurrence 9990-01-04T14:00:00.0000000',
        'occurrence 9990-01-05T14:00:00.0000000',
      ],
    );
    assert.ok(occurrences <= 12, `the page computed ${occurrences} occurrences`);

    const next = await occurrencesComputed(() => ann('GET', result.body['@odata.nextLink']));
    assert.equal(next.result.body.value[0].start.dateTime, '9990-01-06T14:00:00.0000000');
    assert.ok(next.occurrences <= 12, `the second page computed ${next.occurrences} occurrences`);
  });

  it('the instances of the series in a far window page the same way', async () => {
    const { result, occurrences } = await occurrencesComputed(() =>
      ann('GET', `/me/events/${dailyId}/instances?${FAR_WINDOW}&$top=3`),
    );
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(
      result.body.value.map((e: any) => e.start.dateTime.slice(0, 10)),
      ['9990-01-01', '9990-01-02', '9990-01-03'],
    );
    assert.ok(occurrences <= 10, `the page computed ${occurrences} occurrences`);
  });

  it('a delta round over the far window sends each occurrence once, each page computing about what it sends', async () => {
    const before = mb.ctx.store.readStats.occurrences;
    const round = await walk(ann, `/me/calendarView/delta?${FAR_WINDOW}`, { Prefer: 'odata.maxpagesize=100' });
    const computed = mb.ctx.store.readStats.occurrences - before;
    assert.equal(round.items.length, 1824);
    assert.equal(new Set(round.items.map((e: any) => e.id)).size, 1824);
    assert.equal(round.items[0].start.dateTime, '9990-01-01T14:00:00.0000000');
    assert.equal(round.items[1823].start.dateTime, '9994-12-29T14:00:00.0000000');
    assert.ok(
      computed <= 1824 + round.pages.length * 6,
      `the round computed ${computed} occurrences for 1824 in ${round.pages.length} pages`,
    );
    const quiet = await walk(ann, round.deltaLink!);
    assert.deepEqual(quiet.items, []);
  });

  it('later rounds over the far window page the same way: a renamed series, then one every other day', async () => {
    const first = await walk(ann, `/me/calendarView/delta?${FAR_WINDOW}`, { Prefer: 'odata.maxpagesize=1000' });
    assert.equal((await ann('PATCH', `/me/events/${dailyId}`, { body: { subject: 'Daily stand-up v2' } })).status, 200);
    const renamed = await occurrencesComputed(() => walk(ann, first.deltaLink!, { Prefer: 'odata.maxpagesize=100' }));
    assert.equal(renamed.result.items.length, 1824);
    assert.ok(renamed.result.items.every((e: any) => e.subject === 'Daily stand-up v2'));
    assert.deepEqual(
      renamed.result.items.map((e: any) => e.id),
      first.items.map((e: any) => e.id),
    );
    assert.ok(
      renamed.occurrences < 1824 * 20,
      `the round computed ${renamed.occurrences} occurrences for 1824 in ${renamed.result.pages.length} pages`,
    );

    const series = (await ann('GET', `/me/events/${dailyId}`)).body;
    const everyOtherDay = { ...series.recurrence, pattern: { ...series.recurrence.pattern, interval: 2 } };
    assert.equal((await ann('PATCH', `/me/events/${dailyId}`, { body: { recurrence: everyOtherDay } })).status, 200);
    const thinned = await walk(ann, renamed.result.deltaLink!, { Prefer: 'odata.maxpagesize=100' });
    const removed = thinned.items.filter((e: any) => e['@removed']);
    const kept = thinned.items.filter((e: any) => !e['@removed']);
    assert.equal(kept.length + removed.length, 1824);
    assert.ok(Math.abs(kept.length - removed.length) <= 1, `${kept.length} kept, ${removed.length} removed`);
    assert.equal(new Set(thinned.items.map((e: any) => e.id)).size, 1824);
    assert.deepEqual(
      thinned.items.map((e: any) => !!e['@removed']),
      [...kept.map(() => false), ...removed.map(() => true)],
      'changes first, then removals',
    );
  });

  it('the whole calendarView of the far window, walked, equals its delta round', async () => {
    const view = await walk(ann, `/me/calendarView?${FAR_WINDOW}&$top=400`);
    const round = await walk(ann, `/me/calendarView/delta?${FAR_WINDOW}`, { Prefer: 'odata.maxpagesize=1000' });
    assert.deepEqual(
      view.items.map((e: any) => e.id),
      round.items.map((e: any) => e.id),
    );
  });
});
