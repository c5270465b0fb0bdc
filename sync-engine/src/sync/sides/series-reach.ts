/**
 * Whether a series master's pattern surely places an occurrence in a window. A series whose calendar view shows
 * nothing in the window either moved away beyond it (its occurrences cannot be followed) or had every occurrence
 * there deleted one by one (each a cancellation: a deletion). The master tells them apart: its start is its first
 * occurrence's, and its range bounds the last. Computed from bounds, not by expanding the pattern: when the answer is
 * not sure it is no, so a series that may have moved away is never taken for deleted (nothing is deleted that the
 * user did not delete).
 */
import { GraphEvent, PatternedRecurrence } from '../../graph/events';
import { EventWindow } from '../event-window';

const DAY_MS = 86_400_000;

/** The longest gap between two occurrences of a pattern with interval 1, in days (a month of 31, a year of 366). */
const LONGEST_GAP_DAYS: Record<PatternedRecurrence['pattern']['type'], number> = {
  daily: 1,
  weekly: 7,
  absoluteMonthly: 31,
  relativeMonthly: 35,
  absoluteYearly: 366,
  relativeYearly: 371,
};
/** The shortest time one round of a pattern with interval 1 takes, in days. */
const SHORTEST_ROUND_DAYS: Record<PatternedRecurrence['pattern']['type'], number> = {
  daily: 1,
  weekly: 7,
  absoluteMonthly: 28,
  relativeMonthly: 28,
  absoluteYearly: 365,
  relativeYearly: 364,
};

/** True when the master's pattern surely has an occurrence (cancelled or not) that starts inside the window. */
export function seriesReachesWindow(master: GraphEvent, window: EventWindow): boolean {
  const recurrence = master.recurrence;
  const first = firstStart(master);
  if (!recurrence || first === null || !(recurrence.pattern.type in LONGEST_GAP_DAYS)) return false;
  // An all-day series starts at midnight in the mailbox's zone, which may be a day either way of UTC's.
  const margin = master.isAllDay ? DAY_MS : 0;
  const from = window.start.getTime() + margin;
  const to = window.end.getTime() - margin;
  const interval = Math.max(1, recurrence.pattern.interval || 1);
  // Occurrences follow each other within `gap`; the first is within one of the master's start (on the pattern's
  // first day from it). One shorter than the window is needed to be sure of anything.
  const gap = LONGEST_GAP_DAYS[recurrence.pattern.type] * interval * DAY_MS;
  if (gap > to - from) return false;
  if (first >= from) return first + gap <= to;
  // The first occurrence lies before the window: when the last one starts inside it or after it, one starts inside.
  const lastAtLeast = lastOccurrenceAtLeast(first, recurrence, interval);
  return lastAtLeast !== null && lastAtLeast >= from;
}

/** A lower bound of the last occurrence's start (epoch ms), Infinity for a series without end, null when unknown. */
function lastOccurrenceAtLeast(
  first: number,
  { pattern, range }: PatternedRecurrence,
  interval: number,
): number | null {
  if (range.type === 'noEnd') return Infinity;
  if (range.type === 'endDate') {
    const end = Date.parse(`${range.endDate}T00:00:00Z`);
    if (Number.isNaN(end)) return null;
    // The last occurrence is within one gap before the end date (a day's margin for the series' own zone).
    return end - (LONGEST_GAP_DAYS[pattern.type] * interval + 1) * DAY_MS;
  }
  const count = range.numberOfOccurrences ?? 0;
  if (count < 1) return null;
  const perRound = pattern.type === 'weekly' ? Math.max(1, pattern.daysOfWeek?.length ?? 1) : 1;
  const rounds = Math.floor((count - 1) / perRound);
  // Within a week's round the last may fall up to six days before the first's weekday.
  const slack = pattern.type === 'weekly' && perRound > 1 ? 6 : 0;
  return first + Math.max(0, rounds * SHORTEST_ROUND_DAYS[pattern.type] * interval - slack) * DAY_MS;
}

/** The master's start (its first occurrence's) as epoch ms, read with times in UTC; null when in another zone. */
function firstStart(master: GraphEvent): number | null {
  const dateTime = master.start?.dateTime;
  if (!dateTime || ((master.start?.timeZone ?? 'UTC') !== 'UTC' && !master.isAllDay)) return null;
  const at = Date.parse(`${dateTime.replace(/(\.\d{3})\d*$/, '$1').replace(/Z$/, '')}Z`);
  return Number.isNaN(at) ? null : at;
}
