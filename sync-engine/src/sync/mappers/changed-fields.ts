/**
 * Which properties an update sends: only those whose canonical values differ between what the target holds and
 * what is to be written. What the other side cannot hold stays as the target has it: an html body, `tentative`, a
 * `confidential` sensitivity, CRLF line ends, a second email address. Canonical fields that one property carries
 * together (Graph's businessAddress, an event's times) travel together.
 */
import { SyncObject } from '../objects';
import { Canonical } from '../types';

/** Canonical fields and the properties of one side that carry them. */
export interface FieldGroup {
  canonical: string[];
  properties: string[];
}

const one = (canonical: string, property: string): FieldGroup => ({ canonical: [canonical], properties: [property] });

export const OUTLOOK_GROUPS: Record<SyncObject, FieldGroup[]> = {
  contacts: [
    one('firstName', 'givenName'),
    one('lastName', 'surname'),
    one('email', 'emailAddresses'),
    one('phone', 'businessPhones'),
    one('mobilePhone', 'mobilePhone'),
    one('company', 'companyName'),
    one('title', 'jobTitle'),
    one('department', 'department'),
    { canonical: ['street', 'city', 'state', 'postalCode', 'country'], properties: ['businessAddress'] },
    one('notes', 'personalNotes'),
  ],
  events: [
    one('subject', 'subject'),
    one('location', 'location'),
    { canonical: ['start', 'end', 'isAllDay'], properties: ['start', 'end', 'isAllDay'] },
    one('notes', 'body'),
    one('showAs', 'showAs'),
    one('isPrivate', 'sensitivity'),
  ],
  tasks: [
    one('subject', 'title'),
    one('dueDate', 'dueDateTime'),
    one('status', 'status'),
    one('priority', 'importance'),
    one('notes', 'body'),
  ],
};

export const SALESFORCE_GROUPS: Record<SyncObject, FieldGroup[]> = {
  contacts: [
    one('firstName', 'FirstName'),
    one('lastName', 'LastName'),
    one('email', 'Email'),
    one('phone', 'Phone'),
    one('mobilePhone', 'MobilePhone'),
    one('company', 'Company__c'),
    one('title', 'Title'),
    one('department', 'Department'),
    one('street', 'MailingStreet'),
    one('city', 'MailingCity'),
    one('state', 'MailingState'),
    one('postalCode', 'MailingPostalCode'),
    one('country', 'MailingCountry'),
    one('notes', 'Description'),
  ],
  events: [
    one('subject', 'Subject'),
    one('location', 'Location'),
    one('notes', 'Description'),
    one('showAs', 'ShowAs'),
    one('isPrivate', 'IsPrivate'),
    {
      canonical: ['start', 'end', 'isAllDay'],
      properties: ['IsAllDayEvent', 'StartDateTime', 'EndDateTime', 'ActivityDate'],
    },
  ],
  tasks: [
    one('subject', 'Subject'),
    one('dueDate', 'ActivityDate'),
    one('status', 'Status'),
    one('priority', 'Priority'),
    one('notes', 'Description'),
  ],
};

/**
 * The properties of `full` (the whole record as the side takes it, for `wanted`) whose groups changed from
 * `current` to `wanted`; an empty object when the target holds `wanted` already.
 */
export function changedProperties(
  groups: FieldGroup[],
  current: Canonical,
  wanted: Canonical,
  full: Record<string, unknown>,
): Record<string, unknown> {
  const held = current as unknown as Record<string, unknown>;
  const next = wanted as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const g of groups) {
    if (g.canonical.every((k) => (held[k] ?? null) === (next[k] ?? null))) continue;
    for (const p of g.properties) if (p in full) out[p] = full[p];
  }
  return out;
}
