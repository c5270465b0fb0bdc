/**
 * Microsoft Graph contacts, events and To Do tasks <-> canonical records. Events are read with
 * `Prefer: outlook.timezone="UTC"`, so their times are UTC instants; all-day events keep their dates.
 */
import { SyncObject } from '../objects';
import { Canonical, CanonicalContact, CanonicalEvent, CanonicalTask, SideChange } from '../types';
import { GraphContact } from '../../graph/contacts';
import { GraphEvent } from '../../graph/events';
import { GraphTask } from '../../graph/todo';
import { cleanText } from '../canonical';
import { UnsyncedEntries, syncedIndex } from '../contact-entries';

const str = cleanText;

/** A Graph dateTime in UTC (`2026-03-08T14:00:00.0000000`) as an ISO instant. */
function utcInstant(dateTime: string): string {
  return new Date(`${dateTime.replace(/(\.\d{3})\d*$/, '$1').replace(/Z$/, '')}Z`).toISOString();
}

/**
 * The mailbox's time zone, for To Do due dates: a due date is a day in the mailbox's zone, which To Do keeps as the
 * instant that day starts there. `name` as Graph gives it (Windows or IANA, what we write back), `iana` resolved.
 */
export interface MailboxZone {
  name: string;
  iana: string;
}

const SHOW_AS: Record<string, CanonicalEvent['showAs']> = {
  busy: 'busy',
  free: 'free',
  oof: 'oof',
  tentative: 'busy',
  workingElsewhere: 'busy',
};

/** `unsynced`: a contact's entries that are not synced (contact-entries.ts); by default the first entry is. */
export function fromOutlook(
  object: SyncObject,
  item: Record<string, unknown>,
  zone: MailboxZone | null = null,
  unsynced?: UnsyncedEntries,
): Canonical {
  switch (object) {
    case 'contacts': {
      const c = item as GraphContact;
      const a = c.businessAddress ?? {};
      const emails = (c.emailAddresses ?? []).map((e) => String(e?.address ?? ''));
      const phones = (c.businessPhones ?? []).map(String);
      return {
        firstName: str(c.givenName),
        lastName: str(c.surname),
        email: str(emails[syncedIndex(emails, unsynced?.emails)]),
        phone: str(phones[syncedIndex(phones, unsynced?.phones)]),
        mobilePhone: str(c.mobilePhone),
        company: str(c.companyName),
        title: str(c.jobTitle),
        department: str(c.department),
        street: str(a.street),
        city: str(a.city),
        state: str(a.state),
        postalCode: str(a.postalCode),
        country: str(a.countryOrRegion),
        notes: str(c.personalNotes),
      } satisfies CanonicalContact;
    }
    case 'events': {
      const e = item as GraphEvent;
      const allDay = e.isAllDay === true;
      return {
        subject: str(e.subject),
        location: str(e.location?.displayName),
        start: allDay ? nearestDate(e.start?.dateTime) : utcInstant(String(e.start?.dateTime)),
        end: allDay ? nearestDate(e.end?.dateTime) : utcInstant(String(e.end?.dateTime)),
        isAllDay: allDay,
        notes: bodyText(e.body),
        showAs: SHOW_AS[String(e.showAs)] ?? 'busy',
        isPrivate: e.sensitivity === 'private',
      } satisfies CanonicalEvent;
    }
    case 'tasks': {
      const t = item as GraphTask;
      return {
        subject: str(t.title),
        dueDate: t.dueDateTime?.dateTime ? dueDateOf(t.dueDateTime, zone) : null,
        status: t.status ?? 'notStarted',
        priority: t.importance ?? 'normal',
        notes: bodyText(t.body),
      } satisfies CanonicalTask;
    }
  }
}

/** A Graph item as a side's change; an occurrence or exception also says where it sits in its series. */
export function outlookChange(
  object: SyncObject,
  item: Record<string, unknown>,
  zone: MailboxZone | null = null,
  unsynced?: UnsyncedEntries,
): Extract<SideChange, { deleted: false }> {
  const change: Extract<SideChange, { deleted: false }> = {
    id: String(item.id),
    version: String(item['@odata.etag'] ?? item.lastModifiedDateTime ?? ''),
    deleted: false,
    data: fromOutlook(object, item, zone, unsynced),
  };
  const originalStart = typeof item.originalStart === 'string' ? Date.parse(item.originalStart) : NaN;
  if (
    object === 'events' &&
    typeof item.seriesMasterId === 'string' &&
    item.seriesMasterId !== '' &&
    !Number.isNaN(originalStart)
  ) {
    change.series = { masterId: item.seriesMasterId, originalStart: new Date(originalStart).toISOString() };
  }
  return change;
}

/** The Graph resource to write; every mapped property is sent so both sides end equal. */
export function toOutlook(
  object: SyncObject,
  data: Canonical,
  zone: MailboxZone | null = null,
): Record<string, unknown> {
  switch (object) {
    case 'contacts': {
      const c = data as CanonicalContact;
      return {
        givenName: c.firstName,
        surname: c.lastName,
        emailAddresses: c.email
          ? [{ address: c.email, name: [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email }]
          : [],
        businessPhones: c.phone ? [c.phone] : [],
        mobilePhone: c.mobilePhone,
        companyName: c.company,
        jobTitle: c.title,
        department: c.department,
        businessAddress: {
          street: c.street ?? '',
          city: c.city ?? '',
          state: c.state ?? '',
          postalCode: c.postalCode ?? '',
          countryOrRegion: c.country ?? '',
        },
        personalNotes: c.notes,
      };
    }
    case 'events': {
      const e = data as CanonicalEvent;
      const when = (v: string) =>
        e.isAllDay
          ? { dateTime: `${v}T00:00:00.0000000`, timeZone: 'UTC' }
          : { dateTime: v.replace('Z', ''), timeZone: 'UTC' };
      return {
        subject: e.subject ?? '',
        location: { displayName: e.location ?? '' },
        start: when(e.start),
        end: when(e.end),
        isAllDay: e.isAllDay,
        body: { contentType: 'text', content: e.notes ?? '' },
        showAs: e.showAs,
        sensitivity: e.isPrivate ? 'private' : 'normal',
      };
    }
    case 'tasks': {
      const t = data as CanonicalTask;
      return {
        title: t.subject ?? '',
        status: t.status,
        importance: t.priority,
        // The start of the day in the mailbox's zone, as To Do itself writes a due date.
        dueDateTime: t.dueDate ? { dateTime: `${t.dueDate}T00:00:00.0000000`, timeZone: zone?.name ?? 'UTC' } : null,
        body: { contentType: 'text', content: t.notes ?? '' },
      };
    }
  }
}

/** An item body as plain text: html (what Outlook makes of event bodies) rendered to text, text as it is. */
function bodyText(body: { contentType?: string; content?: string } | undefined): string | null {
  if (!body || typeof body.content !== 'string') return null;
  return cleanText(body.contentType === 'html' ? htmlToText(body.content) : body.content);
}

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** Html character references decoded (numeric, and the named ones mail bodies use). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const ANCHOR = /<a\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi;

/**
 * A link as a reader of the text needs it: its text, then its address in brackets, unless the text is the address
 * (`https://x.example`, or `ops@x.example` for `mailto:`). Anchors within the page (`#top`) and scripts keep their text.
 */
function linkAsText(inner: string, rawHref: string): string {
  const href = decodeEntities(rawHref).trim();
  if (href === '' || href.startsWith('#') || /^javascript:/i.test(href)) return inner;
  const shown = href.replace(/^mailto:/i, '');
  const text = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
  const same = (a: string) => a.toLowerCase().replace(/\/+$/, '');
  // `&` goes back as a reference: the whole text is decoded once, below.
  const address = shown.replace(/&/g, '&amp;');
  if (text === '') return address;
  return same(text) === same(shown) || same(text) === same(href) ? inner : `${inner} (${address})`;
}

/**
 * Html as the text a reader sees: head, style, script and comments dropped, runs of white space as one space
 * (as html renders them), <br> and the end of a block as a line break, a link's address after its text, tags
 * removed, entities decoded.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\s+/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table|ul|ol)\s*>/gi, '\n')
    .replace(
      ANCHOR,
      (_whole, dq: string | undefined, sq: string | undefined, bare: string | undefined, inner: string) =>
        linkAsText(inner, dq ?? sq ?? bare ?? ''),
    )
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A To Do due date: the day, in the mailbox's zone, of the instant To Do answers (in UTC, or in the zone it names).
 * Without the mailbox's zone (it could not be read or resolved), the nearest midnight, which is right from UTC-11 to
 * UTC+12 only.
 */
function dueDateOf(due: { dateTime: string; timeZone?: string | null }, zone: MailboxZone | null): string {
  const utc = /^utc$/i.test(due.timeZone ?? 'UTC')
    ? Date.parse(`${due.dateTime.replace(/(\.\d{3})\d*$/, '$1').replace(/Z$/, '')}Z`)
    : NaN;
  if (!zone || Number.isNaN(utc)) return nearestDate(due.dateTime);
  return dayIn(utc, zone.iana);
}

/** Date formats by IANA zone: making one costs about a hundred times what using it does. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of an instant in an IANA zone. */
export function dayIn(utc: number, iana: string): string {
  let format = dayFormats.get(iana);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: iana, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(iana, format);
  }
  const parts = format.formatToParts(new Date(utc));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/**
 * The date of a Graph dateTime that stands for a whole day (a To Do due date, an all-day event's start or end).
 * To Do answers in UTC, so a due date set as midnight in the user's zone shows as the evening before (zones east
 * of UTC) or the morning of the day (west of UTC); the nearest midnight is the day the user chose, for zones from
 * UTC-11 to UTC+12. Our own writes and the local mailbox's all-day events are at midnight already.
 */
function nearestDate(dateTime: string | undefined): string {
  const text = String(dateTime);
  const t = Date.parse(`${text.replace(/(\.\d{3})\d*$/, '$1').replace(/Z$/, '')}Z`);
  if (Number.isNaN(t)) return text.slice(0, 10);
  return new Date(t + 12 * 3_600_000).toISOString().slice(0, 10);
}
