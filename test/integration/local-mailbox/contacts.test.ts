/** Contacts over real HTTP: CRUD, ETags and If-Match, $select/$filter/$top, and the folder's delta. */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox, walk } from '../../helpers/mailbox';
import { ManualClock } from '../../helpers/org';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('local mailbox: contacts', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  let folderId: string;
  const clock = new ManualClock(new Date('2026-06-01T12:00:00.000Z'));

  before(async () => {
    mb = await startTestMailbox({ clock });
    ann = graphCaller(mb, ANN.token);
    folderId = (await ann('GET', '/me/contactFolders')).body.value[0].id;
  });
  after(() => mb.close());

  describe('CRUD', () => {
    it('creates with 201 and the full entity, its ETag in the header and in @odata.etag', async () => {
      const res = await ann('POST', '/me/contacts', {
        body: {
          givenName: 'Pavel',
          surname: 'Bansky',
          emailAddresses: [{ name: 'Pavel Bansky', address: 'pavelb@fabrikam.example' }],
          businessPhones: ['+1 732 555 0102'],
        },
      });
      assert.equal(res.status, 201);
      const c = res.body;
      assert.equal(c['@odata.context'], `${mb.url}/v1.0/$metadata#users('ann%40test.example')/contacts/$entity`);
      assert.equal(c['@odata.etag'], `W/"${c.changeKey}"`);
      assert.equal(res.headers.get('etag'), c['@odata.etag']);
      assert.equal(typeof c.id, 'string');
      assert.equal(c.createdDateTime, '2026-06-01T12:00:00Z');
      assert.match(c.lastModifiedDateTime, TIMESTAMP);
      assert.equal(c.parentFolderId, folderId);
      assert.equal(c.displayName, 'Pavel Bansky');
      assert.equal(c.fileAs, '');
      assert.equal(c.birthday, null);
      assert.deepEqual(c.homePhones, []);
      assert.deepEqual(c.homeAddress, {});
      assert.deepEqual(Object.keys(c).slice(0, 9), [
        '@odata.context',
        '@odata.etag',
        'id',
        'createdDateTime',
        'lastModifiedDateTime',
        'changeKey',
        'categories',
        'parentFolderId',
        'birthday',
      ]);
    });

    it('reads, updates (200, full entity, new change key) and deletes (204), then answers 404', async () => {
      const created = (
        await ann('POST', `/me/contactFolders/${folderId}/contacts`, { body: { givenName: 'Crud', surname: 'Test' } })
      ).body;
      const read = await ann('GET', `/me/contacts/${created.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.displayName, 'Crud Test');
      assert.equal((await ann('GET', `/me/contactFolders/${folderId}/contacts/${created.id}`)).status, 200);

      clock.advance(60_000);
      const patched = await ann('PATCH', `/me/contacts/${created.id}`, {
        body: { surname: 'Tested', companyName: 'Contoso', businessAddress: { city: 'Redmond' } },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.displayName, 'Crud Tested');
      assert.equal(patched.body.companyName, 'Contoso');
      assert.deepEqual(patched.body.businessAddress, { city: 'Redmond' });
      assert.notEqual(patched.body.changeKey, created.changeKey);
      assert.equal(patched.body.createdDateTime, created.createdDateTime);
      assert.notEqual(patched.body.lastModifiedDateTime, created.lastModifiedDateTime);

      const named = await ann('PATCH', `/me/contacts/${created.id}`, {
        body: { displayName: 'The Tester', givenName: 'Crudo' },
      });
      assert.equal(named.body.displayName, 'The Tester');

      const del = await ann('DELETE', `/me/contacts/${created.id}`);
      assert.equal(del.status, 204);
      assert.equal(del.text, '');
      assertGraphError(await ann('GET', `/me/contacts/${created.id}`), 404, 'ErrorItemNotFound');
      assertGraphError(
        await ann('PATCH', `/me/contacts/${created.id}`, { body: { surname: 'x' } }),
        404,
        'ErrorItemNotFound',
      );
    });

    it('honours If-Match: the current ETag or * passes, an old one is 412 and changes nothing', async () => {
      const c = (await ann('POST', '/me/contacts', { body: { givenName: 'Etag' } })).body;
      const ok = await ann('PATCH', `/me/contacts/${c.id}`, {
        body: { surname: 'One' },
        headers: { 'If-Match': c['@odata.etag'] },
      });
      assert.equal(ok.status, 200);
      const stale = await ann('PATCH', `/me/contacts/${c.id}`, {
        body: { surname: 'Two' },
        headers: { 'If-Match': c['@odata.etag'] },
      });
      assertGraphError(stale, 412, 'ErrorIrresolvableConflict');
      assert.equal((await ann('GET', `/me/contacts/${c.id}`)).body.surname, 'One');
      assertGraphError(
        await ann('DELETE', `/me/contacts/${c.id}`, { headers: { 'If-Match': c['@odata.etag'] } }),
        412,
        'ErrorIrresolvableConflict',
      );
      assert.equal(
        (await ann('PATCH', `/me/contacts/${c.id}`, { body: { surname: 'Three' }, headers: { 'If-Match': '*' } }))
          .status,
        200,
      );
      const now = (await ann('GET', `/me/contacts/${c.id}`)).body;
      assert.equal(
        (await ann('DELETE', `/me/contacts/${c.id}`, { headers: { 'If-Match': now['@odata.etag'] } })).status,
        204,
      );
    });

    it('ignores read-only properties and annotations sent back, refuses unknown ones', async () => {
      const c = (await ann('GET', '/me/contacts')).body.value[0];
      const back = await ann('PATCH', `/me/contacts/${c.id}`, {
        body: { ...c, id: 'something-else', jobTitle: 'Admiral' },
      });
      assert.equal(back.status, 200);
      assert.equal(back.body.id, c.id);
      assert.equal(back.body.jobTitle, 'Admiral');
      assertGraphError(
        await ann('PATCH', `/me/contacts/${c.id}`, { body: { shoeSize: 42 } }),
        400,
        'RequestBodyRead',
        "The property 'shoeSize' does not exist on type 'microsoft.graph.contact'. Make sure to only use property names that are defined by the type or mark the type as open type.",
      );
    });
  });

  describe('lists', () => {
    it('$select keeps id, @odata.etag and the selected properties', async () => {
      const res = await ann('GET', '/me/contacts?$select=displayName,emailAddresses');
      for (const c of res.body.value)
        assert.deepEqual(Object.keys(c), ['@odata.etag', 'id', 'displayName', 'emailAddresses']);
      assertGraphError(
        await ann('GET', '/me/contacts?$select=shoeSize'),
        400,
        'BadRequest',
        "Could not find a property named 'shoeSize' on type 'microsoft.graph.contact'.",
      );
    });

    it('$filter finds a contact by email address, and by a simple eq', async () => {
      const byMail = await ann(
        'GET',
        `/me/contacts?$filter=${encodeURIComponent("emailAddresses/any(a:a/address eq 'GRACE@navy.example')")}`,
      );
      assert.deepEqual(
        byMail.body.value.map((c: any) => c.displayName),
        ['Grace Hopper'],
      );
      const byName = await ann(
        'GET',
        `/me/contacts?$filter=${encodeURIComponent("surname eq 'Turing' or givenName eq 'Ada'")}`,
      );
      assert.deepEqual(byName.body.value.map((c: any) => c.surname).sort(), ['Lovelace', 'Turing']);
      assertGraphError(
        await ann('GET', `/me/contacts?$filter=${encodeURIComponent("startswith(surname,'T')")}`),
        400,
        'BadRequest',
      );
      assertGraphError(await ann('GET', '/me/contacts?$expand=extensions'), 400, 'BadRequest');
    });

    it('$orderby sorts, ascending or descending, on any property path', async () => {
      const desc = (await ann('GET', '/me/contacts?$orderby=surname desc&$top=100&$select=surname')).body.value.map(
        (c: any) => c.surname,
      );
      const expected = [...desc].sort((a, b) => (a === null ? 1 : b === null ? -1 : b.localeCompare(a)));
      assert.deepEqual(desc, expected);
      assert.ok(desc.indexOf('Turing') < desc.indexOf('Lovelace') && desc.indexOf('Lovelace') < desc.indexOf('Hopper'));
      assertGraphError(await ann('GET', '/me/contacts?$orderby=shoeSize'), 400, 'BadRequest');
    });

    it('pages with $top and an absolute nextLink carrying a $skiptoken', async () => {
      const first = await ann('GET', '/me/contacts?$top=2&$select=surname');
      assert.equal(first.body.value.length, 2);
      const next: string = first.body['@odata.nextLink'];
      assert.ok(next.startsWith(`${mb.url}/v1.0/me/contacts?`), next);
      assert.match(next, /\$top=2/);
      assert.match(next, /\$skiptoken=[A-Za-z0-9_-]+$/);
      assert.match(next, /\$select=surname/);
      const all = await walk(ann, `/me/contacts?$top=2&$select=surname`);
      assert.equal(all.items.length, (await ann('GET', '/me/contacts?$top=100')).body.value.length);
      assert.ok(all.pages.every((p) => p.length <= 2));
    });
  });

  describe('delta', () => {
    it('pages a first round with Prefer: odata.maxpagesize=2, then sends only what changed, deletions as @removed', async () => {
      const path = `/me/contactFolders/${folderId}/contacts/delta`;
      const firstPage = await ann('GET', path, { headers: { Prefer: 'odata.maxpagesize=2' } });
      assert.equal(firstPage.status, 200);
      assert.equal(firstPage.body['@odata.context'], `${mb.url}/v1.0/$metadata#Collection(contact)`);
      assert.equal(firstPage.body.value.length, 2);
      assert.ok(
        firstPage.body['@odata.nextLink'].startsWith(
          `${mb.url}/v1.0/me/contactFolders/${folderId}/contacts/delta?$skiptoken=`,
        ),
      );
      assert.equal(firstPage.body['@odata.deltaLink'], undefined);
      assert.equal(firstPage.headers.get('preference-applied'), 'odata.track-changes, odata.maxpagesize=2');
      assert.equal(firstPage.body.value[0]['@odata.type'], '#microsoft.graph.contact');

      const round1 = await walk(ann, path, { Prefer: 'odata.maxpagesize=2' });
      const all = (await ann('GET', '/me/contacts?$top=999')).body.value;
      assert.equal(round1.items.length, all.length);
      assert.ok(round1.pages.every((p) => p.length <= 2));
      assert.ok(
        round1.deltaLink!.startsWith(`${mb.url}/v1.0/me/contactFolders/${folderId}/contacts/delta?$deltatoken=`),
      );

      // Nothing changed: an empty page with a new deltaLink.
      const quiet = await ann('GET', round1.deltaLink!);
      assert.deepEqual(quiet.body.value, []);
      assert.ok(quiet.body['@odata.deltaLink']);

      const added = (await ann('POST', '/me/contacts', { body: { givenName: 'Delta', surname: 'New' } })).body;
      const changed = all.find((c: any) => c.surname === 'Lovelace');
      await ann('PATCH', `/me/contacts/${changed.id}`, { body: { jobTitle: 'Countess' } });
      const gone = all.find((c: any) => c.surname === 'Turing');
      await ann('DELETE', `/me/contacts/${gone.id}`);
      const temp = (await ann('POST', '/me/contacts', { body: { givenName: 'Temp' } })).body;
      await ann('DELETE', `/me/contacts/${temp.id}`);

      const round2 = await walk(ann, round1.deltaLink!, { Prefer: 'odata.maxpagesize=2' });
      const byId = new Map(round2.items.map((i: any) => [i.id, i]));
      assert.equal(round2.items.length, 3, JSON.stringify(round2.items));
      assert.equal(byId.get(added.id).displayName, 'Delta New');
      assert.equal(byId.get(changed.id).jobTitle, 'Countess');
      assert.deepEqual(byId.get(gone.id), {
        '@odata.type': '#microsoft.graph.contact',
        id: gone.id,
        '@removed': { reason: 'deleted' },
      });
      assert.equal(byId.has(temp.id), false, 'made and deleted within the round: nothing to tell');

      // The old token still works (within the retained log) and sees the same changes.
      const again = await walk(ann, round1.deltaLink!);
      assert.equal(again.items.length, 3);
    });

    it('keeps $select of the first call for the whole round and the next ones', async () => {
      const round = await walk(ann, `/me/contacts/delta?$select=surname`, { Prefer: 'odata.maxpagesize=2' });
      for (const c of round.items)
        assert.deepEqual(
          Object.keys(c).filter((k) => !k.startsWith('@')),
          ['id', 'surname'],
        );
      assert.ok(round.deltaLink!.startsWith(`${mb.url}/v1.0/me/contacts/delta?$deltatoken=`));
      const c = (await ann('POST', '/me/contacts', { body: { givenName: 'Selected', surname: 'Later' } })).body;
      const next = await walk(ann, round.deltaLink!);
      assert.deepEqual(next.items, [
        { '@odata.type': '#microsoft.graph.contact', '@odata.etag': c['@odata.etag'], id: c.id, surname: 'Later' },
      ]);
    });

    it('answers 410 SyncStateNotFound for a token it does not know', async () => {
      const path = `/me/contactFolders/${folderId}/contacts/delta`;
      assertGraphError(await ann('GET', `${path}?$deltatoken=garbage`), 410, 'SyncStateNotFound');
      const round = await walk(ann, path);
      const token = new URL(round.deltaLink!).searchParams.get('$deltatoken')!;
      const tampered = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
      assertGraphError(await ann('GET', `${path}?$deltatoken=${tampered}`), 410, 'SyncStateNotFound');
      assertGraphError(await ann('GET', `${path}?$skiptoken=${token}`), 410, 'SyncStateNotFound');
      // A contacts token on the calendar's delta is not a token of that resource.
      assertGraphError(await ann('GET', `/me/calendarView/delta?$deltatoken=${token}`), 410, 'SyncStateNotFound');
      const res = await ann('GET', `${path}?$deltatoken=garbage`);
      assert.match(
        res.body.error.message,
        /^The sync state generation is not found; generation=\d+;\[highest=\d+\]\.$/,
      );
    });

    it('answers 410 for a token older than the retained change log', async () => {
      const small = await startTestMailbox({ options: { changeLogLimit: 3 } });
      try {
        const call = graphCaller(small, ANN.token);
        const round = await walk(call, '/me/contacts/delta');
        assert.equal((await call('GET', round.deltaLink!)).status, 200);
        for (let i = 0; i < 4; i++) await call('POST', '/me/contacts', { body: { givenName: `Churn ${i}` } });
        assertGraphError(await call('GET', round.deltaLink!), 410, 'SyncStateNotFound');
        // A fresh round starts over.
        const fresh = await walk(call, '/me/contacts/delta');
        assert.equal(fresh.items.length, 7);
        assert.equal((await call('GET', fresh.deltaLink!)).status, 200);
        small.expireDeltaTokens();
        assertGraphError(await call('GET', fresh.deltaLink!), 410, 'SyncStateNotFound');
      } finally {
        await small.close();
      }
    });
  });
});
