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

  it('Salesforce clears Email and Phone: just the synced entry goes, the next one is not promoted, and the clear stays', async () => {
    const [sf] = await w.query("SELECT Id FROM Contact WHERE LastName = 'Lovelace'");
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Email: null, Phone: null })).status, 204);
    await w.run();
    const ol = await ada();
    assert.deepEqual(
      ol.emailAddresses.map((e: { address: string }) => e.address),
      ['ada@club.example'],
    );
    assert.deepEqual(ol.businessPhones, []);
    assertQuiet((await w.run()).report, 'the run after the clear');
    const [after] = await w.query(`SELECT Email, Phone FROM Contact WHERE Id = '${sf.Id}'`);
    assert.deepEqual([after.Email, after.Phone], [null, null], "the clear is not undone with Outlook's next entry");

    // Salesforce sets Email again: it goes first, and Outlook's own entry stays.
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Email: 'ada@new.example' })).status, 204);
    await w.run();
    assert.deepEqual(
      (await ada()).emailAddresses.map((e: { address: string }) => e.address),
      ['ada@new.example', 'ada@club.example'],
    );
    assertQuiet((await w.run()).report, 'the run after Email is set again');
  });

  it('an address added in Outlook after a clear is synced to Salesforce', async () => {
    const [sf] = await w.query("SELECT Id FROM Contact WHERE LastName = 'Lovelace'");
    assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Email: null })).status, 204);
    await w.run();
    const ol = await ada();
    assert.deepEqual(
      ol.emailAddresses.map((e: { address: string }) => e.address),
      ['ada@club.example'],
    );
    const added = [{ address: 'ada@added.example', name: 'Ada' }, ...ol.emailAddresses];
    assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { emailAddresses: added })).status, 200);
    await w.run();
    const [after] = await w.query(`SELECT Email FROM Contact WHERE Id = '${sf.Id}'`);
    assert.equal(after.Email, 'ada@added.example');
    assertQuiet((await w.run()).report, 'the run after');
  });
});
