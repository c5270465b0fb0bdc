/**
 * The mailbox client's `$batch` (graph/batch.ts) against the local mailbox, over real HTTP: one answer per request in
 * the order given, each retried as it would be alone (a 429 after its Retry-After, a 5xx only when sending it twice
 * does no harm), relative urls for links the mailbox gave.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, startTestMailbox } from '../../helpers/mailbox';
import { GraphMailbox } from '../../../sync-engine/src/graph/mailbox-client';
import { BATCH_LIMIT, relativeUrl, sendBatch } from '../../../sync-engine/src/graph/batch';
import { FaultProxy, startFaultProxy } from '../../helpers/fault-proxy';
import { GraphApiError } from '../../../sync-engine/src/graph/errors';

describe('graph client: $batch', () => {
  let mb: LocalMailbox;
  let proxy: FaultProxy;
  let fail: (method: string) => boolean = () => false;
  let failWhole = 0;
  const waits: number[] = [];
  let client: GraphMailbox;

  beforeEach(async () => {
    mb = await startTestMailbox();
    proxy = await startFaultProxy({
      target: mb.url,
      decide: () => (failWhole-- > 0 ? 'error-before' : null),
      decideInBatch: (req) => (fail(req.method) ? 'error-before' : null),
    });
    waits.length = 0;
    fail = () => false;
    failWhole = 0;
    client = new GraphMailbox({
      baseUrl: proxy.url,
      token: ANN.token,
      retry: { sleep: async (ms) => void waits.push(ms), random: () => 0 },
    });
  });
  afterEach(async () => {
    await proxy.close();
    await mb.close();
  });

  it('answers each request in the order given, failures as the errors the request alone gets', async () => {
    const answers = await sendBatch(client.http, [
      { method: 'POST', path: '/me/contacts', body: { givenName: 'One' } },
      { method: 'GET', path: '/me/contacts/AAMkNOPE' },
      { method: 'GET', path: '/me' },
    ]);
    assert.deepEqual(
      answers.map((a) => (a.ok ? a.status : a.error.statusCode)),
      [201, 400, 200],
    );
    assert.ok(!answers[1].ok && answers[1].error.code === 'ErrorInvalidIdMalformed');
    assert.ok(!answers[1].ok && answers[1].error.failure.kind === 'validation');
    assert.equal(client.stats.requests, 1, 'one round trip');
    await assert.rejects(
      sendBatch(
        client.http,
        Array.from({ length: BATCH_LIMIT + 1 }, () => ({ method: 'GET' as const, path: '/me' })),
      ),
      RangeError,
    );
  });

  it('a throttled request goes again after its Retry-After; its neighbours are not sent twice', async () => {
    mb.throttle({ requests: 1, retryAfterSeconds: 2 }, ANN.user);
    const answers = await sendBatch(client.http, [
      { method: 'POST', path: '/me/contacts', body: { givenName: 'Throttled' } },
      { method: 'POST', path: '/me/contacts', body: { givenName: 'Through' } },
    ]);
    assert.deepEqual(
      answers.map((a) => a.ok && a.status),
      [201, 201],
    );
    assert.deepEqual(waits, [2000]);
    assert.equal(client.stats.requests, 2);
    const again = JSON.parse(proxy.seen[1].body) as { requests: Array<{ body: { givenName: string } }> };
    assert.deepEqual(
      again.requests.map((r) => r.body.givenName),
      ['Throttled'],
    );
  });

  it('a 5xx is sent again for a GET, not for a POST that may have been carried out', async () => {
    let failures = 2;
    fail = () => failures-- > 0;
    const answers = await sendBatch(client.http, [
      { method: 'GET', path: '/me' },
      { method: 'POST', path: '/me/contacts', body: { givenName: 'Maybe' } },
    ]);
    assert.ok(answers[0].ok, 'the GET went again');
    assert.ok(!answers[1].ok && answers[1].error.failure.kind === 'transient', 'the POST is left to its caller');
    assert.equal(client.stats.requests, 2);
  });

  it('a batch of reads is sent again after a 5xx of the whole batch; a batch with a write is not', async () => {
    failWhole = 1;
    const reads = await sendBatch(client.http, [
      { method: 'GET', path: '/me' },
      { method: 'GET', path: '/me/contacts' },
    ]);
    assert.ok(
      reads.every((a) => a.ok),
      'the reads went again',
    );
    assert.equal(client.stats.requests, 2);
    failWhole = 1;
    await assert.rejects(
      sendBatch(client.http, [
        { method: 'GET', path: '/me' },
        { method: 'POST', path: '/me/contacts', body: { givenName: 'Once' } },
      ]),
      (err: GraphApiError) => err.failure.kind === 'transient',
    );
    assert.equal(client.stats.requests, 3, 'a batch with a write is sent once');
  });

  it('a link the mailbox gave goes in a batch relative to the version root', () => {
    assert.equal(
      relativeUrl(client.http, { path: `${proxy.url}/v1.0/me/contacts/delta?$deltatoken=abc` }),
      '/me/contacts/delta?$deltatoken=abc',
    );
    assert.equal(relativeUrl(client.http, { path: '/me/events', query: { $top: 5 } }), '/me/events?%24top=5');
    // A link of the mailbox outside the version root keeps its own query: its delta token.
    assert.equal(
      relativeUrl(client.http, { path: `${proxy.url}/beta/me/contacts/delta?$deltatoken=xyz` }),
      '/beta/me/contacts/delta?$deltatoken=xyz',
    );
  });
});
