/**
 * The records the chaos harness writes, named by keys it chooses itself: a contact by its email, an event or a
 * task by its subject, each unique. One more field per object carries the harness's edits (a contact's title,
 * an event's location, a task's notes). The fields are the product's documented pairs (Salesforce field ->
 * Graph property), written here by hand rather than taken from the engine's mappers, so the oracle does not
 * share the engine's mistakes.
 */
export const OBJECTS = ['contacts', 'events', 'tasks'] as const;
export type ChaosObject = (typeof OBJECTS)[number];
export const SIDES = ['salesforce', 'outlook'] as const;
export type Side = (typeof SIDES)[number];
/** Where a record was first written: one side, or both (the same record on each side before the first sync). */
export type Origin = Side | 'both';

export const SOBJECT: Record<ChaosObject, string> = { contacts: 'Contact', events: 'Event', tasks: 'Task' };
/** The Salesforce fields of a record's key and of its edited value. */
export const SF_FIELDS: Record<ChaosObject, { key: string; value: string }> = {
  contacts: { key: 'Email', value: 'Title' },
  events: { key: 'Subject', value: 'Location' },
  tasks: { key: 'Subject', value: 'Description' },
};

const DAY_MS = 86_400_000;
const ORIGIN_TAG: Record<Origin, string> = { salesforce: 'sf', outlook: 'ol', both: 'both' };

/** The key of the n-th record of an object from an origin (`new` for records the harness creates while it runs). */
export function keyFor(object: ChaosObject, origin: Origin, n: number | string): string {
  const tag = ORIGIN_TAG[origin];
  switch (object) {
    case 'contacts':
      return `${tag}-c-${n}@chaos.example`;
    case 'events':
      return `Chaos ${tag} event ${n}`;
    case 'tasks':
      return `Chaos ${tag} task ${n}`;
  }
}

/** A record's content in the harness's terms: its key, its edited value, and when it happens (from its number). */
export interface ChaosRecord {
  object: ChaosObject;
  key: string;
  value: string | null;
  /** Spreads events and tasks over the calendar window: the record's number. */
  n: number;
}

/** An event's start: 2 to 301 days from `today` (UTC midnight, ms), on the hour between 08:00 and 16:00 UTC. */
export function eventStart(n: number, today: number): number {
  return today + (2 + (n % 300)) * DAY_MS + (8 + (n % 9)) * 3_600_000;
}

/** A task's due date, 0 to 199 days from `today`. */
export function dueDate(n: number, today: number): string {
  return new Date(today + (n % 200) * DAY_MS).toISOString().slice(0, 10);
}

export function utcMidnight(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/**
 * A contact's last name, unique like its email: the engine also matches contacts by first + last name + company,
 * so two people of one name on the two sides would be linked as one (as documented), which is not what the
 * harness means to test.
 */
function contactName(email: string): string {
  return `Contact ${email.split('@')[0]}`;
}

const graphTime = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', '0000'), timeZone: 'UTC' });

/** The Salesforce fields of a new record (OwnerId added by the caller when it is not the signed-in user). */
export function salesforceFields(r: ChaosRecord, today: number): Record<string, unknown> {
  switch (r.object) {
    case 'contacts':
      return { FirstName: 'Chaos', LastName: contactName(r.key), Email: r.key, Title: r.value };
    case 'events': {
      const start = eventStart(r.n, today);
      return {
        Subject: r.key,
        StartDateTime: new Date(start).toISOString(),
        EndDateTime: new Date(start + 3_600_000).toISOString(),
        Location: r.value,
      };
    }
    case 'tasks':
      return {
        Subject: r.key,
        ActivityDate: dueDate(r.n, today),
        Status: 'Not Started',
        Priority: 'Normal',
        Description: r.value,
      };
  }
}

/** The Graph properties of a new item. */
export function outlookProperties(r: ChaosRecord, today: number): Record<string, unknown> {
  switch (r.object) {
    case 'contacts':
      return {
        givenName: 'Chaos',
        surname: contactName(r.key),
        emailAddresses: [{ address: r.key, name: `Chaos ${contactName(r.key)}` }],
        ...(r.value ? { jobTitle: r.value } : {}),
      };
    case 'events': {
      const start = eventStart(r.n, today);
      return {
        subject: r.key,
        start: graphTime(start),
        end: graphTime(start + 3_600_000),
        ...(r.value ? { location: { displayName: r.value } } : {}),
      };
    }
    case 'tasks':
      return {
        title: r.key,
        dueDateTime: graphTime(Date.parse(`${dueDate(r.n, today)}T00:00:00Z`)),
        ...(r.value ? { body: { contentType: 'text', content: r.value } } : {}),
      };
  }
}

/** The change of a record's edited value, in Salesforce's fields. */
export function salesforceEdit(object: ChaosObject, value: string): Record<string, unknown> {
  return { [SF_FIELDS[object].value]: value };
}

/** The change of a record's edited value, in Graph's properties. */
export function outlookEdit(object: ChaosObject, value: string): Record<string, unknown> {
  switch (object) {
    case 'contacts':
      return { jobTitle: value };
    case 'events':
      return { location: { displayName: value } };
    case 'tasks':
      return { body: { contentType: 'text', content: value } };
  }
}

/** Text as both sides compare it: no surrounding blanks, empty as none. */
export function cleanValue(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\r\n?/g, '\n').trim();
  return s === '' ? null : s;
}

/** A Salesforce record's key and value as the harness reads them. */
export function readSalesforce(
  object: ChaosObject,
  r: Record<string, unknown>,
): { key: string | null; value: string | null } {
  const key = cleanValue(r[SF_FIELDS[object].key]);
  return { key: object === 'contacts' && key ? key.toLowerCase() : key, value: cleanValue(r[SF_FIELDS[object].value]) };
}

/** A Graph item's key and value as the harness reads them. */
export function readOutlook(
  object: ChaosObject,
  item: Record<string, any>,
): { key: string | null; value: string | null } {
  switch (object) {
    case 'contacts': {
      const email = cleanValue(item.emailAddresses?.[0]?.address);
      return { key: email ? email.toLowerCase() : null, value: cleanValue(item.jobTitle) };
    }
    case 'events':
      return { key: cleanValue(item.subject), value: cleanValue(item.location?.displayName) };
    case 'tasks': {
      // A task's notes as text; an html body (Outlook's own) with its tags taken out.
      const body = item.body as { content?: string; contentType?: string } | undefined;
      const text = body?.contentType === 'html' ? String(body.content ?? '').replace(/<[^>]*>/g, '') : body?.content;
      return { key: cleanValue(item.title), value: cleanValue(text) };
    }
  }
}
