/**
 * The time window of a calendar view, its delta and a series' instances (`startDateTime`, `endDateTime`), and the
 * longest one Exchange takes: 1,825 days. Past it Graph answers 400 `ErrorInvalidRequest` "Your request can't be
 * completed. The range between the start and end dates is greater than the allowed range. Maximum number of
 * days: 1825" (captured from Graph in microsoftgraph/microsoft-graph-docs-contrib#6321; EWS's older limit was two
 * years, `ErrorCalendarViewRangeTooBig`). A window of 0001-9999 once cost 11-42 s and 2.4 GB a request.
 */
import { GraphError, graphErrors } from './errors';
import { DAY, parseGraphDateTime } from './time-zones';

export const MAX_WINDOW_DAYS = 1825;

/** A window of [start, end) in UTC epoch ms. */
export type CalendarWindow = [number, number];

/** `startDateTime`/`endDateTime` of a request: with an offset as given, without one as UTC; too long is a 400. */
export function windowOf(q: Map<string, string>): CalendarWindow {
  const s = q.get('startdatetime');
  const e = q.get('enddatetime');
  if (s === undefined || e === undefined) {
    throw graphErrors.invalidParameter(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  const ps = parseGraphDateTime(s.trim());
  const pe = parseGraphDateTime(e.trim());
  if (!ps)
    throw graphErrors.invalidParameter(
      `The value '${s.slice(0, 60)}' of parameter 'StartDateTime' is not a date and time.`,
    );
  if (!pe)
    throw graphErrors.invalidParameter(
      `The value '${e.slice(0, 60)}' of parameter 'EndDateTime' is not a date and time.`,
    );
  const window: CalendarWindow = [ps.instant ?? ps.wall, pe.instant ?? pe.wall];
  if (window[1] <= window[0]) throw graphErrors.invalidParameter('EndDateTime must be after StartDateTime.');
  checkWindow(window);
  return window;
}

/** Refuse a window longer than Exchange takes (also one carried in a delta token made before the limit). */
export function checkWindow([from, to]: CalendarWindow): void {
  if (to - from > MAX_WINDOW_DAYS * DAY) throw windowTooBig();
}

function windowTooBig(): GraphError {
  return new GraphError(
    400,
    'ErrorInvalidRequest',
    `Your request can't be completed. The range between the start and end dates is greater than the allowed range. Maximum number of days: ${MAX_WINDOW_DAYS}`,
  );
}
