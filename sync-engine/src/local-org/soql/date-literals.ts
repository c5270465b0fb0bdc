/**
 * SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_MONTH, ...) as half-open UTC ranges [start, end). The org's
 * time zone and fiscal year are UTC and the calendar year, and weeks start on Sunday (en_US), so the ranges
 * need no locale.
 */

export interface DateRange {
  start: Date;
  end: Date;
}

type Unit = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

function startOf(unit: Unit, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (unit) {
    case 'DAY':
      return new Date(Date.UTC(y, m, d));
    case 'WEEK':
      return new Date(Date.UTC(y, m, d - now.getUTCDay()));
    case 'MONTH':
      return new Date(Date.UTC(y, m, 1));
    case 'QUARTER':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'YEAR':
      return new Date(Date.UTC(y, 0, 1));
  }
}

function add(unit: Unit, date: Date, n: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (unit) {
    case 'DAY':
      return new Date(Date.UTC(y, m, d + n));
    case 'WEEK':
      return new Date(Date.UTC(y, m, d + 7 * n));
    case 'MONTH':
      return new Date(Date.UTC(y, m + n, d));
    case 'QUARTER':
      return new Date(Date.UTC(y, m + 3 * n, d));
    case 'YEAR':
      return new Date(Date.UTC(y + n, m, d));
  }
}

/** Units start..end counted from the start of the current unit (0 = this one). */
function span(unit: Unit, now: Date, from: number, to: number): DateRange {
  const base = startOf(unit, now);
  return { start: add(unit, base, from), end: add(unit, base, to) };
}

const FIXED: Record<string, (now: Date) => DateRange> = {
  YESTERDAY: (now) => span('DAY', now, -1, 0),
  TODAY: (now) => span('DAY', now, 0, 1),
  TOMORROW: (now) => span('DAY', now, 1, 2),
  // LAST_90_DAYS includes today: 91 days in all, as LAST_N_DAYS:90.
  LAST_90_DAYS: (now) => span('DAY', now, -90, 1),
  NEXT_90_DAYS: (now) => span('DAY', now, 1, 91),
};

for (const unit of ['WEEK', 'MONTH', 'QUARTER', 'YEAR'] as Unit[]) {
  for (const fiscal of unit === 'QUARTER' || unit === 'YEAR' ? ['', 'FISCAL_'] : ['']) {
    FIXED[`LAST_${fiscal}${unit}`] = (now) => span(unit, now, -1, 0);
    FIXED[`THIS_${fiscal}${unit}`] = (now) => span(unit, now, 0, 1);
    FIXED[`NEXT_${fiscal}${unit}`] = (now) => span(unit, now, 1, 2);
  }
}

/** The range of a literal such as `TODAY` or `LAST_N_DAYS:5`, or undefined when it is not one. */
export function dateLiteralRange(literal: string, now: Date): DateRange | undefined {
  const upper = literal.toUpperCase();
  const fixed = FIXED[upper];
  if (fixed) return fixed(now);
  const m = /^(LAST|NEXT|)_?N_(FISCAL_)?(DAY|WEEK|MONTH|QUARTER|YEAR)S(_AGO)?:(\d+)$/.exec(upper);
  if (!m) return undefined;
  const [, direction, , unit, ago, count] = m;
  const n = Number(count);
  if (!Number.isSafeInteger(n) || n > 1_000_000) return undefined;
  const u = unit as Unit;
  let range: DateRange | undefined;
  if (ago && !direction) range = span(u, now, -n, -n + 1);
  else if (direction === 'LAST' && !ago) range = u === 'DAY' ? span(u, now, -n, 1) : span(u, now, -n, 0);
  else if (direction === 'NEXT' && !ago) range = span(u, now, 1, n + 1);
  return range && inCalendar(range.start) && inCalendar(range.end) ? range : undefined;
}

/** Four-digit years only, so the ISO strings stay comparable with the stored ones. */
function inCalendar(d: Date): boolean {
  const y = d.getUTCFullYear();
  return !Number.isNaN(d.getTime()) && y >= 0 && y <= 9999;
}
