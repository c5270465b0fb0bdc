/**
 * Request bodies (issue 10, finding 3): one 4 MB limit served every route, though a contact or event write is a
 * few KB and a task list or a throttle switch far less; and a body nested 100,000 deep kept JSON.parse busy for
 * hundreds of ms, then overflowed the stack of a property check (500). Each route now takes what fits it, a body
 * nested deeper than JSON_MAX_DEPTH is refused before it is parsed, and a 50 MB body is still refused.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { BODY_LIMITS, JSON_MAX_DEPTH } from '../../../sync-engine/src/local-mailbox/body-limits';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox } from '../../helpers/mailbox';

const json = { 'Content-Type': 'application/json' };
const padded = (body: object, bytes: number) => JSON.stringify({ ...body, '@odata.padding': 'x'.repeat(bytes) });
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('local mailbox: request bodies', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  let listId: string;

  before(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
    listId = (await ann('GET', '/me/todo/lists')).body.value[0].id;
  });
  after(() => mb.close());

  const itemCount = () => mb.ctx.store.db.prepare('SELECT COUNT(*) FROM items').pluck().get() as number;

  it('a task list write over its few KB is a 413; a contact write of a few hundred KB is fine', async () => {
    const before = itemCount();
    assertGraphError(
      await ann('POST', '/me/todo/lists', {
        raw: padded({ displayName: 'Big' }, BODY_LIMITS.taskList + 100),
        headers: json,
      }),
      413,
      'RequestEntityTooLarge',
      `The request body is larger than ${BODY_LIMITS.taskList} bytes.`,
    );
    assert.equal(itemCount(), before);
    const notes = await ann('POST', '/me/contacts', { body: { surname: 'Notes', personalNotes: 'n'.repeat(300_000) } });
    assert.equal(notes.status, 201, notes.text.slice(0, 300));
  });

  it('a contact, event or task write over its limit is a 413, under the server-wide one', async () => {
    const over = BODY_LIMITS.item + 1_000;
    assert.ok(over < mb.ctx.options.bodyLimit);
    const before = itemCount();
    assertGraphError(
      await ann('POST', '/me/contacts', { raw: padded({ surname: 'Big' }, over), headers: json }),
      413,
      'RequestEntityTooLarge',
    );
    assertGraphError(
      await ann('POST', `/me/todo/lists/${listId}/tasks`, { raw: padded({ title: 'Big' }, over), headers: json }),
      413,
      'RequestEntityTooLarge',
    );
    const event = {
      subject: 'Big',
      start: { dateTime: '2026-05-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-05-01T10:00:00', timeZone: 'UTC' },
    };
    assertGraphError(
      await ann('POST', '/me/events', { raw: padded(event, over), headers: json }),
      413,
      'RequestEntityTooLarge',
    );
    assert.equal(itemCount(), before);
  });

  it('the throttle switch takes a small body only', async () => {
    const post = (body: string) =>
      fetch(`${mb.url}/_admin/throttle`, {
        method: 'POST',
        headers: { ...json, Authorization: `Bearer ${ANN.token}` },
        body,
      });
    const big = await post(padded({ requests: 0 }, BODY_LIMITS.admin + 10));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as any).error.code, 'RequestEntityTooLarge');
    assert.equal((await post(JSON.stringify({ requests: 0 }))).status, 200);
  });

  it(`a body nested deeper than ${JSON_MAX_DEPTH} levels is a 400 before it is parsed, never a 500; nothing is written or logged`, async () => {
    const before = itemCount();
    const writes: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const deepProperty = await ann('POST', '/me/contacts', {
        raw: `{"givenName":${nestedArrays(100_000)}}`,
        headers: json,
      });
      assertGraphError(
        deepProperty,
        400,
        'BadRequest',
        `The JSON request payload is nested more than ${JSON_MAX_DEPTH} levels deep.`,
      );
      const deepAnnotation = await ann('POST', '/me/contacts', {
        raw: `{"surname":"x","@odata.deep":${nestedArrays(JSON_MAX_DEPTH)}}`,
        headers: json,
      });
      assertGraphError(deepAnnotation, 400, 'BadRequest');
      const deepString = await ann('POST', '/me/contacts', {
        raw: JSON.stringify({ surname: 'Brackets', personalNotes: nestedArrays(5_000) }),
        headers: json,
      });
      assert.equal(deepString.status, 201, 'brackets inside a string are text, not nesting');
    } finally {
      process.stderr.write = original;
    }
    assert.equal(itemCount(), before + 1);
    assert.equal(writes.join(''), '');
  });

  it('still refuses a 50 MB body', async () => {
    const res = await ann('POST', '/me/contacts', {
      raw: padded({ surname: 'Huge' }, 50 * 1024 * 1024),
      headers: json,
    });
    assertGraphError(res, 413, 'RequestEntityTooLarge');
  });
});
