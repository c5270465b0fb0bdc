/**
 * The one mapping from Fastify's own failures to a server's error vocabulary (issue 12, finding 3: the local org, the
 * local mailbox and the service each had a copy). Driven through a real Fastify app in process: each kind of
 * failure reaches the vocabulary's entry for it, a server's own error passes through, a client's mistake is never a
 * 500, and only a bug of ours is reported as one.
 */
import assert from 'node:assert/strict';
import Fastify, { FastifyError, FastifyInstance, InjectOptions } from 'fastify';
import { ErrorVocabulary, mapFastifyError } from '../../../sync-engine/src/common/fastify-errors';

class MyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const bugs: string[] = [];
const vocabulary: ErrorVocabulary<MyError> = {
  own: (e): e is MyError => e instanceof MyError,
  bodyTooLarge: (limit) => new MyError(413, `TOO_LARGE ${limit}`),
  unsupportedMediaType: (type) => new MyError(415, `MEDIA ${type}`),
  emptyBody: () => new MyError(400, 'EMPTY'),
  badJson: () => new MyError(400, 'BAD_JSON'),
  badRequest: (status) => new MyError(status, 'BAD_REQUEST'),
  internal: (err) => {
    bugs.push(err.message);
    return new MyError(500, 'INTERNAL');
  },
};

describe('mapFastifyError', () => {
  let app: FastifyInstance;
  before(async () => {
    app = Fastify({ bodyLimit: 100 });
    app.setErrorHandler((err: FastifyError | MyError, req, reply) => {
      const e = mapFastifyError(err, req, vocabulary);
      void reply.code(e.status).send({ code: e.code });
    });
    app.post('/echo', async (req) => req.body);
    app.get('/own', async () => {
      throw new MyError(409, 'MINE');
    });
    app.get('/client', async () => {
      throw Object.assign(new Error('not like that'), { statusCode: 422 });
    });
    app.get('/bug', async () => {
      throw new TypeError('x is undefined');
    });
    app.get('/stored-json', async () => JSON.parse('{damaged') as unknown);
    await app.ready();
  });
  after(() => app.close());

  const answer = async (o: InjectOptions) => {
    const res = await app.inject(o);
    return [res.statusCode, (res.json() as { code: string }).code];
  };

  it("maps each of Fastify's body failures to the vocabulary's entry", async () => {
    const json = { 'content-type': 'application/json' };
    assert.deepEqual(await answer({ method: 'POST', url: '/echo', headers: json, payload: `"${'a'.repeat(200)}"` }), [
      413,
      'TOO_LARGE 100',
    ]);
    assert.deepEqual(
      await answer({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' }),
      [415, 'MEDIA text/csv'],
    );
    assert.deepEqual(await answer({ method: 'POST', url: '/echo', headers: json, payload: '' }), [400, 'EMPTY']);
    assert.deepEqual(await answer({ method: 'POST', url: '/echo', headers: json, payload: '{nope' }), [
      400,
      'BAD_JSON',
    ]);
  });

  it("passes the server's own errors through, and reports only a bug of ours as a 500", async () => {
    assert.deepEqual(await answer({ method: 'GET', url: '/own' }), [409, 'MINE']);
    assert.deepEqual(await answer({ method: 'GET', url: '/client' }), [422, 'BAD_REQUEST']);
    assert.deepEqual(bugs, []);
    assert.deepEqual(await answer({ method: 'GET', url: '/bug' }), [500, 'INTERNAL']);
    assert.deepEqual(bugs, ['x is undefined']);
  });

  it("reports a SyntaxError of our own (JSON.parse of stored data) as a bug, not as the client's bad JSON", async () => {
    bugs.length = 0;
    assert.deepEqual(await answer({ method: 'GET', url: '/stored-json' }), [500, 'INTERNAL']);
    assert.equal(bugs.length, 1);
  });
});
