/** What sf and jsforce read around the data API (issue 15): the Tooling query with no records, and `GET /composite`. */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startTestOrg, sessionFor } from '../../helpers/org';

describe('local org: Tooling query and the composite resource list', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  before(async () => (org = await startTestOrg()));
  after(async () => org.close());

  const get = async (path: string, token = sessionFor(org, 'ann@test.example')) => {
    const res = await fetch(`${org.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it("answers jsforce's tooling.query for an object sf asks about with no records, not 404", async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const result = await conn.tooling.query('SELECT Id, MemberName, RevisionCounter FROM SourceMember');
    assert.equal(result.totalSize, 0);
    assert.equal(result.done, true);
    assert.deepEqual(result.records, []);
    const raw = await get(`/services/data/v60.0/tooling/query?q=${encodeURIComponent('SELECT Id FROM DebugLevel')}`);
    assert.deepEqual(raw, {
      status: 200,
      body: { size: 0, totalSize: 0, done: true, queryLocator: null, entityTypeName: null, records: [] },
    });
  });

  it('refuses a Tooling query without q or without an object, and a user the rule refuses', async () => {
    assert.equal(
      ((await get('/services/data/v60.0/tooling/query')).body as Array<{ errorCode: string }>)[0].errorCode,
      'MALFORMED_QUERY',
    );
    const noFrom = await get(`/services/data/v60.0/tooling/query?q=${encodeURIComponent('DELETE x')}`);
    assert.equal(noFrom.status, 400);
    const bob = await get(
      `/services/data/v60.0/tooling/query?q=${encodeURIComponent('SELECT Id FROM ApexClass')}`,
      sessionFor(org, 'bob@test.example'),
    );
    assert.deepEqual(bob, {
      status: 403,
      body: [{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }],
    });
  });

  it('lists the composite resources it serves on GET /composite', async () => {
    assert.deepEqual(await get('/services/data/v60.0/composite'), {
      status: 200,
      body: {
        batch: '/services/data/v60.0/composite/batch',
        tree: '/services/data/v60.0/composite/tree',
        sobjects: '/services/data/v60.0/composite/sobjects',
      },
    });
  });
});
