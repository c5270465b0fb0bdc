/**
 * The sync engine end to end over real HTTP: a local org and a local mailbox, the engine signed in as
 * Salesforce for Outlook. Initial sync without duplicates, edits and deletes each way, conflicts, bad records,
 * and lost API access: one failing request, the product's exact text, nothing lost, resumed by itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { startTestOrg, sessionFor, testSeed } from '../../helpers/org';
import { sharedMessages } from '../../helpers/shared';

const TOKEN = 'ann-mailbox-token';

function mailboxSeed() {
  return {
    mailboxes: [
      {
        user: 'ann@test.example',
        token: TOKEN,
        timeZone: 'America/New_York',
        contacts: [
          {
            givenName: 'Grace',
            surname: 'Hopper',
            emailAddresses: [{ address: 'grace@navy.example', name: 'Grace Hopper' }],
            businessPhones: ['+1 555 0100'],
          },
          {
            givenName: 'Linus',
            surname: 'Torvalds',
            companyName: 'Linux',
            emailAddresses: [{ address: 'linus@kernel.example', name: 'Linus Torvalds' }],
          },
        ],
        events: [],
        taskLists: [{ displayName: 'Tasks', tasks: [] }],
      },
    ],
  };
}

describe('sync engine: contacts end to end (local org + local mailbox)', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let mailbox: LocalMailbox;
  let dir: string;
  let engine: SyncEngine;
  let admin: string;

  const sf = (token: string) =>
    axios.create({
      baseURL: `${org.url}/services/data/v60.0`,
      headers: { authorization: `Bearer ${token}` },
      validateStatus: () => true,
    });
  const graph = () =>
    axios.create({
      baseURL: `${mailbox.url}/v1.0`,
      headers: { authorization: `Bearer ${TOKEN}` },
      validateStatus: () => true,
    });
  const sfContacts = async () =>
    (
      await sf(admin).get('/query', {
        params: {
          q: "SELECT Id, FirstName, LastName, Email, Phone, Title FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName",
        },
      })
    ).data.records as Array<Record<string, string>>;
  const olContacts = async () =>
    (await graph().get('/me/contacts', { params: { $top: 100 } })).data.value as Array<Record<string, unknown>>;

  before(async () => {
    org = await startTestOrg(testSeed());
    mailbox = await startLocalMailbox({ seed: mailboxSeed(), dataDir: ':memory:', port: 0 });
    admin = sessionFor(org, 'admin@test.example');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-sync-'));
    const configFile = path.join(dir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        product: 'salesforce-for-outlook',
        productVersion: '2.9.3',
        org: { loginUrl: org.url, username: 'ann@test.example', password: 'Ann-pass-1' },
        mailbox: { url: mailbox.url, token: TOKEN },
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'none' },
          tasks: { direction: 'none' },
        },
        dataDir: 'state',
      }),
    );
    engine = new SyncEngine(readSyncConfig(configFile));
  });
  after(async () => {
    engine?.close();
    await mailbox?.close();
    await org?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('first sync matches the contact both sides have and creates the rest: no duplicates', async () => {
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    const sfAfter = await sfContacts();
    assert.deepEqual(
      sfAfter.map((c) => c.LastName),
      ['Hopper', 'Torvalds'],
    );
    const ol = await olContacts();
    assert.deepEqual(ol.map((c) => c.surname).sort(), ['Hopper', 'Torvalds']);
    assert.equal(run.result!.report.matched.contacts, 1);
    assert.equal(run.result!.report.counts.salesforce.contacts.created, 1);
  });

  it('a second run with nothing changed writes nothing', async () => {
    const run = await engine.runOnce();
    const c = run.result!.report.counts;
    assert.deepEqual(
      [c.salesforce.contacts, c.outlook.contacts],
      [
        { created: 0, updated: 0, deleted: 0 },
        { created: 0, updated: 0, deleted: 0 },
      ],
    );
  });

  it('carries edits each way', async () => {
    const grace = (await sfContacts()).find((c) => c.LastName === 'Hopper')!;
    assert.equal((await sf(admin).patch(`/sobjects/Contact/${grace.Id}`, { Title: 'Rear Admiral' })).status, 204);
    const linus = (await olContacts()).find((c) => c.surname === 'Torvalds')!;
    assert.equal((await graph().patch(`/me/contacts/${linus.id}`, { jobTitle: 'Maintainer' })).status, 200);
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle');
    assert.equal((await olContacts()).find((c) => c.surname === 'Hopper')!.jobTitle, 'Rear Admiral');
    assert.equal((await sfContacts()).find((c) => c.LastName === 'Torvalds')!.Title, 'Maintainer');
  });

  it('lost API access: one failing request, the exact sync text, nothing lost, and it all arrives once access returns', async () => {
    const messages = sharedMessages();
    const profileId = (
      await sf(admin).get('/query', { params: { q: "SELECT Id FROM Profile WHERE Name = 'Standard User'" } })
    ).data.records[0].Id as string;
    assert.equal(
      (await sf(admin).patch(`/sobjects/Profile/${profileId}`, { PermissionsApiEnabled: false })).status,
      204,
    );

    // Edits on both sides while access is off.
    const created = await graph().post('/me/contacts', {
      givenName: 'Ada',
      surname: 'Lovelace',
      emailAddresses: [{ address: 'ada@engine.example' }],
    });
    assert.equal(created.status, 201);
    const grace = (await sfContacts()).find((c) => c.LastName === 'Hopper')!;
    assert.equal((await sf(admin).patch(`/sobjects/Contact/${grace.Id}`, { Phone: '+1 555 0199' })).status, 204);

    const refusedBefore = org.ctx.stats.refusedByRule;
    const stopped = await engine.runOnce();
    assert.equal(stopped.status.state, 'stopped');
    assert.equal(stopped.status.message, messages['sfo.syncStopped']);
    assert.equal(org.ctx.stats.refusedByRule - refusedBefore, 1, 'exactly one failing request reached the org');

    assert.equal(
      (await sf(admin).patch(`/sobjects/Profile/${profileId}`, { PermissionsApiEnabled: true })).status,
      204,
    );
    let sleeps = 0;
    const controller = new AbortController();
    const resumed = new SyncEngine(engine.config, {
      sleep: async () => {
        sleeps += 1;
        if (sleeps > 1) controller.abort();
      },
    });
    engine.close();
    engine = resumed;
    await resumed.runForever(controller.signal);
    assert.equal(resumed.status().state, 'idle');
    assert.ok(
      (await sfContacts()).some((c) => c.LastName === 'Lovelace'),
      'the Outlook contact made while stopped reached Salesforce',
    );
    const olGrace = (await olContacts()).find((c) => c.surname === 'Hopper')!;
    assert.deepEqual(olGrace.businessPhones, ['+1 555 0199'], 'the Salesforce edit made while stopped reached Outlook');
  });

  it('deletes each way', async () => {
    const ada = (await olContacts()).find((c) => c.surname === 'Lovelace')!;
    assert.equal((await graph().delete(`/me/contacts/${ada.id}`)).status, 204);
    const run = await engine.runOnce();
    assert.equal(run.result!.report.counts.salesforce.contacts.deleted, 1);
    assert.ok(!(await sfContacts()).some((c) => c.LastName === 'Lovelace'));
  });

  it('reports a bad record and goes on with the batch', async () => {
    await graph().post('/me/contacts', { givenName: 'NoLast', emailAddresses: [{ address: 'nolast@x.example' }] });
    await graph().post('/me/contacts', { givenName: 'Good', surname: 'Record' });
    const run = await engine.runOnce();
    const errors = run.result!.report.errors;
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'REQUIRED_FIELD_MISSING');
    assert.ok((await sfContacts()).some((c) => c.LastName === 'Record'));
  });
});
