/**
 * "Add Email to Salesforce" over real HTTP: the message becomes a completed Task of type Email on the Contact
 * with the sender's address (checked through the org's REST API), or an unresolved item when none matches;
 * adding a message again answers what the first add did, and bad input gets a precise 400.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import axios, { AxiosInstance } from 'axios';
import Database from 'better-sqlite3';
import { startServiceWorld, ServiceWorld } from '../../helpers/service';
import { sessionFor, userId } from '../../helpers/org';

const email = (o: Record<string, unknown> = {}) => ({
  sender: { address: 'grace@navy.example', name: 'Grace Hopper' },
  subject: 'COBOL compiler',
  body: 'The compiler is ready.\nGrace',
  receivedDateTime: '2026-03-05T23:30:00-05:00',
  internetMessageId: '<compiler-1@navy.example>',
  ...o,
});

describe('service: Add Email to Salesforce', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  let secret: string;
  let sf: AxiosInstance;
  const add = (body: unknown) => w.call('POST', '/api/add-email', { secret, body });
  const soql = async (q: string) => {
    const res = await sf.get('/query', { params: { q } });
    assert.equal(res.status, 200, JSON.stringify(res.data));
    return res.data.records as any[];
  };

  before(async () => {
    w = await startServiceWorld();
    sf = axios.create({
      baseURL: `${w.org.url}/services/data/v60.0`,
      headers: { authorization: `Bearer ${sessionFor(w.org, 'admin@test.example')}` },
      validateStatus: () => true,
    });
    secret = await w.signInAnn();
  });
  after(async () => {
    await w?.close();
  });

  it("an email from a Contact's address becomes a completed Task of type Email on that Contact, owned by the user", async () => {
    const [grace] = await soql("SELECT Id FROM Contact WHERE Email = 'grace@navy.example'");
    const res = await add(email());
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['contactId', 'ok', 'taskId']);
    assert.equal(res.body.ok, true);
    assert.equal(res.body.contactId, grace.Id);
    assert.match(res.body.taskId, /^00T/);
    const tasks = await soql(
      `SELECT Id, Subject, Status, Type, TaskSubtype, Description, ActivityDate, WhoId, OwnerId, IsClosed FROM Task WHERE WhoId = '${grace.Id}'`,
    );
    assert.equal(tasks.length, 1);
    const { attributes: _a, ...task } = tasks[0];
    assert.deepEqual(task, {
      Id: res.body.taskId,
      Subject: 'Email: COBOL compiler',
      Status: 'Completed',
      Type: 'Email',
      TaskSubtype: 'Email',
      Description: 'The compiler is ready.\nGrace',
      ActivityDate: '2026-03-05',
      WhoId: grace.Id,
      OwnerId: userId(w.org, 'ann@test.example'),
      IsClosed: true,
    });
  });

  it('adding the same message again answers the first result and makes no second Task', async () => {
    const first = await add(email());
    const again = await Promise.all([add(email()), add(email())]);
    for (const res of again) assert.deepEqual(res.body, first.body);
    assert.equal((await soql(`SELECT Id FROM Task WHERE WhoId = '${first.body.contactId}'`)).length, 1);
  });

  it('a retry after the answer was lost finds the Task it made instead of making another', async () => {
    const first = await add(email({ internetMessageId: '<lost-answer@navy.example>', subject: 'Lost' }));
    assert.equal(first.status, 200, first.text);
    // As if the service stopped after the Task was made and before it stored the result.
    const db = new Database(path.join(w.dataDir, 'service.sqlite'));
    db.prepare(`UPDATE added_emails SET state = 'sending', task_id = NULL WHERE message_id = ?`).run(
      '<lost-answer@navy.example>',
    );
    db.close();
    const retry = await add(email({ internetMessageId: '<lost-answer@navy.example>', subject: 'Lost' }));
    assert.deepEqual(retry.body, first.body);
    assert.equal((await soql("SELECT Id FROM Task WHERE Subject = 'Email: Lost'")).length, 1);
  });

  it("the subject and text are cut to the Task's field sizes; an empty subject says so", async () => {
    const res = await add(
      email({ internetMessageId: '<long@navy.example>', subject: 'S'.repeat(400), body: 'b'.repeat(40_000) }),
    );
    assert.equal(res.status, 200, res.text);
    const [task] = await soql(`SELECT Subject, Description FROM Task WHERE Id = '${res.body.taskId}'`);
    assert.equal(task.Subject.length, 255);
    assert.ok(task.Subject.startsWith('Email: SSS'));
    assert.equal(task.Description.length, 32_000);
    const empty = await add(email({ internetMessageId: '<empty@navy.example>', subject: '' }));
    const [t2] = await soql(`SELECT Subject FROM Task WHERE Id = '${empty.body.taskId}'`);
    assert.equal(t2.Subject, 'Email: (no subject)');
  });

  it('a sender no Contact has: an unresolved item, kept in the service and listed', async () => {
    const before = (await soql('SELECT Id FROM Task')).length;
    const res = await add(
      email({
        sender: { address: 'stranger@nowhere.example', name: 'A Stranger' },
        internetMessageId: '<hello@nowhere.example>',
        subject: 'Hello',
      }),
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['id', 'ok', 'unresolved']);
    assert.equal(res.body.unresolved, true);
    assert.equal((await soql('SELECT Id FROM Task')).length, before, 'no Task in Salesforce');
    const again = await add(
      email({
        sender: { address: 'stranger@nowhere.example' },
        internetMessageId: '<hello@nowhere.example>',
        subject: 'Hello',
      }),
    );
    assert.deepEqual(again.body, res.body);
    const list = await w.call('GET', '/api/unresolved', { secret });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const { createdAt, ...item } = list.body.items[0];
    assert.ok(createdAt);
    assert.deepEqual(item, {
      id: res.body.id,
      internetMessageId: '<hello@nowhere.example>',
      senderAddress: 'stranger@nowhere.example',
      senderName: 'A Stranger',
      subject: 'Hello',
      receivedDateTime: '2026-03-05T23:30:00-05:00',
      body: 'The compiler is ready.\nGrace',
    });
  });

  it("the sender's address matches whatever its case", async () => {
    const res = await add(
      email({ sender: { address: 'GRACE@Navy.Example', name: null }, internetMessageId: '<case@navy.example>' }),
    );
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.taskId);
  });

  describe('bad input: a precise 400 naming the field', () => {
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['missing sender', email({ sender: undefined }), 'sender', /^sender: required/],
      ['missing sender address', email({ sender: { name: 'x' } }), 'sender.address', /^sender\.address: required/],
      [
        'an address that is not one',
        email({ sender: { address: 'grace at navy' } }),
        'sender.address',
        /^sender\.address: "grace at navy" is not an email address$/,
      ],
      ['missing subject', email({ subject: undefined }), 'subject', /^subject: required/],
      ['a body that is not text', email({ body: 42 }), 'body', /^body: must be/],
      [
        'missing received date',
        email({ receivedDateTime: undefined }),
        'receivedDateTime',
        /^receivedDateTime: required/,
      ],
      [
        'a date without a time zone',
        email({ receivedDateTime: '2026-03-05T14:30:00' }),
        'receivedDateTime',
        /^receivedDateTime: "2026-03-05T14:30:00" is not an ISO 8601 date and time with an offset/,
      ],
      [
        'an impossible date',
        email({ receivedDateTime: '2026-13-45T14:30:00Z' }),
        'receivedDateTime',
        /is not an ISO 8601 date/,
      ],
      [
        'February 30',
        email({ receivedDateTime: '2026-02-30T14:30:00Z' }),
        'receivedDateTime',
        /is not an ISO 8601 date/,
      ],
      [
        'missing message id',
        email({ internetMessageId: undefined }),
        'internetMessageId',
        /^internetMessageId: required/,
      ],
      ['blank message id', email({ internetMessageId: '  ' }), 'internetMessageId', /^internetMessageId: required/],
    ];
    for (const [what, body, field, message] of cases) {
      it(what, async () => {
        const res = await add(body);
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.code, 'INVALID_INPUT');
        assert.equal(res.body.error.field, field);
        assert.match(res.body.error.message, message);
      });
    }

    it('no body, an array, bad JSON', async () => {
      assert.equal((await w.call('POST', '/api/add-email', { secret })).body.error.code, 'BODY_REQUIRED');
      assert.equal((await add([])).body.error.code, 'BODY_REQUIRED');
      const json = await w.call('POST', '/api/add-email', { secret, raw: '{"sender": }' });
      assert.equal(json.status, 400);
      assert.equal(json.body.error.code, 'BAD_JSON');
    });
  });
});
