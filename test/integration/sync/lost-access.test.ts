/**
 * API access removed in the middle of a large run, between two sObject Collections calls (ACCESS.md: the rule
 * applies to the very next request of every session). Exactly one failing request reaches the org, the status
 * shows the product's exact text (and Salesforce for Outlook's settings say they are unavailable), nothing is
 * lost, and edits made on both sides while sync is stopped are all on both sides once the permission is back and
 * the engine, re-checking on its own, resumes. For each desktop product, with its own texts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios, { AxiosInstance } from 'axios';
import { FastifyInstance } from 'fastify';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { OrgStore } from '../../../sync-engine/src/local-org/store';
import { OrgContext, DEFAULT_ORG_OPTIONS } from '../../../sync-engine/src/local-org/context';
import { buildOrgServer } from '../../../sync-engine/src/local-org/server';
import { OrgSeed, loadSeed } from '../../../sync-engine/src/local-org/seed';
import { startLocalMailbox, LocalMailbox, MailboxSeed } from '../../../sync-engine/src/local-mailbox';
import { EngineRun, SyncEngine } from '../../../sync-engine/src/app/engine';
import { ACCESS_RECHECK } from '../../../sync-engine/src/failures/access-recheck';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { SyncObject, SYNC_OBJECTS } from '../../../sync-engine/src/sync/objects';
import { ProductId } from '../../../sync-engine/src/products/catalog';
import { sessionFor, testSeed, userId } from '../../helpers/org';
import { sharedMessages } from '../../helpers/shared';
import { contentOf, duplicateKeys, keyOf, outlookRecords, salesforceRecords } from '../../helpers/sync-sides';

const TOKEN = 'ann-lost-access-token';
const ANN = 'ann@test.example';
/** 1,000 new Outlook contacts: five collections calls of 200 to Salesforce. */
const OUTLOOK_CONTACTS = 1000;
const INTERVAL_SECONDS = 600;

/** The products that sync, and the keys of their texts in spec/messages.json. */
const PRODUCTS: Array<{ id: ProductId; syncStopped: string; settingsUnavailable: string | null }> = [
  { id: 'salesforce-for-outlook', syncStopped: 'sfo.syncStopped', settingsUnavailable: 'sfo.settingsUnavailable' },
  { id: 'connect-for-outlook', syncStopped: 'connectOutlook.syncStopped', settingsUnavailable: null },
  { id: 'connect-for-office', syncStopped: 'connectOffice.syncStopped', settingsUnavailable: null },
];

function orgSeed(): OrgSeed {
  const seed = testSeed();
  const owner = `username:${ANN}`;
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  seed.records = {
    Contact: seed.records?.Contact ?? [],
    Task: [1, 2, 3].map((n) => ({
      Subject: `Call back ${n}`,
      ActivityDate: day(n),
      Status: 'Not Started',
      Priority: 'Normal',
      OwnerId: owner,
    })),
  } as OrgSeed['records'];
  return seed;
}

function mailboxSeed(): MailboxSeed {
  const contacts = Array.from({ length: OUTLOOK_CONTACTS }, (_, i) => ({
    givenName: `Olive${i}`,
    surname: `Look${i}`,
    emailAddresses: [{ address: `ol${i}@lost.example`, name: `Olive${i} Look${i}` }],
  }));
  const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;
  const events = [0, 1].map((n) => ({
    subject: `Review ${n}`,
    start: { dateTime: new Date(start + n * 86_400_000).toISOString().replace('Z', ''), timeZone: 'UTC' },
    end: { dateTime: new Date(start + n * 86_400_000 + 3_600_000).toISOString().replace('Z', ''), timeZone: 'UTC' },
  }));
  return {
    mailboxes: [
      { user: ANN, token: TOKEN, timeZone: 'UTC', contacts, events, taskLists: [{ displayName: 'Tasks', tasks: [] }] },
    ],
  } as MailboxSeed;
}

/**
 * The local org as startLocalOrg starts it, with hooks added before it listens (fastify takes hooks only then):
 * here, one that can act on a response before the engine receives it.
 */
async function startHookedOrg(seed: OrgSeed, hook: (app: FastifyInstance) => void): Promise<LocalOrg> {
  const store = new OrgStore(':memory:');
  const ctx = new OrgContext(store, DEFAULT_ORG_OPTIONS);
  await loadSeed(ctx, seed);
  const app = await buildOrgServer(ctx);
  hook(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    ctx,
    app,
    seeded: true,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}

for (const product of PRODUCTS) {
  describe(`sync engine (${product.id}): API access removed between two collections calls`, function () {
    this.timeout(120_000);
    const messages = sharedMessages();
    let org: LocalOrg;
    let mailbox: LocalMailbox;
    let dir: string;
    let engine: SyncEngine;
    let admin: AxiosInstance;
    let graph: AxiosInstance;
    let profileId: string;
    /** Served upsert calls of contacts; the permission goes when the second one is answered. */
    let upsertsServed = 0;
    let upsertsSeen = 0;
    let revokeAfter: number | null = 2;
    let soapLogins = 0;
    const sleeps: number[] = [];
    const runs: EngineRun[] = [];
    const restoreOnSleep = 2;
    const controller = new AbortController();

    const setApiEnabled = async (on: boolean) => {
      const res = await admin.patch(`/sobjects/Profile/${profileId}`, { PermissionsApiEnabled: on });
      assert.equal(res.status, 204, JSON.stringify(res.data));
    };

    before(async () => {
      org = await startHookedOrg(orgSeed(), (app) => {
        app.addHook('onRequest', async (req) => {
          if (req.url.startsWith('/services/Soap/')) soapLogins += 1;
        });
        // onSend sees every answer, refusals included (the access gate's onRequest hook runs before ours would).
        app.addHook('onSend', async (req, reply, payload) => {
          if (req.method !== 'PATCH' || !req.url.includes('/composite/sobjects/Contact/OutlookId__c')) return payload;
          upsertsSeen += 1;
          if (reply.statusCode === 200) {
            upsertsServed += 1;
            // The administrator removes the permission before the engine hears back: its next call is refused.
            if (upsertsServed === revokeAfter) await setApiEnabled(false);
          }
          return payload;
        });
      });
      mailbox = await startLocalMailbox({ seed: mailboxSeed(), dataDir: ':memory:', port: 0 });
      admin = axios.create({
        baseURL: `${org.url}/services/data/v60.0`,
        headers: { authorization: `Bearer ${sessionFor(org, 'admin@test.example')}` },
        validateStatus: () => true,
      });
      graph = axios.create({
        baseURL: `${mailbox.url}/v1.0`,
        headers: { authorization: `Bearer ${TOKEN}` },
        validateStatus: () => true,
      });
      profileId = (await admin.get('/query', { params: { q: "SELECT Id FROM Profile WHERE Name = 'Standard User'" } }))
        .data.records[0].Id;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-lost-access-'));
      const configFile = path.join(dir, 'config.json');
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          product: product.id,
          org: { loginUrl: org.url, username: ANN, password: 'Ann-pass-1' },
          mailbox: { url: mailbox.url, token: TOKEN },
          intervalSeconds: INTERVAL_SECONDS,
          dataDir: 'state',
        }),
      );
      engine = new SyncEngine(readSyncConfig(configFile), {
        // Sleeps pass at once: the second re-check finds the permission back.
        sleep: async (ms) => {
          sleeps.push(ms);
          if (sleeps.length === restoreOnSleep) await setApiEnabled(true);
          if (runs.some((r) => r.status.state === 'idle')) controller.abort();
        },
      });
    });
    after(async () => {
      controller.abort();
      engine?.close();
      await mailbox?.close();
      await org?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("stops after exactly one refused request, with the product's exact text, and loses nothing", async () => {
      const refusedBefore = org.ctx.stats.refusedByRule;
      const run = await engine.runOnce();
      revokeAfter = null;
      assert.equal(run.status.state, 'stopped');
      assert.equal(run.status.stopReason?.kind, 'accessRevoked');
      assert.equal(run.status.message, messages[product.syncStopped]);
      assert.equal(org.ctx.stats.refusedByRule - refusedBefore, 1, 'exactly one failing request reached the org');
      assert.equal(upsertsSeen, 3, 'two collections calls served, the third refused, no more sent');
      assert.equal(run.result!.report.counts.salesforce.contacts.created, 400);

      // Settings: Salesforce for Outlook says they are unavailable; the Connect products have no such text.
      const settings = product.settingsUnavailable ? messages[product.settingsUnavailable] : null;
      assert.equal(engine.status().settingsMessage, settings);

      // Nothing lost: 600 contacts for Salesforce, Grace and the tasks for Outlook, the events for Salesforce.
      const queued = (object: SyncObject, target: string) =>
        engine.store.outbox(object, target as 'salesforce' | 'outlook').length;
      assert.deepEqual(
        {
          contactsToSalesforce: queued('contacts', 'salesforce'),
          contactsToOutlook: queued('contacts', 'outlook'),
          events: queued('events', 'salesforce'),
          tasks: queued('tasks', 'outlook'),
        },
        { contactsToSalesforce: 600, contactsToOutlook: 1, events: 2, tasks: 3 },
      );
      assert.equal(run.result!.report.pending, 606);
      assert.equal((await salesforceRecords(org, 'contacts', ANN)).length, 1 + 400);
    });

    it('keeps the edits made on both sides while stopped, and resumes on its own once the permission is back', async () => {
      const sfContacts = await salesforceRecords(org, 'contacts', ANN);
      const olContacts = await outlookRecords(mailbox, 'contacts', TOKEN);
      const olId = (i: number) => olContacts.find((r) => keyOf('contacts', r.data) === `email:ol${i}@lost.example`)!.id;
      const sfId = (email: string) => sfContacts.find((r) => keyOf('contacts', r.data) === `email:${email}`)!.id;

      // Outlook: a new contact; edits to one already in Salesforce and to one still queued; deletes of one queued
      // and of one whose create was in the refused call.
      assert.equal(
        (
          await graph.post('/me/contacts', {
            givenName: 'Ada',
            surname: 'Lovelace',
            emailAddresses: [{ address: 'ada@lost.example' }],
          })
        ).status,
        201,
      );
      assert.equal(
        (await graph.patch(`/me/contacts/${olId(10)}`, { jobTitle: 'Edited in Outlook (synced)' })).status,
        200,
      );
      assert.equal(
        (await graph.patch(`/me/contacts/${olId(900)}`, { jobTitle: 'Edited in Outlook (queued)' })).status,
        200,
      );
      assert.equal((await graph.delete(`/me/contacts/${olId(950)}`)).status, 204);
      assert.equal((await graph.delete(`/me/contacts/${olId(450)}`)).status, 204);
      // Salesforce: a new contact; edits to one that came from Outlook and to Grace, whose create in Outlook is queued.
      assert.equal(
        (
          await admin.post('/sobjects/Contact', {
            FirstName: 'Alan',
            LastName: 'Turing',
            Email: 'alan@lost.example',
            OwnerId: userId(org, ANN),
          })
        ).status,
        201,
      );
      assert.equal(
        (await admin.patch(`/sobjects/Contact/${sfId('ol20@lost.example')}`, { Phone: '+1 555 0020' })).status,
        204,
      );
      assert.equal(
        (await admin.patch(`/sobjects/Contact/${sfId('grace@navy.example')}`, { Title: 'Rear Admiral' })).status,
        204,
      );

      const refusedBefore = org.ctx.stats.refusedByRule;
      const loginsBefore = soapLogins;
      await engine.runForever(controller.signal, { onRun: (r) => runs.push(r) });

      // While stopped: the run's sign-in refused, one re-check refused, the next one finds access back.
      assert.deepEqual(sleeps, [ACCESS_RECHECK.firstMs, ACCESS_RECHECK.firstMs * 2, INTERVAL_SECONDS * 1000]);
      assert.equal(runs.length, 2);
      assert.equal(runs[0].status.state, 'stopped');
      assert.equal(runs[0].status.message, messages[product.syncStopped]);
      assert.equal(runs[1].status.state, 'idle', String(runs[1].status.message));
      assert.equal(soapLogins - loginsBefore, 3, 'one sign-in per attempt while stopped');
      assert.equal(org.ctx.stats.refusedByRule - refusedBefore, 0, 'no data request was refused while stopped');
      assert.equal(engine.status().message, null);
      assert.equal(engine.status().settingsMessage, null);
      assert.deepEqual(runs[1].result!.report.errors, []);

      for (const object of SYNC_OBJECTS) {
        const sf = await salesforceRecords(org, object, ANN);
        const ol = await outlookRecords(mailbox, object, TOKEN);
        assert.deepEqual(duplicateKeys(object, sf), [], `duplicate ${object} in Salesforce`);
        assert.deepEqual(duplicateKeys(object, ol), [], `duplicate ${object} in Outlook`);
        assert.equal(sf.length, ol.length, `${object}: ${sf.length} in Salesforce, ${ol.length} in Outlook`);
        const olByKey = new Map(ol.map((r) => [keyOf(object, r.data), r]));
        for (const r of sf) {
          const twin = olByKey.get(keyOf(object, r.data));
          assert.ok(twin, `${keyOf(object, r.data)} is in Salesforce only`);
          assert.equal(contentOf(twin.data), contentOf(r.data), `${keyOf(object, r.data)} differs between the sides`);
        }
      }
      const sf = new Map(
        (await salesforceRecords(org, 'contacts', ANN)).map((r) => [
          keyOf('contacts', r.data),
          r.data as unknown as Record<string, string | null>,
        ]),
      );
      assert.equal(sf.size, OUTLOOK_CONTACTS - 2 + 3, 'the Outlook contacts but the two deleted, Ada, Alan and Grace');
      assert.equal(sf.get('email:ol10@lost.example')?.title, 'Edited in Outlook (synced)');
      assert.equal(sf.get('email:ol900@lost.example')?.title, 'Edited in Outlook (queued)');
      assert.equal(sf.get('email:ol20@lost.example')?.phone, '+1 555 0020');
      assert.equal(sf.get('email:grace@navy.example')?.title, 'Rear Admiral');
      assert.ok(sf.has('email:ada@lost.example') && sf.has('email:alan@lost.example'));
      assert.ok(
        !sf.has('email:ol950@lost.example') && !sf.has('email:ol450@lost.example'),
        'contacts deleted in Outlook while stopped are not in Salesforce',
      );
      assert.equal((await outlookRecords(mailbox, 'tasks', TOKEN)).length, 3);
      assert.equal((await salesforceRecords(org, 'events', ANN)).length, 2);
    });
  });
}
