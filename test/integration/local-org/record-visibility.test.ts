/**
 * Record visibility applies to every object a request touches (issue 10, findings 2 and 10): semi-joins,
 * anti-joins and parent relationships in SOQL, external-id reads, and LoginHistory, whose other users' rows
 * only a user with Manage Users sees.
 */
import assert from 'node:assert/strict';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { findSObject } from '../../../sync-engine/src/local-org/schema';
import { startTestOrg, sessionFor, testSeed, userId } from '../../helpers/org';

interface Page {
  totalSize: number;
  records: Array<Record<string, unknown>>;
}

const SECRET_EMAIL = 'private.person@hidden.example';

describe('local org: record visibility across a whole request', function () {
  this.timeout(30_000);
  let org: LocalOrg;
  let ann: string;
  let admin: string;
  let dataAdmin: string;
  let annContact: string;
  let cyLogin: string;

  async function get(path: string, token: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${org.url}/services/data/v60.0${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  }

  async function query(soql: string, token: string): Promise<Page> {
    const res = await get(`/query?q=${encodeURIComponent(soql)}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Page;
  }

  async function soapLogin(username: string, password: string): Promise<void> {
    const res = await fetch(`${org.url}/services/Soap/u/60.0`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body:
        '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><login xmlns="urn:partner.soap.sforce.com">' +
        `<username>${username}</username><password>${password}</password></login></se:Body></se:Envelope>`,
    });
    assert.equal(res.status, 200, await res.text());
  }

  before(async () => {
    const seed = testSeed();
    // Modify All Data without Manage Users: sees every record, but only their own login history.
    seed.profiles.push({
      name: 'Data Admin',
      license: 'Salesforce',
      permissions: { apiEnabled: true, modifyAllData: true },
    });
    seed.users.push({
      username: 'dan@test.example',
      password: 'Dan-pass-1',
      lastName: 'Data',
      email: 'dan@test.example',
      profile: 'Data Admin',
    });
    org = await startTestOrg(seed);
    ann = sessionFor(org, 'ann@test.example');
    admin = sessionFor(org, 'admin@test.example');
    dataAdmin = sessionFor(org, 'dan@test.example');
    const annId = userId(org, 'ann@test.example');
    const cyId = userId(org, 'cy@test.example');
    const store = org.ctx.store;
    const [contact, account, task] = ['Contact', 'Account', 'Task'].map((n) => findSObject(n)!);
    store.transaction(() => {
      const hidden = store.insert(account, { Name: 'Hidden Corp', OwnerId: cyId }, cyId);
      const cysContact = store.insert(
        contact,
        {
          LastName: 'Private',
          Email: SECRET_EMAIL,
          AccountId: hidden,
          OwnerId: cyId,
          OutlookId__c: 'shared-outlook-id',
        },
        cyId,
      );
      annContact = store.insert(
        contact,
        { LastName: 'Mine', AccountId: hidden, OwnerId: annId, OutlookId__c: 'shared-outlook-id' },
        annId,
      );
      store.insert(
        task,
        { Subject: 'Call the private person', WhoId: cysContact, WhatId: hidden, OwnerId: annId },
        annId,
      );
    });
    await soapLogin('ann@test.example', 'Ann-pass-1');
    await soapLogin('cy@test.example', 'Cy-pass-1');
    await soapLogin('dan@test.example', 'Dan-pass-1');
    cyLogin = (
      org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_LoginHistory WHERE "UserId" = ?`).get(cyId) as { Id: string }
    ).Id;
  });
  after(async () => org.close());

  describe('SOQL semi-joins and anti-joins (finding 2)', () => {
    it("a semi-join reads only records the user may see: another user's private email answers no user", async () => {
      const exact = await query(
        `SELECT Username FROM User WHERE Id IN (SELECT OwnerId FROM Contact WHERE Email = '${SECRET_EMAIL}')`,
        ann,
      );
      assert.deepEqual(exact.records, []);
      const probe = await query(
        "SELECT Id FROM User WHERE Id IN (SELECT OwnerId FROM Contact WHERE Email LIKE 'private%')",
        ann,
      );
      assert.equal(probe.totalSize, 0);
    });

    it('an anti-join is the complement over what the user may see: nobody is left out', async () => {
      const all = await query('SELECT COUNT() FROM User', ann);
      const anti = await query(
        `SELECT COUNT() FROM User WHERE Id NOT IN (SELECT OwnerId FROM Contact WHERE Email = '${SECRET_EMAIL}')`,
        ann,
      );
      assert.equal(anti.totalSize, all.totalSize);
    });

    it("an admin's semi-join still reads every record", async () => {
      const page = await query(
        `SELECT Username FROM User WHERE Id IN (SELECT OwnerId FROM Contact WHERE Email = '${SECRET_EMAIL}')`,
        admin,
      );
      assert.deepEqual(
        page.records.map((r) => r.Username),
        ['cy@test.example'],
      );
    });
  });

  describe('SOQL parent relationships (finding 2)', () => {
    it('a filter on a parent the user may not see matches nothing: Account.Name, Who.Email, What.Name', async () => {
      assert.equal((await query("SELECT Id FROM Contact WHERE Account.Name = 'Hidden Corp'", ann)).totalSize, 0);
      assert.equal((await query(`SELECT Id FROM Task WHERE Who.Email = '${SECRET_EMAIL}'`, ann)).totalSize, 0);
      assert.equal((await query("SELECT COUNT() FROM Task WHERE What.Name LIKE 'Hidden%'", ann)).totalSize, 0);
      assert.equal(
        (await query("SELECT COUNT(Id) n FROM Contact WHERE Account.Name = 'Hidden Corp'", ann)).records[0].n,
        0,
      );
    });

    it('a parent the user may not see is rendered as null, in a records and in an aggregate query', async () => {
      const page = await query(`SELECT LastName, Account.Name FROM Contact WHERE Id = '${annContact}'`, ann);
      assert.deepEqual(
        page.records.map((r) => [r.LastName, r.Account]),
        [['Mine', null]],
      );
      const grouped = await query('SELECT Account.Name, COUNT(Id) FROM Contact GROUP BY Account.Name', ann);
      assert.ok(
        grouped.records.every((r) => r.Name !== 'Hidden Corp'),
        JSON.stringify(grouped.records),
      );
    });

    it('an admin sees the parent', async () => {
      const page = await query(`SELECT Account.Name FROM Contact WHERE Id = '${annContact}'`, admin);
      assert.equal((page.records[0].Account as { Name: string }).Name, 'Hidden Corp');
      assert.equal((await query("SELECT Id FROM Contact WHERE Account.Name = 'Hidden Corp'", admin)).totalSize, 2);
    });
  });

  describe('reads by external id (finding 2)', () => {
    it("another user's record with the same external id is neither listed (300) nor read", async () => {
      const res = await get('/sobjects/Contact/OutlookId__c/shared-outlook-id?fields=LastName', ann);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((res.body as { LastName: string }).LastName, 'Mine');
      assert.equal((await get('/sobjects/Contact/OutlookId__c/shared-outlook-id', admin)).status, 300);
    });
  });

  describe('LoginHistory (finding 10)', () => {
    const usersIn = (page: Page) => [...new Set(page.records.map((r) => r.UserId))];

    it('a user without Manage Users reads only their own login history', async () => {
      assert.deepEqual(usersIn(await query('SELECT UserId, Status FROM LoginHistory', ann)), [
        userId(org, 'ann@test.example'),
      ]);
      assert.equal(
        (await query(`SELECT COUNT() FROM LoginHistory WHERE UserId = '${userId(org, 'cy@test.example')}'`, ann))
          .totalSize,
        0,
      );
      const semi = await query('SELECT Username FROM User WHERE Id IN (SELECT UserId FROM LoginHistory)', ann);
      assert.deepEqual(
        semi.records.map((r) => r.Username),
        ['ann@test.example'],
      );
    });

    it('nor by id, alone or in sObject Collections', async () => {
      assert.equal((await get(`/sobjects/LoginHistory/${cyLogin}`, ann)).status, 404);
      assert.deepEqual((await get(`/composite/sobjects/LoginHistory?ids=${cyLogin}&fields=UserId`, ann)).body, [null]);
    });

    it("Modify All Data is not enough: only Manage Users sees every user's rows", async () => {
      assert.deepEqual(usersIn(await query('SELECT UserId FROM LoginHistory', dataAdmin)), [
        userId(org, 'dan@test.example'),
      ]);
      assert.equal(
        (await query("SELECT COUNT() FROM Contact WHERE Account.Name = 'Hidden Corp'", dataAdmin)).totalSize,
        2,
      );
      const everyone = usersIn(await query('SELECT UserId FROM LoginHistory', admin));
      assert.deepEqual(
        new Set(everyone),
        new Set(['ann@test.example', 'cy@test.example', 'dan@test.example'].map((u) => userId(org, u))),
      );
      assert.equal((await get(`/sobjects/LoginHistory/${cyLogin}`, admin)).status, 200);
    });
  });
});
