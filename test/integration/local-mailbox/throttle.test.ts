/** The throttle switch: the next N requests answer 429 TooManyRequests with Retry-After (WIRE.md 11.4). */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, BOB, assertGraphError, graphCaller, GraphCaller, startTestMailbox } from '../../helpers/mailbox';

describe('local mailbox: throttle switch', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  let bob: GraphCaller;
  const admin = (method: string, token: string | null, body?: unknown) =>
    fetch(`${mb.url}/_admin/throttle`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeEach(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
    bob = graphCaller(mb, BOB.token);
  });
  afterEach(() => mb.close());

  it("POST /_admin/throttle with a mailbox token throttles that mailbox's next N requests, then lets them through", async () => {
    const set = await admin('POST', ANN.token, { requests: 2, retryAfterSeconds: 2.128 });
    assert.equal(set.status, 200);
    assert.deepEqual(await set.json(), { requests: 2, retryAfterSeconds: 2.128 });
    assert.deepEqual(await (await admin('GET', ANN.token)).json(), { requests: 2, retryAfterSeconds: 2.128 });

    const first = await ann('GET', '/me/contacts');
    assertGraphError(first, 429, 'TooManyRequests', 'Please retry again later.');
    assert.equal(first.headers.get('retry-after'), '2.128');
    assert.equal(first.body.error.innerError.code, '429');
    assert.equal(first.body.error.innerError.status, '429');
    assert.equal((await bob('GET', '/me/contacts')).status, 200, 'another mailbox is not throttled');
    assert.equal((await ann('POST', '/me/contacts', { body: { givenName: 'Throttled' } })).status, 429);
    assert.equal((await ann('GET', '/me/contacts')).status, 200);
    const names = (await ann('GET', '/me/contacts?$top=50')).body.value.map((c: any) => c.givenName);
    assert.ok(!names.includes('Throttled'), 'a throttled write writes nothing');
  });

  it('DELETE switches it off; it needs a mailbox token; a bad rule is a 400', async () => {
    await admin('POST', ANN.token, { requests: 100 });
    assert.equal((await admin('DELETE', ANN.token)).status, 204);
    assert.equal((await ann('GET', '/me')).status, 200);
    assert.equal((await admin('POST', null, { requests: 1 })).status, 401);
    assert.equal((await admin('POST', 'nope', { requests: 1 })).status, 401);
    assert.equal((await admin('POST', ANN.token, { requests: -1 })).status, 400);
    assert.equal((await admin('POST', ANN.token, { requests: 1, retryAfterSeconds: 'soon' })).status, 400);
    assert.equal((await admin('POST', ANN.token, { requests: 1, extra: true })).status, 400);
    assert.equal((await ann('GET', '/me')).status, 200);
  });

  it('requests refused for a bad token do not use up the throttle', async () => {
    await admin('POST', ANN.token, { requests: 1, retryAfterSeconds: 1 });
    assert.equal((await ann('GET', '/me', { token: 'wrong' })).status, 401);
    assert.equal((await ann('GET', '/me')).status, 429);
  });

  it('the server option and LocalMailbox.throttle() throttle every mailbox, or one', async () => {
    const throttled = await startTestMailbox({ options: { throttle: { requests: 2, retryAfterSeconds: 5 } } });
    try {
      const a = graphCaller(throttled, ANN.token);
      const b = graphCaller(throttled, BOB.token);
      const r1 = await a('GET', '/me');
      assert.equal(r1.status, 429);
      assert.equal(r1.headers.get('retry-after'), '5');
      assert.equal((await b('GET', '/me')).status, 429);
      assert.equal((await a('GET', '/me')).status, 200);
      throttled.throttle({ requests: 1, retryAfterSeconds: 0.5 }, BOB.user);
      assert.equal((await a('GET', '/me')).status, 200);
      assert.equal((await b('GET', '/me')).headers.get('retry-after'), '0.5');
      assert.equal((await b('GET', '/me')).status, 200);
    } finally {
      await throttled.close();
    }
  });
});
