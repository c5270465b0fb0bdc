/**
 * Tasks end to end (local org + local mailbox's default To Do list, direction both): status, priority, due date
 * and notes both ways, the task both sides hold matched by subject and due date, edits and deletes each way,
 * due dates as days in the mailbox's zone (New York), bad records, and no ping-pong of our own writes.
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld, zonedToUtc } from '../../helpers/sync';

const D = (n: number) => dayFromToday(n);
/** How the mailbox answers a due date `day`: the start of that day in New York, in UTC (Graph's 7-digit fraction). */
const nyMidnight = (day: string) => `${zonedToUtc(`${day}T00:00:00`, 'America/New_York').slice(0, 19)}.0000000`;

describe('sync engine: tasks end to end', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let listId: string;
  const sfTasks = () =>
    w.query(
      "SELECT Id, Subject, ActivityDate, Status, Priority, Description, IsClosed FROM Task WHERE Owner.Username = 'ann@test.example' ORDER BY Subject",
    );
  const olTasks = async () =>
    (await w.list(`/me/todo/lists/${listId}/tasks?$top=50`)).sort((a, b) => (a.title < b.title ? -1 : 1));
  const sfTask = async (subject: string) => (await sfTasks()).filter((t) => t.Subject === subject);
  const olTask = async (title: string) => (await olTasks()).filter((t) => t.title === title);

  before(async () => {
    w = await startSyncWorld({
      config: {
        objects: {
          contacts: { direction: 'none' },
          events: { direction: 'none' },
          tasks: { direction: 'both', winner: 'salesforce' },
        },
      },
      mailbox: {
        taskLists: [
          { displayName: 'Groceries', tasks: [{ title: 'Milk' }] },
          {
            displayName: 'Tasks',
            wellknownListName: 'defaultList',
            tasks: [
              // As To Do writes a due date: the start of the day in the mailbox's zone (New York).
              {
                title: 'Call Grace',
                status: 'inProgress',
                importance: 'high',
                dueDateTime: { dateTime: `${D(3)}T00:00:00`, timeZone: 'Eastern Standard Time' },
                body: { contentType: 'text', content: 'About the\nCOBOL book' },
              },
              { title: 'Send deck', status: 'notStarted', importance: 'normal' },
              {
                title: 'Renew license',
                dueDateTime: { dateTime: `${D(9)}T00:00:00`, timeZone: 'Eastern Standard Time' },
              },
              // Written by a client in Tokyo at midnight there: in the New York mailbox it is due the day before.
              {
                title: 'Tokyo follow-up',
                importance: 'low',
                dueDateTime: { dateTime: `${D(11)}T00:00:00`, timeZone: 'Tokyo Standard Time' },
              },
              { title: 'Waiting task', status: 'waitingOnOthers' },
              {
                title: 'Later task',
                status: 'deferred',
                body: { contentType: 'html', content: '<p>Some <i>day</i></p>' },
              },
            ],
          },
        ],
      },
      records: {
        Task: [
          {
            Subject: 'Prepare contract',
            ActivityDate: D(5),
            Status: 'Waiting on someone else',
            Priority: 'Low',
            Description: 'Legal has the draft',
          },
          { Subject: 'Renew license', ActivityDate: D(9), Status: 'Not Started', Priority: 'Normal' },
          { Subject: 'Closed deal', ActivityDate: D(-2), Status: 'Completed', Priority: 'High' },
        ],
      },
    });
    const lists = (await w.graph.get('/me/todo/lists')).data.value as Array<{ id: string; wellknownListName: string }>;
    listId = lists.find((l) => l.wellknownListName === 'defaultList')!.id;
  });
  after(async () => w?.close());

  it('first sync: Outlook tasks reach Salesforce with status, priority, due date and notes', async () => {
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.equal(report.matched.tasks, 1);
    assert.equal(report.counts.salesforce.tasks.created, 5);
    assert.equal(report.counts.outlook.tasks.created, 2);
    const [grace] = await sfTask('Call Grace');
    assert.deepEqual(
      [grace.Status, grace.Priority, grace.ActivityDate, grace.Description],
      ['In Progress', 'High', D(3), 'About the\nCOBOL book'],
    );
    const [deck] = await sfTask('Send deck');
    assert.deepEqual(
      [deck.Status, deck.Priority, deck.ActivityDate, deck.Description],
      ['Not Started', 'Normal', null, null],
    );
    assert.equal((await sfTask('Waiting task'))[0].Status, 'Waiting on someone else');
    const [later] = await sfTask('Later task');
    assert.deepEqual([later.Status, later.Description], ['Deferred', 'Some day']);
  });

  it("a due date is the day in the mailbox's zone: midnight in Tokyo is the day before in New York", async () => {
    const [tokyo] = await sfTask('Tokyo follow-up');
    assert.equal(tokyo.ActivityDate, D(10));
    assert.equal(tokyo.Priority, 'Low');
  });

  it("first sync: Salesforce tasks reach Outlook's default list; the task both had is matched; other lists are left alone", async () => {
    const [contract] = await olTask('Prepare contract');
    assert.deepEqual(
      [contract.status, contract.importance, contract.dueDateTime, contract.body.content],
      ['waitingOnOthers', 'low', { dateTime: nyMidnight(D(5)), timeZone: 'UTC' }, 'Legal has the draft'],
    );
    const [closed] = await olTask('Closed deal');
    assert.deepEqual([closed.status, closed.importance], ['completed', 'high']);
    assert.equal((await olTask('Renew license')).length, 1);
    assert.equal((await sfTask('Renew license')).length, 1);
    assert.equal((await olTasks()).length, 8);
    assert.equal((await sfTasks()).length, 8);
    assert.equal((await sfTask('Milk')).length, 0, 'only the default To Do list syncs');
  });

  it('the next two runs write nothing', async () => {
    assertQuiet((await w.run()).report, 'the second run');
    assertQuiet((await w.run()).report, 'the third run');
  });

  it('edits each way: status, priority, due date and notes', async () => {
    const [contract] = await sfTask('Prepare contract');
    assert.equal(
      (
        await w.sf.patch(`/sobjects/Task/${contract.Id}`, {
          Status: 'Completed',
          Priority: 'High',
          ActivityDate: D(6),
          Description: 'Signed',
        })
      ).status,
      204,
    );
    const [deck] = await olTask('Send deck');
    assert.equal(
      (
        await w.graph.patch(`/me/todo/lists/${listId}/tasks/${deck.id}`, {
          status: 'inProgress',
          importance: 'low',
          dueDateTime: { dateTime: `${D(4)}T00:00:00`, timeZone: 'Eastern Standard Time' },
          body: { contentType: 'text', content: 'v2 slides' },
        })
      ).status,
      200,
    );
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.equal(report.counts.outlook.tasks.updated, 1);
    assert.equal(report.counts.salesforce.tasks.updated, 1);
    const [olContract] = await olTask('Prepare contract');
    assert.deepEqual(
      [olContract.status, olContract.importance, olContract.dueDateTime.dateTime, olContract.body.content],
      ['completed', 'high', nyMidnight(D(6)), 'Signed'],
    );
    assert.ok(olContract.completedDateTime, 'To Do fills in completedDateTime');
    const [sfDeck] = await sfTask('Send deck');
    assert.deepEqual(
      [sfDeck.Status, sfDeck.Priority, sfDeck.ActivityDate, sfDeck.Description],
      ['In Progress', 'Low', D(4), 'v2 slides'],
    );
    assertQuiet((await w.run()).report, 'the run after the edits');
    assertQuiet((await w.run()).report, 'the run after that');
  });

  it('clearing a due date and notes carries over', async () => {
    const [grace] = await olTask('Call Grace');
    assert.equal(
      (
        await w.graph.patch(`/me/todo/lists/${listId}/tasks/${grace.id}`, {
          dueDateTime: null,
          body: { contentType: 'text', content: '' },
        })
      ).status,
      200,
    );
    await w.run();
    const [sfGrace] = await sfTask('Call Grace');
    assert.deepEqual([sfGrace.ActivityDate, sfGrace.Description], [null, null]);
    assertQuiet((await w.run()).report);
  });

  it('deletes each way', async () => {
    const [closed] = await sfTask('Closed deal');
    assert.equal((await w.sf.delete(`/sobjects/Task/${closed.Id}`)).status, 204);
    const [waiting] = await olTask('Waiting task');
    assert.equal((await w.graph.delete(`/me/todo/lists/${listId}/tasks/${waiting.id}`)).status, 204);
    const { report } = await w.run();
    assert.equal(report.counts.outlook.tasks.deleted, 1);
    assert.equal(report.counts.salesforce.tasks.deleted, 1);
    assert.deepEqual(await olTask('Closed deal'), []);
    assert.deepEqual(await sfTask('Waiting task'), []);
    assert.equal((await olTasks()).length, 6);
    assert.equal((await sfTasks()).length, 6);
    assertQuiet((await w.run()).report);
  });

  it('bad records: a task Salesforce refuses is reported, the rest of the batch goes on', async () => {
    assert.equal((await w.graph.post(`/me/todo/lists/${listId}/tasks`, { title: 'T'.repeat(256) })).status, 201);
    assert.equal((await w.graph.post(`/me/todo/lists/${listId}/tasks`, { title: 'Good task' })).status, 201);
    const { report } = await w.run();
    assert.deepEqual(
      report.errors.map((e) => [e.object, e.side, e.code, e.fields]),
      [['tasks', 'salesforce', 'STRING_TOO_LONG', ['Subject']]],
    );
    assert.equal(report.counts.salesforce.tasks.created, 1);
    assert.equal((await sfTask('Good task')).length, 1);
  });
});
