/**
 * Which properties an update sends (mappers/changed-fields.ts): only those whose canonical values differ from what the
 * target holds; fields one property carries together (Graph's businessAddress, an event's times) go together.
 */
import assert from 'node:assert/strict';
import {
  OUTLOOK_GROUPS,
  SALESFORCE_GROUPS,
  changedProperties,
} from '../../../sync-engine/src/sync/mappers/changed-fields';
import { toOutlook } from '../../../sync-engine/src/sync/mappers/outlook-records';
import { toSalesforce } from '../../../sync-engine/src/sync/mappers/salesforce-records';
import { CanonicalContact, CanonicalEvent } from '../../../sync-engine/src/sync/types';
import { SYNC_OBJECTS } from '../../../sync-engine/src/sync/objects';

const contact: CanonicalContact = {
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace@navy.example',
  phone: null,
  mobilePhone: null,
  company: 'US Navy',
  title: 'Captain',
  department: null,
  street: '1 Main St',
  city: 'Arlington',
  state: 'VA',
  postalCode: null,
  country: 'USA',
  notes: 'Met at\nthe fair',
};
const event: CanonicalEvent = {
  subject: 'Weekly sync',
  location: 'Room 4',
  start: '2027-03-03T14:00:00.000Z',
  end: '2027-03-03T14:30:00.000Z',
  isAllDay: false,
  notes: 'Agenda',
  showAs: 'busy',
  isPrivate: false,
};

describe('sync/mappers/changed-fields: an update sends only what changed', () => {
  it('nothing changed: nothing to send', () => {
    assert.deepEqual(
      changedProperties(OUTLOOK_GROUPS.contacts, contact, { ...contact }, toOutlook('contacts', contact)),
      {},
    );
    assert.deepEqual(
      changedProperties(SALESFORCE_GROUPS.events, event, { ...event }, toSalesforce('events', event)),
      {},
    );
  });

  it('one field changed: its property only (the notes, a privacy setting and a body are left alone)', () => {
    const wanted = { ...contact, title: 'Rear Admiral' };
    assert.deepEqual(changedProperties(OUTLOOK_GROUPS.contacts, contact, wanted, toOutlook('contacts', wanted)), {
      jobTitle: 'Rear Admiral',
    });
    assert.deepEqual(changedProperties(SALESFORCE_GROUPS.contacts, contact, wanted, toSalesforce('contacts', wanted)), {
      Title: 'Rear Admiral',
    });
    const moved = { ...event, location: 'Room 7' };
    assert.deepEqual(changedProperties(OUTLOOK_GROUPS.events, event, moved, toOutlook('events', moved)), {
      location: { displayName: 'Room 7' },
    });
  });

  it("a field carried with others: the whole property (Graph's address), or each field (Salesforce's mailing address)", () => {
    const wanted = { ...contact, city: 'Alexandria' };
    assert.deepEqual(changedProperties(OUTLOOK_GROUPS.contacts, contact, wanted, toOutlook('contacts', wanted)), {
      businessAddress: { street: '1 Main St', city: 'Alexandria', state: 'VA', postalCode: '', countryOrRegion: 'USA' },
    });
    assert.deepEqual(changedProperties(SALESFORCE_GROUPS.contacts, contact, wanted, toSalesforce('contacts', wanted)), {
      MailingCity: 'Alexandria',
    });
  });

  it("an event's times go together: start, end and all day (and Salesforce's ActivityDate for an all-day event)", () => {
    const later = { ...event, end: '2027-03-03T15:00:00.000Z' };
    assert.deepEqual(Object.keys(changedProperties(OUTLOOK_GROUPS.events, event, later, toOutlook('events', later))), [
      'start',
      'end',
      'isAllDay',
    ]);
    assert.deepEqual(
      Object.keys(changedProperties(SALESFORCE_GROUPS.events, event, later, toSalesforce('events', later))),
      ['IsAllDayEvent', 'StartDateTime', 'EndDateTime'],
    );
    const allDay: CanonicalEvent = { ...event, isAllDay: true, start: '2027-03-03', end: '2027-03-04' };
    assert.deepEqual(
      Object.keys(changedProperties(SALESFORCE_GROUPS.events, event, allDay, toSalesforce('events', allDay))),
      ['IsAllDayEvent', 'StartDateTime', 'EndDateTime', 'ActivityDate'],
    );
  });

  it('every property a side writes belongs to a group, and every canonical field to one group per side', () => {
    const samples = {
      contacts: contact,
      events: event,
      tasks: { subject: 'Call', dueDate: '2027-01-05', status: 'notStarted', priority: 'normal', notes: null },
    } as const;
    for (const object of SYNC_OBJECTS) {
      for (const [groups, full] of [
        [OUTLOOK_GROUPS[object], toOutlook(object, samples[object])],
        [SALESFORCE_GROUPS[object], toSalesforce(object, samples[object])],
      ] as const) {
        assert.deepEqual(
          Object.keys(full).filter((p) => !groups.some((g) => g.properties.includes(p))),
          [],
          `${object}: a property no group sends`,
        );
        const fields = groups.flatMap((g) => g.canonical).sort();
        assert.deepEqual(fields, Object.keys(samples[object]).sort(), `${object}: canonical fields`);
      }
    }
  });
});
