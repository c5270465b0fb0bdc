/**
 * First-sync matching compares names in one Unicode form (issue 11, finding 11): a contact, an event and a task
 * whose names are the same text in NFC on one side and NFD on the other are linked, not copied to both sides.
 */
import assert from 'node:assert/strict';
import { startSyncWorld, SyncWorld } from '../../helpers/sync';
import { dayFromToday } from '../../helpers/sync';

const NFC = { first: 'José', last: 'Müller', company: 'Société Générale', subject: 'Réunion budgétaire' };
const nfd = (s: string) => s.normalize('NFD');

describe('sync engine: first-sync matching across Unicode forms', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const due = dayFromToday(3);
  const start = `${dayFromToday(2)}T15:00:00.000Z`;
  const end = `${dayFromToday(2)}T16:00:00.000Z`;

  before(async () => {
    assert.notEqual(nfd(NFC.last), NFC.last, 'the test names really differ in NFD');
    w = await startSyncWorld({
      keepSeedContact: false,
      records: {
        Contact: [{ FirstName: NFC.first, LastName: NFC.last, Company__c: NFC.company }],
        Event: [{ Subject: NFC.subject, StartDateTime: start, EndDateTime: end }],
        Task: [{ Subject: NFC.subject, ActivityDate: due, Status: 'Not Started', Priority: 'Normal' }],
      },
      mailbox: {
        contacts: [{ givenName: nfd(NFC.first), surname: nfd(NFC.last), companyName: nfd(NFC.company) }],
        events: [
          {
            subject: nfd(NFC.subject),
            start: { dateTime: start.replace('Z', ''), timeZone: 'UTC' },
            end: { dateTime: end.replace('Z', ''), timeZone: 'UTC' },
          },
        ],
        taskLists: [
          {
            displayName: 'Tasks',
            tasks: [
              {
                title: nfd(NFC.subject),
                dueDateTime: { dateTime: `${due}T00:00:00.0000000`, timeZone: 'Eastern Standard Time' },
              },
            ],
          },
        ],
      },
    });
  });
  after(async () => {
    await w?.close();
  });

  it('links each pair: one record of each on each side, nothing created', async () => {
    const { report } = await w.run();
    for (const object of ['contacts', 'events', 'tasks'] as const) {
      assert.equal(report.matched[object], 1, `${object} matched`);
      assert.equal(report.counts.salesforce[object].created, 0, `no ${object} created in Salesforce`);
      assert.equal(report.counts.outlook[object].created, 0, `no ${object} created in Outlook`);
    }
    assert.equal((await w.query('SELECT Id FROM Contact')).length, 1);
    assert.equal((await w.list('/me/contacts')).length, 1);
    assert.equal((await w.query('SELECT Id FROM Event')).length, 1);
    assert.equal((await w.query('SELECT Id FROM Task')).length, 1);
  });
});
