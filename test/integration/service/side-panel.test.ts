/**
 * The side panel's endpoints over real HTTP against a local org (issue 16): who in an item is in Salesforce with
 * their account, open opportunities and cases and last activities, in two requests to the org at most (counted at
 * the org) and none from the cache; "Create contact" / "Create lead"; a What found by name; Add Email and Add meeting
 * on the Who and What picked, checked through the org's REST API, a second add refused with where it went; lost API
 * access answered with the product's exact text, never from the cache; and bad input named field by field.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import axios, { AxiosInstance } from 'axios';
import Database from 'better-sqlite3';
import { startServiceWorld, ServiceWorld } from '../../helpers/service';
import { eventually } from '../../helpers/eventually';
import { sessionFor } from '../../helpers/org';
import { sharedMessages } from '../../helpers/shared';
import { requestsUsedToday } from '../../../sync-engine/src/local-org/rest-auth';
import { SERVICE_TEXTS } from '../../../sync-engine/src/service/texts';

describe('service: the side panel', function () {
  this.timeout(60_000);
  const messages = sharedMessages();
  let w: ServiceWorld;
  let secret: string;
  let sf: AxiosInstance;
  let grace: string;
  let navy: string;
  let ada: string;
  let opp: string;
  let kase: string;
  const call = (method: string, url: string, body?: unknown) => w.call(method, url, { secret, body });
  const people = (itemKey: string, list: unknown[]) =>
    call('POST', '/api/side-panel/people', { itemKey, people: list });
  const soql = async (q: string) => {
    const res = await sf.get('/query', { params: { q } });
    assert.equal(res.status, 200, JSON.stringify(res.data));
    return res.data.records as any[];
  };
  const make = async (type: string, fields: Record<string, unknown>) => {
    const res = await sf.post(`/sobjects/${type}`, fields);
    assert.equal(res.status, 201, JSON.stringify(res.data));
    return res.data.id as string;
  };
  /** Requests the org counted while `run` ran. */
  const orgRequests = async <T>(run: () => Promise<T>): Promise<{ result: T; requests: number }> => {
    const before = requestsUsedToday(w.org.ctx);
    const result = await run();
    return { result, requests: requestsUsedToday(w.org.ctx) - before };
  };
  const setApiEnabled = async (on: boolean) => {
    // As the admin: ann's own session stops working once her profile loses API Enabled.
    const admin = { authorization: `Bearer ${sessionFor(w.org, 'admin@test.example')}` };
    const q = "SELECT Id FROM Profile WHERE Name = 'Standard User'";
    const [profile] = (await sf.get('/query', { params: { q }, headers: admin })).data.records;
    const res = await sf.patch(`/sobjects/Profile/${profile.Id}`, { PermissionsApiEnabled: on }, { headers: admin });
    assert.equal(res.status, 204);
  };
  const email = (o: Record<string, unknown> = {}) => ({
    kind: 'email',
    itemKey: '<panel-1@navy.example>',
    subject: 'COBOL',
    body: 'See you at the conference.\nGrace',
    start: '2026-03-05T14:30:00Z',
    from: { address: 'grace@navy.example', name: 'Grace Hopper' },
    to: [{ address: 'ann@test.example', name: 'Ann' }],
    cc: [{ address: 'ada-l@engines.example', name: null }],
    who: [{ id: grace, name: 'Grace Hopper' }],
    what: { id: opp, name: 'Compilers', type: 'Opportunity' },
    ...o,
  });

  before(async () => {
    w = await startServiceWorld({ intervalSeconds: 3600 });
    sf = axios.create({
      baseURL: `${w.org.url}/services/data/v60.0`,
      headers: { authorization: `Bearer ${sessionFor(w.org, 'ann@test.example')}` },
      validateStatus: () => true,
    });
    navy = await make('Account', { Name: 'US Navy' });
    [{ Id: grace }] = await soql("SELECT Id FROM Contact WHERE Email = 'grace@navy.example'");
    assert.equal(
      (await sf.patch(`/sobjects/Contact/${grace}`, { AccountId: navy, Title: 'Rear Admiral' })).status,
      204,
    );
    opp = await make('Opportunity', {
      Name: 'Compilers',
      StageName: 'Prospecting',
      CloseDate: '2026-12-31',
      AccountId: navy,
    });
    await make('Opportunity', { Name: 'Old deal', StageName: 'Closed Won', CloseDate: '2026-01-31', AccountId: navy });
    kase = await make('Case', { Subject: 'Moth in relay', ContactId: grace, AccountId: navy });
    await make('Task', { Subject: 'Call Grace', ActivityDate: '2026-02-01', WhoId: grace });
    ada = await make('Lead', {
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Company: 'Analytical Engines',
      Email: 'ada-l@engines.example',
    });
    secret = await w.signInAnn();
  });
  after(async () => {
    await w?.close();
  });

  it('a contact, a lead and an unknown address: each with their records, in two requests to the org', async () => {
    const { result: res, requests } = await orgRequests(() =>
      people('<panel-1@navy.example>', [
        { address: 'Grace@Navy.example', name: 'Grace Hopper', role: 'from' },
        { address: 'ada-l@engines.example', name: 'Ada Lovelace', role: 'to' },
        { address: 'charles.babbage@difference-engines.co.uk', name: null, role: 'cc' },
        { address: 'grace@navy.example', name: null, role: 'cc' },
      ]),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(requests, 2, 'one SOSL search and one Composite call');
    assert.equal(res.body.cached, false);
    assert.equal(res.body.sharesActivities, false, 'the test org does not share activities');
    const [g, a, c] = res.body.people;
    assert.equal(res.body.people.length, 3, 'one entry per address, any case');
    assert.deepEqual(g.roles, ['from', 'cc']);
    assert.equal(g.suggestion, null);
    assert.deepEqual(
      g.records.map((r: any) => [r.type, r.id, r.name, r.title, r.account]),
      [['Contact', grace, 'Grace Hopper', 'Rear Admiral', { id: navy, name: 'US Navy' }]],
    );
    assert.deepEqual(g.records[0].opportunities, {
      count: 1,
      top: [{ id: opp, name: 'Compilers', stage: 'Prospecting', closeDate: '2026-12-31', amount: null }],
    });
    assert.deepEqual(
      g.records[0].cases.top.map((k: any) => [k.id, k.name, k.status]),
      [[kase, 'Moth in relay', 'New']],
    );
    assert.deepEqual(
      g.records[0].activities.map((x: any) => [x.type, x.name, x.date]),
      [['Task', 'Call Grace', '2026-02-01']],
    );
    assert.deepEqual(
      a.records.map((r: any) => [r.type, r.id, r.company, r.opportunities.count, r.cases.count]),
      [['Lead', ada, 'Analytical Engines', 0, 0]],
    );
    assert.deepEqual(c.records, []);
    assert.deepEqual(c.suggestion, { firstName: 'Charles', lastName: 'Babbage', company: 'Difference Engines' });
  });

  it('the same item again is answered from the cache, after one light request that says access is on', async () => {
    const { result: res, requests } = await orgRequests(() =>
      people('<panel-1@navy.example>', [
        { address: 'grace@navy.example', name: 'Grace Hopper', role: 'from' },
        { address: 'ada-l@engines.example', name: 'Ada Lovelace', role: 'to' },
        { address: 'charles.babbage@difference-engines.co.uk', name: null, role: 'cc' },
      ]),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.cached, true);
    assert.equal(requests, 1);
  });

  it('an item where nobody is in Salesforce takes one request', async () => {
    const { result: res, requests } = await orgRequests(() =>
      people('<nobody@x.example>', [{ address: 'nobody@x.example', name: 'Hopper, Walter', role: 'from' }]),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(requests, 1);
    assert.deepEqual(res.body.people[0].suggestion, { firstName: 'Walter', lastName: 'Hopper', company: 'X' });
  });

  it('bad input is refused naming the field, before the org is asked', async () => {
    const cases: Array<[unknown, string]> = [
      [{ people: [] }, 'itemKey'],
      [{ itemKey: 'k' }, 'people'],
      [{ itemKey: 'k', people: [{ address: 'not an address', role: 'to' }] }, 'people[0].address'],
      [{ itemKey: 'k', people: [{ address: 'a@b.example', role: 'bcc' }] }, 'people[0].role'],
      [
        { itemKey: 'k', people: Array.from({ length: 101 }, (_, i) => ({ address: `p${i}@b.example`, role: 'to' })) },
        'people',
      ],
    ];
    for (const [body, field] of cases) {
      const { result: res, requests } = await orgRequests(() => call('POST', '/api/side-panel/people', body));
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.field, field, res.text);
      assert.ok(res.body.error.message.startsWith(`${field}: `), res.body.error.message);
      assert.equal(requests, 0);
    }
    const noSecret = await w.call('POST', '/api/side-panel/people', { body: { itemKey: 'k', people: [] } });
    assert.equal(noSecret.status, 401);
  });

  it("Create lead needs a company; made, it is the org's Lead and the panel shows it", async () => {
    const missing = await call('POST', '/api/side-panel/create-person', {
      type: 'Lead',
      firstName: 'Charles',
      lastName: 'Babbage',
      email: 'charles.babbage@difference-engines.co.uk',
      company: '',
    });
    assert.equal(missing.status, 400, missing.text);
    assert.equal(missing.body.error.field, 'company');
    const made = await call('POST', '/api/side-panel/create-person', {
      type: 'Lead',
      firstName: 'Charles',
      lastName: 'Babbage',
      email: 'charles.babbage@difference-engines.co.uk',
      company: 'Difference Engines',
    });
    assert.equal(made.status, 200, made.text);
    const [lead] = await soql(`SELECT Name, Company, Email, Status FROM Lead WHERE Id = '${made.body.id}'`);
    assert.deepEqual(
      [lead.Name, lead.Company, lead.Email],
      ['Charles Babbage', 'Difference Engines', 'charles.babbage@difference-engines.co.uk'],
    );
    const again = await people('<panel-1@navy.example>', [
      { address: 'charles.babbage@difference-engines.co.uk', name: null, role: 'cc' },
    ]);
    assert.deepEqual(
      again.body.people[0].records.map((r: any) => r.id),
      [made.body.id],
    );
  });

  it('Create contact puts the contact on the Account of that name', async () => {
    const made = await call('POST', '/api/side-panel/create-person', {
      type: 'Contact',
      firstName: 'Mary',
      lastName: 'Hawes',
      email: 'mary@navy.example',
      company: 'US Navy',
    });
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(made.body.account, { id: navy, name: 'US Navy' });
    const [c] = await soql(`SELECT AccountId, Email FROM Contact WHERE Id = '${made.body.id}'`);
    assert.deepEqual([c.AccountId, c.Email], [navy, 'mary@navy.example']);
  });

  it('a What found by name: accounts, open opportunities and open cases', async () => {
    const res = await call('GET', '/api/side-panel/related?q=comp');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.records, [{ type: 'Opportunity', id: opp, name: 'Compilers' }]);
    const short = await call('GET', '/api/side-panel/related?q=c');
    assert.equal(short.status, 400);
    assert.equal(short.body.error.field, 'q');
  });

  it('Add Email makes a completed Task of type Email on the Who and What, with the addresses; a second add is refused with where it went', async () => {
    const res = await call('POST', '/api/side-panel/add', email());
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.sobject, 'Task');
    assert.equal(res.body.trimmed, false);
    const [task] = await soql(
      `SELECT Subject, Status, Type, TaskSubtype, ActivityDate, WhoId, WhatId, Description FROM Task WHERE Id = '${res.body.id}'`,
    );
    assert.deepEqual(
      [task.Subject, task.Status, task.Type, task.TaskSubtype, task.ActivityDate, task.WhoId, task.WhatId],
      ['Email: COBOL', 'Completed', 'Email', 'Email', '2026-03-05', grace, opp],
    );
    assert.equal(
      task.Description,
      'From: Grace Hopper <grace@navy.example>\nTo: Ann <ann@test.example>\nCc: ada-l@engines.example\n' +
        'Date: 2026-03-05T14:30:00Z\nSubject: COBOL\n\nSee you at the conference.\nGrace',
    );
    const again = await call('POST', '/api/side-panel/add', email({ what: null }));
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.error.code, 'ALREADY_ADDED');
    assert.match(
      again.body.error.message,
      /^This email is already in Salesforce: added on \d{4}-\d\d-\d\d as a Task on Grace Hopper, related to Compilers\.$/,
    );
    assert.equal(again.body.where.id, res.body.id);
    assert.equal((await soql("SELECT Id FROM Task WHERE Subject = 'Email: COBOL'")).length, 1);
  });

  it('two adds of one email at once make one Task; the other is refused', async () => {
    const body = email({ itemKey: '<twice@navy.example>', subject: 'Twice', what: null });
    const answers = await Promise.all([
      call('POST', '/api/side-panel/add', body),
      call('POST', '/api/side-panel/add', body),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
    assert.equal((await soql("SELECT Id FROM Task WHERE Subject = 'Email: Twice'")).length, 1);
  });

  it('the ribbon and the panel adding one email at once make one Task', async () => {
    const [ribbon, panel] = await Promise.all([
      call('POST', '/api/add-email', {
        sender: { address: 'grace@navy.example', name: 'Grace Hopper' },
        subject: 'Both at once',
        body: '',
        receivedDateTime: '2026-03-06T09:00:00Z',
        internetMessageId: '<both@navy.example>',
      }),
      call(
        'POST',
        '/api/side-panel/add',
        email({ itemKey: '<both@navy.example>', subject: 'Both at once', what: null }),
      ),
    ]);
    assert.equal(ribbon.status, 200, ribbon.text);
    // The panel's add is made, or (the ribbon's went first) refused saying where it went.
    assert.ok([200, 409].includes(panel.status), panel.text);
    assert.equal((await soql("SELECT Id FROM Task WHERE Subject = 'Email: Both at once'")).length, 1);
  });

  it('an email added by "Add Email to Salesforce" is refused by the panel too', async () => {
    const first = await call('POST', '/api/add-email', {
      sender: { address: 'grace@navy.example', name: 'Grace Hopper' },
      subject: 'Ribbon',
      body: '',
      receivedDateTime: '2026-03-06T10:00:00Z',
      internetMessageId: '<ribbon@navy.example>',
    });
    assert.equal(first.status, 200, first.text);
    const res = await call(
      'POST',
      '/api/side-panel/add',
      email({ itemKey: '<ribbon@navy.example>', subject: 'Ribbon' }),
    );
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.where.id, first.body.taskId);
    assert.match(
      res.body.error.message,
      /^This email is already in Salesforce: added on .* as a Task on Grace Hopper\.$/,
    );
  });

  it('an email the ribbon left unresolved (nobody had its sender), added from the panel, leaves the unresolved list', async () => {
    const unresolved = await call('POST', '/api/add-email', {
      sender: { address: 'stranger@elsewhere.example', name: 'A Stranger' },
      subject: 'Unresolved first',
      body: '',
      receivedDateTime: '2026-03-06T11:00:00Z',
      internetMessageId: '<unresolved-first@elsewhere.example>',
    });
    assert.equal(unresolved.status, 200, unresolved.text);
    assert.equal(unresolved.body.unresolved, true);
    const listed = async () =>
      ((await call('GET', '/api/unresolved')).body.items as Array<{ internetMessageId: string }>).map(
        (i) => i.internetMessageId,
      );
    assert.ok((await listed()).includes('<unresolved-first@elsewhere.example>'));
    const added = await call(
      'POST',
      '/api/side-panel/add',
      email({ itemKey: '<unresolved-first@elsewhere.example>', subject: 'Unresolved first', what: null }),
    );
    assert.equal(added.status, 200, added.text);
    assert.equal((await listed()).includes('<unresolved-first@elsewhere.example>'), false);
  });

  it('a retry after the answer was lost finds the Task it made instead of making another', async () => {
    const body = email({ itemKey: '<lost@navy.example>', subject: 'Lost', what: null });
    const first = await call('POST', '/api/side-panel/add', body);
    assert.equal(first.status, 200, first.text);
    const db = new Database(path.join(w.dataDir, 'service.sqlite'));
    db.prepare(`UPDATE added_emails SET state = 'sending', task_id = NULL WHERE message_id = ?`).run(
      '<lost@navy.example>',
    );
    db.close();
    const retry = await call('POST', '/api/side-panel/add', body);
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.body.id, first.body.id);
    assert.equal((await soql("SELECT Id FROM Task WHERE Subject = 'Email: Lost'")).length, 1);
  });

  it('a text longer than Salesforce keeps is cut to 32,000 characters, and says so', async () => {
    const res = await call(
      'POST',
      '/api/side-panel/add',
      email({ itemKey: '<long@navy.example>', subject: 'Long', body: 'b'.repeat(40_000), what: null }),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.trimmed, true);
    const [task] = await soql(`SELECT Description FROM Task WHERE Id = '${res.body.id}'`);
    assert.equal(task.Description.length, 32_000);
    assert.ok(task.Description.endsWith("[Cut to Salesforce's 32,000 characters: the whole text is in Outlook.]"));
  });

  it("Salesforce's rules on Who and What are checked first: a Lead has no What, several people need shared activities", async () => {
    const lead = await call(
      'POST',
      '/api/side-panel/add',
      email({ itemKey: '<lead@x.example>', who: [{ id: ada, name: 'Ada' }] }),
    );
    assert.equal(lead.status, 400, lead.text);
    assert.equal(lead.body.error.field, 'what');
    assert.equal(lead.body.error.message, `what: ${SERVICE_TEXTS.leadWithWhat}`);
    const two = await call(
      'POST',
      '/api/side-panel/add',
      email({
        itemKey: '<two@x.example>',
        what: null,
        who: [
          { id: grace, name: 'Grace' },
          { id: grace.replace(/.$/, 'B'), name: 'Other' },
        ],
      }),
    );
    assert.equal(two.status, 400, two.text);
    assert.equal(two.body.error.message, `who: ${SERVICE_TEXTS.noSharedActivities}`);
    const bad = await call('POST', '/api/side-panel/add', email({ itemKey: '<bad@x.example>', start: 'yesterday' }));
    assert.equal(bad.body.error.field, 'start');
    // Date.parse takes February 30; Salesforce would be sent an ActivityDate that is no day.
    const noDay = await call(
      'POST',
      '/api/side-panel/add',
      email({ itemKey: '<feb30@x.example>', start: '2026-02-30T10:00:00Z' }),
    );
    assert.equal(noDay.status, 400, noDay.text);
    assert.equal(noDay.body.error.field, 'start');
    // A Lead alone is fine.
    const ok = await call(
      'POST',
      '/api/side-panel/add',
      email({ itemKey: '<lead@x.example>', what: null, who: [{ id: ada, name: 'Ada' }] }),
    );
    assert.equal(ok.status, 200, ok.text);
  });

  it('Add meeting makes an Event with its times and attendees; a second add is refused', async () => {
    const meeting = {
      kind: 'meeting',
      itemKey: 'AAMkAGI2-meeting-1',
      subject: 'Compiler review',
      body: 'Agenda: the A-0 system.',
      start: '2026-03-10T15:00:00Z',
      end: '2026-03-10T16:00:00+00:00',
      location: 'Room 4',
      from: { address: 'grace@navy.example', name: 'Grace Hopper' },
      to: [{ address: 'ann@test.example', name: 'Ann' }],
      cc: [],
      who: [{ id: grace, name: 'Grace Hopper' }],
      what: { id: navy, name: 'US Navy', type: 'Account' },
    };
    const res = await call('POST', '/api/side-panel/add', meeting);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.sobject, 'Event');
    const [ev] = await soql(
      `SELECT Subject, StartDateTime, EndDateTime, Location, WhoId, WhatId, Description FROM Event WHERE Id = '${res.body.id}'`,
    );
    assert.deepEqual(
      [ev.Subject, ev.StartDateTime, ev.EndDateTime, ev.Location, ev.WhoId, ev.WhatId],
      ['Compiler review', '2026-03-10T15:00:00.000+0000', '2026-03-10T16:00:00.000+0000', 'Room 4', grace, navy],
    );
    assert.ok(
      ev.Description.startsWith('Organizer: Grace Hopper <grace@navy.example>\nRequired: Ann <ann@test.example>\n'),
    );
    const again = await call('POST', '/api/side-panel/add', meeting);
    assert.equal(again.status, 409);
    assert.match(
      again.body.error.message,
      /^This meeting is already in Salesforce: .* as an Event on Grace Hopper, related to US Navy\.$/,
    );
  });

  it("API access removed: the product's exact text, never the cache; given back, the people come again", async () => {
    const item = [{ address: 'grace@navy.example', name: 'Grace Hopper', role: 'from' }];
    assert.equal((await people('<access@navy.example>', item)).status, 200);
    await setApiEnabled(false);
    try {
      for (const key of ['<access@navy.example>', '<other@navy.example>']) {
        const off = await people(key, item);
        assert.equal(off.status, 403, off.text);
        assert.equal(off.body.error.message, messages['sfo.syncStopped']);
      }
      const add = await call('POST', '/api/side-panel/add', email({ itemKey: '<off@navy.example>', what: null }));
      assert.equal(add.status, 403);
      assert.equal(add.body.error.message, messages['sfo.syncStopped']);
      // The sync status above the panel says so too: the panel's refusal starts a run, which stops on it.
      await eventually(async () => {
        const status = await call('GET', '/api/status');
        assert.equal(status.body.stopReason, 'accessRevoked', status.text);
        assert.equal(status.body.message, messages['sfo.syncStopped']);
        return true;
      }, 'the status shows the stop');
    } finally {
      await setApiEnabled(true);
    }
    const back = await people('<access@navy.example>', item);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.cached, false);
    assert.equal(back.body.people[0].records[0].id, grace);
    await eventually(async () => {
      const status = await call('GET', '/api/status');
      assert.equal(status.body.stopReason, null, status.text);
      return true;
    }, 'the status shows no stop again');
  });

  describe('in an org that shares activities', () => {
    let shared: ServiceWorld;
    let sharedSecret: string;
    before(async () => {
      shared = await startServiceWorld({
        intervalSeconds: 3600,
        orgSeed: (seed) => {
          seed.organization.features = { ...seed.organization.features, sharedActivities: true };
        },
      });
      sharedSecret = await shared.signInAnn();
    });
    after(async () => {
      await shared?.close();
    });

    it('the people answer says so, and Add Email puts one Task on several Contacts (TaskRelation)', async () => {
      const org = axios.create({
        baseURL: `${shared.org.url}/services/data/v60.0`,
        headers: { authorization: `Bearer ${sessionFor(shared.org, 'ann@test.example')}` },
        validateStatus: () => true,
      });
      const [{ Id: g }] = (await org.get('/query', { params: { q: 'SELECT Id FROM Contact' } })).data.records;
      const mary = (
        await org.post('/sobjects/Contact', { LastName: 'Hawes', FirstName: 'Mary', Email: 'mary@navy.example' })
      ).data.id;
      const send = (method: string, url: string, body?: unknown) =>
        shared.call(method, url, { secret: sharedSecret, body });
      const describedBefore = new Map(shared.org.ctx.stats.describes);
      const taskRelationDescribes = () =>
        (shared.org.ctx.stats.describes.get('TaskRelation 200') ?? 0) - (describedBefore.get('TaskRelation 200') ?? 0);
      const found = await send('POST', '/api/side-panel/people', {
        itemKey: '<shared@navy.example>',
        people: [
          { address: 'grace@navy.example', name: null, role: 'from' },
          { address: 'mary@navy.example', name: null, role: 'cc' },
        ],
      });
      assert.equal(found.status, 200, found.text);
      assert.equal(found.body.sharesActivities, true);
      assert.equal(taskRelationDescribes(), 1, 'described in the Composite call');
      const res = await send(
        'POST',
        '/api/side-panel/add',
        email({
          itemKey: '<shared@navy.example>',
          subject: 'Shared',
          what: null,
          who: [
            { id: g, name: 'Grace Hopper' },
            { id: mary, name: 'Mary Hawes' },
          ],
        }),
      );
      assert.equal(res.status, 200, res.text);
      assert.equal(taskRelationDescribes(), 1, "the add's check of Shared Activities is the people answer's describe");
      const [task] = (await org.get('/query', { params: { q: `SELECT WhoId FROM Task WHERE Id = '${res.body.id}'` } }))
        .data.records;
      assert.equal(task.WhoId, g);
      const relations = (
        await org.get('/query', {
          params: { q: `SELECT RelationId, IsWhat FROM TaskRelation WHERE TaskId = '${res.body.id}'` },
        })
      ).data.records;
      assert.deepEqual(
        relations.map((r: any) => [r.RelationId, r.IsWhat]),
        [[mary, false]],
      );
      const again = await send('POST', '/api/side-panel/add', email({ itemKey: '<shared@navy.example>', what: null }));
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, / as a Task on Grace Hopper, Mary Hawes\.$/);
      const lead = await send(
        'POST',
        '/api/side-panel/add',
        email({
          itemKey: '<shared-2@navy.example>',
          what: null,
          who: [
            { id: g, name: 'G' },
            { id: '00QDx0000000001MAA', name: 'L' },
          ],
        }),
      );
      assert.equal(lead.status, 400);
      assert.equal(lead.body.error.field, 'who');
    });
  });
});
