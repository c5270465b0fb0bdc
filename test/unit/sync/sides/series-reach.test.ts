/**
 * Telling a series whose every occurrence in the window was deleted (its pattern still lies there: a deletion each)
 * from one moved away beyond the window (out of sight), from the master alone; unsure is "not in the window", so a
 * moved series is never taken for deleted.
 */
import assert from 'node:assert/strict';
import { GraphEvent, PatternedRecurrence } from '../../../../sync-engine/src/graph/events';
import { seriesReachesWindow } from '../../../../sync-engine/src/sync/sides/series-reach';

const DAY = 86_400_000;
const window = { start: new Date('2026-11-05T00:00:00Z'), end: new Date('2027-12-05T00:00:00Z') };
const master = (start: string, recurrence: PatternedRecurrence, isAllDay = false): GraphEvent => ({
  type: 'seriesMaster',
  start: { dateTime: start, timeZone: 'UTC' },
  isAllDay,
  recurrence,
});
const weekly = (range: PatternedRecurrence['range'], daysOfWeek = ['friday']): PatternedRecurrence => ({
  pattern: { type: 'weekly', interval: 1, daysOfWeek },
  range,
});
const numbered = (startDate: string, n: number) => ({ type: 'numbered' as const, startDate, numberOfOccurrences: n });

describe('sync/sides/series-reach: whether a series still lies in the window', () => {
  it('a series starting inside the window reaches it', () => {
    assert.equal(
      seriesReachesWindow(master('2027-01-08T12:00:00.0000000', weekly(numbered('2027-01-08', 3))), window),
      true,
    );
  });

  it('one starting within a gap of its end is not sure: its first occurrence may fall after it', () => {
    assert.equal(
      seriesReachesWindow(master('2027-12-01T12:00:00.0000000', weekly(numbered('2027-12-01', 3))), window),
      false,
    );
  });

  it('a series moved beyond the window, either way, does not', () => {
    assert.equal(
      seriesReachesWindow(master('2028-01-07T12:00:00.0000000', weekly(numbered('2028-01-07', 3))), window),
      false,
    );
    assert.equal(
      seriesReachesWindow(master('2026-09-04T12:00:00.0000000', weekly(numbered('2026-09-04', 3))), window),
      false,
    );
  });

  it('a series begun before the window reaches it when its last occurrence surely lies at or after its start', () => {
    const begun = '2026-10-02T12:00:00.0000000';
    assert.equal(seriesReachesWindow(master(begun, weekly({ type: 'noEnd', startDate: '2026-10-02' })), window), true);
    assert.equal(seriesReachesWindow(master(begun, weekly(numbered('2026-10-02', 10))), window), true);
    assert.equal(seriesReachesWindow(master(begun, weekly(numbered('2026-10-02', 4))), window), false);
    const ends = (endDate: string) => weekly({ type: 'endDate', startDate: '2026-10-02', endDate });
    assert.equal(seriesReachesWindow(master(begun, ends('2026-12-31')), window), true);
    assert.equal(seriesReachesWindow(master(begun, ends('2026-11-01')), window), false);
  });

  it('unsure is no: a gap longer than the window, a start in another zone, no pattern', () => {
    const biennial: PatternedRecurrence = {
      pattern: { type: 'absoluteYearly', interval: 2, month: 10, dayOfMonth: 2 },
      range: { type: 'noEnd', startDate: '2026-10-02' },
    };
    assert.equal(seriesReachesWindow(master('2026-10-02T12:00:00.0000000', biennial), window), false);
    const zoned = { ...master('2027-01-08T12:00:00.0000000', weekly(numbered('2027-01-08', 3))) };
    zoned.start = { dateTime: '2027-01-08T12:00:00.0000000', timeZone: 'Pacific Standard Time' };
    assert.equal(seriesReachesWindow(zoned, window), false);
    assert.equal(seriesReachesWindow({ type: 'singleInstance', start: zoned.start, recurrence: null }, window), false);
  });

  it('an all-day series a day inside the window edge is not sure (its midnight is in the mailbox zone)', () => {
    const edge = new Date(window.end.getTime() - DAY / 2).toISOString().slice(0, 10);
    assert.equal(
      seriesReachesWindow(master(`${edge}T00:00:00.0000000`, weekly(numbered(edge, 1)), true), window),
      false,
    );
  });
});
