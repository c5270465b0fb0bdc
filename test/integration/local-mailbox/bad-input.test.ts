/**
 * Hostile and careless requests: every one gets Graph's error shape with a 4xx status, never a 500, and none
 * of them writes anything.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox } from '../../helpers/mailbox';

interface BadRequest {
  what: string;
  method: string;
  path: string;
  raw?: string;
  contentType?: string;
  status: number;
  code: string;
  message?: string;
}

const json = 'application/json';

describe('local mailbox: bad input', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  let contactId: string;
  let eventId: string;
  let listId: string;

  before(async () => {
    mb = await startTestMailbox({ options: { bodyLimit: 64 * 1024 } });
    ann = graphCaller(mb, ANN.token);
    contactId = (await ann('GET', '/me/contacts')).body.value[0].id;
    eventId = (await ann('GET', '/me/events')).body.value[0].id;
    listId = (await ann('GET', '/me/todo/lists')).body.value[0].id;
  });
  after(() => mb.close());

  /** The change log's high-water mark and the item count: what "nothing written" means. */
  const snapshot = () => ({
    seq: mb.ctx.store.currentChangeSeq(),
    items: (mb.ctx.store.db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n,
  });

  const cases = (): BadRequest[] => [
    {
      what: 'bad JSON',
      method: 'POST',
      path: '/me/contacts',
      raw: '{"givenName" "x"}',
      contentType: json,
      status: 400,
      code: 'BadRequest',
      message:
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    },
    {
      what: 'truncated JSON',
      method: 'PATCH',
      path: `/me/contacts/${contactId}`,
      raw: '{"givenName": ',
      contentType: json,
      status: 400,
      code: 'BadRequest',
    },
    {
      what: 'no body',
      method: 'POST',
      path: '/me/events',
      status: 400,
      code: 'BadRequest',
      message: 'Empty Payload. JSON content expected.',
    },
    {
      what: 'an empty JSON body',
      method: 'POST',
      path: '/me/events',
      raw: '',
      contentType: json,
      status: 400,
      code: 'BadRequest',
    },
    {
      what: 'an array for an entity',
      method: 'POST',
      path: '/me/contacts',
      raw: '[{"givenName":"x"}]',
      contentType: json,
      status: 400,
      code: 'BadRequest',
    },
    {
      what: 'a string for an entity',
      method: 'POST',
      path: '/me/contacts',
      raw: '"x"',
      contentType: json,
      status: 400,
      code: 'BadRequest',
    },
    {
      what: 'a text/plain body',
      method: 'POST',
      path: '/me/contacts',
      raw: 'givenName: x',
      contentType: 'text/plain',
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      what: 'a form body',
      method: 'PATCH',
      path: `/me/contacts/${contactId}`,
      raw: 'givenName=x',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      what: 'an XML body',
      method: 'POST',
      path: '/me/events',
      raw: '<event/>',
      contentType: 'application/xml',
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      what: 'an oversized body',
      method: 'POST',
      path: '/me/contacts',
      raw: JSON.stringify({ personalNotes: 'x'.repeat(70 * 1024) }),
      contentType: json,
      status: 413,
      code: 'RequestEntityTooLarge',
    },
    {
      what: 'an unknown property',
      method: 'POST',
      path: '/me/contacts',
      raw: '{"givenName":"x","shoeSize":42}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: '__proto__ as a property',
      method: 'POST',
      path: '/me/contacts',
      raw: '{"__proto__":{"admin":true}}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'a number for a string',
      method: 'POST',
      path: '/me/contacts',
      raw: '{"givenName":5}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'a string for a list',
      method: 'POST',
      path: '/me/contacts',
      raw: '{"businessPhones":"+1 555"}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'an email address without address',
      method: 'POST',
      path: '/me/contacts',
      raw: '{"emailAddresses":[{"name":"x"}]}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'a string for a boolean',
      method: 'PATCH',
      path: `/me/events/${eventId}`,
      raw: '{"isAllDay":"yes"}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'an unknown enum value',
      method: 'PATCH',
      path: `/me/events/${eventId}`,
      raw: '{"showAs":"asleep"}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'a bad date-time',
      method: 'PATCH',
      path: `/me/events/${eventId}`,
      raw: '{"start":{"dateTime":"tomorrow","timeZone":"UTC"}}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'a bad time zone',
      method: 'PATCH',
      path: `/me/events/${eventId}`,
      raw: '{"start":{"dateTime":"2026-03-01T09:00:00","timeZone":"Mars/Base"}}',
      contentType: json,
      status: 400,
      code: 'TimeZoneNotSupportedException',
    },
    {
      what: 'a fraction for reminder minutes',
      method: 'PATCH',
      path: `/me/events/${eventId}`,
      raw: '{"reminderMinutesBeforeStart":1.5}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    {
      what: 'a malformed id',
      method: 'PATCH',
      path: '/me/contacts/not-an-id',
      raw: '{"givenName":"x"}',
      contentType: json,
      status: 400,
      code: 'ErrorInvalidIdMalformed',
      message: 'Id is malformed.',
    },
    {
      what: 'a forged id (bad check)',
      method: 'DELETE',
      path: `/me/contacts/${contactId.slice(0, -2)}${contactId.endsWith('AA') ? 'AB' : 'AA'}`,
      status: 400,
      code: 'ErrorInvalidIdMalformed',
    },
    {
      what: 'an event id on contacts',
      method: 'DELETE',
      path: `/me/contacts/${eventId}`,
      status: 404,
      code: 'ErrorItemNotFound',
    },
    {
      what: 'a contact id on events',
      method: 'DELETE',
      path: `/me/events/${contactId}`,
      status: 404,
      code: 'ErrorItemNotFound',
    },
    {
      what: 'a contact id as a task list',
      method: 'POST',
      path: `/me/todo/lists/${contactId}/tasks`,
      raw: '{"title":"x"}',
      contentType: json,
      status: 404,
      code: 'ErrorItemNotFound',
    },
    {
      what: 'a bad task status',
      method: 'POST',
      path: `/me/todo/lists/${listId}/tasks`,
      raw: '{"title":"x","status":"done"}',
      contentType: json,
      status: 400,
      code: 'RequestBodyRead',
    },
    { what: 'a bad $top', method: 'GET', path: '/me/contacts?$top=-1', status: 400, code: 'BadRequest' },
    { what: 'a repeated $top', method: 'GET', path: '/me/contacts?$top=1&$top=2', status: 400, code: 'BadRequest' },
    {
      what: 'a bad window',
      method: 'GET',
      path: '/me/calendarView?startDateTime=soon&endDateTime=later',
      status: 400,
      code: 'ErrorInvalidParameter',
    },
    {
      what: 'a window that ends before it starts',
      method: 'GET',
      path: '/me/calendarView?startDateTime=2026-03-02T00:00:00Z&endDateTime=2026-03-01T00:00:00Z',
      status: 400,
      code: 'ErrorInvalidParameter',
    },
    {
      what: 'a broken $filter',
      method: 'GET',
      path: `/me/contacts?$filter=${encodeURIComponent("surname eq 'x")}`,
      status: 400,
      code: 'BadRequest',
    },
  ];

  it("answers each with Graph's error and writes nothing", async () => {
    for (const c of cases()) {
      const before = snapshot();
      const res = await ann(c.method, c.path, {
        raw: c.raw,
        headers: c.contentType ? { 'Content-Type': c.contentType } : {},
      });
      try {
        assertGraphError(res, c.status, c.code, c.message);
      } catch (err) {
        (err as Error).message = `${c.what}: ${(err as Error).message}`;
        throw err;
      }
      assert.deepEqual(snapshot(), before, `${c.what} wrote something`);
    }
  });

  it('a request with a huge or odd token, or odd headers, is a 401 or works, never a 500', async () => {
    assert.equal((await ann('GET', '/me', { token: 'x'.repeat(8000) })).status, 401);
    assert.equal(
      (await ann('GET', '/me', { headers: { Prefer: 'odata.maxpagesize=banana, outlook.timezone="' } })).status,
      200,
    );
    assert.equal((await ann('GET', '/me/contacts/delta', { headers: { Prefer: 'odata.maxpagesize=0' } })).status, 200);
    assert.equal(
      (await ann('GET', '/me/events', { headers: { Prefer: 'outlook.timezone="Mars/Base"' } })).body.value[0].start
        .timeZone,
      'UTC',
    );
    assert.equal((await ann('GET', '/me/contacts/delta?$deltatoken=' + 'A'.repeat(5000))).status, 410);
  });
});
