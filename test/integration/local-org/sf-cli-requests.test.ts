/**
 * What the Salesforce CLI (`sf`, through @salesforce/core and jsforce) asks of an org before and around its
 * commands (issue 15): paths with a leading `//`, the Organization query every command runs, and the column
 * metadata of `query?columns=true` that `sf data query` reads to lay out its table.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { findSObject } from '../../../sync-engine/src/local-org/schema';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';

/** A raw GET: fetch() would normalise `//services` into a different URL, sf's http client sends it as is. */
function rawGet(url: string, path: string, token: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get({ hostname, port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
  });
}

describe('local org: what the Salesforce CLI asks', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let ann: string;

  const get = (path: string, token = ann) => rawGet(org.url, path, token);
  const q = (soql: string) => encodeURIComponent(soql);

  before(async () => {
    org = await startTestOrg();
    ann = sessionFor(org, 'ann@test.example');
    const owner = userId(org, 'ann@test.example');
    org.ctx.store.insert(findSObject('Contact')!, { LastName: 'Columns', Email: 'c@x.example' }, owner);
  });
  after(async () => org.close());

  it('answers a path with a leading // as the single-slash path (sf stores instance URLs with a trailing slash)', async () => {
    const single = await get('/services/data/v60.0/query?q=' + q('SELECT Id, LastName FROM Contact'));
    const double = await get('//services/data/v60.0/query?q=' + q('SELECT Id, LastName FROM Contact'));
    assert.equal(double.status, 200, JSON.stringify(double.body));
    assert.deepEqual(double.body, single.body);
    const versions = await get('//services/data', ann);
    assert.equal(versions.status, 200);
    assert.ok(Array.isArray(versions.body));
  });

  it('still asks a // path for its session (the gate sees the path the route answers)', async () => {
    const res = await get('//services/data/v60.0/query?q=' + q('SELECT Id FROM Contact'), 'not-a-session');
    assert.equal(res.status, 401);
    assert.equal((res.body as Array<{ errorCode: string }>)[0].errorCode, 'INVALID_SESSION_ID');
  });

  it("answers sf's Organization query, TrialExpirationDate and NamespacePrefix null", async () => {
    const soql =
      'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization';
    const res = await get('//services/data/v60.0/query?q=' + q(soql));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [row] = (res.body as { records: Array<Record<string, unknown>> }).records;
    assert.equal(row.TrialExpirationDate, null);
    assert.equal(row.NamespacePrefix, null);
    assert.equal(typeof row.Name, 'string');
  });

  it('answers columns=true with the column metadata of the select list, parents as joinColumns', async () => {
    const soql = 'SELECT Id, LastName, Email, Owner.Name, Owner.Profile.Name FROM Contact';
    const res = await get(`/services/data/v60.0/query?q=${q(soql)}&columns=true`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = res.body as {
      columnMetadata: Array<Record<string, unknown> & { joinColumns: Array<Record<string, unknown>> }>;
    };
    assert.deepEqual(Object.keys(body).sort(), ['columnMetadata', 'entityName', 'groupBy', 'idSelected', 'keyPrefix']);
    assert.equal((body as unknown as { entityName: string }).entityName, 'Contact');
    assert.equal((body as unknown as { keyPrefix: string }).keyPrefix, '003');
    assert.equal((body as unknown as { idSelected: boolean }).idSelected, true);
    assert.equal((body as unknown as { groupBy: boolean }).groupBy, false);
    assert.deepEqual(
      body.columnMetadata.map((c) => c.columnName),
      ['Id', 'LastName', 'Email', 'Owner'],
    );
    assert.deepEqual(body.columnMetadata[1], {
      aggregate: false,
      apexType: 'String',
      booleanType: false,
      columnName: 'LastName',
      custom: false,
      displayName: 'LastName',
      foreignKeyName: null,
      insertable: true,
      joinColumns: [],
      numberType: false,
      textType: true,
      updatable: true,
    });
    const owner = body.columnMetadata[3];
    assert.equal(owner.apexType, null);
    assert.deepEqual(
      owner.joinColumns.map((c) => [c.columnName, c.displayName]),
      [
        ['Name', 'Owner.Name'],
        ['Profile', 'Owner.Profile'],
      ],
    );
    const profile = owner.joinColumns[1] as { joinColumns: Array<Record<string, unknown>> };
    assert.deepEqual(
      profile.joinColumns.map((c) => [c.columnName, c.displayName]),
      [['Name', 'Owner.Profile.Name']],
    );
  });

  it('answers columns=true for aggregates (expr0 and aliases, the function as displayName) and on queryAll', async () => {
    const soql = 'SELECT OwnerId, COUNT(Id), MAX(LastName) latest FROM Contact GROUP BY OwnerId';
    const res = await get(`/services/data/v60.0/queryAll?q=${q(soql)}&columns=true`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = res.body as { groupBy: boolean; idSelected: boolean; columnMetadata: Array<Record<string, unknown>> };
    assert.equal(body.groupBy, true);
    assert.equal(body.idSelected, false);
    assert.deepEqual(
      body.columnMetadata.map((c) => [c.columnName, c.displayName, c.aggregate, c.apexType]),
      [
        ['OwnerId', 'OwnerId', false, 'Id'],
        ['expr0', 'COUNT(Id)', true, 'Integer'],
        ['latest', 'MAX(LastName)', true, 'String'],
      ],
    );
  });

  it('answers columns=true for a query that does not compile with the query error', async () => {
    const res = await get(`/services/data/v60.0/query?q=${q('SELECT Nope FROM Contact')}&columns=true`);
    assert.equal(res.status, 400);
    assert.equal((res.body as Array<{ errorCode: string }>)[0].errorCode, 'INVALID_FIELD');
  });
});
