import assert from 'node:assert/strict';
import { GraphHttp } from '../../../sync-engine/src/graph/http';
import { GraphApiError } from '../../../sync-engine/src/graph/errors';
import { pages, listAll, deltaPages, readDelta, DeltaPage } from '../../../sync-engine/src/graph/paging';
import { fakeGraph, FakeGraph, graphError, instantRetry } from './fake-graph';

const TOKEN = 'paging-token';

describe('graph/paging', () => {
  let server: FakeGraph | undefined;
  let other: FakeGraph | undefined;
  afterEach(async () => {
    await server?.close();
    await other?.close();
    server = other = undefined;
  });

  it('follows @odata.nextLink verbatim, with the same Prefer header on every page', async () => {
    server = await fakeGraph((_req, n, origin) => {
      if (n === 1)
        return {
          body: { value: [{ id: 'a' }, { id: 'b' }], '@odata.nextLink': `${origin}/v1.0/me/contacts?$skiptoken=p2` },
        };
      if (n === 2) return { body: { value: [], '@odata.nextLink': `${origin}/v1.0/me/contacts?$skiptoken=p3` } };
      return { body: { value: [{ id: 'c' }] } };
    });
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    const items = await listAll<{ id: string }>(http, '/me/contacts', {
      maxPageSize: 2,
      query: { $select: 'id' },
      prefer: ['outlook.timezone="UTC"'],
    });
    assert.deepEqual(
      items.map((i) => i.id),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      server.seen.map((s) => s.url),
      ['/v1.0/me/contacts?%24select=id', '/v1.0/me/contacts?$skiptoken=p2', '/v1.0/me/contacts?$skiptoken=p3'],
    );
    for (const s of server.seen) {
      assert.equal(s.headers.prefer, 'odata.maxpagesize=2, outlook.timezone="UTC"');
      assert.equal(s.headers.authorization, `Bearer ${TOKEN}`);
    }
  });

  it('yields page by page', async () => {
    server = await fakeGraph((_req, n, origin) =>
      n === 1
        ? { body: { value: [1, 2], '@odata.nextLink': `${origin}/v1.0/x?$skiptoken=2` } }
        : { body: { value: [3] } },
    );
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    const seen: number[][] = [];
    for await (const page of pages<number>(http, '/x')) seen.push(page);
    assert.deepEqual(seen, [[1, 2], [3]]);
  });

  it('reads a delta round: pages of changes and removals, then the deltaLink', async () => {
    server = await fakeGraph((_req, n, origin) => {
      if (n === 1)
        return {
          body: {
            '@odata.context': `${origin}/v1.0/$metadata#Collection(event)`,
            '@odata.nextLink': `${origin}/v1.0/me/calendarView/delta?$skiptoken=s1`,
            value: [],
          },
        };
      if (n === 2)
        return {
          body: {
            '@odata.nextLink': `${origin}/v1.0/me/calendarView/delta?$skiptoken=s2`,
            value: [
              { id: 'e1', subject: 'One' },
              { '@odata.type': '#microsoft.graph.event', id: 'e0', '@removed': { reason: 'deleted' } },
            ],
          },
        };
      return {
        body: {
          '@odata.deltaLink': `${origin}/v1.0/me/calendarView/delta?$deltatoken=d1`,
          value: [{ id: 'e2', subject: 'Two' }],
        },
      };
    });
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    const round = deltaPages<{ id: string; subject?: string }>(
      http,
      { path: '/me/calendarView/delta' },
      { query: { startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2026-07-01T00:00:00Z' }, maxPageSize: 2 },
    );
    const got: Array<DeltaPage<{ id: string }>> = [];
    let step = await round.next();
    while (!step.done) {
      got.push(step.value);
      step = await round.next();
    }
    assert.equal(step.value, `${server.url}/v1.0/me/calendarView/delta?$deltatoken=d1`);
    assert.deepEqual(
      got.map((p) => [p.changed.map((c) => c.id), p.removed]),
      [
        [[], []],
        [['e1'], [{ id: 'e0', reason: 'deleted' }]],
        [['e2'], []],
      ],
    );
    assert.equal(
      server.seen[0].url,
      '/v1.0/me/calendarView/delta?startDateTime=2026-06-01T00%3A00%3A00Z&endDateTime=2026-07-01T00%3A00%3A00Z',
    );
    assert.equal(server.seen[1].url, '/v1.0/me/calendarView/delta?$skiptoken=s1');
  });

  it('starts a later round from the saved deltaLink, with no query of its own', async () => {
    server = await fakeGraph((_req, _n, origin) => ({
      body: {
        '@odata.deltaLink': `${origin}/v1.0/me/contacts/delta?$deltatoken=d2`,
        value: [{ id: 'x', '@removed': { reason: 'deleted' } }],
      },
    }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    const r = await readDelta(
      deltaPages(
        http,
        { deltaLink: `${server.url}/v1.0/me/contacts/delta?$deltatoken=d1` },
        { query: { $select: 'id' } },
      ),
    );
    assert.deepEqual(r, {
      changed: [],
      removed: [{ id: 'x', reason: 'deleted' }],
      deltaLink: `${server.url}/v1.0/me/contacts/delta?$deltatoken=d2`,
    });
    assert.equal(server.seen[0].url, '/v1.0/me/contacts/delta?$deltatoken=d1');
  });

  it('a lost delta token is syncStateLost', async () => {
    server = await fakeGraph(() => ({
      status: 410,
      body: graphError(
        'SyncStateNotFound',
        'The sync state generation is not found; generation=25;[highest=28][28][26][27].',
      ),
    }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN, retry: instantRetry().retry });
    await assert.rejects(
      readDelta(deltaPages(http, { deltaLink: `${server.url}/v1.0/me/contacts/delta?$deltatoken=old` })),
      { kind: 'syncStateLost' },
    );
  });

  it('refuses a nextLink or deltaLink to another origin, sending it nothing', async () => {
    other = await fakeGraph(() => ({ body: { value: [] } }));
    server = await fakeGraph((_req, n) =>
      n === 1
        ? { body: { value: [{ id: 'a' }], '@odata.nextLink': `${other!.url}/v1.0/me/contacts/delta?$skiptoken=x` } }
        : { body: { value: [] } },
    );
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(
      readDelta(deltaPages(http, { path: '/me/contacts/delta' })),
      (err: GraphApiError) => err.code === 'FOREIGN_LINK' && err.kind === 'other',
    );
    assert.equal(other.seen.length, 0);

    await server.close();
    server = await fakeGraph(() => ({
      body: { value: [], '@odata.deltaLink': `${other!.url}/v1.0/me/contacts/delta?$deltatoken=x` },
    }));
    const http2 = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(readDelta(deltaPages(http2, { path: '/me/contacts/delta' })), { code: 'FOREIGN_LINK' });
    await assert.rejects(
      readDelta(deltaPages(http2, { deltaLink: `${other.url}/v1.0/me/contacts/delta?$deltatoken=x` })),
      { code: 'FOREIGN_LINK' },
    );
    assert.equal(other.seen.length, 0);
  });

  it('calls a delta round without an end (no deltaLink) or a page without value not Graph', async () => {
    server = await fakeGraph((req) => (req.url.includes('delta') ? { body: { value: [] } } : { body: { items: [] } }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(readDelta(deltaPages(http, { path: '/me/contacts/delta' })), {
      kind: 'network',
      code: 'NOT_GRAPH',
    });
    await assert.rejects(listAll(http, '/me/contacts'), { kind: 'network', code: 'NOT_GRAPH' });
  });

  it('stops on a nextLink that leads back to a page already read', async () => {
    server = await fakeGraph((_req, _n, origin) => ({
      body: { value: [1], '@odata.nextLink': `${origin}/v1.0/x?$skiptoken=same` },
    }));
    const http = new GraphHttp({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(listAll(http, '/x'), { code: 'PAGING_LOOP' });
    assert.equal(server.seen.length, 2);
  });
});
