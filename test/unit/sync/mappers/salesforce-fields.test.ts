/** The fields a describe lets the sync read and write (issue 14: a stock org, field-level security, picklists). */
import assert from 'node:assert/strict';
import { DescribedField, planFields, writableValues } from '../../../../sync-engine/src/sync/mappers/salesforce-fields';
import { FIELDS_OF } from '../../../../sync-engine/src/sync/mappers/salesforce-records';
import { notice } from '../../../../sync-engine/src/products/notices';

const rw = (name: string, extra: Partial<DescribedField> = {}): DescribedField => ({
  name,
  createable: true,
  updateable: true,
  ...extra,
});
const stock = () => ({
  contacts: [...FIELDS_OF.contacts.filter((f) => f !== 'Company__c').map((f) => rw(f)), rw('AccountId')],
  events: FIELDS_OF.events.map((f) => rw(f)),
  tasks: FIELDS_OF.tasks.map((f) =>
    f === 'Status'
      ? rw(f, { picklistValues: [{ value: 'Not Started' }, { value: 'Completed' }, { value: 'Old', active: false }] })
      : rw(f),
  ),
});

describe('sync/mappers/salesforce-fields', () => {
  it('a stock org: no external id, the company through the Account, no warning', () => {
    const plan = planFields(stock());
    assert.deepEqual(plan.externalId, { contacts: false, events: false, tasks: false });
    assert.equal(plan.company, 'account');
    assert.ok(plan.read.contacts.includes('Account.Name') && !plan.read.contacts.includes('Company__c'));
    assert.deepEqual(plan.warnings, []);
  });

  it('an org with the fields keeps Company__c and upserts on OutlookId__c where it is an external id', () => {
    const d = stock();
    d.contacts.push(rw('Company__c'), rw('OutlookId__c', { externalId: true }));
    d.tasks.push(rw('OutlookId__c')); // not an external id: no upserts on it
    const plan = planFields(d);
    assert.equal(plan.company, 'field');
    assert.deepEqual(plan.externalId, { contacts: true, events: false, tasks: false });
  });

  it('a field the user cannot write is left out of writes with one warning; a missing one is not read', () => {
    const d = stock();
    d.contacts = d.contacts.map((f) => (f.name === 'Title' ? rw('Title', { updateable: false }) : f));
    d.events = d.events.filter((f) => f.name !== 'Location');
    const plan = planFields(d);
    assert.deepEqual(plan.warnings, [
      notice('sync.fieldNotWritable', { field: 'Contact.Title', access: 'not updateable' }),
      notice('sync.fieldMissing', { field: 'Event.Location' }),
    ]);
    assert.deepEqual(writableValues(plan, 'contacts', 'update', { Title: 'CEO', LastName: 'X' }), { LastName: 'X' });
    assert.deepEqual(writableValues(plan, 'contacts', 'create', { Title: 'CEO' }), { Title: 'CEO' });
    assert.ok(!plan.read.events.includes('Location'));
  });

  it('writes only picklist values the describe lists as active', () => {
    const plan = planFields(stock());
    assert.deepEqual(writableValues(plan, 'tasks', 'update', { Status: 'Completed' }), { Status: 'Completed' });
    assert.deepEqual(writableValues(plan, 'tasks', 'update', { Status: 'Deferred', Subject: 's' }), { Subject: 's' });
    assert.deepEqual(writableValues(plan, 'tasks', 'update', { Status: 'Old' }), {});
  });
});
