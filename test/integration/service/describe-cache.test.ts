/**
 * The service's describes, cached as Salesforce lets a client cache them (service/describe-cache.ts): the side panel
 * and the Word/Excel add-in describe each object once per user, counted at the org (`stats.describes`, Composite
 * subrequests included); after five minutes one conditional re-check, a 304 keeping what was held; never one
 * user's describe for another; lost API access answered with the product's text, never from the cache.
 */
import assert from 'node:assert/strict';
import { AxiosInstance } from 'axios';
import { adminOf, startServiceWorld, ServiceWorld } from '../../helpers/service';
import { sharedMessages } from '../../helpers/shared';
import { ManualClock, sessionFor, startTestOrg, userId } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';
import { DESCRIBE_FRESH_MS, DescribeCache } from '../../../sync-engine/src/service/describe-cache';

/** What a counter of the org's (a Map of counts) added since the returned function was last called. */
function counter(counts: Map<string, number>): () => Record<string, number> {
  let seen = new Map(counts);
  return () => {
    const out: Record<string, number> = {};
    for (const [key, n] of counts) if (n > (seen.get(key) ?? 0)) out[key] = n - (seen.get(key) ?? 0);
    seen = new Map(counts);
    return out;
  };
}

const fieldNames = (fields: Array<{ name: string }>) => fields.map((f) => f.name);

describe('service: describes cached per user', function () {
  this.timeout(60_000);
  const messages = sharedMessages();
  let w: ServiceWorld;
  let secret: string;
  let admin: { sf: AxiosInstance; setApiEnabled(on: boolean): Promise<void> };
  /** How far the service's clock is ahead of the real one. */
  let ahead = 0;
  let describes: () => Record<string, number>;
  const call = (method: string, path: string, body?: unknown) => w.call(method, path, { secret, body });
  const itemChange = async (i: number) => {
    const res = await call('POST', '/api/side-panel/people', {
      itemKey: `<describe-${i}@navy.example>`,
      people: [{ address: 'grace@navy.example', name: 'Grace Hopper', role: 'from' }],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.cached, false);
    assert.equal(res.body.people[0].records.length, 1, 'Grace is a Contact');
    assert.equal(res.body.sharesActivities, false, 'the test org does not share activities');
  };
  /** What the Excel pane's refresh asks: the rows, then the object's fields (excel/sheet-sync.ts). */
  const refresh = async () => {
    const rows = await call('POST', '/api/office/query', { object: 'Contact', fields: ['LastName', 'Email'] });
    assert.equal(rows.status, 200, rows.text);
    const fields = await call('GET', '/api/office/objects/Contact/fields');
    assert.equal(fields.status, 200, fields.text);
    assert.ok(fieldNames(fields.body.fields).includes('Email'), fields.text);
  };

  before(async () => {
    // No mailbox: no sync runs, whose own describes (app/org-fields.ts) the org would count too.
    w = await startServiceWorld({ mailbox: null, now: () => new Date(Date.now() + ahead) });
    admin = await adminOf(w);
    secret = await w.signInAnn();
    describes = counter(w.org.ctx.stats.describes);
  });
  after(() => w?.close());

  it('10 item changes and 5 refreshes of one object: one describe of each object; fields from memory cost one light request', async () => {
    describes();
    const requests = counter(w.org.ctx.stats.byKind);
    for (let i = 0; i < 10; i++) await itemChange(i);
    for (let i = 0; i < 5; i++) await refresh();
    assert.deepEqual(describes(), { 'TaskRelation 404': 1, 'Contact 200': 1 });
    assert.deepEqual(requests(), {
      'GET search': 10,
      'POST composite': 10,
      'GET query': 5,
      'GET sobjects/Contact': 1,
      // The fields of the 4 refreshes after the first came from memory: one light request each says access is on.
      'GET ': 4,
    });
  });

  it('after five minutes, one conditional re-check: the 304 keeps the fields, fresh again for five minutes', async () => {
    await refresh();
    describes();
    ahead += DESCRIBE_FRESH_MS + 1000;
    await refresh();
    assert.deepEqual(describes(), { 'Contact 304': 1 }, 'asked with If-Modified-Since');
    await refresh();
    await itemChange(100);
    // An org without Shared Activities sends no Last-Modified with its 404: the check rides in the Composite call again.
    assert.deepEqual(describes(), { 'TaskRelation 404': 1 });
    await itemChange(101);
    assert.deepEqual(describes(), {});
  });

  it("Word's merge fields describe Contact and Account once; an unknown object is named, and asked once", async () => {
    describes();
    for (let i = 0; i < 3; i++) {
      const res = await call('GET', '/api/office/merge-fields/Contact');
      assert.equal(res.status, 200, res.text);
      assert.ok(fieldNames(res.body.fields).includes('Account.Name'));
      const bad = await call('GET', '/api/office/objects/Nope__c/fields');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'object');
    }
    assert.deepEqual(describes(), { 'Account 200': 1, 'Nope__c 404': 1 });
  });

  it("API access off: the product's text, asked of the org and never from the cache; on again, described once", async () => {
    await refresh();
    await admin.setApiEnabled(false);
    try {
      // First, before any other call found the access gone: Contact's fields are fresh in the cache, and still the
      // answer is the product's refusal, not what the cache holds.
      const first = await call('GET', '/api/office/objects/Contact/fields');
      assert.equal(first.status, 403, first.text);
      assert.equal(first.body.error.message, messages['sfo.syncStopped']);
      const rows = await call('POST', '/api/office/query', { object: 'Contact', fields: ['LastName'] });
      assert.equal(rows.status, 403);
      assert.equal(rows.body.error.message, messages['sfo.syncStopped']);
      // Contact's describe is fresh in the cache: a 403 can only be the org's answer.
      for (const object of ['Contact', 'Lead']) {
        const fields = await call('GET', `/api/office/objects/${object}/fields`);
        assert.equal(fields.status, 403, fields.text);
        assert.equal(fields.body.error.code, 'API_CURRENTLY_DISABLED');
        assert.equal(fields.body.error.message, messages['sfo.syncStopped']);
      }
    } finally {
      await admin.setApiEnabled(true);
    }
    describes();
    await refresh();
    await refresh();
    assert.deepEqual(describes(), { 'Contact 200': 1 }, 'described again once access is back, then cached');
  });
});

describe('the describe cache itself', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  const clock = new ManualClock(new Date());
  let ann: Connection;
  let cy: Connection;
  let annId: string;
  let cyId: string;
  let describes: () => Record<string, number>;
  const connect = (username: string) =>
    new Connection({ instanceUrl: org.url, accessToken: sessionFor(org, username), apiVersion: '60.0' });
  const names = async (d: Promise<{ fields: Array<{ name: string }> }>) => fieldNames((await d).fields);
  const cache = (o: { maxEntries?: number } = {}) => new DescribeCache({ now: () => clock.now().getTime(), ...o });
  /** As `org setup` does: the field through the Tooling API, readable by `username` through a permission set. */
  const createField = async (name: string, username: string) => {
    const sf = connect('admin@test.example');
    await sf.request({
      method: 'POST',
      path: sf.dataPath('/tooling/sobjects/CustomField'),
      body: { FullName: `Contact.${name}`, Metadata: { type: 'Text', label: name, length: 80 } },
    });
    const set = await sf.request<{ id: string }>({
      method: 'POST',
      path: sf.dataPath('/sobjects/PermissionSet'),
      body: { Name: `fls_${name}`, Label: name },
    });
    await sf.request({
      method: 'POST',
      path: sf.dataPath('/sobjects/FieldPermissions'),
      body: {
        ParentId: set.data.id,
        SobjectType: 'Contact',
        Field: `Contact.${name}`,
        PermissionsRead: true,
        PermissionsEdit: true,
      },
    });
    await sf.request({
      method: 'POST',
      path: sf.dataPath('/sobjects/PermissionSetAssignment'),
      body: { AssigneeId: userId(org, username), PermissionSetId: set.data.id },
    });
  };

  before(async () => {
    org = await startTestOrg(undefined, undefined, clock);
    ann = connect('ann@test.example');
    cy = connect('cy@test.example');
    annId = userId(org, 'ann@test.example');
    cyId = userId(org, 'cy@test.example');
    describes = counter(org.ctx.stats.describes);
  });
  after(() => org?.close());

  it("each user's own: a field granted to ann is in her describe, not in cy's, each asked once", async () => {
    await createField('Nickname__c', 'ann@test.example');
    clock.advance(2000);
    const c = cache();
    describes();
    for (let i = 0; i < 3; i++) {
      assert.ok((await names(c.of(ann, annId).describe('Contact'))).includes('Nickname__c'));
      assert.ok(!(await names(c.of(cy, cyId).describe('Contact'))).includes('Nickname__c'));
    }
    assert.deepEqual(describes(), { 'Contact 200': 2 });
  });

  it('after the window, If-Modified-Since: a 304 keeps it; a field made since is seen at the next re-check', async () => {
    const c = cache();
    await c.of(ann, annId).describe('Contact');
    describes();
    clock.advance(DESCRIBE_FRESH_MS + 1000);
    await c.of(ann, annId).describe('Contact');
    assert.deepEqual(describes(), { 'Contact 304': 1 });
    clock.advance(2000); // HTTP dates have whole seconds
    await createField('Pager__c', 'ann@test.example');
    assert.ok(!(await names(c.of(ann, annId).describe('Contact'))).includes('Pager__c'), 'fresh: not asked');
    assert.deepEqual(describes(), {});
    clock.advance(DESCRIBE_FRESH_MS + 1000);
    assert.ok((await names(c.of(ann, annId).describe('Contact'))).includes('Pager__c'));
    assert.deepEqual(describes(), { 'Contact 200': 1 });
  });

  it('asked to re-check (API access known off), asks even while fresh', async () => {
    const c = cache();
    await c.of(ann, annId).describe('Account');
    describes();
    await c.of(ann, annId, { recheck: true }).describe('Account');
    assert.deepEqual(describes(), { 'Account 304': 1 });
  });

  it('keeps at most maxEntries, the least recently used out first', async () => {
    const c = cache({ maxEntries: 2 });
    const d = c.of(ann, annId);
    await d.describe('Contact');
    await d.describe('Lead');
    await d.describe('Contact');
    describes();
    await d.describe('Account');
    await d.describe('Contact');
    assert.deepEqual(describes(), { 'Account 200': 1 });
    await d.describe('Lead');
    assert.deepEqual(describes(), { 'Lead 200': 1 }, 'Lead was the least recently used');
  });

  it("asks of one object at once are one describe; a 404 is kept and thrown again as the org's NOT_FOUND", async () => {
    const c = cache();
    const d = c.of(ann, annId);
    describes();
    const all = await Promise.allSettled([1, 2, 3].map(() => d.describe('TaskRelation')));
    all.push(await Promise.allSettled([d.describe('TaskRelation')]).then((r) => r[0]));
    for (const r of all) {
      assert.equal(r.status, 'rejected');
      const err = (r as PromiseRejectedResult).reason;
      assert.ok(err instanceof SalesforceApiError, String(err));
      assert.deepEqual([err.status, err.errorCode], [404, 'NOT_FOUND']);
    }
    assert.deepEqual(describes(), { 'TaskRelation 404': 1 });
    assert.equal(d.knownPresent('TaskRelation'), false);
    assert.equal(d.knownPresent('Contact'), undefined, 'not asked yet');
  });

  it('any other failure is not kept: lost API access is thrown each time, as the org says it', async () => {
    const c = cache();
    const sf = connect('admin@test.example');
    const profile = (
      await sf.request<{ records: Array<{ Id: string }> }>({
        method: 'GET',
        path: sf.dataPath('/query'),
        params: { q: "SELECT Id FROM Profile WHERE Name = 'Standard User'" },
      })
    ).data.records[0].Id;
    const setApiEnabled = (on: boolean) =>
      sf.request({
        method: 'PATCH',
        path: sf.dataPath(`/sobjects/Profile/${profile}`),
        body: { PermissionsApiEnabled: on },
      });
    await setApiEnabled(false);
    const refusedBefore = org.ctx.stats.refusedByRule;
    try {
      for (let i = 0; i < 2; i++)
        await assert.rejects(c.of(ann, annId).describe('Case'), (err: unknown) => {
          assert.ok(err instanceof SalesforceApiError);
          assert.deepEqual([err.errorCode, err.kind], ['API_CURRENTLY_DISABLED', 'accessRevoked']);
          return true;
        });
    } finally {
      await setApiEnabled(true);
    }
    assert.equal(org.ctx.stats.refusedByRule - refusedBefore, 2);
    describes();
    assert.ok((await names(c.of(ann, annId).describe('Case'))).includes('Subject'));
    assert.deepEqual(describes(), { 'Case 200': 1 });
  });
});
