/**
 * Who may call the service: the current secret only (a wrong or old one is STALE_SECRET, telling the pane to
 * sign in again), the add-in's origins only (CORS), and only requests addressed to a loopback name. Which guard
 * answers first, the body never read without the secret, and the host names are checked in process:
 * test/unit/service/middleware-order.test.ts.
 */
import assert from 'node:assert/strict';
import { startServiceWorld, ServiceWorld } from '../../helpers/service';

describe('service: secret, CORS and host', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  let secret: string;

  before(async () => {
    w = await startServiceWorld();
    secret = await w.signInAnn();
  });
  after(async () => {
    await w?.close();
  });

  it('the current secret opens the API', async () => {
    const res = await w.call('GET', '/api/status', { secret });
    assert.equal(res.status, 200, res.text);
  });

  it('a wrong secret: 401 STALE_SECRET telling the pane to sign in again', async () => {
    const res = await w.call('GET', '/api/status', { secret: 'x'.repeat(43) });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: {
        code: 'STALE_SECRET',
        message:
          "The add-in's service key is no longer valid (you signed out, or the service was reinstalled). Sign in to Salesforce again.",
      },
    });
    assert.equal((await w.call('POST', '/api/sync-now', { secret: `${secret}x` })).body.error.code, 'STALE_SECRET');
  });

  it('no secret: 401 MISSING_SECRET, on every route but sign-in and health', async () => {
    for (const [method, path] of [
      ['GET', '/api/status'],
      ['POST', '/api/sync-now'],
      ['POST', '/api/pause'],
      ['POST', '/api/resume'],
      ['GET', '/api/settings'],
      ['PUT', '/api/settings'],
      ['GET', '/api/report'],
      ['POST', '/api/add-email'],
      ['GET', '/api/unresolved'],
      ['POST', '/api/sign-out'],
    ]) {
      const res = await w.call(method, path, { secret: null });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.error.code, 'MISSING_SECRET', `${method} ${path}`);
    }
    assert.equal(
      (await w.call('GET', '/api/status', { secret: null, headers: { Authorization: `Basic ${secret}` } })).body.error
        .code,
      'MISSING_SECRET',
    );
  });

  it("CORS: the add-in's origin gets Access-Control-Allow-Origin; a preflight gets its answer", async () => {
    const res = await w.call('GET', '/api/status', { secret, headers: { Origin: 'https://localhost:3000' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://localhost:3000');
    assert.equal(res.headers.get('vary'), 'Origin');
    const dev = await w.call('GET', '/api/health', { headers: { Origin: 'http://localhost:3000' } });
    assert.equal(dev.headers.get('access-control-allow-origin'), 'http://localhost:3000');

    const pre = await w.call('OPTIONS', '/api/settings', {
      headers: {
        Origin: 'https://localhost:3000',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization,content-type',
        'Access-Control-Request-Private-Network': 'true',
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://localhost:3000');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, POST, PUT, OPTIONS');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
    assert.equal(pre.headers.get('access-control-allow-private-network'), 'true');
    assert.equal(pre.text, '');
  });

  it('CORS: another origin gets no CORS headers and is refused', async () => {
    for (const origin of ['https://evil.example', 'https://localhost:3001', 'null']) {
      const res = await w.call('GET', '/api/status', { secret, headers: { Origin: origin } });
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(res.status, 403, origin);
      assert.equal(res.body.error.code, 'ORIGIN_NOT_ALLOWED');
      const pre = await w.call('OPTIONS', '/api/sign-in', {
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(pre.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(pre.headers.get('access-control-allow-methods'), null, origin);
    }
    // A sign-in posted by another site's page does nothing.
    const forged = await w.call('POST', '/api/sign-in', {
      headers: { Origin: 'https://evil.example' },
      body: {
        orgUrl: w.org.url,
        product: 'salesforce-for-outlook',
        username: 'bob@test.example',
        password: 'Bob-pass-1',
      },
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error.code, 'ORIGIN_NOT_ALLOWED');
  });

  it('the same user signing in again keeps the secret; another user (with the secret) gets a new one and the old one goes stale', async () => {
    assert.equal(await w.signInAnn(), secret);
    const cy = await w.call('POST', '/api/sign-in', {
      body: {
        orgUrl: w.org.url,
        product: 'salesforce-for-outlook',
        username: 'cy@test.example',
        password: 'Cy-pass-1',
      },
      secret,
    });
    assert.equal(cy.status, 200, cy.text);
    assert.notEqual(cy.body.secret, secret);
    assert.equal((await w.call('GET', '/api/status', { secret })).body.error.code, 'STALE_SECRET');
    assert.equal((await w.call('GET', '/api/status', { secret: cy.body.secret })).body.username, 'cy@test.example');
    const ann = await w.call('POST', '/api/sign-in', {
      body: {
        orgUrl: w.org.url,
        product: 'salesforce-for-outlook',
        username: 'ann@test.example',
        password: 'Ann-pass-1',
      },
      secret: cy.body.secret,
    });
    assert.equal(ann.status, 200, ann.text);
    secret = ann.body.secret;
  });

  it('sign-out makes the secret stale; the next sign-in gets a new one', async () => {
    const out = await w.call('POST', '/api/sign-out', { secret });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { ok: true });
    assert.equal((await w.call('GET', '/api/status', { secret })).body.error.code, 'STALE_SECRET');
    const again = await w.signInAnn();
    assert.notEqual(again, secret);
  });
});
