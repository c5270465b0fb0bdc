/** The calendar window both sides sync: 30 days back to 365 days ahead, as the Outlook side's calendar view. */
import { CanonicalEvent } from './types';

export const EVENT_WINDOW = { backDays: 30, aheadDays: 365 };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface EventWindow {
  start: Date;
  end: Date;
}

export function eventWindow(now: Date): EventWindow {
  return {
    start: new Date(now.getTime() - EVENT_WINDOW.backDays * DAY_MS),
    end: new Date(now.getTime() + EVENT_WINDOW.aheadDays * DAY_MS),
  };
}

/**
 * When an event may lie, as UTC epoch ms: [earliest start, latest start] and [earliest end, latest end]. A timed event
 * is where it says. An all-day event's dates are midnights in the mailbox's zone, which we do not know: anywhere from
 * UTC-12 to UTC+14.
 */
function bounds(e: Pick<CanonicalEvent, 'start' | 'end' | 'isAllDay'>): {
  start: [number, number];
  end: [number, number];
} {
  if (!e.isAllDay) {
    const start = Date.parse(e.start);
    const end = Date.parse(e.end);
    return { start: [start, start], end: [end, end] };
  }
  const start = Date.parse(`${e.start}T00:00:00Z`);
  const end = Date.parse(`${e.end}T00:00:00Z`);
  return { start: [start - 14 * HOUR_MS, start + 12 * HOUR_MS], end: [end - 14 * HOUR_MS, end + 12 * HOUR_MS] };
}

/**
 * Whether an event lies in the window whatever the reading: a calendar view shows what overlaps [start, end), a
 * Salesforce read what ends at or after the start and starts at or before the end; inside means both would list it.
 * Unparseable times are neither inside nor outside.
 */
export function surelyInside(e: Pick<CanonicalEvent, 'start' | 'end' | 'isAllDay'>, w: EventWindow): boolean {
  const b = bounds(e);
  return b.start[1] < w.end.getTime() && b.end[0] > w.start.getTime();
}

/** Whether an event lies outside the window whatever the reading: neither side would list it. */
export function surelyOutside(e: Pick<CanonicalEvent, 'start' | 'end' | 'isAllDay'>, w: EventWindow): boolean {
  const b = bounds(e);
  return b.end[1] < w.start.getTime() || b.start[0] > w.end.getTime();
}
