/** Recurrence patterns and ranges: validated as Graph normalizes them, expanded into local dates. */
import assert from 'node:assert/strict';
import {
  validateRecurrence,
  occurrenceDays,
  PatternedRecurrence,
} from '../../../sync-engine/src/local-mailbox/recurrence';
import { parseDay, formatDay } from '../../../sync-engine/src/local-mailbox/time-zones';

function rec(pattern: object, range: object): PatternedRecurrence {
  const r = validateRecurrence({ pattern, range }, 'recurrence', 'UTC');
  assert.deepEqual(r.problems, []);
  return r.value!;
}
const days = (r: PatternedRecurrence, from: string, to: string) =>
  occurrenceDays(r, parseDay(from)!, parseDay(to)!).map(formatDay);

describe('local mailbox: recurrence', () => {
  it('normalizes a pattern to what Graph returns', () => {
    const r = rec({ type: 'weekly', daysOfWeek: ['Monday'] }, { type: 'noEnd', startDate: '2026-01-05' });
    assert.deepEqual(r, {
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
        type: 'noEnd',
        startDate: '2026-01-05',
        endDate: '0001-01-01',
        recurrenceTimeZone: 'UTC',
        numberOfOccurrences: 0,
      },
    });
  });

  it('daily every other day, numbered', () => {
    assert.deepEqual(
      days(
        rec({ type: 'daily', interval: 2 }, { type: 'numbered', startDate: '2026-03-01', numberOfOccurrences: 4 }),
        '2026-01-01',
        '2026-12-31',
      ),
      ['2026-03-01', '2026-03-03', '2026-03-05', '2026-03-07'],
    );
  });

  it('weekly on several days every two weeks, to an end date', () => {
    const r = rec(
      { type: 'weekly', interval: 2, daysOfWeek: ['monday', 'wednesday', 'friday'] },
      { type: 'endDate', startDate: '2026-03-04', endDate: '2026-03-20' },
    );
    assert.deepEqual(days(r, '2026-01-01', '2026-12-31'), [
      '2026-03-04',
      '2026-03-06',
      '2026-03-16',
      '2026-03-18',
      '2026-03-20',
    ]);
  });

  it('counts occurrences before the window towards a numbered range', () => {
    const r = rec(
      { type: 'weekly', daysOfWeek: ['monday'] },
      { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 3 },
    );
    assert.deepEqual(days(r, '2026-03-10', '2026-12-31'), ['2026-03-16']);
  });

  it('absoluteMonthly on the 31st falls on the last day of shorter months', () => {
    const r = rec(
      { type: 'absoluteMonthly', dayOfMonth: 31 },
      { type: 'numbered', startDate: '2026-01-31', numberOfOccurrences: 4 },
    );
    assert.deepEqual(days(r, '2026-01-01', '2026-12-31'), ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('relativeMonthly: the second Tuesday, and the last weekday', () => {
    const second = rec(
      { type: 'relativeMonthly', daysOfWeek: ['tuesday'], index: 'second' },
      { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 3 },
    );
    assert.deepEqual(days(second, '2026-01-01', '2026-12-31'), ['2026-01-13', '2026-02-10', '2026-03-10']);
    const lastWeekday = rec(
      { type: 'relativeMonthly', daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], index: 'last' },
      { type: 'endDate', startDate: '2026-01-01', endDate: '2026-03-31' },
    );
    assert.deepEqual(days(lastWeekday, '2026-01-01', '2026-12-31'), ['2026-01-30', '2026-02-27', '2026-03-31']);
  });

  it('absoluteYearly and relativeYearly', () => {
    const birthday = rec(
      { type: 'absoluteYearly', month: 7, dayOfMonth: 22 },
      { type: 'noEnd', startDate: '2026-01-01' },
    );
    assert.deepEqual(days(birthday, '2026-01-01', '2028-12-31'), ['2026-07-22', '2027-07-22', '2028-07-22']);
    const thanksgiving = rec(
      { type: 'relativeYearly', month: 11, daysOfWeek: ['thursday'], index: 'fourth' },
      { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 2 },
    );
    assert.deepEqual(days(thanksgiving, '2026-01-01', '2030-12-31'), ['2026-11-26', '2027-11-25']);
  });

  it('a window far into a series with no end is quick and exact', () => {
    const r = rec({ type: 'daily' }, { type: 'noEnd', startDate: '2000-01-01' });
    assert.deepEqual(days(r, '2090-06-01', '2090-06-03'), ['2090-06-01', '2090-06-02', '2090-06-03']);
  });

  it('names each problem with its path', () => {
    const r = validateRecurrence(
      { pattern: { type: 'weekly', daysOfWeek: ['funday'] }, range: { type: 'endDate', startDate: '2026-03-01' } },
      'recurrence',
      'UTC',
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.path}: ${p.message}`),
      [
        'recurrence.pattern.daysOfWeek[0]: must be one of sunday, monday, tuesday, wednesday, thursday, friday, saturday (got "funday")',
        'recurrence.pattern.daysOfWeek: a weekly pattern needs at least one day of the week',
        'recurrence.range.endDate: required for an endDate range, a date YYYY-MM-DD (got undefined)',
      ],
    );
    const zone = validateRecurrence(
      {
        pattern: { type: 'daily' },
        range: { type: 'noEnd', startDate: '2026-03-01', recurrenceTimeZone: 'Mars/Base' },
      },
      'r',
      'UTC',
    );
    assert.equal(zone.problems[0].message, 'unknown time zone "Mars/Base"');
  });
});
