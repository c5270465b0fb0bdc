import assert from 'node:assert/strict';
import { GraphMailbox } from '../../../sync-engine/src/graph/mailbox-client';
import { PatternedRecurrence } from '../../../sync-engine/src/graph/events';
import { fakeGraph, FakeGraph, Seen, Answer, graphError, instantRetry } from './fake-graph';

const TOKEN = 'mailbox-token';
const LISTS = {
  value: [
    {
      '@odata.etag': 'W/"l2"',
      displayName: 'Blog Ideas',
      isOwner: true,
      isShared: false,
      wellknownListName: 'none',
      id: 'LIST-2',
    },
    {
      '@odata.etag': 'W/"l1"',
      displayName: 'Tasks',
      isOwner: true,
      isShared: false,
      wellknownListName: 'defaultList',
      id: 'LIST/1=',
    },
  ],
};

/** Answers by "METHOD path" (query left out); anything else is 404 ErrorItemNotFound. */
function routes(table: Record<string, (req: Seen, origin: string) => Answer>) {
  return (req: Seen, _n: number, origin: string): Answer => {
    const key = `${req.method} ${req.url.split('?')[0]}`;
    const route = table[key];
    return route ? route(req, origin) : { status: 404, body: graphError('ErrorItemNotFound', `no route ${key}`) };
  };
}

describe('graph/mailbox-client', () => {
  let server: FakeGraph | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('me() reads /v1.0/me', async () => {
    server = await fakeGraph(
      routes({
        'GET /v1.0/me': () => ({ body: { id: 'u1', mail: 'ada@example.com', userPrincipalName: 'ada@example.com' } }),
      }),
    );
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN });
    assert.equal((await mailbox.me()).mail, 'ada@example.com');
    assert.deepEqual(mailbox.stats, { requests: 1, retries: 0 });
  });

  it('contacts: a delta round on the default folder, then create / update with If-Match / delete', async () => {
    server = await fakeGraph(
      routes({
        'GET /v1.0/me/contacts/delta': (_req, origin) => ({
          body: {
            '@odata.deltaLink': `${origin}/v1.0/me/contacts/delta?$deltatoken=d1`,
            value: [{ id: 'c1', givenName: 'Ada' }],
          },
        }),
        'POST /v1.0/me/contacts': (req) => ({
          status: 201,
          body: { id: 'c2', '@odata.etag': 'W/"k1"', ...JSON.parse(req.body) },
        }),
        'PATCH /v1.0/me/contacts/c2': (req) => ({
          body: { id: 'c2', '@odata.etag': 'W/"k2"', ...JSON.parse(req.body) },
        }),
        'DELETE /v1.0/me/contacts/c2': () => ({ status: 204 }),
      }),
    );
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN, maxPageSize: 50 });
    const round = await mailbox.contacts.delta();
    assert.deepEqual(
      round.changed.map((c) => c.id),
      ['c1'],
    );
    assert.equal(round.deltaLink, `${server.url}/v1.0/me/contacts/delta?$deltatoken=d1`);
    assert.equal(server.seen[0].headers.prefer, 'odata.maxpagesize=50');
    const created = await mailbox.contacts.create({
      givenName: 'Grace',
      surname: 'Hopper',
      emailAddresses: [{ address: 'grace@example.com' }],
    });
    assert.equal(created.id, 'c2');
    const updated = await mailbox.contacts.update(
      'c2',
      { jobTitle: 'Rear Admiral' },
      { ifMatch: created['@odata.etag'] },
    );
    assert.equal(updated.jobTitle, 'Rear Admiral');
    assert.equal(server.seen[2].headers['if-match'], 'W/"k1"');
    assert.deepEqual(JSON.parse(server.seen[2].body), { jobTitle: 'Rear Admiral' });
    await mailbox.contacts.delete('c2');
    assert.deepEqual(
      server.seen.map((s) => s.method),
      ['GET', 'POST', 'PATCH', 'DELETE'],
    );
  });

  it('contacts of a named folder use /me/contactFolders/{id}/contacts', async () => {
    server = await fakeGraph(
      routes({
        'GET /v1.0/me/contactFolders/F%3D1/contacts/delta': (_req, origin) => ({
          body: { '@odata.deltaLink': `${origin}/d`, value: [] },
        }),
      }),
    );
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN, contactFolderId: 'F=1' });
    assert.equal((await mailbox.contacts.delta()).deltaLink, `${server.url}/d`);
  });

  it('a 412 on update (changed since read) is a validation error with Graph code', async () => {
    server = await fakeGraph(() => ({
      status: 412,
      body: graphError(
        'ErrorIrresolvableConflict',
        'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
      ),
    }));
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(mailbox.contacts.update('c1', { surname: 'X' }, { ifMatch: 'W/"old"' }), {
      kind: 'validation',
      statusCode: 412,
      code: 'ErrorIrresolvableConflict',
    });
  });

  it('delete is done when a retried DELETE finds the item gone (the first attempt went through)', async () => {
    let deleted = false;
    server = await fakeGraph((req) => {
      if (req.method !== 'DELETE') return { status: 400 };
      if (!deleted) {
        deleted = true;
        return { destroy: true };
      }
      return { status: 404, body: graphError('ErrorItemNotFound', 'The specified object was not found in the store.') };
    });
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN, retry: instantRetry().retry });
    await mailbox.contacts.delete('c1');
    assert.equal(server.seen.length, 2);
    // A 404 on the first attempt is a real "not found".
    await assert.rejects(mailbox.events.delete('e1'), {
      kind: 'validation',
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
  });

  it('events: first calendarView delta round over a window, in UTC; later rounds from the deltaLink', async () => {
    server = await fakeGraph(
      routes({
        'GET /v1.0/me/calendarView/delta': (req, origin) =>
          req.url.includes('deltatoken')
            ? {
                body: {
                  '@odata.deltaLink': `${origin}/v1.0/me/calendarView/delta?$deltatoken=d2`,
                  value: [{ '@odata.type': '#microsoft.graph.event', id: 'e1', '@removed': { reason: 'deleted' } }],
                },
              }
            : {
                body: {
                  '@odata.deltaLink': `${origin}/v1.0/me/calendarView/delta?$deltatoken=d1`,
                  value: [{ id: 'e1', subject: 'Standup', type: 'occurrence', seriesMasterId: 'm1' }],
                },
              },
      }),
    );
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN, maxPageSize: 10 });
    const first = await mailbox.events.delta(undefined, {
      start: new Date('2026-06-01T00:00:00.000Z'),
      end: '2026-07-01T00:00:00Z',
    });
    assert.equal(first.changed[0].seriesMasterId, 'm1');
    assert.equal(
      server.seen[0].url,
      '/v1.0/me/calendarView/delta?startDateTime=2026-06-01T00%3A00%3A00Z&endDateTime=2026-07-01T00%3A00%3A00Z',
    );
    assert.equal(server.seen[0].headers.prefer, 'odata.maxpagesize=10, outlook.timezone="UTC"');
    const second = await mailbox.events.delta(first.deltaLink);
    assert.deepEqual(second.removed, [{ id: 'e1', reason: 'deleted' }]);
    assert.equal(server.seen[1].url, '/v1.0/me/calendarView/delta?$deltatoken=d1');
    assert.equal(server.seen[1].headers.prefer, 'odata.maxpagesize=10, outlook.timezone="UTC"');
  });

  it('events: the default window of a first round is 30 days back and 365 ahead of now', async () => {
    server = await fakeGraph((_req, _n, origin) => ({ body: { '@odata.deltaLink': `${origin}/d`, value: [] } }));
    const mailbox = new GraphMailbox({
      baseUrl: server.url,
      token: TOKEN,
      now: () => Date.parse('2026-06-01T12:00:00Z'),
    });
    await mailbox.events.delta();
    const q = new URL(`http://x${server.seen[0].url}`).searchParams;
    assert.equal(q.get('startDateTime'), '2026-05-02T12:00:00Z');
    assert.equal(q.get('endDateTime'), '2027-06-01T12:00:00Z');
  });

  it('events: a series master is created, read, updated, expanded and deleted by id', async () => {
    const recurrence: PatternedRecurrence = {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
      range: { type: 'numbered', startDate: '2026-06-01', numberOfOccurrences: 3 },
    };
    server = await fakeGraph(
      routes({
        'POST /v1.0/me/events': (req) => ({
          status: 201,
          body: { id: 'm1', type: 'seriesMaster', ...JSON.parse(req.body) },
        }),
        'GET /v1.0/me/events/m1': () => ({ body: { id: 'm1', type: 'seriesMaster', recurrence } }),
        'PATCH /v1.0/me/events/m1': (req) => ({ body: { id: 'm1', type: 'seriesMaster', ...JSON.parse(req.body) } }),
        'GET /v1.0/me/events/m1/instances': () => ({
          body: {
            value: [
              { id: 'o1', type: 'occurrence', seriesMasterId: 'm1' },
              { id: 'o2', type: 'occurrence', seriesMasterId: 'm1' },
            ],
          },
        }),
        'DELETE /v1.0/me/events/m1': () => ({ status: 204 }),
      }),
    );
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN });
    const master = await mailbox.events.create({
      subject: 'Weekly',
      start: { dateTime: '2026-06-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-06-01T09:30:00', timeZone: 'UTC' },
      recurrence,
    });
    assert.equal(master.type, 'seriesMaster');
    assert.deepEqual((await mailbox.events.get('m1')).recurrence, recurrence);
    assert.equal((await mailbox.events.update('m1', { subject: 'Weekly sync' })).subject, 'Weekly sync');
    const occurrences = await mailbox.events.instances('m1', {
      start: '2026-06-01T00:00:00Z',
      end: '2026-07-01T00:00:00Z',
    });
    assert.deepEqual(
      occurrences.map((o) => o.id),
      ['o1', 'o2'],
    );
    await mailbox.events.delete('m1');
    for (const s of server.seen.filter((x) => x.method !== 'DELETE'))
      assert.match(String(s.headers.prefer), /outlook\.timezone="UTC"/);
    assert.equal(
      server.seen[3].url,
      '/v1.0/me/events/m1/instances?startDateTime=2026-06-01T00%3A00%3A00Z&endDateTime=2026-07-01T00%3A00%3A00Z',
    );
  });

  it('tasks: the default list is found by wellknownListName once, then tasks CRUD and delta go to it', async () => {
    const base = '/v1.0/me/todo/lists/LIST%2F1%3D/tasks';
    server = await fakeGraph(
      routes({
        'GET /v1.0/me/todo/lists': () => ({ body: LISTS }),
        [`GET ${base}/delta`]: (_req, origin) => ({
          body: {
            '@odata.deltaLink': `${origin}${base}/delta?$deltatoken=t1`,
            value: [{ id: 't1', title: 'Call Ada', status: 'notStarted' }],
          },
        }),
        [`POST ${base}`]: (req) => ({ status: 201, body: { id: 't2', ...JSON.parse(req.body) } }),
        [`PATCH ${base}/t2`]: (req) => ({ body: { id: 't2', ...JSON.parse(req.body) } }),
        [`DELETE ${base}/t2`]: () => ({ status: 204 }),
        'GET /v1.0/me/todo/lists/LIST-2/tasks/delta': (_req, origin) => ({
          body: { '@odata.deltaLink': `${origin}/x`, value: [] },
        }),
      }),
    );
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN });
    assert.equal((await mailbox.tasks.defaultList()).displayName, 'Tasks');
    const round = await mailbox.tasks.delta();
    assert.equal(round.changed[0].title, 'Call Ada');
    assert.equal(round.deltaLink, `${server.url}${base}/delta?$deltatoken=t1`);
    assert.equal(
      (
        await mailbox.tasks.create({
          title: 'Send deck',
          dueDateTime: { dateTime: '2026-06-02T00:00:00.0000000', timeZone: 'UTC' },
        })
      ).id,
      't2',
    );
    assert.equal((await mailbox.tasks.update('t2', { status: 'completed' })).status, 'completed');
    await mailbox.tasks.delete('t2');
    await mailbox.tasks.delta(undefined, { listId: 'LIST-2' });
    assert.equal(
      server.seen.filter((s) => s.url === '/v1.0/me/todo/lists').length,
      2,
      'defaultList() itself, then one lookup shared by the rest',
    );
  });

  it('tasks: a mailbox without a default list says so', async () => {
    server = await fakeGraph(() => ({ body: { value: [LISTS.value[0]] } }));
    const mailbox = new GraphMailbox({ baseUrl: server.url, token: TOKEN });
    await assert.rejects(mailbox.tasks.create({ title: 'x' }), { code: 'DEFAULT_LIST_NOT_FOUND' });
  });
});
