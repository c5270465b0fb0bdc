import assert from 'node:assert/strict';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';
import { fakeServer, FakeServer } from './fake-server';

const EXPIRED = { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };

describe('salesforce/connection', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the bearer token and reads JSON', async () => {
    server = await fakeServer(() => ({ body: { ok: 1 }, headers: { 'sforce-limit-info': 'api-usage=7/15000' } }));
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T1' });
    assert.deepEqual(await conn.get(conn.dataPath('/limits')), { ok: 1 });
    assert.equal(server.seen[0].headers.authorization, 'Bearer T1');
    assert.equal(server.seen[0].url, '/services/data/v60.0/limits');
    assert.deepEqual(conn.limitInfo, { used: 7, limit: 15000 });
  });

  it('refreshes once for every caller that hit the expired session, then replays each request once', async () => {
    server = await fakeServer((req) =>
      req.headers.authorization === 'Bearer NEW' ? { body: { n: req.url } } : EXPIRED,
    );
    let refreshes = 0;
    const conn = new Connection({
      instanceUrl: server.url,
      accessToken: 'OLD',
      refresh: async () => {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 50));
        return { accessToken: 'NEW' };
      },
    });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => conn.get<{ n: string }>(`/r/${i}`)));
    assert.equal(refreshes, 1);
    assert.deepEqual(
      answers.map((a) => a.n),
      ['/r/1', '/r/2', '/r/3', '/r/4', '/r/5'],
    );
    assert.equal(conn.accessToken, 'NEW');
  });

  it('replays only once: a session that stays invalid is authExpired', async () => {
    server = await fakeServer(() => EXPIRED);
    let refreshes = 0;
    const conn = new Connection({
      instanceUrl: server.url,
      accessToken: 'OLD',
      refresh: async () => ({ accessToken: `T${++refreshes}` }),
    });
    await assert.rejects(
      conn.get('/x'),
      (err: SalesforceApiError) => err.kind === 'authExpired' && err.errorCode === 'INVALID_SESSION_ID',
    );
    assert.equal(refreshes, 1);
    assert.equal(server.seen.length, 2);
  });

  it('a refused refresh is authExpired', async () => {
    server = await fakeServer(() => EXPIRED);
    const conn = new Connection({
      instanceUrl: server.url,
      accessToken: 'OLD',
      refresh: async () => {
        throw new SalesforceApiError({
          errorCode: 'invalid_grant',
          kind: 'other',
          status: 400,
          message: 'expired access/refresh token',
        });
      },
    });
    await assert.rejects(
      conn.get('/x'),
      (err: SalesforceApiError) => err.kind === 'authExpired' && err.errorCode === 'invalid_grant',
    );
  });

  it('does not refresh on a refusal by the access rule', async () => {
    server = await fakeServer(() => ({
      status: 403,
      body: [{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }],
    }));
    let refreshes = 0;
    const conn = new Connection({
      instanceUrl: server.url,
      accessToken: 'T',
      refresh: async () => ({ accessToken: `T${++refreshes}` }),
    });
    await assert.rejects(conn.get('/x'), (err: SalesforceApiError) => err.kind === 'accessRevoked');
    assert.equal(refreshes, 0);
  });

  it('sends JSON bodies and takes 204 as no content', async () => {
    server = await fakeServer(() => ({ status: 204 }));
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    const res = await conn.request({ method: 'PATCH', path: '/x', body: { Name: 'A' } });
    assert.equal(res.status, 204);
    assert.equal(res.data, undefined);
    assert.equal(server.seen[0].body, '{"Name":"A"}');
    assert.match(String(server.seen[0].headers['content-type']), /^application\/json/);
  });
});
