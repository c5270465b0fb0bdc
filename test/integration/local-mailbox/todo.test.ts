/** Microsoft To Do over real HTTP: lists and tasks, CRUD and delta. */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox, walk } from '../../helpers/mailbox';
import { ManualClock } from '../../helpers/org';

describe('local mailbox: To Do', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;
  let tasksList: any;
  const clock = new ManualClock(new Date('2026-06-01T12:00:00.000Z'));

  before(async () => {
    mb = await startTestMailbox({ clock });
    ann = graphCaller(mb, ANN.token);
    tasksList = (await ann('GET', '/me/todo/lists')).body.value.find((l: any) => l.wellknownListName === 'defaultList');
  });
  after(() => mb.close());

  it('lists tasks in the shape of WIRE.md 10.2, date-times in UTC', async () => {
    const res = await ann('GET', `/me/todo/lists/${tasksList.id}/tasks`);
    assert.equal(res.status, 200);
    assert.equal(
      res.body['@odata.context'],
      `${mb.url}/v1.0/$metadata#users('ann%40test.example')/todo/lists('${tasksList.id}')/tasks`,
    );
    const call = res.body.value.find((t: any) => t.title === 'Call Grace');
    assert.deepEqual(Object.keys(call), [
      '@odata.etag',
      'importance',
      'isReminderOn',
      'status',
      'title',
      'createdDateTime',
      'lastModifiedDateTime',
      'hasAttachments',
      'categories',
      'id',
      'body',
      'bodyLastModifiedDateTime',
      'dueDateTime',
    ]);
    assert.deepEqual(call.dueDateTime, { dateTime: '2026-03-05T00:00:00.0000000', timeZone: 'UTC' });
    assert.equal(call.importance, 'high');
    assert.match(call.createdDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    const filed = res.body.value.find((t: any) => t.title === 'File expenses');
    assert.equal(filed.status, 'completed');
    assert.ok(filed.completedDateTime, 'a completed task has completedDateTime');
  });

  it('creates, reads, updates and deletes a task', async () => {
    const created = await ann('POST', `/me/todo/lists/${tasksList.id}/tasks`, {
      body: {
        title: 'Renew the contract',
        body: { contentType: 'text', content: 'Before July' },
        dueDateTime: { dateTime: '2026-06-30T09:00:00', timeZone: 'Pacific Standard Time' },
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), created.body['@odata.etag']);
    assert.deepEqual(created.body.dueDateTime, { dateTime: '2026-06-30T16:00:00.0000000', timeZone: 'UTC' });
    assert.equal(created.body.status, 'notStarted');
    const id = created.body.id;
    assert.equal((await ann('GET', `/me/todo/lists/${tasksList.id}/tasks/${id}`)).body.title, 'Renew the contract');

    clock.advance(5 * 60_000);
    const done = await ann('PATCH', `/me/todo/lists/${tasksList.id}/tasks/${id}`, { body: { status: 'completed' } });
    assert.equal(done.status, 200);
    assert.deepEqual(done.body.completedDateTime, { dateTime: '2026-06-01T12:05:00.0000000', timeZone: 'UTC' });
    const reopened = await ann('PATCH', `/me/todo/lists/${tasksList.id}/tasks/${id}`, {
      body: { status: 'inProgress' },
    });
    assert.equal(reopened.body.completedDateTime, undefined);
    assertGraphError(
      await ann('PATCH', `/me/todo/lists/${tasksList.id}/tasks/${id}`, { body: { status: 'finished' } }),
      400,
      'RequestBodyRead',
    );
    assertGraphError(
      await ann('PATCH', `/me/todo/lists/${tasksList.id}/tasks/${id}`, {
        body: { title: 'x' },
        headers: { 'If-Match': created.body['@odata.etag'] },
      }),
      412,
      'ErrorIrresolvableConflict',
    );

    assert.equal((await ann('DELETE', `/me/todo/lists/${tasksList.id}/tasks/${id}`)).status, 204);
    assertGraphError(await ann('GET', `/me/todo/lists/${tasksList.id}/tasks/${id}`), 404, 'ErrorItemNotFound');
  });

  it('a recurring task needs a due date', async () => {
    const recurrence = { pattern: { type: 'weekly', daysOfWeek: ['friday'] }, range: { type: 'noEnd' } };
    assertGraphError(
      await ann('POST', `/me/todo/lists/${tasksList.id}/tasks`, { body: { title: 'Weekly report', recurrence } }),
      400,
      'ErrorInvalidRequest',
    );
    const ok = await ann('POST', `/me/todo/lists/${tasksList.id}/tasks`, {
      body: { title: 'Weekly report', recurrence, dueDateTime: { dateTime: '2026-06-05T00:00:00', timeZone: 'UTC' } },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.recurrence.range.startDate, '2026-06-05');
  });

  it('creates, renames and deletes a list with its tasks; the default list stays', async () => {
    const list = await ann('POST', '/me/todo/lists', { body: { displayName: 'Groceries' } });
    assert.equal(list.status, 201);
    assert.equal(list.body.wellknownListName, 'none');
    assert.equal(list.body.isOwner, true);
    const task = (await ann('POST', `/me/todo/lists/${list.body.id}/tasks`, { body: { title: 'Milk' } })).body;
    const renamed = await ann('PATCH', `/me/todo/lists/${list.body.id}`, { body: { displayName: 'Shopping' } });
    assert.equal(renamed.body.displayName, 'Shopping');
    assertGraphError(await ann('POST', '/me/todo/lists', { body: {} }), 400, 'invalidRequest');
    assert.equal((await ann('DELETE', `/me/todo/lists/${list.body.id}`)).status, 204);
    assertGraphError(await ann('GET', `/me/todo/lists/${list.body.id}/tasks/${task.id}`), 404, 'ErrorItemNotFound');
    assertGraphError(await ann('DELETE', `/me/todo/lists/${tasksList.id}`), 400, 'ErrorDeleteDistinguishedFolder');
  });

  it('task delta: pages, then changes and @removed entries (no @odata.type, as To Do sends them)', async () => {
    const path = `/me/todo/lists/${tasksList.id}/tasks/delta`;
    const round1 = await walk(ann, path, { Prefer: 'odata.maxpagesize=2' });
    const current = (await ann('GET', `/me/todo/lists/${tasksList.id}/tasks?$top=100`)).body.value;
    assert.equal(round1.items.length, current.length);
    assert.ok(round1.pages.every((p) => p.length <= 2));
    assert.ok(round1.deltaLink!.startsWith(`${mb.url}/v1.0/me/todo/lists/${tasksList.id}/tasks/delta?$deltatoken=`));

    const added = (await ann('POST', `/me/todo/lists/${tasksList.id}/tasks`, { body: { title: 'Delta task' } })).body;
    const gone = current.find((t: any) => t.title === 'Call Grace');
    await ann('DELETE', `/me/todo/lists/${tasksList.id}/tasks/${gone.id}`);
    const round2 = await walk(ann, round1.deltaLink!);
    assert.equal(round2.items.length, 2);
    assert.equal(round2.items.find((t: any) => t.id === added.id).title, 'Delta task');
    assert.deepEqual(
      round2.items.find((t: any) => t.id === gone.id),
      { id: gone.id, '@removed': { reason: 'deleted' } },
    );

    // $top on the first call sets the page size of the round.
    const byTop = await walk(ann, `${path}?$top=1`);
    assert.ok(byTop.pages.length > 1 && byTop.pages.every((p) => p.length <= 1));
    // A task list's token is not another list's.
    const errands = (await ann('GET', '/me/todo/lists')).body.value.find((l: any) => l.displayName === 'Errands');
    const token = new URL(round2.deltaLink!).searchParams.get('$deltatoken');
    assertGraphError(
      await ann('GET', `/me/todo/lists/${errands.id}/tasks/delta?$deltatoken=${token}`),
      410,
      'SyncStateNotFound',
    );
  });

  it('list delta sends new, renamed and deleted lists', async () => {
    const round1 = await walk(ann, '/me/todo/lists/delta');
    assert.ok(round1.items.some((l: any) => l.wellknownListName === 'defaultList'));
    const made = (await ann('POST', '/me/todo/lists', { body: { displayName: 'Temp list' } })).body;
    const round2 = await walk(ann, round1.deltaLink!);
    assert.deepEqual(
      round2.items.map((l: any) => l.displayName),
      ['Temp list'],
    );
    await ann('DELETE', `/me/todo/lists/${made.id}`);
    const round3 = await walk(ann, round2.deltaLink!);
    assert.deepEqual(round3.items, [{ id: made.id, '@removed': { reason: 'deleted' } }]);
  });
});
