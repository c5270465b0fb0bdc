/**
 * The fields the property test writes, read back from the raw wire formats by the test's own tables: Graph JSON
 * as the mailbox returns it, Salesforce records as the REST API returns them. Nothing here goes through the
 * engine's mappers, so the oracle cannot share a mapper's mistake.
 *
 * Every record carries its stable key in its notes (`prop:c3`): a contact's personalNotes / Description, an
 * event's body / Description, a task's body / Description. The test never edits notes, so a record is found
 * by its key on either side whatever else changed.
 */
export type ObjectName = 'contacts' | 'events' | 'tasks';
export type SideName = 'salesforce' | 'outlook';
export const OBJECTS: readonly ObjectName[] = ['contacts', 'events', 'tasks'];
export const SIDES: readonly SideName[] = ['salesforce', 'outlook'];

/**
 * What the test compares of one record: contacts `first last email phone title company`; events `subject location
 * start end` (UTC instants, `2026-12-08T12:00:00.000Z`); tasks `subject due status` (due a `YYYY-MM-DD` day in the
 * mailbox's zone, status as Graph names it). Empty is null.
 */
export type Fields = Readonly<Record<string, string | null>>;

export const FIELD_NAMES: Record<ObjectName, readonly string[]> = {
  contacts: ['first', 'last', 'email', 'phone', 'title', 'company'],
  events: ['subject', 'location', 'start', 'end'],
  tasks: ['subject', 'due', 'status'],
};

/** The key's tag in a record's notes. */
export const noteOf = (key: string): string => `prop:${key}`;
const KEY_IN_NOTES = /prop:([a-z]\d+)/;

type Obj = Record<string, any>;
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const instant = (v: unknown): string | null => {
  if (typeof v !== 'string' || v === '') return null;
  // Graph: 2026-12-08T12:00:00.0000000 (UTC by Prefer); Salesforce: 2026-12-08T12:00:00.000+0000.
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v)
    ? v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
    : `${v.replace(/(\.\d{3})\d*$/, '$1')}Z`;
  return new Date(iso).toISOString();
};

/** The day of an instant in an IANA zone. */
export function dayIn(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const SF_STATUS: Record<string, string> = {
  notStarted: 'Not Started',
  inProgress: 'In Progress',
  completed: 'Completed',
};
const GRAPH_STATUS = Object.fromEntries(Object.entries(SF_STATUS).map(([g, s]) => [s, g]));

/** A record as the test sees it: its id on its side, its key (null when it carries none), and its fields. */
export interface RawRecord {
  id: string;
  key: string | null;
  fields: Fields;
  /** For an Outlook occurrence of a series: its master's id. */
  seriesMasterId?: string;
}

export function fromGraph(object: ObjectName, item: Obj, mailboxZone: string): RawRecord {
  const id = String(item.id);
  switch (object) {
    case 'contacts':
      return {
        id,
        key: keyIn(item.personalNotes),
        fields: {
          first: text(item.givenName),
          last: text(item.surname),
          email: text(item.emailAddresses?.[0]?.address),
          phone: text(item.businessPhones?.[0]),
          title: text(item.jobTitle),
          company: text(item.companyName),
        },
      };
    case 'events':
      return {
        id,
        key: keyIn(item.body?.content),
        seriesMasterId: item.seriesMasterId ?? undefined,
        fields: {
          subject: text(item.subject),
          location: text(item.location?.displayName),
          start: instant(item.start?.dateTime),
          end: instant(item.end?.dateTime),
        },
      };
    case 'tasks': {
      const due = item.dueDateTime as { dateTime: string; timeZone: string } | null | undefined;
      // To Do answers a due date as the instant the day starts in the mailbox's zone, in UTC.
      const day = !due
        ? null
        : /^utc$/i.test(due.timeZone)
          ? dayIn(Date.parse(instant(due.dateTime)!), mailboxZone)
          : due.dateTime.slice(0, 10);
      return {
        id,
        key: keyIn(item.body?.content),
        fields: { subject: text(item.title), due: day, status: text(item.status) },
      };
    }
  }
}

export function fromSalesforce(object: ObjectName, r: Obj): RawRecord {
  const id = String(r.Id);
  switch (object) {
    case 'contacts':
      return {
        id,
        key: keyIn(r.Description),
        fields: {
          first: text(r.FirstName),
          last: text(r.LastName),
          email: text(r.Email),
          phone: text(r.Phone),
          title: text(r.Title),
          company: text(r.Company__c),
        },
      };
    case 'events':
      return {
        id,
        key: keyIn(r.Description),
        fields: {
          subject: text(r.Subject),
          location: text(r.Location),
          start: instant(r.StartDateTime),
          end: instant(r.EndDateTime),
        },
      };
    case 'tasks':
      return {
        id,
        key: keyIn(r.Description),
        fields: {
          subject: text(r.Subject),
          due: text(r.ActivityDate),
          status: GRAPH_STATUS[String(r.Status)] ?? `?${r.Status}`,
        },
      };
  }
}

export const SOQL_FIELDS: Record<ObjectName, string> = {
  contacts: 'Id, FirstName, LastName, Email, Phone, Title, Company__c, Description',
  events: 'Id, Subject, Location, StartDateTime, EndDateTime, Description',
  tasks: 'Id, Subject, ActivityDate, Status, Description',
};

/** A Graph body that sets `fields` (all of them on a create, with the key's note; the changed ones on an edit). */
export function toGraph(object: ObjectName, fields: Fields, mailboxZone: string, key?: string): Obj {
  const out: Obj = {};
  const has = (k: string) => k in fields;
  switch (object) {
    case 'contacts':
      if (has('first')) out.givenName = fields.first;
      if (has('last')) out.surname = fields.last;
      if (has('email')) out.emailAddresses = fields.email ? [{ address: fields.email, name: fields.email }] : [];
      if (has('phone')) out.businessPhones = fields.phone ? [fields.phone] : [];
      if (has('title')) out.jobTitle = fields.title;
      if (has('company')) out.companyName = fields.company;
      if (key) out.personalNotes = noteOf(key);
      break;
    case 'events': {
      const when = (iso: string) => ({ dateTime: iso.replace(/Z$/, ''), timeZone: 'UTC' });
      if (has('subject')) out.subject = fields.subject;
      if (has('location')) out.location = { displayName: fields.location ?? '' };
      if (has('start')) out.start = when(fields.start!);
      if (has('end')) out.end = when(fields.end!);
      if (key) out.body = { contentType: 'text', content: noteOf(key) };
      break;
    }
    case 'tasks':
      if (has('subject')) out.title = fields.subject;
      // As To Do writes a due date: the start of the day in the mailbox's zone.
      if (has('due'))
        out.dueDateTime = fields.due ? { dateTime: `${fields.due}T00:00:00.0000000`, timeZone: mailboxZone } : null;
      if (has('status')) out.status = fields.status;
      if (key) out.body = { contentType: 'text', content: noteOf(key) };
      break;
  }
  return out;
}

/** A Salesforce record body that sets `fields`, as toGraph. */
export function toSalesforce(object: ObjectName, fields: Fields, key?: string): Obj {
  const out: Obj = {};
  const has = (k: string) => k in fields;
  switch (object) {
    case 'contacts':
      if (has('first')) out.FirstName = fields.first;
      if (has('last')) out.LastName = fields.last;
      if (has('email')) out.Email = fields.email;
      if (has('phone')) out.Phone = fields.phone;
      if (has('title')) out.Title = fields.title;
      if (has('company')) out.Company__c = fields.company;
      break;
    case 'events':
      if (has('subject')) out.Subject = fields.subject;
      if (has('location')) out.Location = fields.location;
      if (has('start')) out.StartDateTime = fields.start;
      if (has('end')) out.EndDateTime = fields.end;
      break;
    case 'tasks':
      if (has('subject')) out.Subject = fields.subject;
      if (has('due')) out.ActivityDate = fields.due;
      if (has('status')) out.Status = SF_STATUS[fields.status!];
      break;
  }
  if (key) out.Description = noteOf(key);
  return out;
}

function keyIn(notes: unknown): string | null {
  const m = typeof notes === 'string' ? KEY_IN_NOTES.exec(notes) : null;
  return m ? m[1] : null;
}

/** Fields as one comparable string, in the object's field order. */
export function fieldsText(object: ObjectName, f: Fields | null): string {
  if (!f) return 'absent';
  return FIELD_NAMES[object].map((n) => `${n}=${f[n] === null ? 'null' : JSON.stringify(f[n])}`).join(' ');
}

export function sameFields(object: ObjectName, a: Fields | null, b: Fields | null): boolean {
  return fieldsText(object, a) === fieldsText(object, b);
}
