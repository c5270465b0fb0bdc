/**
 * "Add Email" and "Add meeting" from the side panel: the open email becomes a completed Task of type Email, a meeting
 * an Event, on the Who and What the user picked, as Salesforce for Outlook made them (the subject, the text with
 * its addresses, the date). The ledger of "Add Email to Salesforce" (added-emails.ts) refuses a second add of the
 * same item and says where it went; a create is recorded as `sending` first, so a retry after a lost answer finds
 * the record it made instead of making a second one.
 */
import { Connection } from '../../salesforce/connection';
import { createRecord } from '../../salesforce/sobjects';
import { FieldValues } from '../../salesforce/collections';
import { AddItemRequest, AddedItem, RecordRef } from '../contract';
import { AddedEmails, AddedWhere, AddedEmail } from '../added-emails';
import { DESCRIPTION_MAX, SUBJECT_MAX, createEmailTask, findMadeSince, taskSubject } from '../add-email';
import { ServiceError, serviceErrors } from '../errors';
import { serviceText } from '../texts';

export interface AddItemContext {
  connection: Connection;
  userId: string;
  userKey: string;
  ledger: AddedEmails;
  now: () => Date;
  /** Whether the org shares activities (a Task on several Contacts, through TaskRelation). */
  sharesActivities: () => Promise<boolean>;
}

/** A meeting's ledger key never meets an email's. */
export const ledgerKey = (r: Pick<AddItemRequest, 'kind' | 'itemKey'>) =>
  r.kind === 'meeting' ? `meeting:${r.itemKey}` : r.itemKey;

const isContact = (id: string) => id.startsWith('003');
const isLead = (id: string) => id.startsWith('00Q');

const listed = (list: Array<{ address: string; name: string | null }>) =>
  list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

/** The Task's or Event's text: the addresses and date as header lines, then the body; cut to the field's size. */
export function itemDescription(r: AddItemRequest): { text: string; trimmed: boolean } {
  const lines: string[] = [];
  if (r.kind === 'email') {
    if (r.from) lines.push(`From: ${listed([r.from])}`);
    if (r.to.length) lines.push(`To: ${listed(r.to)}`);
    if (r.cc.length) lines.push(`Cc: ${listed(r.cc)}`);
    lines.push(`Date: ${r.start}`);
  } else {
    if (r.from) lines.push(`Organizer: ${listed([r.from])}`);
    if (r.to.length) lines.push(`Required: ${listed(r.to)}`);
    if (r.cc.length) lines.push(`Optional: ${listed(r.cc)}`);
  }
  lines.push(`Subject: ${r.subject}`);
  const head = lines.join('\n') + '\n\n';
  const whole = head + r.body;
  if (whole.length <= DESCRIPTION_MAX) return { text: whole, trimmed: false };
  const note = '\n\n' + serviceText('textTrimmed', { max: DESCRIPTION_MAX.toLocaleString('en-US') });
  const room = Math.max(0, DESCRIPTION_MAX - head.length - note.length);
  return { text: (head + r.body.slice(0, room) + note).slice(0, DESCRIPTION_MAX), trimmed: true };
}

/** Where an earlier add put the item, as the refusal says it. */
function alreadyAdded(r: AddItemRequest, done: Extract<AddedEmail, { state: 'added' }>): ServiceError {
  const where: AddedWhere = done.where ?? {
    sobject: 'Task',
    who: [{ id: done.contactId, name: done.contactId }],
    what: null,
  };
  const on = where.who.map((w) => w.name).join(', ');
  const text = serviceText(r.kind === 'meeting' ? 'meetingAlreadyAdded' : 'emailAlreadyAdded', {
    date: done.addedAt.slice(0, 10),
    sobject: where.sobject,
    who: on,
    what: where.what ? serviceText('relatedTo', { what: where.what.name }) : '',
  });
  return serviceErrors.alreadyAdded(text, { ...where, id: done.taskId, addedAt: done.addedAt });
}

/** Salesforce's rules on Who and What, checked before anything is sent. */
async function checkWhoWhat(c: AddItemContext, r: AddItemRequest): Promise<void> {
  r.who.forEach((w, i) => {
    if (!isContact(w.id) && !isLead(w.id))
      throw serviceErrors.invalid(`who[${i}].id`, `${w.id} is not a Contact (003...) or a Lead (00Q...)`);
  });
  if (r.who.length > 1) {
    if (!r.who.every((w) => isContact(w.id)))
      throw serviceErrors.invalid(
        'who',
        'more than one person only for Contacts: a Lead is the only Who of its activity',
      );
    if (!(await c.sharesActivities())) throw serviceErrors.invalid('who', serviceText('noSharedActivities'));
  }
  if (r.what && r.who.some((w) => isLead(w.id))) throw serviceErrors.invalid('what', serviceText('leadWithWhat'));
}

function fieldsOf(c: AddItemContext, r: AddItemRequest, description: string): FieldValues {
  const common = {
    Description: description,
    WhoId: r.who[0].id,
    ...(r.what ? { WhatId: r.what.id } : {}),
    OwnerId: c.userId,
  };
  if (r.kind === 'email') {
    return {
      Subject: taskSubject(r.subject),
      Status: 'Completed',
      Type: 'Email',
      TaskSubtype: 'Email',
      ActivityDate: r.start.slice(0, 10),
      ...common,
    };
  }
  return {
    Subject: (r.subject.trim() === '' ? '(no subject)' : r.subject.trim()).slice(0, SUBJECT_MAX),
    StartDateTime: new Date(r.start).toISOString(),
    EndDateTime: new Date(r.end!).toISOString(),
    ...(r.location ? { Location: r.location.slice(0, 255) } : {}),
    ...common,
  };
}

/** The other Contacts of a shared activity: one TaskRelation or EventRelation each. */
async function relateOthers(c: AddItemContext, sobject: 'Task' | 'Event', id: string, others: RecordRef[]) {
  for (const w of others) {
    await createRecord(c.connection, `${sobject}Relation`, {
      RelationId: w.id,
      [`${sobject}Id`]: id,
      IsWhat: false,
    });
  }
}

/** Add the item; a second add of it is refused with where it went. Salesforce's failures are thrown as they come. */
export async function addItem(c: AddItemContext, r: AddItemRequest): Promise<AddedItem> {
  const key = ledgerKey(r);
  const done = c.ledger.find(c.userKey, key);
  if (done?.state === 'added') throw alreadyAdded(r, done);
  await checkWhoWhat(c, r);
  const sobject = r.kind === 'meeting' ? 'Event' : 'Task';
  const description = itemDescription(r);
  const fields = fieldsOf(c, r, description.text);
  const where: AddedWhere = { sobject, who: r.who, what: r.what ? { id: r.what.id, name: r.what.name } : null };
  const answer = (id: string): AddedItem => ({
    ok: true,
    sobject,
    id,
    who: r.who,
    what: where.what,
    trimmed: description.trimmed,
  });
  if (done?.state === 'sending') {
    // The Who the first try wrote (the ribbon's add keeps no `where`, only the Contact it matched).
    const made = await findMadeSince(c.connection, {
      sobject,
      ownerId: c.userId,
      whoId: done.contactId,
      subject: String(fields.Subject),
      since: done.startedAt,
    });
    if (made) {
      c.ledger.added(c.userKey, key, r.who[0].id, made, c.now().toISOString(), where);
      return answer(made);
    }
  }
  c.ledger.sending(c.userKey, key, r.who[0].id, c.now().toISOString(), where);
  const id =
    sobject === 'Task'
      ? await createEmailTask(c.connection, fields)
      : await createRecord(c.connection, sobject, fields);
  await relateOthers(c, sobject, id, r.who.slice(1));
  c.ledger.added(c.userKey, key, r.who[0].id, id, c.now().toISOString(), where);
  return answer(id);
}
