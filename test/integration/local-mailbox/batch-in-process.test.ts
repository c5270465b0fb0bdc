/**
 * A batch's requests run in-process (batch-step.ts), not through fastify's `inject`: each must still answer exactly as
 * the same request sent alone. Two mailboxes with the same seed and the same hand-moved clock make the same ids and
 * change keys; one gets a script of requests one by one over HTTP, the other the same script in `$batch`es, and the
 * answers are compared whole (status, the headers a batch carries, body), with only what is random per server
 * (request ids, the origin, the signature of delta and skip tokens) made equal.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, BOB, GraphAnswer, graphCaller, startTestMailbox } from '../../helpers/mailbox';
import { ManualClock } from '../../helpers/org';

interface Step {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The headers a batch answer carries (batch.ts ANSWER_HEADERS), lower-case. */
const CARRIED = ['content-type', 'etag', 'retry-after', 'location', 'allow', 'www-authenticate', 'cache-control'];
const json = { 'Content-Type': 'application/json' };

/** What differs between two servers however alike: their ids for requests, their origins, their token signatures. */
function comparable(text: string, origin: string): unknown {
  if (text === '') return '';
  const plain = text
    .split(origin)
    .join('{origin}')
    .replace(/("(?:request-id|client-request-id)":)"[^"]*"/g, '$1"{id}"')
    .replace(/(\$(?:deltatoken|skiptoken)=)[^"&]+/g, '$1{token}');
  return JSON.parse(plain) as unknown;
}

describe('local mailbox: $batch requests run in-process answer as they would alone', () => {
  let alone: LocalMailbox;
  let batched: LocalMailbox;
  let injected: string[];

  beforeEach(async () => {
    alone = await startTestMailbox({ clock: new ManualClock() });
    batched = await startTestMailbox({ clock: new ManualClock() });
    injected = [];
    const inject = batched.app.inject.bind(batched.app);
    // Watch which requests still go through fastify's inject (the fallback), without changing what it does.
    (batched.app as unknown as { inject: unknown }).inject = (o: { method: string; url: string }) => {
      injected.push(`${o.method} ${o.url}`);
      return inject(o as never);
    };
  });
  afterEach(async () => {
    await alone.close();
    await batched.close();
  });

  /** Each step sent alone to one mailbox, and in batches of up to 20 to the other; both answer lists. */
  async function both(steps: Step[]): Promise<{ single: GraphAnswer[]; inBatch: any[] }> {
    const call = graphCaller(alone, ANN.token);
    const single: GraphAnswer[] = [];
    for (const s of steps) {
      single.push(
        await call(s.method, s.url, {
          headers: s.headers,
          ...(typeof s.body === 'string' ? { raw: s.body } : s.body === undefined ? {} : { body: s.body }),
        }),
      );
    }
    const inBatch: any[] = [];
    for (let i = 0; i < steps.length; i += 20) {
      const requests = steps.slice(i, i + 20).map((s, k) => ({ id: String(i + k + 1), ...s }));
      const res = await graphCaller(batched, ANN.token)('POST', '/$batch', { body: { requests } });
      assert.equal(res.status, 200, res.text);
      inBatch.push(...res.body.responses);
    }
    return { single, inBatch };
  }

  function assertSame(steps: Step[], single: GraphAnswer[], inBatch: any[]): void {
    steps.forEach((s, i) => {
      const what = `${s.method} ${s.url}`;
      const a = single[i];
      const b = inBatch[i];
      assert.equal(b.status, a.status, `${what}: status`);
      const aHeaders = Object.fromEntries(CARRIED.flatMap((h) => (a.headers.has(h) ? [[h, a.headers.get(h)]] : [])));
      const bHeaders = Object.fromEntries(Object.entries(b.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      assert.deepEqual(bHeaders, aHeaders, `${what}: headers`);
      const bText = b.body === undefined ? '' : typeof b.body === 'string' ? b.body : JSON.stringify(b.body);
      assert.deepEqual(comparable(bText, batched.url), comparable(a.text, alone.url), `${what}: body`);
    });
  }

  it('contacts, events and To Do: creates, reads, updates, deletes, refusals, the /users alias, delta and paging', async () => {
    // Ids are made from sequence numbers: what the first mailbox made, the second makes too.
    const call = graphCaller(alone, ANN.token);
    const list = (await call('GET', '/me/todo/lists')).body.value.find(
      (l: any) => l.wellknownListName === 'defaultList',
    );
    await graphCaller(batched, ANN.token)('GET', '/me/todo/lists');
    const made = await call('POST', '/me/contacts', { body: { givenName: 'Probe' } });
    const probe = await graphCaller(batched, ANN.token)('POST', '/me/contacts', { body: { givenName: 'Probe' } });
    assert.equal(probe.body.id, made.body.id, 'the two mailboxes make the same ids');
    const id = encodeURIComponent(made.body.id);
    const etag = made.body['@odata.etag'] as string;
    const steps: Step[] = [
      { method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Ada', surname: 'Lovelace' } },
      { method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Bad', shoeSize: 42 } },
      { method: 'POST', url: '/me/contacts', headers: json, body: [{ givenName: 'In an array' }] },
      { method: 'GET', url: `/me/contacts/${id}` },
      { method: 'GET', url: `/me/contacts/${id}?$select=givenName` },
      { method: 'GET', url: '/me/contacts/AAMkNOPE' },
      { method: 'PATCH', url: `/me/contacts/${id}`, headers: { ...json, 'If-Match': 'W/"stale"' }, body: {} },
      { method: 'PATCH', url: `/me/contacts/${id}`, headers: { ...json, 'If-Match': etag }, body: { surname: 'Two' } },
      { method: 'GET', url: `/users/${ANN.user}/contacts?$top=2` },
      { method: 'GET', url: `/users/${BOB.user}/contacts` },
      { method: 'GET', url: '/me/contacts/delta' },
      {
        method: 'POST',
        url: '/me/events',
        headers: json,
        body: {
          subject: 'Review',
          start: { dateTime: '2026-06-03T10:00:00', timeZone: 'Pacific Standard Time' },
          end: { dateTime: '2026-06-03T11:00:00', timeZone: 'Pacific Standard Time' },
        },
      },
      {
        method: 'POST',
        url: '/me/events',
        headers: json,
        body: {
          subject: 'Nowhere',
          start: { dateTime: '2026-06-03T10:00:00', timeZone: 'Mars/Olympus' },
          end: { dateTime: '2026-06-03T11:00:00', timeZone: 'Mars/Olympus' },
        },
      },
      {
        method: 'GET',
        url: '/me/calendarView/delta?startDateTime=2026-06-01T00:00:00Z&endDateTime=2026-06-30T00:00:00Z',
        headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' },
      },
      {
        method: 'POST',
        url: `/me/todo/lists/${list.id}/tasks`,
        headers: json,
        body: { title: 'Call back', dueDateTime: { dateTime: '2026-06-04T00:00:00', timeZone: 'UTC' } },
      },
      { method: 'DELETE', url: `/me/contacts/${id}` },
      { method: 'GET', url: `/me/contacts/${id}` },
      { method: 'DELETE', url: `/me/contacts/${id}` },
      // These three are fastify's to answer (no route of ours, or a body it does not take): they go through inject.
      { method: 'PUT', url: '/me/contacts', headers: json, body: { givenName: 'Put' } },
      { method: 'GET', url: '/me/nothing-here' },
      { method: 'POST', url: '/me/contacts', headers: { 'Content-Type': 'text/plain' }, body: 'givenName=Plain' },
      { method: 'GET', url: '/me' },
    ];
    const { single, inBatch } = await both(steps);
    assert.deepEqual(
      inBatch.map((r) => r.status),
      [201, 400, 400, 200, 200, 400, 412, 200, 200, 403, 200, 201, 400, 200, 201, 204, 404, 404, 405, 400, 415, 200],
    );
    assertSame(steps, single, inBatch);
    assert.deepEqual(injected, ['PUT /v1.0/me/contacts', 'GET /v1.0/me/nothing-here', 'POST /v1.0/me/contacts']);
  });

  it('a throttled request answers 429 with its Retry-After, as alone, and is not carried out', async () => {
    alone.throttle({ requests: 1, retryAfterSeconds: 7 }, ANN.user);
    batched.throttle({ requests: 1, retryAfterSeconds: 7 }, ANN.user);
    const steps: Step[] = [
      { method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Throttled' } },
      { method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Through' } },
    ];
    const { single, inBatch } = await both(steps);
    assertSame(steps, single, inBatch);
    assert.equal(inBatch[0].status, 429);
    assert.equal(inBatch[1].status, 201);
    assert.deepEqual(injected, []);
  });

  it('a body bigger than its route takes gets the 413 it gets alone (the batch itself is within its limit)', async () => {
    const steps: Step[] = [
      {
        method: 'POST',
        url: '/me/contacts',
        headers: json,
        body: { givenName: 'Big', personalNotes: 'x'.repeat(1_100_000) },
      },
      { method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Small' } },
    ];
    const { single, inBatch } = await both(steps);
    assertSame(steps, single, inBatch);
    assert.equal(inBatch[0].status, 413);
    // A batch bigger than a route's limit cannot tell which of its bodies are: each goes through inject.
    assert.equal(injected.length, 2);
  });
});
