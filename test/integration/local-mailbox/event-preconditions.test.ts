/**
 * If-Match on events (what the sync engine's conditional writes rely on, issue 11.2): a PATCH or DELETE naming an
 * old ETag of a single event or of an occurrence is Graph's 412 ErrorIrresolvableConflict and changes nothing; the
 * current ETag or `*` passes.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox } from '../../helpers/mailbox';

const CONFLICT =
  'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.';
const MARCH = 'startDateTime=2026-02-20T00:00:00Z&endDateTime=2026-03-31T00:00:00Z';

describe('local mailbox: If-Match on events', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;

  beforeEach(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
  });
  afterEach(() => mb.close());

  it('a single event: an old ETag is 412 on PATCH and DELETE and changes nothing; the current one passes', async () => {
    const e = (
      await ann('POST', '/me/events', {
        body: {
          subject: 'Etag',
          start: { dateTime: '2026-03-10T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-03-10T11:00:00', timeZone: 'UTC' },
        },
      })
    ).body;
    const first = e['@odata.etag'] as string;
    const edited = await ann('PATCH', `/me/events/${e.id}`, {
      body: { subject: 'Edited' },
      headers: { 'If-Match': first },
    });
    assert.equal(edited.status, 200);
    assert.notEqual(edited.body['@odata.etag'], first);
    assertGraphError(
      await ann('PATCH', `/me/events/${e.id}`, { body: { subject: 'Lost' }, headers: { 'If-Match': first } }),
      412,
      'ErrorIrresolvableConflict',
      CONFLICT,
    );
    assertGraphError(
      await ann('DELETE', `/me/events/${e.id}`, { headers: { 'If-Match': first } }),
      412,
      'ErrorIrresolvableConflict',
      CONFLICT,
    );
    assert.equal((await ann('GET', `/me/events/${e.id}`)).body.subject, 'Edited');
    assert.equal(
      (await ann('DELETE', `/me/events/${e.id}`, { headers: { 'If-Match': edited.body['@odata.etag'] } })).status,
      204,
    );
  });

  it('an occurrence: its ETag from the calendar view passes once; after an edit it is 412', async () => {
    const occurrence = (await ann('GET', `/me/calendarView?${MARCH}&$top=50`)).body.value.find(
      (i: { type: string }) => i.type === 'occurrence',
    );
    const seen = occurrence['@odata.etag'] as string;
    assert.equal(
      (
        await ann('PATCH', `/me/events/${occurrence.id}`, {
          body: { location: { displayName: 'Room 9' } },
          headers: { 'If-Match': seen },
        })
      ).status,
      200,
    );
    assertGraphError(
      await ann('PATCH', `/me/events/${occurrence.id}`, {
        body: { location: { displayName: 'Lost' } },
        headers: { 'If-Match': seen },
      }),
      412,
      'ErrorIrresolvableConflict',
      CONFLICT,
    );
    assertGraphError(
      await ann('DELETE', `/me/events/${occurrence.id}`, { headers: { 'If-Match': seen } }),
      412,
      'ErrorIrresolvableConflict',
      CONFLICT,
    );
    assert.equal((await ann('GET', `/me/events/${occurrence.id}`)).body.location.displayName, 'Room 9');
    assert.equal((await ann('DELETE', `/me/events/${occurrence.id}`, { headers: { 'If-Match': '*' } })).status, 204);
  });
});
