/**
 * When a stored event can show, kept in the store beside it (store.ts `span_start`/`span_end`), so a calendar
 * window reads only the events that can fall in it: a single event's own start and end; for a series, from its
 * first possible occurrence to the end of its last (open-ended without an end date), widened by its exceptions,
 * which may have moved anywhere. A series' span is a bound, with two days' margin for time zones: a calendar view
 * expands the pattern itself.
 */
import { END_OF_TIME, EventSpan, ItemRow, MailboxStore } from './store';
import { PatternedRecurrence, occurrenceDaysFrom } from './recurrence';
import { eventTimes, loadSeries } from './event-series';
import { DAY, parseDay, resolveTimeZone } from './time-zones';

const MARGIN = 2 * DAY;

/** The span of a master or single event with its exceptions (in the mailbox's zone, for all-day events). */
export function eventSpan(master: ItemRow, exceptions: readonly ItemRow[], mailboxZone: string): EventSpan {
  const props = master.data.props;
  const t = eventTimes(props, mailboxZone);
  const rec = props.recurrence as PatternedRecurrence | null | undefined;
  if (!rec) return { start: t.start, end: t.end, recurring: false };
  const duration = Math.max(t.allDay ? t.endWall - t.startWall : t.end - t.start, 0);
  const firstDay = parseDay(rec.range.startDate)!;
  let start = Math.min(t.start, firstDay * DAY) - MARGIN;
  let end: number;
  if (rec.range.type === 'noEnd') end = END_OF_TIME;
  else {
    // A numbered range ends at its last occurrence (999 at most, walked as day numbers).
    let lastDay = rec.range.type === 'endDate' ? parseDay(rec.range.endDate)! : firstDay;
    if (rec.range.type === 'numbered')
      for (const day of occurrenceDaysFrom(rec, firstDay, Number.MAX_SAFE_INTEGER)) lastDay = day;
    end = Math.max(t.end, (lastDay + 1) * DAY + duration) + MARGIN;
  }
  for (const x of exceptions) {
    const xt = eventTimes(x.data.props, mailboxZone);
    start = Math.min(start, xt.start);
    end = Math.max(end, xt.end);
  }
  return { start, end, recurring: true };
}

/** Give every event stored before spans were kept its span (once, when a store made by an older version opens). */
export function fillEventSpans(store: MailboxStore): number {
  const zones = new Map(store.mailboxes().map((m) => [m.no, resolveTimeZone(m.timeZone) ?? 'UTC']));
  let filled = 0;
  for (;;) {
    const rows = store.eventsWithoutSpan(500);
    if (rows.length === 0) return filled;
    store.transaction(() => {
      for (const row of rows) {
        const series = loadSeries(store, row.id)!;
        store.setEventSpan(row, eventSpan(series.master, series.exceptions, zones.get(row.mailbox) ?? 'UTC'));
      }
    });
    filled += rows.length;
  }
}
