/**
 * Conflicts end to end (direction both): both sides change the same record between runs, and the configured
 * winner's version ends on both sides, for each winner setting; the same edit on both sides is no conflict;
 * an edit against a delete is decided by the winner too (the record lives again, or goes on both sides).
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld } from '../../helpers/sync';

const D = (n: number) => dayFromToday(n);
const NY = 'America/New_York';

describe('sync engine: conflicts end to end', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let listId: string;
  const sfContact = async (last: string) =>
    await w.query(
      `SELECT Id, FirstName, LastName, Email, Title, MobilePhone, Department FROM Contact WHERE Owner.Username = 'ann@test.example' AND LastName = '${last}'`,
    );
  const olContact = async (last: string) => (await w.list('/me/contacts?$top=100')).filter((c) => c.surname === last);
  const objects = (contactsWinner: 'salesforce' | 'outlook') => ({
    objects: {
      contacts: { direction: 'both', winner: contactsWinner },
      events: { direction: 'both', winner: 'salesforce' },
      tasks: { direction: 'both', winner: 'outlook' },
    },
  });

  before(async () => {
    w = await startSyncWorld({
      config: objects('salesforce'),
      mailbox: {
        contacts: [
          {
            givenName: 'Alan',
            surname: 'Turing',
            emailAddresses: [{ address: 'alan@bletchley.example' }],
            jobTitle: 'Cryptanalyst',
          },
          { givenName: 'Edsger', surname: 'Dijkstra', emailAddresses: [{ address: 'ewd@tue.example' }] },
          { givenName: 'Barbara', surname: 'Liskov', emailAddresses: [{ address: 'liskov@mit.example' }] },
          { givenName: 'Donald', surname: 'Knuth', emailAddresses: [{ address: 'knuth@stanford.example' }] },
          { givenName: 'Frances', surname: 'Allen', emailAddresses: [{ address: 'allen@ibm.example' }] },
        ],
        events: [
          {
            subject: 'Planning',
            start: { dateTime: `${D(7)}T10:00:00`, timeZone: NY },
            end: { dateTime: `${D(7)}T11:00:00`, timeZone: NY },
          },
        ],
        taskLists: [{ displayName: 'Tasks', tasks: [{ title: 'Write report', importance: 'normal' }] }],
      },
    });
    const lists = (await w.graph.get('/me/todo/lists')).data.value as Array<{ id: string; wellknownListName: string }>;
    listId = lists.find((l) => l.wellknownListName === 'defaultList')!.id;
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assertQuiet((await w.run()).report, 'the run after the first');
  });
  after(async () => w?.close());

  it("winner salesforce: both sides edit the same contact; Salesforce's version ends on both sides", async () => {
    const [sf] = await sfContact('Turing');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Title: 'Mathematician' })).status, 204);
    const [ol] = await olContact('Turing');
    assert.equal(
      (await w.graph.patch(`/me/contacts/${ol.id}`, { jobTitle: 'Codebreaker', mobilePhone: '+44 1908 640404' }))
        .status,
      200,
    );

    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(report.counts.outlook.contacts.updated, 1);
    assert.equal(report.counts.salesforce.contacts.updated, 0);
    const [after] = await olContact('Turing');
    assert.deepEqual([after.jobTitle, after.mobilePhone], ['Mathematician', null], "the whole record is the winner's");
    const [sfAfter] = await sfContact('Turing');
    assert.deepEqual([sfAfter.Title, sfAfter.MobilePhone], ['Mathematician', null]);
    assertQuiet((await w.run()).report);
    assertQuiet((await w.run()).report);
  });

  it("winner outlook: both sides edit the same contact; Outlook's version ends on both sides", async () => {
    w.reconfigure(objects('outlook'));
    const [sf] = await sfContact('Dijkstra');
    assert.equal(
      (await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Title: 'Professor', Department: 'Mathematics' })).status,
      204,
    );
    const [ol] = await olContact('Dijkstra');
    assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { jobTitle: 'Burroughs Research Fellow' })).status, 200);

    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(report.counts.salesforce.contacts.updated, 1);
    assert.equal(report.counts.outlook.contacts.updated, 0);
    const [sfAfter] = await sfContact('Dijkstra');
    assert.deepEqual([sfAfter.Title, sfAfter.Department], ['Burroughs Research Fellow', null]);
    const [olAfter] = await olContact('Dijkstra');
    assert.deepEqual([olAfter.jobTitle, olAfter.department], ['Burroughs Research Fellow', null]);
    assertQuiet((await w.run()).report);
    assertQuiet((await w.run()).report);
  });

  it('the same edit on both sides is no conflict and writes nothing', async () => {
    const [sf] = await sfContact('Liskov');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Title: 'Institute Professor' })).status, 204);
    const [ol] = await olContact('Liskov');
    assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { jobTitle: 'Institute Professor' })).status, 200);
    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 0);
    assertQuiet(report);
    assertQuiet((await w.run()).report);
  });

  it('winner outlook: Salesforce deletes what Outlook edited; the record lives again in Salesforce', async () => {
    const [sf] = await sfContact('Knuth');
    assert.equal((await w.sf.delete(`/sobjects/Contact/${sf.Id}`)).status, 204);
    const [ol] = await olContact('Knuth');
    assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { jobTitle: 'Professor Emeritus' })).status, 200);
    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(report.counts.salesforce.contacts.created, 1);
    assert.equal(report.counts.outlook.contacts.deleted, 0);
    const again = await sfContact('Knuth');
    assert.equal(again.length, 1);
    assert.notEqual(again[0].Id, sf.Id);
    assert.equal(again[0].Title, 'Professor Emeritus');
    assertQuiet((await w.run()).report);
    // Linked again: an edit in Outlook reaches the new record.
    assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { department: 'Computer Science' })).status, 200);
    await w.run();
    assert.equal((await sfContact('Knuth'))[0].Department, 'Computer Science');
    assert.equal((await olContact('Knuth')).length, 1);
  });

  it('winner salesforce: Salesforce deletes what Outlook edited; it goes on both sides', async () => {
    w.reconfigure(objects('salesforce'));
    const [sf] = await sfContact('Allen');
    assert.equal((await w.sf.delete(`/sobjects/Contact/${sf.Id}`)).status, 204);
    const [ol] = await olContact('Allen');
    assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { jobTitle: 'IBM Fellow' })).status, 200);
    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(report.counts.outlook.contacts.deleted, 1);
    assert.deepEqual(await olContact('Allen'), []);
    assert.deepEqual(await sfContact('Allen'), []);
    assertQuiet((await w.run()).report);
  });

  it('winner salesforce: Outlook deletes what Salesforce edited; the record lives again in Outlook', async () => {
    const [sf] = await sfContact('Liskov');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Title: 'Turing Award laureate' })).status, 204);
    const [ol] = await olContact('Liskov');
    assert.equal((await w.graph.delete(`/me/contacts/${ol.id}`)).status, 204);
    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(report.counts.outlook.contacts.created, 1);
    assert.equal(report.counts.salesforce.contacts.deleted, 0);
    const again = await olContact('Liskov');
    assert.equal(again.length, 1);
    assert.equal(again[0].jobTitle, 'Turing Award laureate');
    assertQuiet((await w.run()).report);
  });

  it('events (winner salesforce) and tasks (winner outlook): each object follows its own winner', async () => {
    const [sfEvent] = await w.query("SELECT Id FROM Event WHERE Subject = 'Planning'");
    assert.equal((await w.sf.patch(`/sobjects/Event/${sfEvent.Id}`, { Location: 'HQ' })).status, 204);
    const olEvent = (
      await w.list(`/me/calendarView?startDateTime=${D(6)}T00:00:00Z&endDateTime=${D(9)}T00:00:00Z`)
    ).find((e) => e.subject === 'Planning')!;
    assert.equal(
      (await w.graph.patch(`/me/events/${olEvent.id}`, { location: { displayName: 'Remote' } })).status,
      200,
    );

    const [sfTask] = await w.query("SELECT Id FROM Task WHERE Subject = 'Write report'");
    assert.equal((await w.sf.patch(`/sobjects/Task/${sfTask.Id}`, { Priority: 'High' })).status, 204);
    const olTask = (await w.list(`/me/todo/lists/${listId}/tasks`)).find((t) => t.title === 'Write report')!;
    assert.equal(
      (await w.graph.patch(`/me/todo/lists/${listId}/tasks/${olTask.id}`, { importance: 'low', status: 'inProgress' }))
        .status,
      200,
    );

    const { report } = await w.run();
    assert.deepEqual([report.conflicts.events, report.conflicts.tasks], [1, 1]);
    assert.equal((await w.graph.get(`/me/events/${olEvent.id}`)).data.location.displayName, 'HQ');
    assert.equal((await w.query(`SELECT Location FROM Event WHERE Id = '${sfEvent.Id}'`))[0].Location, 'HQ');
    const [task] = await w.query(`SELECT Priority, Status FROM Task WHERE Id = '${sfTask.Id}'`);
    assert.deepEqual([task.Priority, task.Status], ['Low', 'In Progress']);
    assert.equal((await w.graph.get(`/me/todo/lists/${listId}/tasks/${olTask.id}`)).data.importance, 'low');
    assertQuiet((await w.run()).report);
    assertQuiet((await w.run()).report);
  });
});
