import assert from 'node:assert/strict';
import util from 'node:util';
import { GraphHttp, GraphLogger } from '../../../sync-engine/src/graph/http';
import { GraphApiError } from '../../../sync-engine/src/graph/errors';
import { fakeGraph, FakeGraph, graphError, instantRetry, closedPort } from './fake-graph';

const TOKEN = 'eyJ0eXAi.s3cr3t-graph-token';

/** A logger that keeps every line and its meta, to search them for the token. */
function recordingLogger(): GraphLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string, meta?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(meta ?? {})}`);
  };
  return { lines, warn: keep, debug: keep };
}

const throttled = (retryAfter: string) => ({
  status: 429,
  headers: { 'retry-after': retryAfter },
  body: graphError('TooManyRequests', 'Please retry again later.'),
});

describe('graph/http', () => {
  let server: FakeGraph | undefined;
  let other: FakeGraph | undefined;
  afterEach(async () => {
    await server?.close();
    await other?.close();
    server = other = undefined;
  });

  it('sends the bearer token and Graph JSON to {base}/v1.0/..., and parses the answer', async () => {
    server = await fakeGraph(() => ({ status: 201, body: { id: 'c1' } }));
    const http = new GraphHttp({ baseUrl: `${server.url}/`, token: TOKEN });
    const res = await http.request<{ id: string }>({
      method: 'POST',
      path: '/me/contacts',
      body: { givenName: 'Ada' },
      query: { $select: 'id' },
      prefer: ['odata.maxpagesize=2', 'outlook.timezone="UTC"'],
      ifMatch: 'W/"ck"',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.data, { id: 'c1' });
    const [req] = server.seen;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1.0/me/contacts?%24select=id');
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers.accept, 'application/json');
    assert.equal(req.headers.prefer, 'odata.maxpagesize=2, outlook.timezone="UTC"');
    assert.equal(req.headers['if-match'], 'W/"ck"');
    assert.match(String(req.headers['client-request-id']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(req.body), { givenName: 'Ada' });
  });

  it('accepts a base URL that already ends in /v1.0', () => {
    const http = new GraphHttp({ baseUrl: 'https://graph.microsoft.com/v1.0', token: TOKEN });
    assert.equal(http.resolve('/me'), 'https://graph.microsoft.com/v1.0/me');
  });

  it('resolves a 204 to undefined', async () => {
    server = await fakeGraph(() => ({ status: 204 }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    assert.equal((await http.request({ method: 'DELETE', path: '/me/contacts/x' })).data, undefined);
  });

  it('on 429 waits the Retry-After seconds, then retries', async () => {
    server = await fakeGraph((_req, n) => (n === 1 ? throttled('2.128') : { body: { id: 'me' } }));
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry });
    assert.deepEqual(await http.get('/me'), { id: 'me' });
    assert.deepEqual(waits, [2128]);
    assert.equal(server.seen.length, 2);
    assert.equal(server.seen[1].headers['client-request-id'], server.seen[0].headers['client-request-id']);
    assert.deepEqual(http.stats, { requests: 2, retries: 1 });
  });

  it('on 429 waits until a Retry-After HTTP date, then retries', async () => {
    server = await fakeGraph((_req, n) =>
      n === 1 ? throttled('Mon, 01 Jun 2026 12:00:09 GMT') : { body: { id: 'me' } },
    );
    const { waits, retry } = instantRetry(Date.parse('2026-06-01T12:00:00Z'));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry });
    await http.get('/me');
    assert.deepEqual(waits, [9000]);
  });

  it('adds jitter on top of Retry-After', async () => {
    server = await fakeGraph((_req, n) => (n === 1 ? throttled('1') : { body: {} }));
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({
      baseUrl: server.url,
      token: TOKEN,
      retry: { ...retry, random: () => 0.25, jitterMs: 400 },
    });
    await http.get('/me');
    assert.deepEqual(waits, [1100]);
  });

  it('retries a POST on 429 (throttled requests were not processed)', async () => {
    server = await fakeGraph((_req, n) => (n === 1 ? throttled('1') : { status: 201, body: { id: 'new' } }));
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry });
    const res = await http.request({ method: 'POST', path: '/me/contacts', body: { givenName: 'Ada' } });
    assert.equal(res.status, 201);
    assert.equal(server.seen.length, 2);
    assert.equal(server.seen[1].body, server.seen[0].body);
    assert.deepEqual(waits, [1000]);
  });

  it('does not retry a POST on 5xx: it may have been carried out', async () => {
    for (const status of [500, 502, 503, 504]) {
      await server?.close();
      server = await fakeGraph(() => ({
        status,
        headers: { 'retry-after': '1' },
        body: graphError('ServiceUnavailable', 'busy'),
      }));
      const { waits, retry } = instantRetry();
      const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry });
      await assert.rejects(
        http.request({ method: 'POST', path: '/me/events', body: { subject: 'x' } }),
        (err: GraphApiError) => {
          assert.equal(err.statusCode, status);
          assert.equal(err.attempts, 1);
          assert.equal(err.kind, status === 503 ? 'rateLimited' : 'transient');
          return true;
        },
      );
      assert.equal(server.seen.length, 1, `HTTP ${status}`);
      assert.deepEqual(waits, []);
    }
  });

  it('does not retry a PATCH on 503 either', async () => {
    server = await fakeGraph(() => ({ status: 503, body: graphError('ServiceUnavailable', 'busy') }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: instantRetry().retry });
    await assert.rejects(http.request({ method: 'PATCH', path: '/me/contacts/a', body: { surname: 'B' } }), {
      kind: 'transient',
      statusCode: 503,
    });
    assert.equal(server.seen.length, 1);
  });

  it('retries a GET on 503 with backoff, then succeeds', async () => {
    server = await fakeGraph((_req, n) =>
      n <= 2 ? { status: 503, body: graphError('ServiceUnavailable', 'busy') } : { body: { id: 'me' } },
    );
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: { ...retry, baseDelayMs: 1000 } });
    await http.get('/me');
    assert.deepEqual(waits, [500, 1000]);
  });

  it('gives up after maxRetries with the last answer, kind rateLimited and retryAfterMs', async () => {
    server = await fakeGraph(() => throttled('3'));
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: { ...retry, maxRetries: 2 } });
    await assert.rejects(http.get('/me'), (err: GraphApiError) => {
      assert.equal(err.kind, 'rateLimited');
      assert.equal(err.code, 'TooManyRequests');
      assert.equal(err.retryAfterMs, 3000);
      assert.equal(err.attempts, 3);
      return true;
    });
    assert.deepEqual(waits, [3000, 3000]);
  });

  it('hands a Retry-After beyond the cap to the caller instead of waiting', async () => {
    server = await fakeGraph(() => throttled('900'));
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: { ...retry, maxDelayMs: 60_000 } });
    await assert.rejects(http.get('/me'), { kind: 'rateLimited', retryAfterMs: 900_000, attempts: 1 });
    assert.deepEqual(waits, []);
  });

  it('410 is syncStateLost and is not retried', async () => {
    server = await fakeGraph(() => ({
      status: 410,
      body: graphError('SyncStateNotFound', 'The sync state generation is not found; generation=149;[highest=157].'),
    }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: instantRetry().retry });
    await assert.rejects(http.get('/me/calendarView/delta?$deltatoken=old'), {
      kind: 'syncStateLost',
      code: 'SyncStateNotFound',
      statusCode: 410,
      requestId: 'req-1',
    });
    assert.equal(server.seen.length, 1);
  });

  it('401 without a refresher is authExpired', async () => {
    server = await fakeGraph(() => ({
      status: 401,
      body: graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
    }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(http.get('/me'), {
      kind: 'authExpired',
      code: 'InvalidAuthenticationToken',
      message: 'Access token has expired or is not yet valid.',
    });
  });

  it('on 401 refreshes the token once for all callers and replays each request once', async () => {
    server = await fakeGraph((req) =>
      req.headers.authorization === 'Bearer fresh'
        ? { body: { ok: true } }
        : {
            status: 401,
            body: graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
          },
    );
    let refreshes = 0;
    const http = new GraphHttp({
      baseUrl: server.url,
      token: TOKEN,
      refreshToken: async () => {
        refreshes++;
        return 'fresh';
      },
    });
    const results = await Promise.all([
      http.get('/me'),
      http.get('/me/contacts'),
      http.request({ method: 'POST', path: '/me/events', body: {} }),
    ]);
    assert.equal(refreshes, 1);
    assert.equal(results.length, 3);
    assert.equal(server.seen.length, 6);
  });

  it('calls a refused connection a network error, after retrying it', async () => {
    const { waits, retry } = instantRetry();
    const http = new GraphHttp({ baseUrl: await closedPort(), token: TOKEN, retry: { ...retry, maxRetries: 2 } });
    await assert.rejects(http.request({ method: 'POST', path: '/me/contacts', body: {} }), {
      kind: 'network',
      code: 'ECONNREFUSED',
      statusCode: null,
      attempts: 3,
    });
    assert.equal(waits.length, 2);
  });

  it('retries a GET whose connection was reset, but not a POST', async () => {
    server = await fakeGraph((req, n) =>
      n === 1 || req.method === 'POST' ? { destroy: true } : { body: { id: 'me' } },
    );
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: instantRetry().retry });
    assert.deepEqual(await http.get('/me'), { id: 'me' });
    assert.equal(server.seen.length, 2);
    await assert.rejects(http.request({ method: 'POST', path: '/me/contacts', body: {} }), {
      kind: 'transient',
      code: 'ECONNRESET',
      attempts: 1,
    });
    assert.equal(server.seen.length, 3);
  });

  it('times out as transient', async () => {
    server = await fakeGraph(() => ({ hang: true }));
    const http = new GraphHttp({
      baseUrl: server.url,
      token: TOKEN,
      timeoutMs: 100,
      retry: { ...instantRetry().retry, maxRetries: 1 },
    });
    await assert.rejects(http.get('/me'), { kind: 'transient', code: 'ETIMEDOUT', attempts: 2 });
  });

  it('calls a 200 that is not JSON (a captive portal) not Graph', async () => {
    server = await fakeGraph(() => ({
      headers: { 'content-type': 'text/html' },
      body: '<html>Sign in to the Wi-Fi</html>',
    }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(http.get('/me'), { kind: 'network', code: 'NOT_GRAPH' });
  });

  it('does not follow redirects', async () => {
    other = await fakeGraph(() => ({ body: { stolen: true } }));
    server = await fakeGraph(() => ({ status: 302, headers: { location: `${other!.url}/v1.0/me` } }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(http.get('/me'), { kind: 'other', statusCode: 302 });
    assert.equal(other.seen.length, 0);
  });

  it('refuses a link to another origin, sending nothing there', async () => {
    other = await fakeGraph(() => ({ body: { value: [] } }));
    server = await fakeGraph(() => ({ body: {} }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(http.get(`${other.url}/v1.0/me/contacts/delta?$skiptoken=x`), (err: GraphApiError) => {
      assert.equal(err.code, 'FOREIGN_LINK');
      assert.equal(err.message, `refusing to follow a link to ${other!.url}: the mailbox is ${server!.url}`);
      return true;
    });
    await assert.rejects(http.get('https://graph.microsoft.com/v1.0/me'), { code: 'FOREIGN_LINK' });
    // Same host, other port, other scheme: another origin too.
    await assert.rejects(http.get(server.url.replace('http:', 'https:') + '/v1.0/me'), { code: 'FOREIGN_LINK' });
    assert.equal(other.seen.length, 0);
    assert.equal(server.seen.length, 0);
  });

  it('never puts the token in logs, errors or the inspected client', async () => {
    server = await fakeGraph((req, n) => {
      if (n === 1) return throttled('1');
      if (req.url.includes('reset')) return { destroy: true };
      if (req.url.includes('echo'))
        return { status: 400, body: graphError('BadRequest', `you sent ${String(req.headers.authorization)}`) };
      return { status: 503, body: graphError('ServiceUnavailable', 'busy') };
    });
    const logger = recordingLogger();
    const http = new GraphHttp({
      baseUrl: server.url,
      token: TOKEN,
      logger,
      retry: { ...instantRetry().retry, maxRetries: 2 },
    });
    const errors: unknown[] = [];
    for (const path of ['/me/unavailable', '/me/reset', '/me/echo']) {
      await http.get(path).catch((err: unknown) => errors.push(err));
    }
    await new GraphHttp({ baseUrl: await closedPort(), token: TOKEN, logger, retry: instantRetry().retry })
      .get('/me')
      .catch((err: unknown) => errors.push(err));
    assert.equal(errors.length, 4);
    assert.ok(
      logger.lines.some((l) => /retry 1 of 2/.test(l)),
      logger.lines.join('\n'),
    );
    const everything = [
      ...logger.lines,
      ...errors.map((e) => util.inspect(e, { depth: 10, showHidden: true })),
      ...errors.map((e) => JSON.stringify(e)),
      ...errors.map((e) => String((e as Error).stack)),
      util.inspect(http, { depth: 10, showHidden: true }),
      JSON.stringify(http),
    ].join('\n');
    assert.ok(!everything.includes('s3cr3t'), 'the token leaked');
    assert.equal((errors[2] as GraphApiError).message, 'you sent Bearer [redacted]');
  });
});
