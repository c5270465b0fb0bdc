/**
 * The order of the service's guards, in process with Fastify's inject() (issue 12, finding 7: these were checked
 * over a real port, with a signed-in account, only to see which refusal comes first). Each request below fails
 * several guards at once; the answer must be the first one's: the host name (DNS rebinding), then the origin
 * (CORS), then the secret, and only then the body, which a request without the secret never gets read.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FastifyInstance } from 'fastify';
import { buildServiceApp } from '../../../sync-engine/src/service/server';
import { SyncService } from '../../../sync-engine/src/service/service';

describe('service: which guard answers first', () => {
  let dir: string;
  let service: SyncService;
  let app: FastifyInstance;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-service-order-'));
    service = new SyncService({ dataDir: dir });
    app = await buildServiceApp(service);
  });
  after(async () => {
    await app.close();
    await service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = async (
    headers: Record<string, string>,
    o: { method?: 'GET' | 'POST'; url?: string; body?: string } = {},
  ) => {
    const res = await app.inject({
      method: o.method ?? 'POST',
      url: o.url ?? '/api/add-email',
      headers: { host: '127.0.0.1:8702', ...headers },
      ...(o.body !== undefined ? { payload: o.body } : {}),
    });
    return { status: res.statusCode, code: (res.json() as { error?: { code: string } }).error?.code, res };
  };
  const NOT_JSON = '{not json';

  it('the host name first: a rebound name is refused whatever else is wrong', async () => {
    const r = await send(
      { host: 'evil.example:8702', origin: 'https://evil.example', 'content-type': 'application/json' },
      { body: NOT_JSON },
    );
    assert.deepEqual([r.status, r.code], [403, 'HOST_NOT_ALLOWED']);
    for (const host of ['127.0.0.1:8702', 'localhost:8702', 'LOCALHOST'])
      assert.equal((await send({ host }, { method: 'GET', url: '/api/health' })).status, 200, host);
  });

  it('then the origin: a foreign page is refused before its secret is looked at', async () => {
    const r = await send({ origin: 'https://evil.example', 'content-type': 'application/json' }, { body: NOT_JSON });
    assert.deepEqual([r.status, r.code], [403, 'ORIGIN_NOT_ALLOWED']);
    assert.equal(r.res.headers['access-control-allow-origin'], undefined);
  });

  it('then the secret, before the body is read: no secret, or a wrong one, never reaches the JSON parser', async () => {
    const headers = { origin: 'https://localhost:3000', 'content-type': 'application/json' };
    const none = await send(headers, { body: NOT_JSON });
    assert.deepEqual([none.status, none.code], [401, 'MISSING_SECRET']);
    const wrong = await send({ ...headers, authorization: `Bearer ${'x'.repeat(43)}` }, { body: NOT_JSON });
    assert.deepEqual([wrong.status, wrong.code], [401, 'STALE_SECRET']);
    // Nor the body limit: 2 MiB without the secret is a 401, not a 413.
    const big = await send(headers, { body: `"${'a'.repeat(2 * 1024 * 1024)}"` });
    assert.deepEqual([big.status, big.code], [401, 'MISSING_SECRET']);
  });

  it("the side panel's endpoints keep the same order: host, origin, secret", async () => {
    const routes: Array<{ method: 'GET' | 'POST'; url: string }> = [
      { method: 'POST', url: '/api/side-panel/people' },
      { method: 'POST', url: '/api/side-panel/create-person' },
      { method: 'POST', url: '/api/side-panel/add' },
      { method: 'GET', url: '/api/side-panel/related?q=navy' },
    ];
    for (const r of routes) {
      const body = r.method === 'POST' ? NOT_JSON : undefined;
      const json = { 'content-type': 'application/json' };
      const host = await send({ host: 'evil.example', origin: 'https://evil.example', ...json }, { ...r, body });
      assert.deepEqual([host.status, host.code], [403, 'HOST_NOT_ALLOWED'], r.url);
      const origin = await send({ origin: 'https://evil.example', ...json }, { ...r, body });
      assert.deepEqual([origin.status, origin.code], [403, 'ORIGIN_NOT_ALLOWED'], r.url);
      const secret = await send({ origin: 'https://localhost:3000', ...json }, { ...r, body });
      assert.deepEqual([secret.status, secret.code], [401, 'MISSING_SECRET'], r.url);
    }
  });

  it('with the secret, the body is read: a bad one is a 400 naming it', async () => {
    const secret = service.secret.value;
    const r = await send(
      { origin: 'https://localhost:3000', 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      { body: NOT_JSON },
    );
    assert.equal(r.status, 400);
    assert.notEqual(r.code, 'MISSING_SECRET');
  });

  it('public routes skip the secret, an unknown route is a 404 rather than a secret refusal, and nothing is cached', async () => {
    const health = await send({}, { method: 'GET', url: '/api/health' });
    assert.equal(health.status, 200);
    const unknown = await send({}, { method: 'GET', url: '/api/nothing-here' });
    assert.equal(unknown.status, 404);
    for (const r of [health, unknown, await send({ host: 'evil.example' })])
      assert.equal(r.res.headers['cache-control'], 'no-store', String(r.status));
  });
});
