/**
 * Microsoft Graph contacts, events and To Do tasks <-> canonical records. Events are read with
 * `Prefer: outlook.timezone="UTC"`, so their times are UTC instants; all-day events keep their dates.
 */
import { SyncObject } from '../config';
import { Canonical, CanonicalContact, CanonicalEvent, CanonicalTask } from '../types';
import { GraphContact } from '../../graph/contacts';
import { GraphEvent } from '../../graph/events';
import { GraphTask } from '../../graph/todo';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** A Graph dateTime in UTC (`2026-03-08T14:00:00.0000000`) as an ISO instant. */
function utcInstant(dateTime: string): string {
  return new Date(`${dateTime.replace(/(\.\d{3})\d*$/, '$1').replace(/Z$/, '')}Z`).toISOString();
}

const SHOW_AS: Record<string, CanonicalEvent['showAs']> = { busy: 'busy', free: 'free', oof: 'oof', tentative: 'busy', workingElsewhere: 'busy' };

export function fromOutlook(object: SyncObject, item: Record<string, unknown>): Canonical {
  switch (object) {
    case 'contacts': {
      const c = item as GraphContact;
      const a = c.businessAddress ?? {};
      return {
        firstName: str(c.givenName), lastName: str(c.surname), email: str(c.emailAddresses?.[0]?.address), phone: str(c.businessPhones?.[0]),
        mobilePhone: str(c.mobilePhone), company: str(c.companyName), title: str(c.jobTitle), department: str(c.department),
        street: str(a.street), city: str(a.city), state: str(a.state), postalCode: str(a.postalCode), country: str(a.countryOrRegion),
        notes: str(c.personalNotes),
      } satisfies CanonicalContact;
    }
    case 'events': {
      const e = item as GraphEvent;
      const allDay = e.isAllDay === true;
      return {
        subject: str(e.subject), location: str(e.location?.displayName),
        start: allDay ? String(e.start?.dateTime).slice(0, 10) : utcInstant(String(e.start?.dateTime)),
        end: allDay ? String(e.end?.dateTime).slice(0, 10) : utcInstant(String(e.end?.dateTime)),
        isAllDay: allDay, notes: str(e.body?.contentType === 'text' ? e.body.content : stripHtml(e.body?.content)),
        showAs: SHOW_AS[String(e.showAs)] ?? 'busy', isPrivate: e.sensitivity === 'private',
      } satisfies CanonicalEvent;
    }
    case 'tasks': {
      const t = item as GraphTask;
      return {
        subject: str(t.title), dueDate: t.dueDateTime?.dateTime ? t.dueDateTime.dateTime.slice(0, 10) : null,
        status: t.status ?? 'notStarted', priority: t.importance ?? 'normal',
        notes: str(t.body?.contentType === 'html' ? stripHtml(t.body.content) : t.body?.content),
      } satisfies CanonicalTask;
    }
  }
}

/** The Graph resource to write; every mapped property is sent so both sides end equal. */
export function toOutlook(object: SyncObject, data: Canonical): Record<string, unknown> {
  switch (object) {
    case 'contacts': {
      const c = data as CanonicalContact;
      return {
        givenName: c.firstName, surname: c.lastName, emailAddresses: c.email ? [{ address: c.email, name: [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email }] : [],
        businessPhones: c.phone ? [c.phone] : [], mobilePhone: c.mobilePhone, companyName: c.company, jobTitle: c.title, department: c.department,
        businessAddress: { street: c.street ?? '', city: c.city ?? '', state: c.state ?? '', postalCode: c.postalCode ?? '', countryOrRegion: c.country ?? '' },
        personalNotes: c.notes,
      };
    }
    case 'events': {
      const e = data as CanonicalEvent;
      const when = (v: string) => (e.isAllDay ? { dateTime: `${v}T00:00:00.0000000`, timeZone: 'UTC' } : { dateTime: v.replace('Z', ''), timeZone: 'UTC' });
      return {
        subject: e.subject ?? '', location: { displayName: e.location ?? '' }, start: when(e.start), end: when(e.end), isAllDay: e.isAllDay,
        body: { contentType: 'text', content: e.notes ?? '' }, showAs: e.showAs, sensitivity: e.isPrivate ? 'private' : 'normal',
      };
    }
    case 'tasks': {
      const t = data as CanonicalTask;
      return {
        title: t.subject ?? '', status: t.status, importance: t.priority,
        dueDateTime: t.dueDate ? { dateTime: `${t.dueDate}T00:00:00.0000000`, timeZone: 'UTC' } : null,
        body: { contentType: 'text', content: t.notes ?? '' },
      };
    }
  }
}

function stripHtml(html: string | undefined): string | null {
  if (!html) return null;
  return html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim() || null;
}
