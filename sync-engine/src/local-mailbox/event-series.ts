/**
 * Events as Graph models recurrence (WIRE.md 9.1): a series master with a pattern, occurrences computed from
 * it (no row of their own), exceptions (an occurrence that was changed: a row keyed by the occurrence's id)
 * and cancelled occurrences (a list on the master). A single event is a "series" without a pattern, so one
 * function turns any stored event into the instances a calendar view shows, and one renders an instance.
 *
 * Times: a timed event's wall clock is kept in its own zone, so a weekly 09:00 New York meeting stays at
 * 09:00 New York across a daylight-saving change and moves in UTC. An all-day event is floating: midnight
 * to midnight in whatever zone it is shown in; for windows it is placed in the mailbox's time zone.
 */
import crypto from 'node:crypto';
import { ItemRow, MailboxRecord, MailboxStore, ReadStats } from './store';
import { PatternedRecurrence, occurrenceDaysFrom } from './recurrence';
import {
  DAY,
  MINUTE,
  formatGraphDateTime,
  formatTimestamp,
  parseGraphDateTime,
  resolveTimeZone,
  utcToWall,
  wallToUtc,
} from './time-zones';
import { etagOf, occurrenceId } from './ids';
import { Obj } from './properties';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** A master (or single event) with its exceptions: the unit a calendar change touches. */
export interface SeriesState {
  master: ItemRow;
  exceptions: ItemRow[];
}

export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

export interface Instance {
  id: string;
  type: EventType;
  /** The row whose properties it shows (the master for an occurrence). */
  row: ItemRow;
  masterId: string | null;
  /** UTC, epoch ms. */
  start: number;
  end: number;
  allDay: boolean;
  /** All-day events: the floating dates as wall times. */
  startWall: number;
  endWall: number;
  /** Occurrences and exceptions: where the pattern put them (UTC). */
  originalStart?: number;
  changeKey: string;
}

/** The zone a response shows times in: the one `Prefer: outlook.timezone` asked for, else UTC. */
export interface View {
  zoneName: string;
  iana: string;
}

export const UTC_VIEW: View = { zoneName: 'UTC', iana: 'UTC' };

export interface EventTimes {
  start: number;
  end: number;
  startWall: number;
  endWall: number;
  allDay: boolean;
  /** IANA zone of the start (the mailbox's for an all-day event). */
  zone: string;
}

const wallOf = (t: DateTimeTimeZone) => parseGraphDateTime(t.dateTime)!.wall;

/** When a stored event starts and ends. */
export function eventTimes(props: Obj, mailboxZone: string): EventTimes {
  const s = props.start as DateTimeTimeZone;
  const e = props.end as DateTimeTimeZone;
  const sw = wallOf(s);
  const ew = wallOf(e);
  if (props.isAllDay === true)
    return {
      start: wallToUtc(sw, mailboxZone),
      end: wallToUtc(ew, mailboxZone),
      startWall: sw,
      endWall: ew,
      allDay: true,
      zone: mailboxZone,
    };
  const zone = resolveTimeZone(s.timeZone)!;
  const [start, end] = wallSpanToUtc(sw, zone, ew, resolveTimeZone(e.timeZone)!);
  return { start, end, startWall: sw, endWall: utcToWall(end, zone), allDay: false, zone };
}

/**
 * The instants of a wall-clock start and end. A start the spring-forward skips (02:30 on the day 02:00 jumps to
 * 03:00) moves ahead by the gap, and the end moves with it, as Exchange does: 02:30-03:30 becomes 03:30-04:30 and
 * keeps its hour, where the end taken alone (03:30) would leave nothing, or end a half-hour event before its start.
 */
export function wallSpanToUtc(
  startWall: number,
  startZone: string,
  endWall: number,
  endZone: string,
): [number, number] {
  const start = wallToUtc(startWall, startZone);
  const gap = utcToWall(start, startZone) - startWall;
  return [start, wallToUtc(endWall + Math.max(gap, 0), endZone)];
}

interface Occurrence {
  originalStart: number;
  start: number;
  end: number;
  startWall: number;
  endWall: number;
}

/**
 * The pattern's occurrences of a master that may touch [from, to) (a day's margin each side), in order, computed
 * as they are iterated and counted in `stats`: a page that takes ten computes about ten.
 */
function* occurrences(
  master: ItemRow,
  mailboxZone: string,
  from: number,
  to: number,
  stats?: ReadStats,
): Generator<Occurrence> {
  const props = master.data.props;
  const rec = props.recurrence as PatternedRecurrence;
  const t = eventTimes(props, mailboxZone);
  let zone: string;
  let timeOfDay: number;
  let duration: number;
  if (t.allDay) {
    zone = mailboxZone;
    timeOfDay = 0;
    duration = t.endWall - t.startWall;
  } else {
    zone = resolveTimeZone(rec.range.recurrenceTimeZone) ?? t.zone;
    const sw = utcToWall(t.start, zone);
    timeOfDay = ((sw % DAY) + DAY) % DAY;
    duration = utcToWall(t.end, zone) - sw;
  }
  const fromDay = Math.floor((from - Math.max(duration, 0)) / DAY) - 2;
  const toDay = Math.floor(to / DAY) + 2;
  for (const day of occurrenceDaysFrom(rec, fromDay, toDay)) {
    if (stats) stats.occurrences += 1;
    const startWall = day * DAY + timeOfDay;
    const endWall = startWall + duration;
    const [start, end] = wallSpanToUtc(startWall, zone, endWall, zone);
    yield { originalStart: start, start, end, startWall, endWall };
  }
}

const overlaps = (start: number, end: number, from: number, to: number) =>
  start < to && (end > from || (start === end && start >= from));
const cancelledOf = (master: ItemRow) => new Set((master.data.sys.cancelled as number[] | undefined) ?? []);
const minutes = (utc: number) => Math.round(utc / MINUTE);

/** The instance a master or single event is itself (what `GET /me/events/{id}` shows). */
export function masterInstance(row: ItemRow, mailboxZone: string): Instance {
  const t = eventTimes(row.data.props, mailboxZone);
  return {
    id: row.id,
    type: row.data.props.recurrence ? 'seriesMaster' : 'singleInstance',
    row,
    masterId: null,
    start: t.start,
    end: t.end,
    allDay: t.allDay,
    startWall: t.startWall,
    endWall: t.endWall,
    changeKey: row.changeKey,
  };
}

function exceptionInstance(x: ItemRow, mailboxZone: string): Instance {
  const t = eventTimes(x.data.props, mailboxZone);
  return {
    id: x.id,
    type: 'exception',
    row: x,
    masterId: x.parent,
    start: t.start,
    end: t.end,
    allDay: t.allDay,
    startWall: t.startWall,
    endWall: t.endWall,
    originalStart: x.data.sys.originalStart as number,
    changeKey: x.changeKey,
  };
}

function occurrenceInstance(master: ItemRow, o: Occurrence, allDay: boolean): Instance {
  return {
    id: occurrenceId(master.id, o.originalStart),
    type: 'occurrence',
    row: master,
    masterId: master.id,
    start: o.start,
    end: o.end,
    allDay,
    startWall: o.startWall,
    endWall: o.endWall,
    originalStart: o.originalStart,
    changeKey: master.changeKey,
  };
}

/** Where an instance sits in a calendar's order: its start, then its id. */
export type InstanceKey = [number, string];

/** Order instances by start, then id. */
export function compareInstances(a: Instance, b: Instance): number {
  return a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const isAfter = (i: Instance, key: InstanceKey | undefined) =>
  !key || i.start > key[0] || (i.start === key[0] && i.id > key[1]);

/**
 * What a calendar view of [from, to) shows of a series (occurrences, exceptions, or the single event), in (start,
 * id) order after `after`, computed as iterated: the pattern is expanded from the window's start (or the cursor's),
 * never from the series' start, and only as far as the reader goes.
 */
export function* seriesInstancesFrom(
  series: SeriesState,
  mailboxZone: string,
  from: number,
  to: number,
  after?: InstanceKey,
  stats?: ReadStats,
): Generator<Instance> {
  const { master } = series;
  if (!master.data.props.recurrence) {
    const single = masterInstance(master, mailboxZone);
    if (overlaps(single.start, single.end, from, to) && isAfter(single, after)) yield single;
    return;
  }
  const cancelled = cancelledOf(master);
  const replaced = new Set(series.exceptions.map((x) => minutes(x.data.sys.originalStart as number)));
  const allDay = master.data.props.isAllDay === true;
  const exceptions = series.exceptions
    .map((x) => exceptionInstance(x, mailboxZone))
    .filter((x) => overlaps(x.start, x.end, from, to) && isAfter(x, after))
    .sort(compareInstances);
  const pattern = occurrences(master, mailboxZone, after ? Math.max(from, after[0]) : from, to, stats);
  // Pulled by hand: a for-of left early would close the generator.
  const nextOccurrence = (): Instance | undefined => {
    for (let n = pattern.next(); !n.done; n = pattern.next()) {
      const o = n.value;
      if (o.start >= to) return undefined;
      if (
        cancelled.has(minutes(o.originalStart)) ||
        replaced.has(minutes(o.originalStart)) ||
        !overlaps(o.start, o.end, from, to)
      )
        continue;
      const inst = occurrenceInstance(master, o, allDay);
      if (isAfter(inst, after)) return inst;
    }
    return undefined;
  };
  let occurrence = nextOccurrence();
  let x = 0;
  while (occurrence || x < exceptions.length) {
    if (occurrence && (x === exceptions.length || compareInstances(occurrence, exceptions[x]) < 0)) {
      yield occurrence;
      occurrence = nextOccurrence();
    } else {
      yield exceptions[x++];
    }
  }
}

/** Everything a calendar view of [from, to) shows of a series, in (start, id) order. */
export function seriesInstances(
  series: SeriesState,
  mailboxZone: string,
  from: number,
  to: number,
  stats?: ReadStats,
): Instance[] {
  return [...seriesInstancesFrom(series, mailboxZone, from, to, undefined, stats)];
}

/**
 * The occurrence or exception of a series that originally starts at `originalStart`, or undefined when the
 * pattern has no such occurrence or it was cancelled.
 */
export function instanceAt(
  series: SeriesState,
  mailboxZone: string,
  originalStart: number,
  stats?: ReadStats,
): Instance | undefined {
  const { master } = series;
  if (!master.data.props.recurrence) return undefined;
  const x = series.exceptions.find((e) => minutes(e.data.sys.originalStart as number) === minutes(originalStart));
  if (x) return exceptionInstance(x, mailboxZone);
  if (cancelledOf(master).has(minutes(originalStart))) return undefined;
  const o = [...occurrences(master, mailboxZone, originalStart - DAY, originalStart + DAY, stats)].find(
    (c) => minutes(c.originalStart) === minutes(originalStart),
  );
  return o ? occurrenceInstance(master, o, master.data.props.isAllDay === true) : undefined;
}

/**
 * The instance of `series` that is `inst` (the same id) as it shows in [from, to), or undefined when the series
 * has no such instance there now: how a later delta round tells a changed instance from a new or removed one
 * without expanding the whole window.
 */
export function sameInstance(
  series: SeriesState | null | undefined,
  mailboxZone: string,
  inst: Instance,
  from: number,
  to: number,
  stats?: ReadStats,
): Instance | undefined {
  if (!series) return undefined;
  const found =
    inst.originalStart === undefined
      ? series.master.id === inst.id && !series.master.data.props.recurrence
        ? masterInstance(series.master, mailboxZone)
        : undefined
      : instanceAt(series, mailboxZone, inst.originalStart, stats);
  return found && found.id === inst.id && overlaps(found.start, found.end, from, to) ? found : undefined;
}

/** The occurrence a series' pattern puts on a local date (in the series' zone), cancelled or not. */
export function occurrenceOnDay(master: ItemRow, mailboxZone: string, day: number): Instance | undefined {
  if (!master.data.props.recurrence) return undefined;
  const o = [...occurrences(master, mailboxZone, (day - 1) * DAY, (day + 2) * DAY)].find(
    (c) => Math.floor(c.startWall / DAY) === day,
  );
  return o ? occurrenceInstance(master, o, master.data.props.isAllDay === true) : undefined;
}

/** A master or single event with its exceptions, or undefined when there is none with this id. */
export function loadSeries(store: MailboxStore, masterId: string): SeriesState | undefined {
  const master = store.getItem(masterId);
  if (!master || master.kind !== 'event') return undefined;
  return { master, exceptions: store.items(master.mailbox, 'exception', master.id) };
}

/** What Graph shows for properties an event was created without. */
export const EVENT_DEFAULTS: Obj = {
  subject: '',
  body: { contentType: 'html', content: '' },
  isAllDay: false,
  recurrence: null,
  location: {},
  locations: [],
  attendees: [],
  categories: [],
  importance: 'normal',
  sensitivity: 'normal',
  showAs: 'busy',
  isReminderOn: true,
  reminderMinutesBeforeStart: 15,
  responseRequested: true,
  isOnlineMeeting: false,
  allowNewTimeProposals: true,
  hideAttendees: false,
};

function renderLocation(l: Obj): Obj {
  return { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {}, ...l };
}

/** The plain text Graph previews a body with (first 255 characters, markup removed). */
export function bodyPreview(body: Obj): string {
  const content = String(body.content ?? '');
  const text =
    body.contentType === 'html'
      ? content
          .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
          .replace(/<[^>]*>/g, ' ')
          .replace(/&nbsp;/g, ' ')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&')
      : content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function iCalUId(id: string): string {
  return `040000008200E00074C5B7101A82E00800000000${crypto.createHash('sha256').update(id).digest('hex').slice(0, 48).toUpperCase()}`;
}

/** An instance as Graph returns it (WIRE.md 9.1); in delta pages with `@odata.type` first (9.2). */
export function renderInstance(inst: Instance, mailbox: MailboxRecord, view: View, inDelta: boolean): Obj {
  const p: Obj = { ...EVENT_DEFAULTS, ...inst.row.data.props };
  const start = p.start as DateTimeTimeZone;
  const end = p.end as DateTimeTimeZone;
  const at = (utc: number, wall: number): DateTimeTimeZone => ({
    dateTime: formatGraphDateTime(inst.allDay ? wall : utcToWall(utc, view.iana)),
    timeZone: view.zoneName,
  });
  const location = renderLocation(p.location as Obj);
  const locations = (p.locations as Obj[]).length
    ? (p.locations as Obj[]).map(renderLocation)
    : location.displayName
      ? [location]
      : [];
  return {
    ...(inDelta ? { '@odata.type': '#microsoft.graph.event' } : {}),
    '@odata.etag': etagOf(inst.changeKey),
    id: inst.id,
    createdDateTime: formatTimestamp(inst.row.created, true),
    lastModifiedDateTime: formatTimestamp(inst.row.modified, true),
    changeKey: inst.changeKey,
    categories: p.categories,
    transactionId:
      (inst.type === 'occurrence' ? null : (inst.row.data.sys.transactionId as string | undefined)) ?? null,
    originalStartTimeZone: start.timeZone,
    originalEndTimeZone: end.timeZone,
    iCalUId: iCalUId(inst.id),
    reminderMinutesBeforeStart: p.reminderMinutesBeforeStart,
    isReminderOn: p.isReminderOn,
    hasAttachments: false,
    subject: p.subject,
    bodyPreview: bodyPreview(p.body as Obj),
    importance: p.importance,
    sensitivity: p.sensitivity,
    isAllDay: inst.allDay,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: p.responseRequested,
    seriesMasterId: inst.masterId,
    showAs: p.showAs,
    type: inst.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(inst.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: p.isOnlineMeeting,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: p.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: p.hideAttendees,
    ...(inst.originalStart !== undefined ? { originalStart: formatTimestamp(inst.originalStart, false) } : {}),
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: p.body,
    start: at(inst.start, inst.startWall),
    end: at(inst.end, inst.endWall),
    location,
    locations,
    recurrence: inst.type === 'seriesMaster' ? p.recurrence : null,
    attendees: p.attendees,
    organizer: { emailAddress: { name: mailbox.displayName, address: mailbox.user } },
    onlineMeeting: null,
  };
}

/** A time in the zone of an event's start, for an exception made from an occurrence. */
export function inZoneOf(start: DateTimeTimeZone, utc: number, wall: number, allDay: boolean): DateTimeTimeZone {
  if (allDay) return { dateTime: formatGraphDateTime(wall), timeZone: start.timeZone };
  return { dateTime: formatGraphDateTime(utcToWall(utc, resolveTimeZone(start.timeZone)!)), timeZone: start.timeZone };
}
