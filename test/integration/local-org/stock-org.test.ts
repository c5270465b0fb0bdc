/**
 * A stock org (`organization.customFields: false`): Contact, Event and Task without the sync's custom fields until
 * an admin creates them through the Tooling API's CustomField, over real HTTP.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { startTestOrg, sessionFor, testSeed } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { validateSeed } from '../../../sync-engine/src/local-org/seed';

const OUTLOOK_ID = {
  label: 'Outlook ID',
  type: 'Text',
  length: 255,
  externalId: true,
  unique: true,
  caseSensitive: false,
  required: false,
};

export function stockSeed() {
  const seed = testSeed();
  seed.organization.customFields = false;
  return seed;
}

describe('local org: a stock org and the Tooling API CustomField', () => {
  let org: LocalOrg;
  let call: (
    user: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: any; headers: Headers }>;

  beforeEach(async () => {
    org = await startTestOrg(stockSeed());
    call = async (user, method, path, body, headers = {}) => {
      const res = await fetch(`${org.url}/services/data/v60.0${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${sessionFor(org, user)}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    };
  });
  afterEach(() => org.close());

  const fieldNames = async (type: string) =>
    (await call('ann@test.example', 'GET', `/sobjects/${type}/describe`)).body.fields.map(
      (f: { name: string }) => f.name,
    );

  it('serves Contact, Event and Task without Company__c and OutlookId__c, and refuses them as a real org does', async () => {
    for (const type of ['Contact', 'Event', 'Task']) {
      const names = await fieldNames(type);
      assert.ok(names.includes('Subject') || names.includes('LastName'), type);
      assert.ok(!names.includes('OutlookId__c'), `${type} has no OutlookId__c`);
      assert.ok(!names.includes('Company__c'), `${type} has no Company__c`);
    }
    const q = await call('ann@test.example', 'GET', `/query?q=${encodeURIComponent('SELECT Company__c FROM Contact')}`);
    assert.equal(q.status, 400);
    assert.equal(q.body[0].errorCode, 'INVALID_FIELD');
    const create = await call('ann@test.example', 'POST', '/sobjects/Task', { Subject: 'x', OutlookId__c: 'abc' });
    assert.equal(create.status, 400);
    assert.equal(create.body[0].errorCode, 'INVALID_FIELD');
    const upsert = await call('ann@test.example', 'PATCH', '/sobjects/Contact/OutlookId__c/abc', { LastName: 'X' });
    assert.equal(upsert.status, 404);
    assert.equal(upsert.body[0].errorCode, 'NOT_FOUND');
    // The picklists carry a stock org's values.
    const task = (await call('ann@test.example', 'GET', '/sobjects/Task/describe')).body;
    const values = (name: string) =>
      task.fields.find((f: { name: string }) => f.name === name).picklistValues.map((v: { value: string }) => v.value);
    assert.deepEqual(values('Status'), [
      'Not Started',
      'In Progress',
      'Completed',
      'Waiting on someone else',
      'Deferred',
    ]);
    assert.deepEqual(values('Priority'), ['High', 'Normal', 'Low']);
  });

  it('refuses a seed whose records name a custom field a stock org lacks, and a customFields that is no boolean', async () => {
    const seed = stockSeed();
    seed.records = { Contact: [{ LastName: 'Old', Company__c: 'Acme' }] };
    await assert.rejects(
      startTestOrg(seed),
      /records\.Contact\[0\]: No such column 'Company__c' on sobject of type Contact/,
    );
    const bad = { ...testSeed(), organization: { ...testSeed().organization, customFields: 'no' } };
    assert.deepEqual(
      validateSeed(bad).filter((p) => p.includes('customFields')),
      ['organization.customFields: must be true or false (got "no")'],
    );
  });

  it('creates a custom field for an admin only, once; the field is then described, queried, upserted and unique', async () => {
    const create = (user: string) =>
      call(user, 'POST', '/tooling/sobjects/CustomField', { FullName: 'Contact.OutlookId__c', Metadata: OUTLOOK_ID });
    const refused = await create('ann@test.example');
    assert.equal(refused.status, 403);
    assert.equal(refused.body[0].errorCode, 'INSUFFICIENT_ACCESS_OR_READONLY');
    assert.ok(!(await fieldNames('Contact')).includes('OutlookId__c'));

    const before = await call('ann@test.example', 'GET', '/sobjects/Contact/describe');
    const lastModified = before.headers.get('last-modified')!;
    assert.ok(lastModified, 'describe says when the schema changed');
    const unchanged = await call('ann@test.example', 'GET', '/sobjects/Contact/describe', undefined, {
      'If-Modified-Since': lastModified,
    });
    assert.equal(unchanged.status, 304);

    await new Promise((r) => setTimeout(r, 1100)); // HTTP dates have whole seconds
    const made = await create('admin@test.example');
    assert.equal(made.status, 201);
    assert.match(made.body.id, /^00N/);
    assert.deepEqual([made.body.success, made.body.errors], [true, []]);
    const again = await create('admin@test.example');
    assert.equal(again.status, 400);
    assert.equal(again.body[0].errorCode, 'DUPLICATE_VALUE');

    // As on a real org, a new field has no field-level access: nobody sees it until a permission set grants it.
    for (const user of ['ann@test.example', 'admin@test.example'])
      assert.ok(!(await fieldNames('Contact')).includes('OutlookId__c'), `${user} has no access yet`);
    const hidden = await call(
      'ann@test.example',
      'GET',
      `/query?q=${encodeURIComponent('SELECT OutlookId__c FROM Contact')}`,
    );
    assert.equal(hidden.body[0].errorCode, 'INVALID_FIELD');
    await grant('ann@test.example', 'Contact.OutlookId__c', { read: true, edit: true });

    const changed = await call('ann@test.example', 'GET', '/sobjects/Contact/describe', undefined, {
      'If-Modified-Since': lastModified,
    });
    assert.equal(changed.status, 200);
    const field = changed.body.fields.find((f: { name: string }) => f.name === 'OutlookId__c');
    assert.deepEqual(
      [field.custom, field.externalId, field.unique, field.length, field.createable, field.updateable],
      [true, true, true, 255, true, true],
    );
    assert.ok(!(await fieldNames('Event')).includes('OutlookId__c'), 'one object at a time');

    const up = await call('ann@test.example', 'PATCH', '/sobjects/Contact/OutlookId__c/K1', { LastName: 'Upserted' });
    assert.equal(up.status, 201);
    const dup = await call('ann@test.example', 'POST', '/sobjects/Contact', { LastName: 'Dup', OutlookId__c: 'k1' });
    assert.equal(dup.status, 400);
    assert.equal(dup.body[0].errorCode, 'DUPLICATE_VALUE');
    const conn = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: sessionFor(org, 'ann@test.example'),
      version: '60.0',
    });
    const rows = await conn.query<{ LastName: string; OutlookId__c: string }>(
      "SELECT LastName, OutlookId__c FROM Contact WHERE OutlookId__c = 'K1'",
    );
    assert.deepEqual(
      rows.records.map((r) => [r.LastName, r.OutlookId__c]),
      [['Upserted', 'K1']],
    );
  });

  /** As `org setup` does: a permission set with the field's FieldPermissions, assigned to the user. */
  async function grant(username: string, field: string, perms: { read: boolean; edit: boolean }) {
    const admin = 'admin@test.example';
    const set = await call(admin, 'POST', '/sobjects/PermissionSet', { Name: `fls_${Date.now()}`, Label: 'FLS' });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    const fp = await call(admin, 'POST', '/sobjects/FieldPermissions', {
      ParentId: set.body.id,
      SobjectType: field.split('.')[0],
      Field: field,
      PermissionsRead: perms.read,
      PermissionsEdit: perms.edit,
    });
    assert.equal(fp.status, 201, JSON.stringify(fp.body));
    const user = await call(
      admin,
      'GET',
      `/query?q=${encodeURIComponent(`SELECT Id FROM User WHERE Username = '${username}'`)}`,
    );
    const psa = await call(admin, 'POST', '/sobjects/PermissionSetAssignment', {
      AssigneeId: user.body.records[0].Id,
      PermissionSetId: set.body.id,
    });
    assert.equal(psa.status, 201, JSON.stringify(psa.body));
  }

  it('grants a created field through FieldPermissions: read-only is not writable, refused grants name the field', async () => {
    const admin = 'admin@test.example';
    const made = await call(admin, 'POST', '/tooling/sobjects/CustomField', {
      FullName: 'Task.OutlookId__c',
      Metadata: OUTLOOK_ID,
    });
    assert.equal(made.status, 201);
    await grant('ann@test.example', 'Task.OutlookId__c', { read: true, edit: false });
    const field = (await call('ann@test.example', 'GET', '/sobjects/Task/describe')).body.fields.find(
      (f: { name: string }) => f.name === 'OutlookId__c',
    );
    assert.deepEqual([field.createable, field.updateable], [false, false]);
    const write = await call('ann@test.example', 'POST', '/sobjects/Task', { Subject: 'x', OutlookId__c: 'a' });
    assert.equal(write.status, 400);
    const read = await call(
      'ann@test.example',
      'GET',
      `/query?q=${encodeURIComponent('SELECT OutlookId__c FROM Task')}`,
    );
    assert.equal(read.status, 200);
    assert.equal(
      (await call('admin@test.example', 'GET', `/query?q=${encodeURIComponent('SELECT OutlookId__c FROM Task')}`))
        .body[0].errorCode,
      'INVALID_FIELD',
      'an admin holds no grant either',
    );

    const set = await call(admin, 'POST', '/sobjects/PermissionSet', { Name: 'other', Label: 'Other' });
    const fp = (body: Record<string, unknown>) =>
      call(admin, 'POST', '/sobjects/FieldPermissions', { ParentId: set.body.id, ...body });
    const bad = [
      await fp({ SobjectType: 'Task', Field: 'Task.Nope__c', PermissionsRead: true }),
      await fp({ SobjectType: 'Task', Field: 'Task.OutlookId__c', PermissionsRead: false, PermissionsEdit: true }),
      await call('ann@test.example', 'POST', '/sobjects/FieldPermissions', {
        ParentId: set.body.id,
        SobjectType: 'Task',
        Field: 'Task.OutlookId__c',
        PermissionsRead: true,
      }),
    ];
    assert.deepEqual(
      bad.map((r) => [r.status, r.body[0].errorCode, r.body[0].fields]),
      [
        [400, 'INVALID_FIELD', ['Field']],
        [400, 'FIELD_INTEGRITY_EXCEPTION', ['PermissionsRead']],
        [403, 'INSUFFICIENT_ACCESS_OR_READONLY', []],
      ],
    );
  });

  it('refuses a CustomField it cannot create, naming the field', async () => {
    const post = (body: unknown) => call('admin@test.example', 'POST', '/tooling/sobjects/CustomField', body);
    const cases: Array<[unknown, string]> = [
      [
        { FullName: 'Account.X__c', Metadata: OUTLOOK_ID },
        'FullName: custom fields can be created on Contact, Event, Task, Activity only',
      ],
      [{ FullName: 'Contact.Bad', Metadata: OUTLOOK_ID }, 'FullName: "Bad" is not a custom field name'],
      [{ FullName: 'Contact.X__c', Metadata: { ...OUTLOOK_ID, type: 'Number' } }, 'Metadata.type: only Text fields'],
      [
        { FullName: 'Contact.X__c', Metadata: { ...OUTLOOK_ID, length: 300 } },
        'Metadata.length: a Text field has a length from 1 to 255',
      ],
      [{ FullName: 'Contact.X__c' }, 'Metadata: required, an object'],
    ];
    for (const [body, text] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body[0].message.startsWith(text), res.body[0].message);
    }
  });
});
