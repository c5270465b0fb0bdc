/**
 * Outlook's other addresses and numbers (issue 11, finding 9): Salesforce's Email and Phone are Outlook's first
 * address and first business number; the others are Outlook's alone and kept. When Salesforce's Email or Phone
 * becomes one of Outlook's other entries, Outlook holds it once, first.
 */
import assert from 'node:assert/strict';
import { assertQuiet, startSyncWorld, SyncWorld } from '../../helpers/sync';

describe("sync engine: Outlook's other email addresses and phone numbers", function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const ada = async () => (await w.list('/me/contacts')).find((c) => c.surname === 'Lovelace');

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'none' },
          tasks: { direction: 'none' },
        },
      },
      mailbox: {
        contacts: [
          {
            givenName: 'Ada',
            surname: 'Lovelace',
            emailAddresses: [
              { address: 'ada@work.example', name: 'Ada' },
              { address: 'ada@home.example', name: 'Ada (home)' },
              { address: 'ada@club.example', name: 'Ada (club)' },
            ],
            businessPhones: ['+44 20 0001', '+44 20 0002'],
          },
        ],
      },
    });
    await w.run();
  });
  after(async () => {
    await w?.close();
  });

  it("Salesforce's Email and Phone set to Outlook's second entries: each is held once, first, and the rest are kept", async () => {
    const [sf] = await w.query("SELECT Id, Email, Phone FROM Contact WHERE LastName = 'Lovelace'");
    assert.deepEqual([sf.Email, sf.Phone], ['ada@work.example', '+44 20 0001']);
    assert.equal(
      (await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Email: 'ada@home.example', Phone: '+44 20 0002' })).status,
      204,
    );
    await w.run();
    const ol = await ada();
    assert.deepEqual(
      ol.emailAddresses.map((e: { address: string }) => e.address),
      ['ada@home.example', 'ada@club.example'],
    );
    assert.deepEqual(ol.businessPhones, ['+44 20 0002']);
    assertQuiet((await w.run()).report, 'the run after');
  });
});
