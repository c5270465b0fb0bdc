/**
 * Issue 14: the sync engine end to end against a stock org (no Company__c, no OutlookId__c): first sync both ways,
 * edits, deletes, the company linked to the one Account of its name (none and several said in the report), and
 * jsforce reading what the engine wrote.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { SyncWorld, startSyncWorld } from '../../helpers/sync';
import { sessionFor } from '../../helpers/org';
import { notice } from '../../../sync-engine/src/products/notices';

describe('sync engine: a stock org', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      stock: true,
      records: {
        Account: [{ Name: 'Acme' }, { Name: 'Twin' }, { Name: 'Twin' }],
        Task: [{ Subject: 'Call back', Status: 'In Progress', Priority: 'High', ActivityDate: '2026-07-01' }],
      },
      mailbox: {
        contacts: [
          { givenName: 'Ada', surname: 'Linked', companyName: 'Acme' },
          { givenName: 'Bo', surname: 'Nowhere', companyName: 'No Such Co' },
          { givenName: 'Cy', surname: 'Twice', companyName: 'Twin' },
        ],
      },
    });
  });
  after(() => w?.close());

  const contact = async (last: string) =>
    (await w.query(`SELECT Id, AccountId, Account.Name FROM Contact WHERE LastName = '${last}'`)) as any[];

  it('syncs both ways, links the company to the right Account and says which it could not', async () => {
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      [...report.notices].sort(),
      [
        notice('sync.companyAmbiguous', { company: 'Twin', matches: '2' }),
        notice('sync.companyNoAccount', { company: 'No Such Co' }),
      ].sort(),
    );
    const [ada] = await contact('Linked');
    assert.equal(ada.Account.Name, 'Acme');
    assert.equal((await contact('Nowhere'))[0].AccountId, null);
    assert.equal((await contact('Twice'))[0].AccountId, null);
    // Salesforce -> Outlook: the seed's contact and task arrived.
    const olContacts = await w.list('/me/contacts?$top=100');
    assert.ok(olContacts.some((c) => c.surname === 'Hopper'));
    // The unlinked companies stay in Outlook as written.
    assert.equal(olContacts.find((c) => c.surname === 'Nowhere').companyName, 'No Such Co');

    // jsforce reads what the engine wrote.
    const conn = new jsforce.Connection({
      instanceUrl: w.org.url,
      accessToken: sessionFor(w.org, 'ann@test.example'),
      version: '60.0',
    });
    const rows = await conn.query<{ LastName: string; Account: { Name: string } | null }>(
      "SELECT LastName, Account.Name FROM Contact WHERE LastName IN ('Linked', 'Nowhere') ORDER BY LastName",
    );
    assert.deepEqual(
      rows.records.map((r) => [r.LastName, r.Account?.Name ?? null]),
      [
        ['Linked', 'Acme'],
        ['Nowhere', null],
      ],
    );

    const again = await w.run();
    assert.deepEqual(again.report.counts.outlook.contacts, { created: 0, updated: 0, deleted: 0 }, 'nothing echoes');
    assert.deepEqual(again.report.counts.salesforce.contacts, { created: 0, updated: 0, deleted: 0 });
  });

  it('an Account changed in Salesforce becomes the company in Outlook; an edit and a delete travel', async () => {
    const [ada] = await contact('Linked');
    const ann = (await w.query(`SELECT Id FROM User WHERE Username = 'ann@test.example'`))[0].Id as string;
    const other = (await w.sf.post('/sobjects/Account', { Name: 'Globex', OwnerId: ann })).data.id as string;
    assert.equal((await w.sf.patch(`/sobjects/Contact/${ada.Id}`, { AccountId: other })).status, 204);
    const olBo = (await w.list('/me/contacts?$top=100')).find((c) => c.surname === 'Nowhere');
    assert.equal((await w.graph.patch(`/me/contacts/${olBo.id}`, { jobTitle: 'Edited in Outlook' })).status, 200);
    const [cy] = await contact('Twice');
    assert.equal((await w.sf.delete(`/sobjects/Contact/${cy.Id}`)).status, 204);

    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    const ol = await w.list('/me/contacts?$top=100');
    assert.equal(ol.find((c) => c.surname === 'Linked').companyName, 'Globex');
    assert.equal(ol.find((c) => c.surname === 'Nowhere').companyName, 'No Such Co', 'the unlinked company is kept');
    assert.ok(!ol.some((c) => c.surname === 'Twice'), 'the delete reached Outlook');
    const bo = await w.query(`SELECT Title FROM Contact WHERE LastName = 'Nowhere'`);
    assert.deepEqual(
      bo.map((c) => c.Title),
      ['Edited in Outlook'],
    );
  });
});
