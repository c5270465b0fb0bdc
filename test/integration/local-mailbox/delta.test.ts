/**
 * Delta paging over real HTTP while the folder changes between pages: a round sends every item once, in id
 * order, each as it is when its page is read; what changed during a round reaches the next one. These are the
 * answers the mailbox gave when every page re-listed the folder; paging by a cursor in the skip token must keep them.
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { insertContact } from '../../../sync-engine/src/local-mailbox/contacts';
import { decodeId } from '../../../sync-engine/src/local-mailbox/ids';
import { deleteItem, updateItem } from '../../../sync-engine/src/local-mailbox/item-writes';
import { ANN, graphCaller, GraphCaller, startTestMailbox, walk } from '../../helpers/mailbox';
import { ManualClock } from '../../helpers/org';

interface Page {
  value: any[];
  next?: string;
  delta?: string;
}

const CONTACT = '#microsoft.graph.contact';
const removed = (id: string) => ({ '@odata.type': CONTACT, id, '@removed': { reason: 'deleted' } });
const sorted = (ids: string[]) => [...ids].sort();
const idsOf = (items: any[]) => items.map((c) => c.id as string);

describe('local mailbox: delta paging while the folder changes', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  const clock = new ManualClock(new Date('2026-06-01T12:00:00.000Z'));

  beforeEach(async () => {
    const contacts = Array.from({ length: 12 }, (_, i) => ({ givenName: 'Person', surname: `P${i}` }));
    mb = await startTestMailbox({
      clock,
      seed: { mailboxes: [{ user: ANN.user, token: ANN.token, timeZone: 'UTC', contacts }] },
    });
    ann = graphCaller(mb, ANN.token);
  });
  afterEach(() => mb.close());

  async function page(url: string, size: number): Promise<Page> {
    const res = await ann('GET', url, { headers: { Prefer: `odata.maxpagesize=${size}` } });
    assert.equal(res.status, 200, res.text);
    return { value: res.body.value, next: res.body['@odata.nextLink'], delta: res.body['@odata.deltaLink'] };
  }

  /** The folder's contact ids now, in id order. */
  async function folderIds(): Promise<string[]> {
    return sorted(idsOf((await ann('GET', '/me/contacts?$top=999')).body.value));
  }

  async function add(surname: string): Promise<string> {
    return (await ann('POST', '/me/contacts', { body: { givenName: 'Added', surname } })).body.id;
  }

  async function change(id: string, jobTitle: string): Promise<void> {
    assert.equal((await ann('PATCH', `/me/contacts/${id}`, { body: { jobTitle } })).status, 200);
  }

  async function remove(id: string): Promise<void> {
    assert.equal((await ann('DELETE', `/me/contacts/${id}`)).status, 204);
  }

  it('a first round sends the folder as each page finds it: an item added, updated or deleted mid-round, every item once', async () => {
    // Ids sort by their text, and of each run of 16 sequence numbers the last three sort before the other 13.
    // Make contacts up to the 13th of a run and stop the first page amid it: the next three contacts made sort
    // before the cursor, the fourth after it.
    let last = await add('Filler');
    while (decodeId(last)!.seq % 16 !== 12) last = await add('Filler');
    const run = (id: string) => Math.floor(decodeId(id)!.seq / 16);
    const start = await folderIds();
    const size = start.indexOf(start.filter((id) => run(id) === run(last))[6]) + 1;
    const first = await page('/me/contacts/delta', size);
    assert.deepEqual(idsOf(first.value), start.slice(0, size));
    const cursor = first.value[size - 1].id as string;
    const ahead = start.slice(size);
    const [updatedBehind, deletedBehind] = idsOf(first.value);
    const updatedAhead = ahead[ahead.length - 1];
    const deletedAhead = ahead[0];

    await change(updatedAhead, 'Changed mid-round');
    await change(updatedBehind, 'Changed mid-round');
    await remove(deletedAhead);
    await remove(deletedBehind);
    const added = [await add('A0'), await add('A1'), await add('A2'), await add('A3')];
    assert.ok(
      added.some((id) => id > cursor) && added.some((id) => id < cursor),
      'contacts added on both sides of the cursor',
    );

    const rest = await walk(ann, first.next!, { Prefer: 'odata.maxpagesize=3' });
    assert.ok(rest.pages.every((p) => p.length <= 3));
    const round = [...first.value, ...rest.items];
    // Sent pages stay sent; the rest is the folder after the cursor as it is now.
    assert.deepEqual(idsOf(round), [
      ...start.slice(0, size),
      ...sorted([...ahead.filter((id) => id !== deletedAhead), ...added.filter((id) => id > cursor)]),
    ]);
    assert.ok(round.every((c) => c['@odata.type'] === CONTACT && !('@removed' in c)));
    assert.equal(round.find((c) => c.id === updatedAhead).jobTitle, 'Changed mid-round');
    assert.equal(round.find((c) => c.id === updatedBehind).jobTitle, null);

    // The next round: every change made during the first, once, whether the first sent it or not.
    const next = await walk(ann, rest.deltaLink!, { Prefer: 'odata.maxpagesize=2' });
    assert.deepEqual(idsOf(next.items), sorted([updatedAhead, updatedBehind, deletedAhead, deletedBehind, ...added]));
    const byId = new Map(next.items.map((c) => [c.id, c]));
    assert.deepEqual(byId.get(deletedAhead), removed(deletedAhead));
    assert.deepEqual(byId.get(deletedBehind), removed(deletedBehind));
    assert.equal(byId.get(updatedAhead).jobTitle, 'Changed mid-round');
    assert.equal(byId.get(updatedBehind).jobTitle, 'Changed mid-round');
    for (const id of added) assert.equal(byId.get(id).givenName, 'Added');
    assert.deepEqual((await walk(ann, next.deltaLink!)).items, []);
  });

  it('a later round sends the changes up to its start, each item as its page finds it; changes made mid-round reach the next round', async () => {
    const base = await walk(ann, '/me/contacts/delta');
    const start = await folderIds();
    const created = [
      await add('C0'),
      await add('C1'),
      await add('C2'),
      await add('C3'),
      await add('C4'),
      await add('C5'),
    ];
    const updated = start.slice(0, 4);
    for (const id of updated) await change(id, 'Changed');
    const deleted = start.slice(4, 6);
    for (const id of deleted) await remove(id);
    const untouched = start[6];
    const changes = sorted([...created, ...updated, ...deleted]);

    const first = await page(base.deltaLink!, 2);
    assert.deepEqual(idsOf(first.value), changes.slice(0, 2));
    const cursor = first.value[1].id as string;
    const createdAhead = created.filter((id) => id > cursor);
    const updatedAhead = updated.filter((id) => id > cursor);
    assert.ok(createdAhead.length > 0 && updatedAhead.length > 0, 'created and updated contacts after the cursor');
    const vanished = createdAhead[0];
    const changedAgain = updatedAhead[0];

    // Mid-round: one of the round's created contacts deleted, one of its updated ones changed again, and
    // changes the round does not cover (a new contact, an update to one it does not hold).
    await remove(vanished);
    await change(changedAgain, 'Changed again');
    const late = await add('Late');
    await change(untouched, 'Changed late');

    const rest = await walk(ann, first.next!, { Prefer: 'odata.maxpagesize=2' });
    assert.ok(rest.pages.every((p) => p.length <= 2));
    const round = [...first.value, ...rest.items];
    assert.deepEqual(
      idsOf(round),
      changes.filter((id) => id !== vanished),
      'every change up to the start once, in id order; a contact made and gone since: nothing',
    );
    const byId = new Map(round.map((c) => [c.id, c]));
    for (const id of deleted) assert.deepEqual(byId.get(id), removed(id));
    assert.equal(byId.get(changedAgain).jobTitle, 'Changed again');
    assert.equal(byId.has(late), false);
    assert.equal(byId.has(untouched), false);

    const next = await walk(ann, rest.deltaLink!, { Prefer: 'odata.maxpagesize=2' });
    assert.deepEqual(idsOf(next.items), sorted([vanished, changedAgain, late, untouched]));
    const nextById = new Map(next.items.map((c) => [c.id, c]));
    assert.deepEqual(nextById.get(vanished), removed(vanished));
    assert.equal(nextById.get(changedAgain).jobTitle, 'Changed again');
    assert.equal(nextById.get(untouched).jobTitle, 'Changed late');
    assert.equal(nextById.get(late).surname, 'Late');
  });

  it('a later round over more changes than it reads whole (2,500) sends each changed item once, in id order', async () => {
    const base = await walk(ann, '/me/contacts/delta');
    const m = mb.mailboxes[0];
    const store = mb.ctx.store;
    const start = await folderIds();
    const created = store.transaction(() =>
      Array.from(
        { length: 2_500 },
        (_, i) => insertContact(mb.ctx, m, { givenName: 'Bulk', surname: `B${i}` }, true).id,
      ),
    );
    const scope = `contacts:${m.contactFolderId}`;
    store.transaction(() => {
      for (const id of start.slice(0, 3)) {
        const row = store.getItem(id)!;
        const once = updateItem(store, m, row, scope, {
          props: { ...row.data.props, jobTitle: 'Once' },
          sys: row.data.sys,
        });
        updateItem(store, m, once, scope, { props: { ...row.data.props, jobTitle: 'Twice' }, sys: row.data.sys });
      }
      deleteItem(store, m, store.getItem(start[3])!, scope);
      // Made and gone within the slice: nothing to tell.
      deleteItem(store, m, store.getItem(created[0])!, scope);
    });
    const changes = sorted([...created.slice(1), ...start.slice(0, 4)]);

    const first = await page(base.deltaLink!, 100);
    assert.deepEqual(idsOf(first.value), changes.slice(0, 100));
    const vanished = changes.filter((id) => id > first.value[99].id && created.includes(id))[0];
    await remove(vanished);
    const rest = await walk(ann, first.next!, { Prefer: 'odata.maxpagesize=100' });
    assert.ok(rest.pages.every((p) => p.length <= 100));
    const round = [...first.value, ...rest.items];
    assert.deepEqual(
      idsOf(round),
      changes.filter((id) => id !== vanished),
    );
    const byId = new Map(round.map((c) => [c.id, c]));
    for (const id of start.slice(0, 3)) assert.equal(byId.get(id).jobTitle, 'Twice');
    assert.deepEqual(byId.get(start[3]), removed(start[3]));

    const next = await walk(ann, rest.deltaLink!);
    assert.deepEqual(next.items, [removed(vanished)]);
  });
});
