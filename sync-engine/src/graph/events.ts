/**
 * Outlook calendar events (WIRE.md section 9): a calendarView delta round over a time window (occurrences
 * and exceptions expanded, series masters fetched by id), and create / update / delete of single events
 * and series masters. Every request asks for times in UTC (`Prefer: outlook.timezone="UTC"`).
 */
import { GraphHttp, GraphRequest, seg } from './http';
import { ItemPaths, WriteOptions, deleteItem } from './items';
import { DeltaPage, DeltaResult, DEFAULT_PAGE_SIZE, deltaPages, listAll, preferOf, readDelta } from './paging';

export const UTC_PREFERENCE = 'outlook.timezone="UTC"';

/** `{"dateTime": "2017-08-14T21:00:00.0000000", "timeZone": "UTC"}`: no offset in dateTime. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface RecurrencePattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  month?: number;
  dayOfMonth?: number;
  daysOfWeek?: string[];
  firstDayOfWeek?: string;
  index?: string;
}

export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string;
  endDate?: string;
  recurrenceTimeZone?: string;
  numberOfOccurrences?: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

/** A Graph event; the fields the synchronizer maps are typed, the rest pass through. */
export interface GraphEvent {
  id?: string;
  '@odata.etag'?: string;
  changeKey?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  subject?: string | null;
  body?: { contentType: 'text' | 'html'; content: string };
  start?: DateTimeTimeZone;
  end?: DateTimeTimeZone;
  isAllDay?: boolean;
  location?: { displayName?: string };
  showAs?: string;
  sensitivity?: string;
  importance?: string;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  /** Read-only. */
  type?: EventType;
  /** The master's id for occurrences and exceptions, else null. */
  seriesMasterId?: string | null;
  /** Set on series masters only. */
  recurrence?: PatternedRecurrence | null;
  isCancelled?: boolean;
  categories?: string[];
  [field: string]: unknown;
}

/** The time window of a calendar view; start and end are encoded into the delta tokens. */
export interface EventWindow {
  start: Date | string;
  end: Date | string;
}

export interface EventsOptions {
  maxPageSize?: number;
  /** The window of the first delta round when none is given. */
  defaultWindow?: () => EventWindow;
}

export class Events {
  constructor(
    private readonly http: GraphHttp,
    private readonly o: EventsOptions = {},
  ) {}

  /**
   * One calendarView delta round: from a saved deltaLink, or from the start over `window` (default: the
   * options' defaultWindow).
   */
  async delta(deltaLink?: string, window?: EventWindow): Promise<DeltaResult<GraphEvent>> {
    return readDelta(this.deltaPages(deltaLink, window));
  }

  /** The same round page by page; the generator returns the deltaLink. */
  deltaPages(deltaLink?: string, window?: EventWindow, first?: unknown): AsyncGenerator<DeltaPage<GraphEvent>, string> {
    const paging = { maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE, prefer: [UTC_PREFERENCE], first };
    if (deltaLink) return deltaPages<GraphEvent>(this.http, { deltaLink }, paging);
    const w = window ?? this.o.defaultWindow?.();
    if (!w) throw new TypeError('the first calendarView delta round needs a time window');
    return deltaPages<GraphEvent>(this.http, { path: '/me/calendarView/delta' }, { ...paging, query: windowQuery(w) });
  }

  /** The request of a delta round's first page from a saved deltaLink (for a `$batch`). */
  deltaRequest(deltaLink: string): GraphRequest {
    const prefer = preferOf({ maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE, prefer: [UTC_PREFERENCE] });
    return { method: 'GET', path: deltaLink, prefer };
  }

  /** Occurrences and exceptions of a series within a window. */
  instances(seriesMasterId: string, window: EventWindow): Promise<GraphEvent[]> {
    return listAll<GraphEvent>(this.http, `/me/events/${seg(seriesMasterId)}/instances`, {
      query: windowQuery(window),
      maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE,
      prefer: [UTC_PREFERENCE],
    });
  }

  /** Where events are written and read one by one (times in UTC). */
  async paths(): Promise<ItemPaths> {
    return { collection: '/me/events', item: (id) => `/me/events/${seg(id)}`, prefer: [UTC_PREFERENCE] };
  }

  /** An event, occurrence or series master by id. */
  get(id: string): Promise<GraphEvent> {
    return this.http.get<GraphEvent>(`/me/events/${seg(id)}`, { prefer: [UTC_PREFERENCE] });
  }

  /** `POST /me/events` → 201; with `recurrence` set this creates a series and returns its master. */
  async create(event: GraphEvent): Promise<GraphEvent> {
    return (
      await this.http.request<GraphEvent>({ method: 'POST', path: '/me/events', body: event, prefer: [UTC_PREFERENCE] })
    ).data;
  }

  /** `PATCH` only the fields given (on a master: the whole series) → 200 with the whole event. */
  async update(id: string, changes: Partial<GraphEvent>, o: WriteOptions = {}): Promise<GraphEvent> {
    return (
      await this.http.request<GraphEvent>({
        method: 'PATCH',
        path: `/me/events/${seg(id)}`,
        body: changes,
        ifMatch: o.ifMatch,
        prefer: [UTC_PREFERENCE],
      })
    ).data;
  }

  /** `DELETE` → 204; deleting a series master deletes the series. */
  delete(id: string, o: WriteOptions = {}): Promise<void> {
    return deleteItem(this.http, `/me/events/${seg(id)}`, o);
  }
}

/** `startDateTime` / `endDateTime` as ISO 8601 UTC without fractions. */
export function windowQuery(w: EventWindow): Record<string, string> {
  return { startDateTime: isoUtc(w.start), endDateTime: isoUtc(w.end) };
}

function isoUtc(d: Date | string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a date: ${String(d)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
