/**
 * "Add Email to Salesforce", as Salesforce for Outlook did it: the open message becomes a completed Task of type
 * Email on the Contact whose Email is the sender's address, or an unresolved item when no Contact matches.
 * Idempotent per Internet message id: adding the same message again answers what the first add did.
 */
import { Connection } from '../salesforce/connection';
import { query, soqlString } from '../salesforce/query';
import { createRecord } from '../salesforce/sobjects';
import { SalesforceApiError } from '../salesforce/errors';
import { FieldValues } from '../salesforce/collections';
import { AddEmailRequest, AddEmailResult } from './contract';
import { serviceErrors } from './errors';
import { AddedEmails, AddedWhere } from './added-emails';
import { UnresolvedItems } from './unresolved';

/** The Task's date is the date of `receivedDateTime` as written (the pane sends the user's own offset). */
export type AddEmailInput = AddEmailRequest;
export type { AddEmailResult } from './contract';

/** Salesforce's field sizes: Task.Subject 255, Task.Description 32,000. */
export const SUBJECT_MAX = 255;
export const DESCRIPTION_MAX = 32_000;

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check a `POST /api/add-email` body; throws a 400 naming the first wrong field. */
export function parseAddEmail(body: unknown): AddEmailInput {
  if (!isObj(body)) throw serviceErrors.bodyRequired();
  const sender = body.sender;
  if (sender === undefined) throw serviceErrors.invalid('sender', 'required: the sender as {"address", "name"}');
  if (!isObj(sender)) throw serviceErrors.invalid('sender', 'must be an object {"address", "name"}');
  if (typeof sender.address !== 'string' || sender.address.trim() === '')
    throw serviceErrors.invalid('sender.address', "required: the sender's email address");
  const address = sender.address.trim();
  if (!EMAIL.test(address))
    throw serviceErrors.invalid('sender.address', `${JSON.stringify(address)} is not an email address`);
  if (sender.name !== undefined && sender.name !== null && typeof sender.name !== 'string')
    throw serviceErrors.invalid('sender.name', 'must be text or null');
  if (body.subject === undefined) throw serviceErrors.invalid('subject', 'required: the message subject (may be "")');
  if (typeof body.subject !== 'string') throw serviceErrors.invalid('subject', 'must be text');
  if (body.body !== undefined && body.body !== null && typeof body.body !== 'string')
    throw serviceErrors.invalid('body', "must be the message's text");
  if (typeof body.receivedDateTime !== 'string' || body.receivedDateTime === '') {
    throw serviceErrors.invalid(
      'receivedDateTime',
      'required: when the message arrived, ISO 8601 with an offset, e.g. 2026-03-05T14:30:00Z',
    );
  }
  if (!isIsoDateTime(body.receivedDateTime)) {
    throw serviceErrors.invalid(
      'receivedDateTime',
      `${JSON.stringify(body.receivedDateTime)} is not an ISO 8601 date and time with an offset, e.g. 2026-03-05T14:30:00Z`,
    );
  }
  if (typeof body.internetMessageId !== 'string' || body.internetMessageId.trim() === '') {
    throw serviceErrors.invalid(
      'internetMessageId',
      "required: the message's Internet message id (its Message-ID header)",
    );
  }
  return {
    sender: { address, name: typeof sender.name === 'string' && sender.name.trim() !== '' ? sender.name.trim() : null },
    subject: body.subject,
    body: typeof body.body === 'string' ? body.body : '',
    receivedDateTime: body.receivedDateTime,
    internetMessageId: body.internetMessageId.trim(),
  };
}

/** Whether a text is an ISO 8601 date and time with an offset, on a real day (Date.parse takes February 30). */
export function isIsoDateTime(v: string): boolean {
  return DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) && isCalendarDate(v.slice(0, 10));
}

/** Whether `YYYY-MM-DD` names a real day (Date.parse takes February 30). */
function isCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export interface AddEmailContext {
  connection: Connection;
  /** The signed-in user: the Task's owner, and whose Contacts are preferred. */
  userId: string;
  userKey: string;
  ledger: AddedEmails;
  unresolved: UnresolvedItems;
  now: () => Date;
}

/** The Task's subject: "Email: <subject>", as Salesforce for Outlook named them, cut to the field's size. */
export function taskSubject(subject: string): string {
  const s = subject.trim() === '' ? '(no subject)' : subject.trim();
  return `Email: ${s}`.slice(0, SUBJECT_MAX);
}

/** Add one email. Salesforce's failures are thrown as SalesforceApiError for the caller to present. */
export async function addEmail(c: AddEmailContext, e: AddEmailInput): Promise<AddEmailResult> {
  const done = c.ledger.find(c.userKey, e.internetMessageId);
  if (done?.state === 'added') return { ok: true, taskId: done.taskId, contactId: done.contactId };
  if (done?.state === 'unresolved') return { ok: true, unresolved: true, id: done.unresolvedId };
  const fields = taskFields(e);
  if (done?.state === 'sending') {
    // The Task may have been made before the answer was lost: find it rather than make a second one.
    const made = await findMadeSince(c.connection, {
      sobject: 'Task',
      ownerId: c.userId,
      whoId: done.contactId,
      subject: String(fields.Subject),
      since: done.startedAt,
    });
    if (made) {
      c.ledger.added(c.userKey, e.internetMessageId, done.contactId, made, c.now().toISOString());
      return { ok: true, taskId: made, contactId: done.contactId };
    }
  }
  const contact = await matchContact(c, e.sender.address);
  if (!contact) {
    const at = c.now().toISOString();
    const item = c.unresolved.add(c.userKey, {
      internetMessageId: e.internetMessageId,
      senderAddress: e.sender.address,
      senderName: e.sender.name,
      subject: e.subject,
      receivedDateTime: e.receivedDateTime,
      body: fields.Description as string,
      createdAt: at,
    });
    c.ledger.unresolved(c.userKey, e.internetMessageId, item.id, at);
    return { ok: true, unresolved: true, id: item.id };
  }
  // Where it goes, as the side panel's refusal of a second add says it.
  const where: AddedWhere = { sobject: 'Task', who: [{ id: contact.Id, name: contact.Name }], what: null };
  c.ledger.sending(c.userKey, e.internetMessageId, contact.Id, c.now().toISOString(), where);
  const taskId = await createEmailTask(c.connection, { ...fields, WhoId: contact.Id, OwnerId: c.userId });
  c.ledger.added(c.userKey, e.internetMessageId, contact.Id, taskId, c.now().toISOString(), where);
  return { ok: true, taskId, contactId: contact.Id };
}

function taskFields(e: AddEmailInput): FieldValues {
  return {
    Subject: taskSubject(e.subject),
    Status: 'Completed',
    Type: 'Email',
    TaskSubtype: 'Email',
    Description: e.body.slice(0, DESCRIPTION_MAX),
    ActivityDate: DATE_TIME.exec(e.receivedDateTime)![1],
  };
}

/**
 * The Contact for a sender: Salesforce for Outlook matched any Contact the user can see with that Email; of
 * several, the user's own comes first, then the most recently changed.
 */
async function matchContact(c: AddEmailContext, address: string): Promise<{ Id: string; Name: string } | undefined> {
  const found = await query<{ Id: string; Name: string; OwnerId: string }>(
    c.connection,
    `SELECT Id, Name, OwnerId FROM Contact WHERE Email = ${soqlString(address)} ORDER BY LastModifiedDate DESC LIMIT 50`,
  );
  const own = found.records.find((r) => r.OwnerId === c.userId);
  return own ?? found.records[0];
}

/** Create the Task; an org that does not take TaskSubtype (older API versions) gets it without. */
export async function createEmailTask(conn: Connection, fields: FieldValues): Promise<string> {
  try {
    return await createRecord(conn, 'Task', fields);
  } catch (err) {
    if (!(err instanceof SalesforceApiError) || err.kind !== 'validation' || !mentionsSubtype(err)) throw err;
    const { TaskSubtype: _subtype, ...rest } = fields;
    return createRecord(conn, 'Task', rest);
  }
}

function mentionsSubtype(err: SalesforceApiError): boolean {
  return (err.fields ?? []).some((f) => f.toLowerCase() === 'tasksubtype') || /TaskSubtype/i.test(err.message);
}

/**
 * A Task or Event this service made for an item before an answer was lost: the same owner, Who and subject, made since
 * the add started (a minute of slack for the org's clock against ours). The ribbon's Add Email and the side panel's
 * adds both look with it.
 */
export async function findMadeSince(
  conn: Connection,
  o: { sobject: 'Task' | 'Event'; ownerId: string; whoId: string; subject: string; since: string },
): Promise<string | undefined> {
  const after = new Date(Date.parse(o.since) - 60_000).toISOString().slice(0, 19) + 'Z';
  const found = await query<{ Id: string }>(
    conn,
    `SELECT Id FROM ${o.sobject} WHERE WhoId = ${soqlString(o.whoId)} AND OwnerId = ${soqlString(o.ownerId)}` +
      ` AND Subject = ${soqlString(o.subject)} AND CreatedDate >= ${after} ORDER BY CreatedDate LIMIT 1`,
  );
  return found.records[0]?.Id;
}
