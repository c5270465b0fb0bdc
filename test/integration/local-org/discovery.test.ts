/** REST discovery over real HTTP: the version list and the resources by version (WIRE.md 3.1, 3.2). */
import assert from 'node:assert/strict';
import { sessionFor, startTestOrg, testSeed, userId } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { releaseLabel } from '../../../sync-engine/src/local-org/rest-discovery';

describe('local org: REST discovery', () => {
  let org: LocalOrg;
  before(async () => {
    const seed = testSeed();
    delete seed.records;
    org = await startTestOrg(seed);
  });
  after(async () => org.close());

  it('lists every version from 20.0 to 64.0 without authentication, oldest first', async () => {
    const res = await fetch(`${org.url}/services/data/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
    assert.equal(res.headers.get('sforce-limit-info'), null);
    const versions = (await res.json()) as Array<{ label: string; url: string; version: string }>;
    assert.equal(versions.length, 45);
    assert.deepEqual(versions[0], { label: "Winter '11", url: '/services/data/v20.0', version: '20.0' });
    assert.deepEqual(versions[1], { label: "Spring '11", url: '/services/data/v21.0', version: '21.0' });
    assert.deepEqual(
      versions.find((v) => v.version === '60.0'),
      { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' },
    );
    assert.deepEqual(versions.at(-1), { label: "Summer '25", url: '/services/data/v64.0', version: '64.0' });
    const again = await fetch(`${org.url}/services/data`);
    assert.deepEqual(await again.json(), versions);
  });

  it('names releases three a year', () => {
    assert.deepEqual([20, 22, 23, 59, 61, 62].map(releaseLabel), [
      "Winter '11",
      "Summer '11",
      "Winter '12",
      "Winter '24",
      "Summer '24",
      "Winter '25",
    ]);
  });

  it('lists the resources of a version, with the identity URL', async () => {
    const token = sessionFor(org, 'ann@test.example');
    for (const path of ['/services/data/v60.0', '/services/data/v60.0/']) {
      const res = await fetch(`${org.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.match(res.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/\d+$/);
      assert.deepEqual(await res.json(), {
        limits: '/services/data/v60.0/limits',
        query: '/services/data/v60.0/query',
        queryAll: '/services/data/v60.0/queryAll',
        identity: `${org.url}/id/${org.ctx.orgId()}/${userId(org, 'ann@test.example')}`,
        composite: '/services/data/v60.0/composite',
        search: '/services/data/v60.0/search',
        parameterizedSearch: '/services/data/v60.0/parameterizedSearch',
        sobjects: '/services/data/v60.0/sobjects',
      });
    }
  });

  it('lists only the resources an old version had', async () => {
    const res = await fetch(`${org.url}/services/data/v25.0`, {
      headers: { authorization: `Bearer ${sessionFor(org, 'ann@test.example')}` },
    });
    assert.deepEqual(Object.keys((await res.json()) as object), ['query', 'identity', 'search', 'sobjects']);
  });

  it('leaves authentication and the access rule to the REST gate', async () => {
    const none = await fetch(`${org.url}/services/data/v60.0`);
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const bob = await fetch(`${org.url}/services/data/v60.0`, {
      headers: { authorization: `Bearer ${sessionFor(org, 'bob@test.example')}` },
    });
    assert.equal(bob.status, 403);
    assert.deepEqual(await bob.json(), [
      { message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' },
    ]);
    for (const v of ['19.0', '65.0']) {
      const res = await fetch(`${org.url}/services/data/v${v}`, {
        headers: { authorization: `Bearer ${sessionFor(org, 'ann@test.example')}` },
      });
      assert.equal(res.status, 404, v);
    }
  });
});
