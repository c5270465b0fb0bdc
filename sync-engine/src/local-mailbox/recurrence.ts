/**
 * Graph's patternedRecurrence (WIRE.md 9.1): validated and normalized to the form Graph returns (unused
 * numbers 0, `index` "first", `firstDayOfWeek` "sunday", unused `endDate` "0001-01-01"), and expanded into the
 * local dates it falls on. Dates are day numbers (days since 1970-01-01) in the series' time zone.
 */
import { Problem, quote } from './properties';
import { DAY, daysInMonth, parseDay, resolveTimeZone } from './time-zones';

export const PATTERN_TYPES = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
export const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;
export const DAYS_OF_WEEK = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export const WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;

export type PatternType = (typeof PATTERN_TYPES)[number];
export type RangeType = (typeof RANGE_TYPES)[number];
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];
export type WeekIndex = (typeof WEEK_INDEXES)[number];

export interface PatternedRecurrence {
  pattern: {
    type: PatternType;
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: DayOfWeek[];
    firstDayOfWeek: DayOfWeek;
    index: WeekIndex;
  };
  range: {
    type: RangeType;
    startDate: string;
    endDate: string;
    recurrenceTimeZone: string;
    numberOfOccurrences: number;
  };
}

const NO_DATE = '0001-01-01';
const PATTERN_KEYS = ['type', 'interval', 'month', 'dayOfMonth', 'daysOfWeek', 'firstDayOfWeek', 'index'];
const RANGE_KEYS = ['type', 'startDate', 'endDate', 'recurrenceTimeZone', 'numberOfOccurrences'];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check a recurrence as a client or a seed sends it. `defaultZone` fills `range.recurrenceTimeZone` (the
 * event's start zone); `defaultStartDate` fills `range.startDate` when the client leaves it out.
 */
export function validateRecurrence(
  value: unknown,
  path: string,
  defaultZone: string,
  defaultStartDate?: string,
): { value?: PatternedRecurrence; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (at: string, message: string, code = 'RequestBodyRead') =>
    problems.push({ path: `${path}.${at}`, message, code });
  if (!isObject(value))
    return { problems: [{ path, message: 'must be an object { pattern, range } or null', code: 'RequestBodyRead' }] };
  for (const k of Object.keys(value))
    if (k !== 'pattern' && k !== 'range' && !k.startsWith('@odata.'))
      bad(k, `unknown property (a recurrence has pattern and range)`);
  const p = value.pattern;
  const r = value.range;
  if (!isObject(p)) bad('pattern', 'required, an object { type, interval, daysOfWeek, ... }');
  if (!isObject(r)) bad('range', 'required, an object { type, startDate, endDate | numberOfOccurrences }');
  if (!isObject(p) || !isObject(r)) return { problems };

  for (const k of Object.keys(p))
    if (!PATTERN_KEYS.includes(k) && !k.startsWith('@odata.'))
      bad(`pattern.${k}`, `unknown property (use ${PATTERN_KEYS.join(', ')})`);
  for (const k of Object.keys(r))
    if (!RANGE_KEYS.includes(k) && !k.startsWith('@odata.'))
      bad(`range.${k}`, `unknown property (use ${RANGE_KEYS.join(', ')})`);

  const type = p.type as PatternType;
  if (!PATTERN_TYPES.includes(type))
    bad('pattern.type', `must be one of ${PATTERN_TYPES.join(', ')} (got ${quote(p.type)})`);
  const int = (o: Obj, key: string, at: string, min: number, max: number, fallback: number): number => {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
      bad(at, `must be a whole number from ${min} to ${max} (got ${quote(v)})`);
      return fallback;
    }
    return v as number;
  };
  const interval = int(p, 'interval', 'pattern.interval', 1, 99, 1);
  const month = int(p, 'month', 'pattern.month', 0, 12, 0);
  const dayOfMonth = int(p, 'dayOfMonth', 'pattern.dayOfMonth', 0, 31, 0);
  let daysOfWeek: DayOfWeek[] = [];
  if (p.daysOfWeek !== undefined && p.daysOfWeek !== null) {
    if (!Array.isArray(p.daysOfWeek)) bad('pattern.daysOfWeek', 'must be an array of day names');
    else
      p.daysOfWeek.forEach((d, i) => {
        const name = typeof d === 'string' ? d.toLowerCase() : d;
        if (!DAYS_OF_WEEK.includes(name as DayOfWeek))
          bad(`pattern.daysOfWeek[${i}]`, `must be one of ${DAYS_OF_WEEK.join(', ')} (got ${quote(d)})`);
        else if (!daysOfWeek.includes(name as DayOfWeek)) daysOfWeek.push(name as DayOfWeek);
      });
  }
  const firstDayOfWeek = enumOr(p.firstDayOfWeek, DAYS_OF_WEEK, 'sunday', () =>
    bad('pattern.firstDayOfWeek', `must be one of ${DAYS_OF_WEEK.join(', ')}`),
  );
  const index = enumOr(p.index, WEEK_INDEXES, 'first', () =>
    bad('pattern.index', `must be one of ${WEEK_INDEXES.join(', ')}`),
  );

  const semantic = (at: string, message: string) => bad(at, message, 'ErrorInvalidRequest');
  if ((type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly') && daysOfWeek.length === 0) {
    semantic('pattern.daysOfWeek', `a ${type} pattern needs at least one day of the week`);
  }
  if ((type === 'absoluteMonthly' || type === 'absoluteYearly') && dayOfMonth === 0)
    semantic('pattern.dayOfMonth', `a ${type} pattern needs dayOfMonth (1-31)`);
  if ((type === 'absoluteYearly' || type === 'relativeYearly') && month === 0)
    semantic('pattern.month', `a ${type} pattern needs month (1-12)`);
  if (type === 'daily') daysOfWeek = [];

  const rangeType = r.type as RangeType;
  if (!RANGE_TYPES.includes(rangeType))
    bad('range.type', `must be one of ${RANGE_TYPES.join(', ')} (got ${quote(r.type)})`);
  const startDate = r.startDate ?? defaultStartDate;
  if (typeof startDate !== 'string' || parseDay(startDate) === undefined)
    bad('range.startDate', `required, a date YYYY-MM-DD (got ${quote(r.startDate)})`);
  let endDate = NO_DATE;
  if (rangeType === 'endDate') {
    if (typeof r.endDate !== 'string' || parseDay(r.endDate) === undefined)
      bad('range.endDate', `required for an endDate range, a date YYYY-MM-DD (got ${quote(r.endDate)})`);
    else if (
      typeof startDate === 'string' &&
      parseDay(startDate) !== undefined &&
      parseDay(r.endDate)! < parseDay(startDate)!
    )
      semantic('range.endDate', `${r.endDate} is before the range's startDate ${startDate}`);
    else endDate = r.endDate;
  } else if (
    r.endDate !== undefined &&
    r.endDate !== null &&
    (typeof r.endDate !== 'string' || (r.endDate !== NO_DATE && parseDay(r.endDate) === undefined))
  ) {
    bad('range.endDate', 'must be a date YYYY-MM-DD');
  }
  let numberOfOccurrences = 0;
  if (rangeType === 'numbered') {
    if (
      !Number.isInteger(r.numberOfOccurrences) ||
      (r.numberOfOccurrences as number) < 1 ||
      (r.numberOfOccurrences as number) > 999
    ) {
      semantic(
        'range.numberOfOccurrences',
        `a numbered range needs numberOfOccurrences from 1 to 999 (got ${quote(r.numberOfOccurrences)})`,
      );
    } else numberOfOccurrences = r.numberOfOccurrences as number;
  } else if (
    r.numberOfOccurrences !== undefined &&
    r.numberOfOccurrences !== null &&
    !Number.isInteger(r.numberOfOccurrences)
  ) {
    bad('range.numberOfOccurrences', 'must be a whole number');
  }
  let recurrenceTimeZone = defaultZone;
  if (r.recurrenceTimeZone !== undefined && r.recurrenceTimeZone !== null && r.recurrenceTimeZone !== '') {
    if (typeof r.recurrenceTimeZone !== 'string' || !resolveTimeZone(r.recurrenceTimeZone)) {
      problems.push({
        path: `${path}.range.recurrenceTimeZone`,
        message: `unknown time zone ${quote(r.recurrenceTimeZone)}`,
        code: 'TimeZoneNotSupportedException',
        wire: `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(r.recurrenceTimeZone).slice(0, 100)}'.`,
      });
    } else recurrenceTimeZone = r.recurrenceTimeZone;
  }
  if (problems.length) return { problems };
  return {
    problems,
    value: {
      pattern: { type, interval, month, dayOfMonth, daysOfWeek, firstDayOfWeek, index },
      range: { type: rangeType, startDate: startDate as string, endDate, recurrenceTimeZone, numberOfOccurrences },
    },
  };
}

function enumOr<T extends string>(v: unknown, values: readonly T[], fallback: T, onBad: () => void): T {
  if (v === undefined || v === null) return fallback;
  const name = typeof v === 'string' ? v : '';
  const found = values.find((x) => x.toLowerCase() === name.toLowerCase());
  if (!found) {
    onBad();
    return fallback;
  }
  return found;
}

const weekday = (day: number) => ((day % 7) + 7 + 4) % 7; // 1970-01-01 was a Thursday
const ymd = (day: number) => {
  const d = new Date(day * DAY);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
};
const dayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;

/** The day a relative pattern picks in a month (`second tuesday`, `last weekday` ...), or undefined. */
function relativeDay(y: number, m: number, days: DayOfWeek[], index: WeekIndex): number | undefined {
  const wanted = new Set(days.map((d) => DAYS_OF_WEEK.indexOf(d)));
  const matches: number[] = [];
  for (let d = 1; d <= daysInMonth(y, m); d++) if (wanted.has(weekday(dayOf(y, m, d)))) matches.push(dayOf(y, m, d));
  if (index === 'last') return matches[matches.length - 1];
  return matches[WEEK_INDEXES.indexOf(index)];
}

/** Stops runaway expansions: no window a request may ask about holds this many candidate dates. */
const MAX_STEPS = 200_000;

/**
 * The dates of a recurrence that lie in [fromDay, toDay], in order, computed as they are iterated. Dates before
 * fromDay still count towards a numbered range (at most 999 of them, walked as day numbers only); without a count,
 * whole periods before fromDay are skipped rather than walked, so a series that began years before the window
 * costs what the window holds. A day in a month that lacks it (the 31st) falls on the month's last day, as Outlook
 * schedules it.
 */
export function* occurrenceDaysFrom(rec: PatternedRecurrence, fromDay: number, toDay: number): Generator<number> {
  const { range } = rec;
  const start = parseDay(range.startDate)!;
  const end = range.type === 'endDate' ? parseDay(range.endDate)! : Infinity;
  const limit = range.type === 'numbered' ? range.numberOfOccurrences : Infinity;
  const last = Math.min(toDay, end);
  let counted = 0;
  let steps = 0;
  for (const day of candidateDays(rec, start, limit === Infinity ? fromDay : start)) {
    if (steps++ >= MAX_STEPS) return;
    if (day < start) continue;
    if (day > last || counted >= limit) return;
    counted += 1;
    if (day >= fromDay) yield day;
  }
}

/** The dates of a recurrence in [fromDay, toDay] (occurrenceDaysFrom, collected). */
export function occurrenceDays(rec: PatternedRecurrence, fromDay: number, toDay: number): number[] {
  return [...occurrenceDaysFrom(rec, fromDay, toDay)];
}

/** The pattern's dates in order, from the period before the one holding `skipTo` (the series' start at the latest). */
function* candidateDays(rec: PatternedRecurrence, start: number, skipTo: number): Generator<number> {
  const { pattern } = rec;
  const periodsBefore = (periodDays: number) => Math.max(0, Math.floor((skipTo - start) / periodDays) - 1);
  switch (pattern.type) {
    case 'daily':
      for (let k = periodsBefore(pattern.interval); ; k++) yield start + k * pattern.interval;
    case 'weekly': {
      const firstDow = DAYS_OF_WEEK.indexOf(pattern.firstDayOfWeek);
      const weekStart = start - ((weekday(start) - firstDow + 7) % 7);
      const order = Array.from({ length: 7 }, (_, i) => (firstDow + i) % 7).filter((dow) =>
        pattern.daysOfWeek.includes(DAYS_OF_WEEK[dow]),
      );
      if (order.length === 0) return;
      for (let w = periodsBefore(7 * pattern.interval); ; w++) {
        const base = weekStart + w * 7 * pattern.interval;
        for (const dow of order) yield base + ((dow - firstDow + 7) % 7);
      }
    }
    case 'absoluteMonthly':
    case 'relativeMonthly':
    case 'absoluteYearly':
    case 'relativeYearly': {
      const yearly = pattern.type.endsWith('Yearly');
      const s = ymd(start);
      const stepMonths = yearly ? 12 * pattern.interval : pattern.interval;
      const to = ymd(Math.max(skipTo, start));
      const skip = Math.max(0, Math.floor(((to.y - s.y) * 12 + to.m - s.m) / stepMonths) - 1);
      for (let k = skip; k < skip + MAX_STEPS; k++) {
        const monthIndex = (yearly ? s.y * 12 + pattern.month - 1 : s.y * 12 + s.m - 1) + k * stepMonths;
        const y = Math.floor(monthIndex / 12);
        const m = (monthIndex % 12) + 1;
        const day = pattern.type.startsWith('absolute')
          ? dayOf(y, m, Math.min(pattern.dayOfMonth, daysInMonth(y, m)))
          : relativeDay(y, m, pattern.daysOfWeek, pattern.index);
        // A month without the day asked for (a fifth Monday) has no occurrence; its place in the order is kept.
        if (day !== undefined) yield day;
      }
      return;
    }
  }
}

/** Whether a date is one of the series' dates (for an occurrence id or a seeded cancellation). */
export function isOccurrenceDay(rec: PatternedRecurrence, day: number): boolean {
  return occurrenceDays(rec, day, day).length === 1;
}
