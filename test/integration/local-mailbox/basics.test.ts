/** The mailbox's front door over real HTTP: the owner, defaults, tokens, Graph's headers and error shape. */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { GRAPH_JSON } from '../../../sync-engine/src/local-mailbox/errors';
import { ANN, BOB, assertGraphError, graphCaller, GraphCaller, startTestMailbox } from '../../helpers/mailbox';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('local mailbox: basics', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;

  before(async () => {
    mb = await startTestMailbox();
    ann = graphCaller(mb, ANN.token);
  });
  after(() => mb.close());

  it('GET /me names the owner', async () => {
    const res = await ann('GET', '/me');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), GRAPH_JSON);
    assert.equal(res.body['@odata.context'], `${mb.url}/v1.0/$metadata#users/$entity`);
    assert.equal(res.body.mail, 'ann@test.example');
    assert.equal(res.body.userPrincipalName, 'ann@test.example');
    assert.equal(res.body.displayName, 'Ann Test');
    assert.match(res.body.id, UUID);
    const bob = await graphCaller(mb, BOB.token)('GET', '/me');
    assert.equal(bob.body.mail, 'bob@test.example');
    assert.equal(bob.body.displayName, 'bob');
  });

  it('GET /me/mailboxSettings gives the time zone of the seed (UTC by default)', async () => {
    assert.equal((await ann('GET', '/me/mailboxSettings')).body.timeZone, 'America/New_York');
    assert.equal((await graphCaller(mb, BOB.token)('GET', '/me/mailboxSettings')).body.timeZone, 'UTC');
  });

  it('GET /me/contactFolders lists the default Contacts folder, and it can be read by id', async () => {
    const res = await ann('GET', '/me/contactFolders');
    assert.equal(res.status, 200);
    assert.equal(res.body.value.length, 1);
    const folder = res.body.value[0];
    assert.equal(folder.displayName, 'Contacts');
    assert.equal(typeof folder.id, 'string');
    const one = await ann('GET', `/me/contactFolders/${folder.id}`);
    assert.equal(one.body.id, folder.id);
    assert.equal(one.body.displayName, 'Contacts');
  });

  it('GET /me/calendar is the default calendar', async () => {
    const res = await ann('GET', '/me/calendar');
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'Calendar');
    assert.equal(res.body.isDefaultCalendar, true);
    assert.deepEqual(res.body.owner, { name: 'Ann Test', address: 'ann@test.example' });
  });

  it('GET /me/todo/lists has exactly one defaultList', async () => {
    const res = await ann('GET', '/me/todo/lists');
    assert.deepEqual(
      res.body.value.map((l: any) => [l.displayName, l.wellknownListName]),
      [
        ['Tasks', 'defaultList'],
        ['Errands', 'none'],
      ],
    );
    // Bob's seed has no lists: he still gets the default "Tasks".
    const bob = await graphCaller(mb, BOB.token)('GET', '/me/todo/lists');
    assert.deepEqual(
      bob.body.value.map((l: any) => [l.displayName, l.wellknownListName]),
      [['Tasks', 'defaultList']],
    );
  });

  it('answers a request without a token, or with an unknown one, 401 InvalidAuthenticationToken', async () => {
    const none = await ann('GET', '/me/contacts', { token: null });
    assertGraphError(none, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assertGraphError(
      await ann('GET', '/me/contacts', { token: 'not-a-token' }),
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure.',
    );
    assertGraphError(
      await ann('GET', '/me', { token: null, headers: { Authorization: 'Basic YW5uOnB3' } }),
      401,
      'InvalidAuthenticationToken',
    );
    assertGraphError(await ann('GET', '/me/nothing-here', { token: null }), 401, 'InvalidAuthenticationToken');
  });

  it('sends request-id and echoes client-request-id', async () => {
    const res = await ann('GET', '/me', { headers: { 'client-request-id': 'c0ffee00-1111-2222-3333-444455556666' } });
    assert.match(res.headers.get('request-id') ?? '', UUID);
    assert.equal(res.headers.get('client-request-id'), 'c0ffee00-1111-2222-3333-444455556666');
    const err = await ann('GET', '/me/contacts/AAMk!!', { headers: { 'client-request-id': 'abc-123' } });
    assert.equal(err.body.error.innerError['client-request-id'], 'abc-123');
  });

  it('matches paths without regard to case, as Graph does', async () => {
    const folder = (await ann('GET', '/me/contactFolders')).body.value[0].id;
    assert.equal((await ann('GET', `/ME/CONTACTFOLDERS/${folder}/contacts`)).status, 200);
    assert.equal((await ann('GET', '/me/mailboxsettings')).status, 200);
  });

  it("answers an unknown segment 400 BadRequest, an unknown method 405, both in Graph's shape", async () => {
    assertGraphError(
      await ann('GET', '/me/messages'),
      400,
      'BadRequest',
      "Resource not found for the segment 'messages'.",
    );
    const put = await ann('PUT', '/me/contacts', { body: {} });
    assertGraphError(put, 405, 'MethodNotAllowed');
    assert.equal(put.headers.get('allow'), 'GET, POST');
    const res = await fetch(`${mb.url}/nothing`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as any).error.code, 'NotFound');
  });

  it("keeps mailboxes apart: one mailbox cannot read another's items by id", async () => {
    const bobContacts = await graphCaller(mb, BOB.token)('GET', '/me/contacts');
    const id = bobContacts.body.value[0].id;
    assertGraphError(
      await ann('GET', `/me/contacts/${id}`),
      404,
      'ErrorItemNotFound',
      'The specified object was not found in the store.',
    );
    assertGraphError(await ann('DELETE', `/me/contacts/${id}`), 404, 'ErrorItemNotFound');
    assert.equal((await graphCaller(mb, BOB.token)('GET', `/me/contacts/${id}`)).status, 200);
  });
});
