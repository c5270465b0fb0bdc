/**
 * A widely used third-party Salesforce client, jsforce 3, unchanged against the local org: SOAP login,
 * OAuth password flow, queries paged across 2,000+ records, and collections create/update/delete.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { startTestOrg, userId } from '../helpers/org';
import { findSObject } from '../../sync-engine/src/local-org/schema';

describe('jsforce 3 against the local org, unchanged', function () {
  this.timeout(60_000);
  let org: LocalOrg;

  before(async () => {
    org = await startTestOrg();
    const contact = findSObject('Contact')!;
    const owner = userId(org, 'ann@test.example');
    org.ctx.store.transaction(() => {
      for (let i = 0; i < 2_345; i++) {
        org.ctx.store.insert(
          contact,
          { FirstName: `F${i}`, LastName: `Paged${String(i).padStart(5, '0')}`, Email: `p${i}@paging.example` },
          owner,
        );
      }
    });
  });
  after(async () => org.close());

  it('logs in by SOAP and pages a query across 2,000+ records', async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    const info = await conn.login('ann@test.example', 'Ann-pass-1');
    assert.equal(info.id, userId(org, 'ann@test.example'));
    assert.equal(conn.instanceUrl, org.url);
    const records: Array<{ LastName: string }> = [];
    const result = await conn
      .query<{ LastName: string }>("SELECT Id, LastName FROM Contact WHERE LastName LIKE 'Paged%' ORDER BY LastName")
      .on('record', (r: { LastName: string }) => records.push(r))
      .run({ autoFetch: true, maxFetch: 10_000 });
    void result;
    assert.equal(records.length, 2_345);
    assert.equal(new Set(records.map((r) => r.LastName)).size, 2_345);
    assert.equal(records[0].LastName, 'Paged00000');
    assert.equal(records[2_344].LastName, 'Paged02344');
  });

  it('logs in with the OAuth password flow of an ordinary connected app', async () => {
    const conn = new jsforce.Connection({
      oauth2: { clientId: 'reporting-client', clientSecret: 'reporting-secret', loginUrl: org.url },
      version: '60.0',
    });
    const info = await conn.login('admin@test.example', 'Admin-pass-1');
    assert.equal(info.id, userId(org, 'admin@test.example'));
    const count = await conn.query('SELECT COUNT() FROM User');
    assert.equal(count.totalSize, 7);
  });

  it('refuses more than 200 records in one collections call, as Salesforce does', async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const rows = Array.from({ length: 201 }, (_, i) => ({ LastName: `Over${i}` }));
    await assert.rejects(
      conn.sobject('Contact').create(rows, { allOrNone: false }),
      /EXCEEDED_ID_LIMIT|record limit reached/,
    );
    const left = await conn.query(`SELECT COUNT() FROM Contact WHERE LastName LIKE 'Over%'`);
    assert.equal(left.totalSize, 0);
  });

  it('creates, updates and deletes through sObject Collections (jsforce chunks by 200), with per-record results', async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const rows = Array.from({ length: 250 }, (_, i) => ({ LastName: `Coll${i}`, Email: `coll${i}@x.example` }));
    const created = await conn.sobject('Contact').create(rows, { allOrNone: false, allowRecursive: true });
    assert.equal(created.length, 250);
    assert.ok(created.every((r) => r.success && typeof r.id === 'string'));

    const ids = created.map((r) => r.id as string);
    const updated = await conn.sobject('Contact').update(
      ids.map((id, i) => ({ Id: id, Title: `T${i}` })),
      { allowRecursive: true },
    );
    assert.ok(updated.every((r) => r.success));
    const check = await conn.query<{ Title: string }>(`SELECT Title FROM Contact WHERE Id = '${ids[7]}'`);
    assert.equal(check.records[0].Title, 'T7');

    const bad = await conn
      .sobject('Contact')
      .create([{ LastName: 'Fine' }, { FirstName: 'NoLast' }], { allOrNone: false });
    assert.equal(bad[0].success, true);
    assert.equal(bad[1].success, false);
    assert.equal(
      (bad[1] as { errors: Array<{ errorCode?: string; statusCode?: string }> }).errors[0].statusCode ??
        (bad[1] as { errors: Array<{ errorCode?: string }> }).errors[0].errorCode,
      'REQUIRED_FIELD_MISSING',
    );

    const deleted = await conn.sobject('Contact').destroy(ids, { allowRecursive: true });
    assert.ok(deleted.every((r) => r.success));
    const left = await conn.query(`SELECT COUNT() FROM Contact WHERE LastName LIKE 'Coll%'`);
    assert.equal(left.totalSize, 0);
  });

  it('surfaces API_CURRENTLY_DISABLED as Salesforce does for a user without API Enabled', async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await assert.rejects(
      conn.login('bob@test.example', 'Bob-pass-1'),
      /API_CURRENTLY_DISABLED: API is disabled for this User/,
    );
  });
});
