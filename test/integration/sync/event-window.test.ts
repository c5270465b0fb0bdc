/**
 * Regressions found in review: Salesforce events outside the Outlook calendar window were copied again into Outlook
 * (the Outlook side cannot see them, so each run made another copy), and a Salesforce-to-Outlook contact update
 * wiped the contact's second email address and phone (Graph replaces lists whole on PATCH).
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld } from '../../helpers/sync';
import { keepUnmappedEntries } from '../../../sync-engine/src/sync/sides/outlook-side';

describe('sync engine: calendar window and contact lists', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'both', winner: 'salesforce' },
          tasks: { direction: 'none' },
        },
      },
      records: {
        Event: [
          {
            Subject: 'Old review',
            StartDateTime: `${dayFromToday(-60)}T15:00:00.000Z`,
            EndDateTime: `${dayFromToday(-60)}T16:00:00.000Z`,
          },
          {
            Subject: 'Next review',
            StartDateTime: `${dayFromToday(5)}T15:00:00.000Z`,
            EndDateTime: `${dayFromToday(5)}T16:00:00.000Z`,
          },
        ],
      },
      mailbox: {
        contacts: [
          {
            givenName: 'Mary',
            surname: 'Shelley',
            emailAddresses: [{ address: 'mary@frank.example', name: 'Mary S.' }, { address: 'mws@home.example' }],
            businessPhones: ['+44 1', '+44 2'],
          },
        ],
      },
    });
  });
  after(async () => w?.close());

  it('copies only Salesforce events inside the window, once, however many runs', async () => {
    await w.run();
    await w.run();
    const { report } = await w.run();
    assertQuiet(report);
    const outlook = await w.list(`/me/events?$top=100`);
    assert.deepEqual(outlook.map((e) => e.subject).sort(), ['Next review']);
  });

  it("a Salesforce edit of a contact keeps the Outlook contact's other email addresses and phones", async () => {
    const [mary] = await w.query("SELECT Id FROM Contact WHERE LastName = 'Shelley'");
    assert.equal((await w.sf.patch(`/sobjects/Contact/${mary.Id}`, { Title: 'Author' })).status, 204);
    await w.run();
    const [contact] = await w.list(`/me/contacts?$top=10`);
    assert.equal(contact.jobTitle, 'Author');
    assert.deepEqual(
      contact.emailAddresses.map((e: { address: string }) => e.address),
      ['mary@frank.example', 'mws@home.example'],
    );
    assert.equal(contact.emailAddresses[0].name, 'Mary S.');
    assert.deepEqual(contact.businessPhones, ['+44 1', '+44 2']);
  });

  it('keepUnmappedEntries replaces the first entries and keeps the rest', () => {
    const merged = keepUnmappedEntries(
      { emailAddresses: [{ address: 'new@x.example', name: 'New' }], businessPhones: ['1'] },
      {
        emailAddresses: [{ address: 'old@x.example', name: 'Old' }, { address: 'two@x.example' }],
        businessPhones: ['9', '2'],
      },
    );
    assert.deepEqual(merged.body.emailAddresses, [
      { address: 'new@x.example', name: 'New' },
      { address: 'two@x.example' },
    ]);
    assert.deepEqual(merged.body.businessPhones, ['1', '2']);
  });
});
