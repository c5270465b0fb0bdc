/**
 * Time zones as Graph names them: IANA names (checked with Intl) and Windows names (the CLDR windowsZones
 * table, territory 001). Conversions between wall-clock time and UTC go through Intl, so they follow each
 * zone's daylight-saving rules.
 *
 * A "wall" time is a local date and time written as milliseconds since the epoch as if that local time were
 * UTC: 2026-03-09 09:00 in New York is Date.UTC(2026, 2, 9, 9). Keeping it a number makes date arithmetic
 * (add a day, take the time of day) exact and zone-free.
 */

export { WINDOWS_ZONES, resolveTimeZone } from '../common/time-zone-names';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(iana: string): Intl.DateTimeFormat {
  let f = formatters.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(iana, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in milliseconds (New York in winter: -5 h). */
export function offsetAt(utc: number, iana: string): number {
  if (iana === 'UTC') return 0;
  const whole = Math.floor(utc / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of formatter(iana).formatToParts(new Date(whole))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const asUtc = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - whole;
}

/** The wall time in a zone at an instant. */
export function utcToWall(utc: number, iana: string): number {
  return utc + offsetAt(utc, iana);
}

/**
 * The instant a wall time in a zone names. A wall time that does not exist (skipped by a spring-forward)
 * moves forward by the gap, as Outlook does; one that exists twice (fall-back) is the first of the two.
 */
export function wallToUtc(wall: number, iana: string): number {
  if (iana === 'UTC') return wall;
  const first = wall - offsetAt(wall, iana);
  const firstOffset = offsetAt(first, iana);
  const second = wall - firstOffset;
  if (first === second) return first;
  const secondOffset = offsetAt(second, iana);
  if (secondOffset === firstOffset) return second;
  // In a gap neither guess maps back to the wall time: take the one before the change plus the gap.
  return Math.max(first, second);
}

const GRAPH_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A parsed Graph `dateTime`: the wall time, plus the instant when the text carried an offset. */
export interface ParsedDateTime {
  wall: number;
  /** Set when the text ends in `Z` or an offset: then it names an instant, not a wall time. */
  instant?: number;
}

/** Parse `YYYY-MM-DD[THH:MM[:SS[.fffffff]]][Z|±HH:MM]`, or undefined when it is no valid date and time. */
export function parseGraphDateTime(text: string): ParsedDateTime | undefined {
  const m = GRAPH_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (!m[8]) return { wall };
  if (m[8] === 'Z') return { wall, instant: wall };
  const sign = m[8][0] === '-' ? -1 : 1;
  const digits = m[8].slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * HOUR + Number(digits.slice(2)) * MINUTE);
  return { wall, instant: wall - offset };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Graph's `dateTimeTimeZone.dateTime` form: `2017-08-14T21:00:00.0000000` (7 fractional digits, no offset). */
export function formatGraphDateTime(wall: number): string {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}0000`;
}

/** An instant as Graph writes timestamps: `2017-07-31T18:59:01.9820000Z`, or `2017-02-07T13:38:33Z` for contacts. */
export function formatTimestamp(utc: number, fraction: boolean): string {
  const iso = new Date(utc).toISOString();
  return fraction ? `${iso.slice(0, 23)}0000Z` : `${iso.slice(0, 19)}Z`;
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function formatDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** The day number of `YYYY-MM-DD`, or undefined when it is not a real date. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return Date.UTC(y, mo - 1, d) / DAY;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
