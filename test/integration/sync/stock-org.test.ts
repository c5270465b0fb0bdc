/**
 * Issue 14: the sync engine end to end against a stock org (no Company__c, no OutlookId__c): first sync both ways,
 * edits, deletes, the company linked to the one Account of its name (none and several said in the report), and
 * jsforce reading what the engine wrote; then `org setup` through the built CLI, and the next sign-in switches
 * creates to upserts on OutlookId__c without creating again what was synced before.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { SyncWorld, assertQuiet, startSyncWorld } from '../../helpers/sync';
import { sessionFor } from '../../helpers/org';
import { runCli } from '../../helpers/sync-cli';
import { notice } from '../../../sync-engine/src/products/notices';
import { outlookExternalId } from '../../../sync-engine/src/sync/sides/salesforce-side';

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

describe('sync engine: a stock org switched to OutlookId__c by org setup', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async () => {
    w = await startSyncWorld({
      stock: true,
      records: { Task: [{ Subject: 'From Salesforce', Status: 'Not Started', Priority: 'Normal' }] },
      mailbox: {
        contacts: [{ givenName: 'Ada', surname: 'Before', emailAddresses: [{ address: 'ada@before.example' }] }],
        taskLists: [{ displayName: 'Tasks', tasks: [{ title: 'From Outlook' }] }],
      },
    });
  });
  after(() => w?.close());

  /** The org's data requests by kind (`POST composite/sobjects`) since the last call. */
  const requestsSince = (() => {
    let seen = new Map<string, number>();
    return () => {
      const now = new Map(w.org.ctx.stats.byKind);
      const out: Record<string, number> = {};
      for (const [kind, n] of now) if (n - (seen.get(kind) ?? 0) > 0) out[kind] = n - (seen.get(kind) ?? 0);
      seen = now;
      return out;
    };
  })();
  const counts = async () => ({
    contacts: (await w.query(`SELECT Id FROM Contact`)).length,
    tasks: (await w.query(`SELECT Id FROM Task`)).length,
    outlookContacts: (await w.list('/me/contacts?$top=100')).length,
  });

  it('syncs without the field, then upserts on it once org setup granted it, creating nothing again', async () => {
    requestsSince();
    const first = await w.run();
    assert.deepEqual(first.report.errors, []);
    const firstRequests = requestsSince();
    assert.ok(firstRequests['POST composite/sobjects'] >= 1, JSON.stringify(firstRequests));
    assert.equal(firstRequests['PATCH composite/sobjects'], undefined, 'no upsert without the field');
    assert.equal(firstRequests['GET sobjects/Contact'], 1, 'the sign-in described Contact once');
    const synced = await counts();
    assert.deepEqual(synced, { contacts: 2, tasks: 2, outlookContacts: 2 });

    // describe's Last-Modified has whole seconds: the setup must fall in a later second than the seed.
    await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
    const setup = await runCli(
      ['org', 'setup', '--login-url', w.org.url, '--username', 'admin@test.example', '--assign', 'ann@test.example'],
      30_000,
      { ...process.env, SFO_PASSWORD: 'Admin-pass-1' },
    );
    assert.equal(setup.code, 0, setup.stderr);
    assert.match(setup.stdout, /^Created Contact\.OutlookId__c/);

    // New items on both sides, and edits of the records linked before the switch.
    const olAda = (await w.list('/me/contacts?$top=100')).find((c) => c.surname === 'Before');
    assert.equal((await w.graph.patch(`/me/contacts/${olAda.id}`, { jobTitle: 'Edited after setup' })).status, 200);
    assert.equal((await w.graph.post('/me/contacts', { givenName: 'Bea', surname: 'After' })).status, 201);
    const lists = (await w.graph.get('/me/todo/lists')).data.value as Array<{ id: string; wellknownListName: string }>;
    const listId = lists.find((l) => l.wellknownListName === 'defaultList')!.id;
    assert.equal((await w.graph.post(`/me/todo/lists/${listId}/tasks`, { title: 'After setup' })).status, 201);
    const [sfTask] = await w.query(`SELECT Id FROM Task WHERE Subject = 'From Salesforce'`);
    assert.equal((await w.sf.patch(`/sobjects/Task/${sfTask.Id}`, { Subject: 'From Salesforce, edited' })).status, 204);

    // The next sign-in (a new engine on the same state, as the next `sync --once`) describes the field.
    w.reconfigure({});
    requestsSince();
    const second = await w.run();
    assert.deepEqual(second.report.errors, []);
    assert.deepEqual(second.report.notices, []);
    const secondRequests = requestsSince();
    assert.equal(secondRequests['POST composite/sobjects'], undefined, JSON.stringify(secondRequests));
    assert.ok(secondRequests['PATCH composite/sobjects'] >= 1, 'creates are upserts on OutlookId__c');
    assert.deepEqual(
      [second.report.counts.salesforce.contacts, second.report.counts.salesforce.tasks],
      [
        { created: 1, updated: 1, deleted: 0 },
        { created: 1, updated: 0, deleted: 0 },
      ],
    );
    assert.deepEqual(second.report.counts.outlook.tasks, { created: 0, updated: 1, deleted: 0 });
    // The report counts what the engine asked the org, the sign-in's three describes too; the product's first
    // data call (product-session.ts, one query) is the sign-in's own.
    assert.equal(secondRequests['GET query'], 1, JSON.stringify(secondRequests));
    assert.equal(
      second.report.requests.salesforce,
      Object.values(secondRequests).reduce((a, b) => a + b, 0) - 1,
      JSON.stringify(secondRequests),
    );
    assert.deepEqual(await counts(), { contacts: 3, tasks: 3, outlookContacts: 3 }, 'nothing created twice');

    // Ann holds the grant (the admin does not): only the contact created after the switch carries its Outlook id's key.
    const asAnn = await w.sf.get('/query', {
      params: { q: 'SELECT LastName, Title, OutlookId__c FROM Contact ORDER BY LastName' },
      headers: { authorization: `Bearer ${sessionFor(w.org, 'ann@test.example')}` },
    });
    assert.equal(asAnn.status, 200, JSON.stringify(asAnn.data));
    const olIds = new Map((await w.list('/me/contacts?$top=100')).map((c) => [c.surname, c.id]));
    assert.deepEqual(
      asAnn.data.records.map((c: any) => [
        c.LastName,
        c.Title,
        c.OutlookId__c === outlookExternalId(olIds.get(c.LastName)),
      ]),
      [
        ['After', null, true],
        ['Before', 'Edited after setup', false],
        ['Hopper', null, false],
      ],
    );
    assert.deepEqual(
      asAnn.data.records.filter((c: any) => c.LastName !== 'After').map((c: any) => c.OutlookId__c),
      [null, null],
      'the records synced before keep their links, not re-keyed',
    );
    const tasks = (await w.list(`/me/todo/lists/${listId}/tasks?$top=50`)).map((t) => t.title).sort();
    assert.deepEqual(tasks, ['After setup', 'From Outlook', 'From Salesforce, edited']);

    assertQuiet((await w.run()).report, 'the run after the switch');
  });
});
