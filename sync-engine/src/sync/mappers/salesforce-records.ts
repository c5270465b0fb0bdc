/**
 * Salesforce Contact, Event and Task records <-> canonical records. Writes respect Salesforce's required
 * fields; lengths are left to the org, whose per-record errors land in the sync report.
 */
import { SyncObject } from '../objects';
import { Canonical, CanonicalContact, CanonicalEvent, CanonicalTask } from '../types';
import { cleanText } from '../canonical';
import { salesforceInstant } from '../../common/clock';

export const SOBJECT_OF: Record<SyncObject, string> = { contacts: 'Contact', events: 'Event', tasks: 'Task' };

/** Fields read for each object (besides Id, SystemModstamp, IsDeleted). */
export const FIELDS_OF: Record<SyncObject, string[]> = {
  contacts: [
    'FirstName',
    'LastName',
    'Email',
    'Phone',
    'MobilePhone',
    'Company__c',
    'Title',
    'Department',
    'MailingStreet',
    'MailingCity',
    'MailingState',
    'MailingPostalCode',
    'MailingCountry',
    'Description',
  ],
  events: [
    'Subject',
    'Location',
    'StartDateTime',
    'EndDateTime',
    'IsAllDayEvent',
    'ActivityDate',
    'Description',
    'ShowAs',
    'IsPrivate',
  ],
  tasks: ['Subject', 'ActivityDate', 'Status', 'Priority', 'Description'],
};

type SfRecord = Record<string, unknown>;

/** The `Name` of a parent record a query selected (`Account.Name`), or null. */
function accountName(parent: unknown): unknown {
  return typeof parent === 'object' && parent !== null ? (parent as SfRecord).Name : null;
}
const str = cleanText;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const SHOW_AS: Record<string, CanonicalEvent['showAs']> = { Busy: 'busy', Free: 'free', OutOfOffice: 'oof' };
const TASK_STATUS: Record<string, CanonicalTask['status']> = {
  'Not Started': 'notStarted',
  'In Progress': 'inProgress',
  Completed: 'completed',
  'Waiting on someone else': 'waitingOnOthers',
  Deferred: 'deferred',
};
const PRIORITY: Record<string, CanonicalTask['priority']> = { High: 'high', Normal: 'normal', Low: 'low' };
const invert = <K extends string, V extends string>(m: Record<K, V>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<V, K>;

export function fromSalesforce(object: SyncObject, r: SfRecord): Canonical {
  switch (object) {
    case 'contacts':
      return {
        firstName: str(r.FirstName),
        lastName: str(r.LastName),
        email: str(r.Email),
        phone: str(r.Phone),
        mobilePhone: str(r.MobilePhone),
        // Company__c where the org has it; else the contact's Account (a stock org, salesforce-fields.ts).
        company: str(r.Company__c ?? accountName(r.Account)),
        title: str(r.Title),
        department: str(r.Department),
        street: str(r.MailingStreet),
        city: str(r.MailingCity),
        state: str(r.MailingState),
        postalCode: str(r.MailingPostalCode),
        country: str(r.MailingCountry),
        notes: str(r.Description),
      } satisfies CanonicalContact;
    case 'events': {
      const allDay = r.IsAllDayEvent === true;
      // Salesforce's all-day events start and end at midnight GMT of their first and last day.
      const start = allDay
        ? String(r.ActivityDate ?? salesforceInstant(r.StartDateTime, 'Event.StartDateTime').slice(0, 10))
        : salesforceInstant(r.StartDateTime, 'Event.StartDateTime');
      const end = allDay
        ? addDays(salesforceInstant(r.EndDateTime, 'Event.EndDateTime').slice(0, 10), 1)
        : salesforceInstant(r.EndDateTime, 'Event.EndDateTime');
      return {
        subject: str(r.Subject),
        location: str(r.Location),
        start,
        end,
        isAllDay: allDay,
        notes: str(r.Description),
        showAs: SHOW_AS[String(r.ShowAs)] ?? 'busy',
        isPrivate: r.IsPrivate === true,
      } satisfies CanonicalEvent;
    }
    case 'tasks':
      return {
        subject: str(r.Subject),
        dueDate: str(r.ActivityDate),
        status: TASK_STATUS[String(r.Status)] ?? 'notStarted',
        priority: PRIORITY[String(r.Priority)] ?? 'normal',
        notes: str(r.Description),
      } satisfies CanonicalTask;
  }
}

/** Field values to write; every mapped field is sent (null clears it) so both sides end equal. */
export function toSalesforce(object: SyncObject, data: Canonical): SfRecord {
  switch (object) {
    case 'contacts': {
      const c = data as CanonicalContact;
      return {
        FirstName: c.firstName,
        LastName: c.lastName,
        Email: c.email,
        Phone: c.phone,
        MobilePhone: c.mobilePhone,
        Company__c: c.company,
        Title: c.title,
        Department: c.department,
        MailingStreet: c.street,
        MailingCity: c.city,
        MailingState: c.state,
        MailingPostalCode: c.postalCode,
        MailingCountry: c.country,
        Description: c.notes,
      };
    }
    case 'events': {
      const e = data as CanonicalEvent;
      const base = {
        Subject: e.subject,
        Location: e.location,
        Description: e.notes,
        ShowAs: invert(SHOW_AS)[e.showAs],
        IsPrivate: e.isPrivate,
        IsAllDayEvent: e.isAllDay,
      };
      if (e.isAllDay) {
        const lastDay = addDays(e.end, -1);
        return {
          ...base,
          ActivityDate: e.start,
          StartDateTime: `${e.start}T00:00:00.000Z`,
          EndDateTime: `${lastDay < e.start ? e.start : lastDay}T00:00:00.000Z`,
        };
      }
      // The org derives ActivityDate from StartDateTime for a timed event.
      return { ...base, StartDateTime: e.start, EndDateTime: e.end };
    }
    case 'tasks': {
      const t = data as CanonicalTask;
      return {
        Subject: t.subject,
        ActivityDate: t.dueDate,
        Status: invert(TASK_STATUS)[t.status],
        Priority: invert(PRIORITY)[t.priority],
        Description: t.notes,
      };
    }
  }
}
