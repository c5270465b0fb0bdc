/**
 * A token from the identity platform opens only what its Graph permissions cover, as Graph checks a delegated token:
 * contacts need Contacts.Read to read and Contacts.ReadWrite to write, calendars Calendars.*, To Do Tasks.*, the
 * mailbox's settings MailboxSettings.Read, the user User.Read; without one, Graph's 403 ErrorAccessDenied, alone or
 * inside a `$batch`. The seed's static tokens are not scoped.
 */
import assert from 'node:assert/strict';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, assertGraphError, graphCaller } from '../../helpers/mailbox';
import {
  ANN_PASSWORD,
  CLIENT_ID,
  MovableClock,
  TENANT_ID,
  approveDeviceCode,
  deviceCodeToken,
  identitySeed,
  postForm,
} from '../../helpers/identity';

describe('local mailbox: a token opens what its permissions cover', function () {
  this.timeout(30_000);
  let mb: LocalMailbox;

  before(async () => {
    mb = await startLocalMailbox({
      seed: identitySeed(),
      dataDir: ':memory:',
      port: 0,
      clock: new MovableClock(),
      options: { deviceCodeIntervalSeconds: 1 },
    });
  });
  after(() => mb.close());

  const tokenWith = (scope: string) => deviceCodeToken(mb.url, scope);

  it('reads need a Read permission, writes a ReadWrite one; another resource is refused with 403', async () => {
    const readOnly = graphCaller(mb, await tokenWith('Contacts.Read User.Read'));
    assert.equal((await readOnly('GET', '/me')).status, 200);
    assert.equal((await readOnly('GET', '/me/contacts')).status, 200);
    assert.equal((await readOnly('GET', '/me/contacts/delta')).status, 200);
    assertGraphError(
      await readOnly('POST', '/me/contacts', { body: { givenName: 'Refused' } }),
      403,
      'ErrorAccessDenied',
    );
    assertGraphError(await readOnly('GET', '/me/events'), 403, 'ErrorAccessDenied');
    assertGraphError(await readOnly('GET', '/me/calendarView/delta'), 403, 'ErrorAccessDenied');
    assertGraphError(await readOnly('GET', '/me/todo/lists'), 403, 'ErrorAccessDenied');
    assertGraphError(await readOnly('GET', '/me/mailboxSettings'), 403, 'ErrorAccessDenied');
    assertGraphError(await readOnly('GET', `/users/${ANN.user}/events`), 403, 'ErrorAccessDenied');
    // Nothing was written by the refused create.
    const names = (await readOnly('GET', '/me/contacts?$top=100')).body.value.map((c: any) => c.givenName);
    assert.ok(!names.includes('Refused'));

    const writer = graphCaller(mb, await tokenWith('Contacts.ReadWrite Calendars.Read MailboxSettings.Read'));
    assert.equal((await writer('POST', '/me/contacts', { body: { givenName: 'Allowed' } })).status, 201);
    assert.equal((await writer('GET', '/me/events')).status, 200);
    assert.equal((await writer('GET', '/me/mailboxSettings')).status, 200);
    assertGraphError(
      await writer('POST', '/me/events', {
        body: {
          subject: 'Refused',
          start: { dateTime: '2026-06-03T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-06-03T11:00:00', timeZone: 'UTC' },
        },
      }),
      403,
      'ErrorAccessDenied',
    );
    assertGraphError(await writer('GET', '/me'), 403, 'ErrorAccessDenied');
  });

  it('inside a $batch each request is checked on its own', async () => {
    const call = graphCaller(mb, await tokenWith('Contacts.ReadWrite'));
    const res = await call('POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/me/contacts?$top=1' },
          { id: '2', method: 'GET', url: '/me/todo/lists' },
          {
            id: '3',
            method: 'POST',
            url: '/me/contacts',
            headers: { 'Content-Type': 'application/json' },
            body: { givenName: 'Batched' },
          },
        ],
      },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.responses.map((r: any) => [r.id, r.status, r.body?.error?.code]),
      [
        ['1', 200, undefined],
        ['2', 403, 'ErrorAccessDenied'],
        ['3', 201, undefined],
      ],
    );
  });

  it('a refresh asking for more than its sign-in was granted gets no more', async () => {
    const base = `${mb.url}/${TENANT_ID}/oauth2/v2.0`;
    const d = JSON.parse(
      (await postForm(`${base}/devicecode`, { client_id: CLIENT_ID, scope: 'Contacts.Read offline_access' })).text,
    );
    await approveDeviceCode(d.verification_uri, d.user_code, ANN.user, ANN_PASSWORD);
    const signedIn = JSON.parse(
      (await postForm(`${base}/token`, { grant_type: 'device_code', client_id: CLIENT_ID, device_code: d.device_code }))
        .text,
    );
    const refreshed = JSON.parse(
      (
        await postForm(`${base}/token`, {
          grant_type: 'refresh_token',
          client_id: CLIENT_ID,
          refresh_token: signedIn.refresh_token,
          scope: 'Contacts.ReadWrite Calendars.ReadWrite offline_access',
        })
      ).text,
    );
    assert.ok(refreshed.access_token, JSON.stringify(refreshed));
    const call = graphCaller(mb, refreshed.access_token);
    assertGraphError(await call('POST', '/me/contacts', { body: { givenName: 'Widened' } }), 403, 'ErrorAccessDenied');
    assertGraphError(await call('GET', '/me/events'), 403, 'ErrorAccessDenied');
  });

  it("the seed's static token is not scoped; `.default` stands for what the sync engine asks", async () => {
    const seed = graphCaller(mb, ANN.token);
    for (const path of ['/me', '/me/contacts', '/me/events', '/me/todo/lists', '/me/mailboxSettings'])
      assert.equal((await seed('GET', path)).status, 200, path);
    const byDefault = graphCaller(mb, await tokenWith('https://graph.microsoft.com/.default'));
    for (const path of ['/me', '/me/contacts', '/me/events', '/me/todo/lists', '/me/mailboxSettings'])
      assert.equal((await byDefault('GET', path)).status, 200, path);
  });
});
