/**
 * One-way sync end to end: salesforce-to-outlook and outlook-to-salesforce. Initial sync copies the source's
 * records (matching what the target already has, without duplicates), edits and deletes flow from the source
 * only, and in a conflict the source wins whatever `winner` says (SYNC-CONFIG: winner is for direction both).
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld, writesOf } from '../../helpers/sync';

const D = (n: number) => dayFromToday(n);
const NY = 'America/New_York';
const CONTACTS =
  "SELECT Id, FirstName, LastName, Email, Phone, Title FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName";
const EVENTS =
  "SELECT Id, Subject, StartDateTime FROM Event WHERE Owner.Username = 'ann@test.example' ORDER BY Subject";
const TASKS = "SELECT Id, Subject, Status FROM Task WHERE Owner.Username = 'ann@test.example' ORDER BY Subject";

function oneWay(direction: 'salesforce-to-outlook' | 'outlook-to-salesforce', loser: 'salesforce' | 'outlook') {
  // The configured winner is the other side on purpose: one way, the source wins anyway.
  return {
    objects: {
      contacts: { direction, winner: loser },
      events: { direction, winner: loser },
      tasks: { direction, winner: loser },
    },
  };
}

const MAILBOX = {
  contacts: [
    {
      givenName: 'Grace',
      surname: 'Hopper',
      emailAddresses: [{ address: 'grace@navy.example' }],
      businessPhones: ['+1 555 0111'],
      jobTitle: 'Commodore',
    },
    { givenName: 'Olive', surname: 'Outlook', emailAddresses: [{ address: 'olive@outlook.example' }] },
  ],
  events: [
    {
      subject: 'Outlook standup',
      start: { dateTime: `${D(4)}T09:00:00`, timeZone: NY },
      end: { dateTime: `${D(4)}T09:15:00`, timeZone: NY },
    },
  ],
  taskLists: [{ displayName: 'Tasks', tasks: [{ title: 'Outlook chore' }] }],
};

const RECORDS = {
  Contact: [{ FirstName: 'Sam', LastName: 'Salesforce', Email: 'sam@sf.example', Title: 'AE' }],
  Event: [{ Subject: 'Salesforce demo', StartDateTime: `${D(5)}T17:00:00Z`, EndDateTime: `${D(5)}T18:00:00Z` }],
  Task: [{ Subject: 'Salesforce chore', Status: 'Not Started' }],
};

describe('sync engine: direction salesforce-to-outlook', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const olContacts = async () =>
    (await w.list('/me/contacts?$top=100')).sort((a, b) => (a.surname < b.surname ? -1 : 1));

  before(async () => {
    w = await startSyncWorld({
      config: oneWay('salesforce-to-outlook', 'outlook'),
      mailbox: MAILBOX,
      records: RECORDS,
    });
  });
  after(async () => w?.close());

  it("initial sync: Salesforce records reach Outlook; the contact both have takes Salesforce's content; nothing reaches Salesforce", async () => {
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.equal(writesOf(report).salesforce, 0);
    assert.deepEqual(
      (await olContacts()).map((c) => c.surname),
      ['Hopper', 'Outlook', 'Salesforce'],
    );
    const grace = (await olContacts()).find((c) => c.surname === 'Hopper')!;
    assert.deepEqual(
      [grace.businessPhones, grace.jobTitle],
      [['+1 555 0100'], null],
      "matched by email; Salesforce's version wins",
    );
    assert.deepEqual(
      (await w.query(CONTACTS)).map((c) => c.LastName),
      ['Hopper', 'Salesforce'],
    );
    assert.deepEqual(
      (await w.query(EVENTS)).map((e) => e.Subject),
      ['Salesforce demo'],
    );
    assert.deepEqual(
      (await w.query(TASKS)).map((t) => t.Subject),
      ['Salesforce chore'],
    );
    const events = await w.list(`/me/calendarView?startDateTime=${D(0)}T00:00:00Z&endDateTime=${D(10)}T00:00:00Z`);
    assert.deepEqual(events.map((e) => e.subject).sort(), ['Outlook standup', 'Salesforce demo']);
    assertQuiet((await w.run()).report);
  });

  it('an Outlook edit stays in Outlook; a Salesforce edit reaches Outlook', async () => {
    const sam = (await olContacts()).find((c) => c.surname === 'Salesforce')!;
    assert.equal((await w.graph.patch(`/me/contacts/${sam.id}`, { jobTitle: 'Edited in Outlook' })).status, 200);
    assertQuiet((await w.run()).report, 'an Outlook edit');
    assert.equal((await w.query(CONTACTS)).find((c) => c.LastName === 'Salesforce').Title, 'AE');

    const grace = (await w.query(CONTACTS)).find((c) => c.LastName === 'Hopper');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${grace.Id}`, { Title: 'Rear Admiral' })).status, 204);
    const { report } = await w.run();
    assert.equal(report.counts.outlook.contacts.updated, 1);
    assert.equal((await olContacts()).find((c) => c.surname === 'Hopper')!.jobTitle, 'Rear Admiral');
  });

  it('a conflict: Salesforce, the source, wins although winner says outlook', async () => {
    const sam = (await w.query(CONTACTS)).find((c) => c.LastName === 'Salesforce');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sam.Id}`, { Title: 'Senior AE' })).status, 204);
    const olSam = (await olContacts()).find((c) => c.surname === 'Salesforce')!;
    assert.equal((await w.graph.patch(`/me/contacts/${olSam.id}`, { jobTitle: 'Outlook again' })).status, 200);
    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(writesOf(report).salesforce, 0);
    assert.equal((await olContacts()).find((c) => c.surname === 'Salesforce')!.jobTitle, 'Senior AE');
    assertQuiet((await w.run()).report);
  });

  it('deletes: an Outlook delete stays in Outlook; a Salesforce delete reaches Outlook', async () => {
    const olGrace = (await olContacts()).find((c) => c.surname === 'Hopper')!;
    assert.equal((await w.graph.delete(`/me/contacts/${olGrace.id}`)).status, 204);
    assertQuiet((await w.run()).report, 'an Outlook delete');
    assert.ok((await w.query(CONTACTS)).some((c) => c.LastName === 'Hopper'));

    const [task] = await w.query(TASKS);
    assert.equal((await w.sf.delete(`/sobjects/Task/${task.Id}`)).status, 204);
    const { report } = await w.run();
    assert.equal(report.counts.outlook.tasks.deleted, 1);
    const tasks = await w.list(`/me/todo/lists/${(await w.graph.get('/me/todo/lists')).data.value[0].id}/tasks`);
    assert.deepEqual(
      tasks.map((t) => t.title),
      ['Outlook chore'],
    );
  });
});

describe('sync engine: direction outlook-to-salesforce', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const olContacts = async () =>
    (await w.list('/me/contacts?$top=100')).sort((a, b) => (a.surname < b.surname ? -1 : 1));

  before(async () => {
    w = await startSyncWorld({
      config: oneWay('outlook-to-salesforce', 'salesforce'),
      mailbox: MAILBOX,
      records: RECORDS,
    });
  });
  after(async () => w?.close());

  it("initial sync: Outlook records reach Salesforce; the contact both have takes Outlook's content; nothing reaches Outlook", async () => {
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.equal(writesOf(report).outlook, 0);
    assert.equal(report.matched.contacts, 1);
    const contacts = await w.query(CONTACTS);
    assert.deepEqual(
      contacts.map((c) => c.LastName),
      ['Hopper', 'Outlook', 'Salesforce'],
    );
    const grace = contacts.find((c) => c.LastName === 'Hopper');
    assert.deepEqual([grace.Phone, grace.Title], ['+1 555 0111', 'Commodore']);
    assert.deepEqual(
      (await olContacts()).map((c) => c.surname),
      ['Hopper', 'Outlook'],
    );
    assert.deepEqual(
      (await w.query(EVENTS)).map((e) => e.Subject),
      ['Outlook standup', 'Salesforce demo'],
    );
    assert.deepEqual(
      (await w.query(TASKS)).map((t) => t.Subject),
      ['Outlook chore', 'Salesforce chore'],
    );
    assertQuiet((await w.run()).report);
  });

  it('a Salesforce edit stays in Salesforce; an Outlook edit reaches Salesforce', async () => {
    const olive = (await w.query(CONTACTS)).find((c) => c.LastName === 'Outlook');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${olive.Id}`, { Title: 'Edited in Salesforce' })).status, 204);
    assertQuiet((await w.run()).report, 'a Salesforce edit');
    assert.equal((await olContacts()).find((c) => c.surname === 'Outlook')!.jobTitle, null);

    const olGrace = (await olContacts()).find((c) => c.surname === 'Hopper')!;
    assert.equal((await w.graph.patch(`/me/contacts/${olGrace.id}`, { jobTitle: 'Rear Admiral' })).status, 200);
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.contacts.updated, 1);
    assert.equal((await w.query(CONTACTS)).find((c) => c.LastName === 'Hopper').Title, 'Rear Admiral');
  });

  it('a conflict: Outlook, the source, wins although winner says salesforce (the default)', async () => {
    const olGrace = (await olContacts()).find((c) => c.surname === 'Hopper')!;
    assert.equal((await w.graph.patch(`/me/contacts/${olGrace.id}`, { jobTitle: 'Admiral' })).status, 200);
    const sfGrace = (await w.query(CONTACTS)).find((c) => c.LastName === 'Hopper');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sfGrace.Id}`, { Title: 'Salesforce says' })).status, 204);
    const { report } = await w.run();
    assert.equal(report.conflicts.contacts, 1);
    assert.equal(writesOf(report).outlook, 0);
    assert.equal((await w.query(CONTACTS)).find((c) => c.LastName === 'Hopper').Title, 'Admiral');
    assertQuiet((await w.run()).report);
  });

  it('deletes: a Salesforce delete stays in Salesforce; an Outlook delete reaches Salesforce', async () => {
    const [standup] = (await w.query(EVENTS)).filter((e) => e.Subject === 'Outlook standup');
    assert.equal((await w.sf.delete(`/sobjects/Event/${standup.Id}`)).status, 204);
    assertQuiet((await w.run()).report, 'a Salesforce delete');
    const events = await w.list(`/me/calendarView?startDateTime=${D(0)}T00:00:00Z&endDateTime=${D(10)}T00:00:00Z`);
    assert.deepEqual(
      events.map((e) => e.subject),
      ['Outlook standup'],
    );

    const olive = (await olContacts()).find((c) => c.surname === 'Outlook')!;
    assert.equal((await w.graph.delete(`/me/contacts/${olive.id}`)).status, 204);
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.contacts.deleted, 1);
    assert.ok(!(await w.query(CONTACTS)).some((c) => c.LastName === 'Outlook'));
  });
});

describe('sync engine: a direction changed from one way to both', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      config: oneWay('salesforce-to-outlook', 'outlook'),
      mailbox: MAILBOX,
      records: RECORDS,
    });
  });
  after(async () => w?.close());

  it('what the one-way sync left in Outlook (never copied, or edited there) reaches Salesforce once, without duplicates', async () => {
    await w.run();
    assert.deepEqual(
      (await w.query(CONTACTS)).map((c) => c.LastName),
      ['Hopper', 'Salesforce'],
      'one way: nothing from Outlook yet',
    );
    // An Outlook edit under the one-way direction stays in Outlook, for now.
    const sam = (await w.list('/me/contacts?$top=100')).find((c) => c.surname === 'Salesforce')!;
    assert.equal((await w.graph.patch(`/me/contacts/${sam.id}`, { jobTitle: 'Account Executive' })).status, 200);
    assertQuiet((await w.run()).report, 'an Outlook edit, one way');

    w.reconfigure({
      objects: {
        contacts: { direction: 'both', winner: 'salesforce' },
        events: { direction: 'both', winner: 'salesforce' },
        tasks: { direction: 'both', winner: 'salesforce' },
      },
    });
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      (await w.query(CONTACTS)).map((c) => c.LastName),
      ['Hopper', 'Outlook', 'Salesforce'],
    );
    assert.equal((await w.query(CONTACTS)).find((c) => c.LastName === 'Salesforce').Title, 'Account Executive');
    assert.deepEqual(
      (await w.query(EVENTS)).map((e) => e.Subject),
      ['Outlook standup', 'Salesforce demo'],
    );
    assert.deepEqual(
      (await w.query(TASKS)).map((t) => t.Subject),
      ['Outlook chore', 'Salesforce chore'],
    );
    assert.equal(
      writesOf(report).outlook,
      0,
      'nothing written back to Outlook: everything there was linked or is the source',
    );
    assertQuiet((await w.run()).report, 'the next run');
    assert.equal((await w.list('/me/contacts?$top=100')).length, 3);
  });
});

describe('sync engine: a change on the side that does not flow is held, one rule for one way and none', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const both = {
    objects: {
      contacts: { direction: 'both', winner: 'salesforce' },
      events: { direction: 'both', winner: 'salesforce' },
      tasks: { direction: 'both', winner: 'salesforce' },
    },
  };

  before(async () => {
    w = await startSyncWorld({ config: both, mailbox: MAILBOX, records: RECORDS });
    await w.run();
  });
  after(async () => w?.close());

  for (const direction of ['salesforce-to-outlook', 'none'] as const) {
    it(`an Outlook delete made under ${direction} stays in Outlook, then reaches Salesforce when the direction is both again (it does not come back)`, async () => {
      const surname = direction === 'none' ? 'Outlook' : 'Hopper';
      w.reconfigure({ objects: { ...both.objects, contacts: { direction, winner: 'outlook' } } });
      await w.run();
      const ol = (await w.list('/me/contacts?$top=100')).find((c) => c.surname === surname)!;
      assert.equal((await w.graph.delete(`/me/contacts/${ol.id}`)).status, 204);
      assertQuiet((await w.run()).report, `an Outlook delete, ${direction}`);
      assert.ok(
        (await w.query(CONTACTS)).some((c) => c.LastName === surname),
        'held: still in Salesforce',
      );

      w.reconfigure(both);
      const { report } = await w.run();
      assert.equal(report.counts.salesforce.contacts.deleted, 1, 'the delete flows once the direction lets it');
      assert.equal(report.counts.outlook.contacts.created, 0, 'and the record does not come back to Outlook');
      assert.ok(!(await w.query(CONTACTS)).some((c) => c.LastName === surname));
      assert.ok(!(await w.list('/me/contacts?$top=100')).some((c) => c.surname === surname));
      assertQuiet((await w.run()).report, 'the run after');
    });
  }

  it('a held delete against an edit from the side that flows: that side wins, the record comes back where it was deleted', async () => {
    w.reconfigure({
      objects: { ...both.objects, contacts: { direction: 'salesforce-to-outlook', winner: 'outlook' } },
    });
    await w.run();
    const ol = (await w.list('/me/contacts?$top=100')).find((c) => c.surname === 'Salesforce')!;
    assert.equal((await w.graph.delete(`/me/contacts/${ol.id}`)).status, 204);
    assertQuiet((await w.run()).report, 'held');
    const sam = (await w.query(CONTACTS)).find((c) => c.LastName === 'Salesforce');
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sam.Id}`, { Title: 'Back' })).status, 204);
    const { report } = await w.run();
    assert.equal(report.counts.outlook.contacts.created, 1);
    assert.equal((await w.list('/me/contacts?$top=100')).find((c) => c.surname === 'Salesforce')?.jobTitle, 'Back');
    assertQuiet((await w.run()).report, 'the run after');
  });
});
