/** JSON batching (`POST /v1.0/$batch`): up to 20 requests in one round trip, each answered on its own. */
import assert from 'node:assert/strict';
import { BatchRequestContent, BatchResponseContent, Client } from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici-types';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, BOB, assertGraphError, graphCaller, GraphCaller, startTestMailbox } from '../../helpers/mailbox';

describe('local mailbox: $batch', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  const batch = (requests: unknown, token: string | null = ANN.token) =>
    ann('POST', '/$batch', { body: { requests }, token });
  const json = { 'Content-Type': 'application/json' };

  beforeEach(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
  });
  afterEach(() => mb.close());

  it('answers each request with its id, status, headers and body, as the same request alone would', async () => {
    const res = await batch([
      { id: '1', method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Batched' } },
      { id: 'two', method: 'GET', url: 'me/contacts?$top=1' },
      { id: '3', method: 'GET', url: '/me/contacts/AAMkNOPE' },
    ]);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const [created, listed, missing] = res.body.responses;
    assert.deepEqual(
      res.body.responses.map((r: any) => [r.id, r.status]),
      [
        ['1', 201],
        ['two', 200],
        ['3', 400],
      ],
    );
    assert.equal(created.body.givenName, 'Batched');
    assert.equal(created.headers.ETag, created.body['@odata.etag']);
    assert.match(created.headers['Content-Type'], /^application\/json/);
    assert.equal(listed.body.value.length, 1);
    assert.equal(missing.body.error.code, 'ErrorInvalidIdMalformed');
    const alone = await ann('GET', `/me/contacts/${encodeURIComponent(created.body.id)}`);
    assert.equal(alone.status, 200);
    assert.equal(alone.body.givenName, 'Batched');
  });

  it('applies If-Match and the /users/{id} alias per request', async () => {
    const made = await ann('POST', '/me/contacts', { body: { givenName: 'Versioned' } });
    const id = encodeURIComponent(made.body.id);
    const res = await batch([
      { id: 'a', method: 'PATCH', url: `/me/contacts/${id}`, headers: { ...json, 'If-Match': 'W/"old"' }, body: {} },
      { id: 'b', method: 'GET', url: `/users/${BOB.user}/contacts` },
      {
        id: 'c',
        method: 'PATCH',
        url: `/users/${ANN.user}/contacts/${id}`,
        headers: { ...json, 'If-Match': made.body['@odata.etag'] },
        body: { surname: 'Matched' },
      },
    ]);
    assert.deepEqual(
      res.body.responses.map((r: any) => [r.id, r.status, r.body?.error?.code]),
      [
        ['a', 412, 'ErrorIrresolvableConflict'],
        ['b', 403, 'ErrorAccessDenied'],
        ['c', 200, undefined],
      ],
    );
  });

  it('throttles each request inside a batch, not the batch: a 429 with its Retry-After beside requests that pass', async () => {
    mb.throttle({ requests: 2, retryAfterSeconds: 3 }, ANN.user);
    const res = await batch([
      { id: '1', method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'First' } },
      { id: '2', method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Second' } },
      { id: '3', method: 'POST', url: '/me/contacts', headers: json, body: { givenName: 'Third' } },
    ]);
    assert.equal(res.status, 200);
    const [first, second, third] = res.body.responses;
    assert.equal(first.status, 429);
    assert.equal(first.headers['Retry-After'], '3');
    assert.equal(first.body.error.code, 'TooManyRequests');
    assert.equal(second.status, 429);
    assert.equal(third.status, 201);
    const names = (await ann('GET', '/me/contacts?$top=100')).body.value.map((c: any) => c.givenName);
    assert.ok(names.includes('Third') && !names.includes('First') && !names.includes('Second'));
  });

  it('dependsOn: a request whose dependency failed answers 424 and is not carried out', async () => {
    const res = await batch([
      { id: '1', method: 'GET', url: '/me/contacts/AAMkNOPE' },
      {
        id: '2',
        method: 'POST',
        url: '/me/contacts',
        headers: json,
        body: { givenName: 'Dependent' },
        dependsOn: ['1'],
      },
      { id: '3', method: 'GET', url: '/me', dependsOn: ['1'] },
    ]);
    assert.deepEqual(
      res.body.responses.map((r: any) => [r.id, r.status]),
      [
        ['1', 400],
        ['2', 424],
        ['3', 424],
      ],
    );
    assert.equal(res.body.responses[1].body.error.code, 'FailedDependency');
    const names = (await ann('GET', '/me/contacts?$top=100')).body.value.map((c: any) => c.givenName);
    assert.ok(!names.includes('Dependent'));
  });

  it('refuses a malformed batch whole with Graph 400, naming the problem, and carries out none of it', async () => {
    const write = (id: string) => ({
      id,
      method: 'POST',
      url: '/me/contacts',
      headers: json,
      body: { givenName: `Refused ${id}` },
    });
    const cases: Array<[unknown, RegExp]> = [
      [Array.from({ length: 21 }, (_, i) => write(String(i))), /At most 20 requests/],
      [[write('1'), write('1')], /duplicate id '1'/],
      [[{ method: 'GET', url: '/me' }], /has no id/],
      [[{ id: '1', method: 'GET' }], /has no url/],
      [[{ id: '1', method: 'TRACE', url: '/me' }], /no supported method/],
      [[{ id: '1', method: 'POST', url: '/me/contacts', body: {} }], /^Write request id : 1 does not contain/],
      [[write('1'), { ...write('2'), dependsOn: ['9'] }], /dependsOn must name requests before it/],
      [[], /requests is empty/],
    ];
    for (const [requests, message] of cases) {
      const res = await batch(requests);
      assertGraphError(res, 400, 'BadRequest');
      assert.match(res.body.error.message, message);
    }
    assertGraphError(await ann('POST', '/$batch', { body: { nope: [] } }), 400, 'BadRequest');
    assertGraphError(await ann('POST', '/$batch', { raw: '{"requests": [', headers: json }), 400, 'BadRequest');
    assertGraphError(await batch([write('1')], 'wrong-token'), 401, 'InvalidAuthenticationToken');
    const names = (await ann('GET', '/me/contacts?$top=100')).body.value.map((c: any) => c.givenName);
    assert.ok(!names.some((n: string) => n?.startsWith('Refused')), 'nothing of a refused batch was written');
  });

  it('takes only relative urls under /v1.0: no absolute url, no way out, no batch in a batch', async () => {
    const res = await batch([
      { id: '1', method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' },
      { id: '2', method: 'GET', url: '/../_admin/throttle' },
      { id: '3', method: 'POST', url: '/$batch', headers: json, body: { requests: [] } },
      { id: '4', method: 'GET', url: '/v1.0/me' },
    ]);
    assert.deepEqual(
      res.body.responses.map((r: any) => r.status),
      [400, 400, 400, 200],
    );
  });

  it("Microsoft's own client (BatchRequestContent, BatchResponseContent) runs unchanged against it", async () => {
    // The SDK hands its token only to hosts it trusts, over https: the mailbox serves https on localhost here.
    const secure = await startTestMailbox({ tls: true });
    try {
      const base = secure.url;
      const client = Client.init({
        authProvider: (done) => done(null, ANN.token),
        baseUrl: base,
        defaultVersion: 'v1.0',
        customHosts: new Set(['localhost']),
        fetchOptions: { dispatcher: await trusting(secure.certificate!.pem) },
      });
      const content = new BatchRequestContent([
        {
          id: 'create',
          request: new Request(`${base}/v1.0/me/contacts`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ givenName: 'From', surname: 'The SDK' }),
          }),
        },
        { id: 'me', request: new Request(`${base}/v1.0/me`, { method: 'GET' }) },
      ]);
      content.addDependency('me', 'create');
      const answers = new BatchResponseContent(await client.api('/$batch').post(await content.getContent()));
      const created = answers.getResponseById('create');
      assert.equal(created.status, 201);
      assert.equal(((await created.json()) as { surname: string }).surname, 'The SDK');
      const me = answers.getResponseById('me');
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { userPrincipalName: string }).userPrincipalName, ANN.user);
    } finally {
      await secure.close();
    }
  });
});

/**
 * A fetch dispatcher that trusts the mailbox's self-signed certificate: an Agent of the undici inside Node's own
 * fetch (there is no undici package here, and NODE_EXTRA_CA_CERTS cannot be set in-process).
 */
async function trusting(ca: string): Promise<Dispatcher> {
  await fetch('data:,').catch(() => undefined);
  const global = (globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')] as object;
  const Agent = global.constructor as new (o: object) => Dispatcher;
  return new Agent({ connect: { ca } });
}
