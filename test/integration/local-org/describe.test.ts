/** Describe global, sObject describe and basic information over real HTTP (WIRE.md section 7). */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { startTestOrg, sessionFor } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';

/** Every key of a field in Salesforce's recorded describe (WIRE.md 7.2), alphabetical. */
const FIELD_KEYS = (
  'aggregatable, aiPredictionField, autoNumber, byteLength, calculated, calculatedFormula, cascadeDelete, caseSensitive, ' +
  'compoundFieldName, controllerName, createable, custom, defaultValue, defaultValueFormula, defaultedOnCreate, dependentPicklist, ' +
  'deprecatedAndHidden, digits, displayLocationInDecimal, encrypted, externalId, extraTypeInfo, filterable, filteredLookupInfo, ' +
  'formulaTreatNullNumberAsZero, groupable, highScaleNumber, htmlFormatted, idLookup, inlineHelpText, label, length, mask, maskType, name, ' +
  'nameField, namePointing, nillable, permissionable, picklistValues, polymorphicForeignKey, precision, queryByDistance, referenceTargetField, ' +
  'referenceTo, relationshipName, relationshipOrder, restrictedDelete, restrictedPicklist, scale, searchPrefilterable, soapType, sortable, type, ' +
  'unique, updateable, writeRequiresMasterRead'
).split(', ');

/** Top-level keys of Salesforce's recorded Contact describe (WIRE.md 7.2). */
const DESCRIBE_KEYS = (
  'actionOverrides, activateable, associateEntityType, associateParentEntity, childRelationships, compactLayoutable, ' +
  'createable, custom, customSetting, deepCloneable, defaultImplementation, deletable, deprecatedAndHidden, extendedBy, extendsInterfaces, ' +
  'feedEnabled, fields, hasSubtypes, implementedBy, implementsInterfaces, isInterface, isSubtype, keyPrefix, label, labelPlural, layoutable, ' +
  'listviewable, lookupLayoutable, mergeable, mruEnabled, name, namedLayoutInfos, networkScopeFieldName, queryable, recordTypeInfos, ' +
  'replicateable, retrieveable, searchLayoutable, searchable, sobjectDescribeOption, supportedScopes, triggerable, undeletable, updateable, urls'
).split(', ');

describe('local org: describe', () => {
  let org: LocalOrg;
  let get: (path: string, method?: string) => Promise<{ status: number; body: any; contentType: string | null }>;

  before(async () => {
    org = await startTestOrg();
    const token = sessionFor(org, 'ann@test.example');
    get = async (path, method = 'GET') => {
      const res = await fetch(`${org.url}/services/data/v52.0${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? JSON.parse(text) : undefined,
        contentType: res.headers.get('content-type'),
      };
    };
  });
  after(() => org.close());

  it('describes the org globally', async () => {
    const res = await get('/sobjects');
    assert.equal(res.status, 200);
    assert.equal(res.contentType, 'application/json;charset=UTF-8');
    assert.equal(res.body.encoding, 'UTF-8');
    assert.equal(res.body.maxBatchSize, 200);
    const names = res.body.sobjects.map((o: { name: string }) => o.name);
    for (const n of [
      'Contact',
      'Event',
      'Task',
      'User',
      'Profile',
      'PermissionSet',
      'PermissionSetAssignment',
      'Organization',
    ])
      assert.ok(names.includes(n), n);
    const contact = res.body.sobjects.find((o: { name: string }) => o.name === 'Contact');
    assert.deepEqual(Object.keys(contact), [...Object.keys(contact)].sort(), 'alphabetical, as recorded');
    assert.equal(contact.keyPrefix, '003');
    assert.equal(contact.labelPlural, 'Contacts');
    assert.equal(contact.urls.describe, '/services/data/v52.0/sobjects/Contact/describe');
    assert.equal(contact.urls.rowTemplate, '/services/data/v52.0/sobjects/Contact/{ID}');
    const license = res.body.sobjects.find((o: { name: string }) => o.name === 'UserLicense');
    assert.deepEqual([license.createable, license.updateable, license.deletable], [false, false, false]);
  });

  it('describes Contact with every key Salesforce sends', async () => {
    const res = await get('/sobjects/Contact/describe');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), [...DESCRIBE_KEYS].sort());
    assert.equal(res.body.name, 'Contact');
    for (const f of res.body.fields) assert.deepEqual(Object.keys(f), FIELD_KEYS, f.name);
    const field = (name: string) => res.body.fields.find((f: { name: string }) => f.name === name);

    assert.deepEqual(
      pick(
        field('Id'),
        'type',
        'soapType',
        'length',
        'nillable',
        'createable',
        'updateable',
        'idLookup',
        'defaultedOnCreate',
      ),
      {
        type: 'id',
        soapType: 'tns:ID',
        length: 18,
        nillable: false,
        createable: false,
        updateable: false,
        idLookup: true,
        defaultedOnCreate: true,
      },
    );
    assert.deepEqual(
      pick(field('LastName'), 'label', 'type', 'length', 'byteLength', 'nillable', 'createable', 'updateable'),
      {
        label: 'Last Name',
        type: 'string',
        length: 80,
        byteLength: 240,
        nillable: false,
        createable: true,
        updateable: true,
      },
    );
    assert.deepEqual(pick(field('AccountId'), 'type', 'referenceTo', 'relationshipName', 'nillable'), {
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Account',
      nillable: true,
    });
    assert.deepEqual(pick(field('Email'), 'type', 'idLookup', 'externalId'), {
      type: 'email',
      idLookup: true,
      externalId: false,
    });
    assert.deepEqual(pick(field('OutlookId__c'), 'custom', 'externalId', 'idLookup'), {
      custom: true,
      externalId: true,
      idLookup: true,
    });
    assert.deepEqual(pick(field('LastModifiedDate'), 'type', 'soapType', 'nillable', 'createable'), {
      type: 'datetime',
      soapType: 'xsd:dateTime',
      nillable: false,
      createable: false,
    });
    assert.deepEqual(pick(field('Name'), 'nameField', 'createable'), { nameField: true, createable: false });
    assert.deepEqual(field('Salutation').picklistValues[0], {
      active: true,
      defaultValue: false,
      label: 'Mr.',
      validFor: null,
      value: 'Mr.',
    });
    assert.equal(field('Description').extraTypeInfo, 'plaintextarea');
    assert.equal(res.body.recordTypeInfos[0].master, true);
    assert.equal(res.body.urls.sobject, '/services/data/v52.0/sobjects/Contact');
  });

  it('lists child relationships for jsforce to expand subqueries', async () => {
    const account = (await get('/sobjects/Account/describe')).body;
    const contacts = account.childRelationships.find(
      (r: { childSObject: string; field: string }) => r.childSObject === 'Contact' && r.field === 'AccountId',
    );
    assert.deepEqual(contacts, {
      cascadeDelete: false,
      childSObject: 'Contact',
      deprecatedAndHidden: false,
      field: 'AccountId',
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: 'Contacts',
      restrictedDelete: false,
    });
    const user = (await get('/sobjects/User/describe')).body;
    assert.equal(user.deletable, false);
    assert.ok(
      user.childRelationships.some(
        (r: { relationshipName: string }) => r.relationshipName === 'PermissionSetAssignments',
      ),
    );
  });

  it('gives basic information with recent items', async () => {
    const token = sessionFor(org, 'ann@test.example');
    const created = (await fetch(`${org.url}/services/data/v52.0/sobjects/Contact`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ LastName: 'Recent' }),
    }).then((r) => r.json())) as { id: string };
    const res = await get('/sobjects/Contact');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['objectDescribe', 'recentItems']);
    assert.equal(res.body.objectDescribe.name, 'Contact');
    assert.deepEqual(res.body.recentItems[0], {
      attributes: { type: 'Contact', url: `/services/data/v52.0/sobjects/Contact/${created.id}` },
      Id: created.id,
      Name: 'Recent',
    });
  });

  it('answers 404 for an unknown object and 405 for a write to describe', async () => {
    for (const path of ['/sobjects/Nope', '/sobjects/Nope/describe', '/sobjects/Nope/0030000000000AA']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    }
    const post = await get('/sobjects/Contact/describe', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.body[0].errorCode, 'METHOD_NOT_ALLOWED');
  });

  it('is what jsforce reads for describe and describeGlobal', async () => {
    const conn = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: sessionFor(org, 'ann@test.example'),
      version: '52.0',
    });
    const global = await conn.describeGlobal();
    assert.ok(global.sobjects.some((o) => o.name === 'Event'));
    const task = await conn.sobject('Task').describe();
    assert.ok(
      task.fields.some((f) => f.name === 'WhoId' && f.relationshipName === 'Who' && f.referenceTo?.includes('Contact')),
    );
  });
});

function pick(o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
