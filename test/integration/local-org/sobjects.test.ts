/** Single-record sObject REST over real HTTP: CRUD, validation, upsert by external id, updated/deleted, limits. */
import assert from 'node:assert/strict';
import { startTestOrg, sessionFor, userId, testSeed } from '../../helpers/org';
import { LocalOrg, startLocalOrg } from '../../../sync-engine/src/local-org';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** A REST caller for one session; answers keep the raw text so bodies can be compared byte for byte. */
function restClient(org: LocalOrg, token: string, version = '60.0') {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${org.url}/services/data/v${version}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
}

const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

describe('local org: sObject REST', () => {
  let org: LocalOrg;
  let ann: ReturnType<typeof restClient>;
  let cy: ReturnType<typeof restClient>;

  before(async () => {
    org = await startTestOrg();
    ann = restClient(org, sessionFor(org, 'ann@test.example'));
    cy = restClient(org, sessionFor(org, 'cy@test.example'));
  });
  after(() => org.close());

  describe('Contact CRUD', () => {
    it('creates with 201, a Location header and {id, success, errors}', async () => {
      const res = await ann('POST', '/sobjects/Contact', {
        FirstName: 'Ada',
        LastName: 'Lovelace',
        Email: 'ada@example.com',
      });
      assert.equal(res.status, 201);
      assert.match(res.body.id, /^003[A-Za-z0-9]{15}$/);
      assert.equal(res.text, `{"id":"${res.body.id}","success":true,"errors":[]}`);
      assert.equal(res.headers.get('location'), `/services/data/v60.0/sobjects/Contact/${res.body.id}`);
      assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.match(res.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/\d+$/);
    });

    it('reads, updates (204, empty body) and deletes (204), then answers 404', async () => {
      const { body: created } = await ann('POST', '/sobjects/Contact', { LastName: 'Crud', Phone: '+1 555 0101' });
      const id = created.id as string;

      const read = await ann('GET', `/sobjects/Contact/${id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.attributes, { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${id}` });
      assert.equal(Object.keys(read.body)[0], 'attributes');
      assert.equal(read.body.Id, id);
      assert.equal(read.body.Name, 'Crud');
      assert.equal(read.body.OwnerId, userId(org, 'ann@test.example'));
      assert.equal(read.body.IsDeleted, false);
      assert.match(read.body.CreatedDate, SF_DATETIME);

      const patched = await ann('PATCH', `/sobjects/Contact/${id}`, { Title: 'Engineer', FirstName: 'Cora' });
      assert.equal(patched.status, 204);
      assert.equal(patched.text, '');
      const some = await ann('GET', `/sobjects/Contact/${id.slice(0, 15)}?fields=Id,Name,Title`);
      assert.deepEqual(some.body, {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${id}` },
        Id: id,
        Name: 'Cora Crud',
        Title: 'Engineer',
      });

      const deleted = await ann('DELETE', `/sobjects/Contact/${id}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, '');
      const gone = await ann('GET', `/sobjects/Contact/${id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.text, '[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]');
      assert.equal((await ann('DELETE', `/sobjects/Contact/${id}`)).status, 404);
      const stored = org.ctx.store.db.prepare(`SELECT "IsDeleted" FROM sobj_Contact WHERE "Id" = ?`).get(id) as {
        IsDeleted: number;
      };
      assert.equal(stored.IsDeleted, 1, 'deletes are soft, as the recycle bin');
    });

    it('keeps records private to their owner: another user gets 404', async () => {
      const { body } = await ann('POST', '/sobjects/Contact', { LastName: 'Private' });
      assert.equal((await cy('GET', `/sobjects/Contact/${body.id}`)).status, 404);
      assert.equal((await cy('PATCH', `/sobjects/Contact/${body.id}`, { LastName: 'Stolen' })).status, 404);
      assert.equal((await ann('GET', `/sobjects/Contact/${body.id}?fields=LastName`)).body.LastName, 'Private');
    });

    it('answers an unknown field in ?fields= as SOQL does', async () => {
      const { body } = await ann('POST', '/sobjects/Contact', { LastName: 'Fields' });
      const res = await ann('GET', `/sobjects/Contact/${body.id}?fields=Id,Nope`);
      assert.equal(res.status, 400);
      assert.equal(res.body[0].errorCode, 'INVALID_FIELD');
      assert.match(res.body[0].message, /^No such column 'Nope' on entity 'Contact'\./);
    });
  });

  describe('Event and Task', () => {
    it('creates an event from start and duration, deriving the end and the activity date', async () => {
      const res = await ann('POST', '/sobjects/Event', {
        Subject: 'Review',
        StartDateTime: '2030-01-15T10:00:00.000+0000',
        DurationInMinutes: 45,
        Location: 'Room 1',
      });
      assert.equal(res.status, 201);
      assert.match(res.body.id, /^00U/);
      const ev = (
        await ann(
          'GET',
          `/sobjects/Event/${res.body.id}?fields=StartDateTime,EndDateTime,ActivityDate,DurationInMinutes,ShowAs,IsAllDayEvent`,
        )
      ).body;
      assert.equal(ev.StartDateTime, '2030-01-15T10:00:00.000+0000');
      assert.equal(ev.EndDateTime, '2030-01-15T10:45:00.000+0000');
      assert.equal(ev.ActivityDate, '2030-01-15');
      assert.equal(ev.DurationInMinutes, 45);
      assert.equal(ev.ShowAs, 'Busy');
      assert.equal(ev.IsAllDayEvent, false);

      assert.equal(
        (await ann('PATCH', `/sobjects/Event/${res.body.id}`, { StartDateTime: '2030-01-16T09:00:00Z' })).status,
        204,
      );
      const moved = (await ann('GET', `/sobjects/Event/${res.body.id}?fields=EndDateTime,DurationInMinutes`)).body;
      assert.equal(moved.EndDateTime, '2030-01-16T09:45:00.000+0000', 'a new start keeps the duration');
      assert.equal(moved.DurationInMinutes, 45);
    });

    it('requires an event start', async () => {
      const res = await ann('POST', '/sobjects/Event', { Subject: 'No time' });
      assert.equal(res.status, 400);
      assert.equal(
        res.text,
        '[{"message":"Required fields are missing: [StartDateTime, EndDateTime]","errorCode":"REQUIRED_FIELD_MISSING","fields":["StartDateTime","EndDateTime"]}]',
      );
    });

    it('creates, closes and deletes a task', async () => {
      const res = await ann('POST', '/sobjects/Task', {
        Subject: 'Call back',
        ActivityDate: '2030-02-01',
        Priority: 'High',
      });
      assert.equal(res.status, 201);
      const id = res.body.id as string;
      let task = (await ann('GET', `/sobjects/Task/${id}?fields=Status,IsClosed,ActivityDate,Priority,TaskSubtype`))
        .body;
      assert.deepEqual(
        [task.Status, task.IsClosed, task.ActivityDate, task.Priority, task.TaskSubtype],
        ['Not Started', false, '2030-02-01', 'High', 'Task'],
      );
      assert.equal((await ann('PATCH', `/sobjects/Task/${id}`, { Status: 'Completed' })).status, 204);
      task = (await ann('GET', `/sobjects/Task/${id}?fields=IsClosed`)).body;
      assert.equal(task.IsClosed, true);
      const bad = await ann('PATCH', `/sobjects/Task/${id}`, { ActivityDate: '2030-02-30' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body[0].errorCode, 'JSON_PARSER_ERROR');
      assert.equal((await ann('DELETE', `/sobjects/Task/${id}`)).status, 204);
    });

    it('links a task to a contact, and refuses an id of the wrong type', async () => {
      const contact = (await ann('POST', '/sobjects/Contact', { LastName: 'Linked' })).body.id as string;
      assert.equal((await ann('POST', '/sobjects/Task', { Subject: 'Linked', WhoId: contact })).status, 201);
      const wrong = await ann('POST', '/sobjects/Task', { Subject: 'Wrong', WhoId: userId(org, 'ann@test.example') });
      assert.equal(wrong.status, 400);
      assert.equal(
        wrong.text,
        `[{"message":"Name ID: id value of incorrect type: ${userId(org, 'ann@test.example')}","errorCode":"MALFORMED_ID","fields":["WhoId"]}]`,
      );
    });
  });

  describe('validation errors (exact bodies)', () => {
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      [
        'a missing required field',
        { FirstName: 'No' },
        400,
        '[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]',
      ],
      [
        'an empty required field',
        { LastName: '' },
        400,
        '[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]',
      ],
      [
        'a value too long',
        { LastName: 'L'.repeat(81) },
        400,
        `[{"message":"Last Name: data value too large: ${'L'.repeat(81)} (max length=80)","errorCode":"STRING_TOO_LONG","fields":["LastName"]}]`,
      ],
      [
        'a bad email',
        { LastName: 'Mail', Email: 'not an email' },
        400,
        '[{"message":"Email: invalid email address: not an email","errorCode":"INVALID_EMAIL_ADDRESS","fields":["Email"]}]',
      ],
      [
        'an unknown field',
        { LastName: 'X', foo: 1 },
        400,
        '[{"message":"No such column \'foo\' on sobject of type Contact","errorCode":"INVALID_FIELD"}]',
      ],
      [
        'a read-only field',
        { LastName: 'X', Name: 'Y', CreatedDate: '2030-01-01T00:00:00Z' },
        400,
        '[{"message":"Unable to create/update fields: Name, CreatedDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.","errorCode":"INVALID_FIELD_FOR_INSERT_UPDATE","fields":["Name","CreatedDate"]}]',
      ],
      [
        'an Id in the data',
        { LastName: 'X', Id: '003000000000000AAA' },
        400,
        '[{"message":"The Id field should not be specified in the sobject data.","errorCode":"INVALID_FIELD"}]',
      ],
      [
        'a reference of the wrong type',
        { LastName: 'X', AccountId: '003Dx0000000001' },
        400,
        '[{"message":"Account ID: id value of incorrect type: 003Dx0000000001","errorCode":"MALFORMED_ID","fields":["AccountId"]}]',
      ],
    ];
    for (const [what, body, status, text] of cases) {
      it(`refuses ${what}`, async () => {
        const before = org.ctx.store.db.prepare(`SELECT COUNT(*) AS n FROM sobj_Contact`).get() as { n: number };
        const res = await ann('POST', '/sobjects/Contact', body);
        assert.equal(res.status, status);
        assert.equal(res.text, text);
        assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
        assert.deepEqual(
          org.ctx.store.db.prepare(`SELECT COUNT(*) AS n FROM sobj_Contact`).get(),
          before,
          'nothing written',
        );
      });
    }

    it('reports every field error of a record together', async () => {
      const res = await ann('POST', '/sobjects/Contact', { LastName: 'x'.repeat(90), Email: 'bad' });
      assert.deepEqual(
        res.body.map((e: { errorCode: string }) => e.errorCode),
        ['STRING_TOO_LONG', 'INVALID_EMAIL_ADDRESS'],
      );
    });

    it('takes datetimes with +00:00, +0000 and Z and stores them in UTC', async () => {
      for (const start of ['2030-03-01T08:00:00+00:00', '2030-03-01T09:00:00.000+0100', '2030-03-01T08:00:00Z']) {
        const res = await ann('POST', '/sobjects/Event', {
          Subject: 'TZ',
          StartDateTime: start,
          EndDateTime: '2030-03-01T10:00:00Z',
        });
        assert.equal(res.status, 201, start);
        const ev = (await ann('GET', `/sobjects/Event/${res.body.id}?fields=StartDateTime`)).body;
        assert.equal(ev.StartDateTime, '2030-03-01T08:00:00.000+0000');
      }
      const bad = await ann('POST', '/sobjects/Event', {
        Subject: 'TZ',
        StartDateTime: 'tomorrow',
        EndDateTime: '2030-03-01T10:00:00Z',
      });
      assert.equal(bad.status, 400);
      assert.equal(
        bad.text,
        '[{"message":"Cannot deserialize instance of datetime from VALUE_STRING value tomorrow or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]',
      );
    });
  });

  describe('upsert and read by external id', () => {
    it('creates (201, created:true), then updates (200, created:false) on API 46.0+', async () => {
      const first = await ann('PATCH', '/sobjects/Contact/OutlookId__c/AAMk-1', {
        LastName: 'Outlook',
        Email: 'o@example.com',
      });
      assert.equal(first.status, 201);
      assert.equal(first.text, `{"id":"${first.body.id}","success":true,"errors":[],"created":true}`);
      const second = await ann('PATCH', '/sobjects/Contact/OutlookId__c/aamk-1', { LastName: 'Outlook2' });
      assert.equal(second.status, 200);
      assert.equal(second.text, `{"id":"${first.body.id}","success":true,"errors":[],"created":false}`);
      // Matched case-insensitively; the key is written as the url gives it, like any other field of the upsert.
      const read = await ann('GET', '/sobjects/Contact/OutlookId__c/AAMK-1?fields=LastName,OutlookId__c');
      assert.deepEqual([read.body.LastName, read.body.OutlookId__c], ['Outlook2', 'aamk-1']);
    });

    it('answers updates with 204 and creates without `created` before API 46.0', async () => {
      const old = restClient(org, sessionFor(org, 'ann@test.example'), '45.0');
      const created = await old('PATCH', '/sobjects/Contact/OutlookId__c/v45', { LastName: 'Old' });
      assert.equal(created.status, 201);
      assert.equal(created.text, `{"id":"${created.body.id}","success":true,"errors":[]}`);
      const updated = await old('PATCH', '/sobjects/Contact/OutlookId__c/v45', { LastName: 'Older' });
      assert.equal(updated.status, 204);
      assert.equal(updated.text, '');
    });

    it('answers 300 with the record urls when the value matches several records', async () => {
      const a = (await ann('POST', '/sobjects/Contact', { LastName: 'Dup', OutlookId__c: 'twice' })).body.id;
      const b = (await ann('POST', '/sobjects/Contact', { LastName: 'Dup', OutlookId__c: 'twice' })).body.id;
      const res = await ann('PATCH', '/sobjects/Contact/OutlookId__c/twice', { LastName: 'Which' });
      assert.equal(res.status, 300);
      assert.deepEqual(
        res.body,
        [a, b].sort().map((id) => `/services/data/v60.0/sobjects/Contact/${id}`),
      );
      assert.equal((await ann('GET', '/sobjects/Contact/OutlookId__c/twice')).status, 300);
    });

    it('answers 404 for a field that does not exist and 400 for one that is no external id', async () => {
      const missing = await ann('PATCH', '/sobjects/Contact/Namez/x', { LastName: 'X' });
      assert.equal(missing.status, 404);
      assert.equal(
        missing.text,
        '[{"message":"Provided external ID field does not exist or is not accessible: Namez","errorCode":"NOT_FOUND"}]',
      );
      const notKey = await ann('PATCH', '/sobjects/Contact/LastName/x', { LastName: 'X' });
      assert.equal(notKey.status, 400);
      assert.equal(
        notKey.text,
        '[{"message":"Field name provided, LastName is not an External ID or indexed field for Contact","errorCode":"INVALID_FIELD"}]',
      );
      assert.equal((await ann('GET', '/sobjects/Contact/OutlookId__c/never-seen')).status, 404);
    });
  });

  describe('methods', () => {
    it('answers 405 for a method a resource does not take', async () => {
      const { body } = await ann('POST', '/sobjects/Contact', { LastName: 'Method' });
      const put = await ann('PUT', `/sobjects/Contact/${body.id}`, { LastName: 'X' });
      assert.equal(put.status, 405);
      assert.equal(
        put.text,
        '[{"message":"HTTP Method \'PUT\' not allowed. Allowed are HEAD,GET,PATCH,DELETE","errorCode":"METHOD_NOT_ALLOWED"}]',
      );
      const admin = restClient(org, sessionFor(org, 'admin@test.example'));
      const org405 = await admin('POST', '/sobjects/Organization', { Name: 'Second' });
      assert.equal(org405.status, 405);
      assert.equal(org405.body[0].message, "HTTP Method 'POST' not allowed. Allowed are HEAD,GET");
      const user405 = await admin('DELETE', `/sobjects/User/${userId(org, 'ann@test.example')}`);
      assert.equal(user405.status, 405);
      assert.equal(user405.body[0].message, "HTTP Method 'DELETE' not allowed. Allowed are HEAD,GET,PATCH");
    });
  });

  describe('limits', () => {
    it('reports the daily allocation the gate counts', async () => {
      const small = await startTestOrg(testSeed(), { dailyRequestLimit: 50 });
      try {
        const call = restClient(small, sessionFor(small, 'ann@test.example'));
        await call('GET', '/sobjects');
        const res = await call('GET', '/limits');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.DailyApiRequests, { Max: 50, Remaining: 48 });
        assert.equal(res.headers.get('sforce-limit-info'), 'api-usage=2/50');
        for (const v of Object.values(res.body) as Array<{ Max: unknown; Remaining: unknown }>) {
          assert.ok(Number.isInteger(v.Max) && Number.isInteger(v.Remaining));
        }
      } finally {
        await small.close();
      }
    });
  });
});

describe('local org: updated and deleted windows', () => {
  let org: LocalOrg;
  let now = Date.parse('2030-01-15T10:00:30Z');
  const at = (iso: string) => {
    now = Date.parse(iso);
  };
  let ann: ReturnType<typeof restClient>;
  let admin: ReturnType<typeof restClient>;
  const ids: Record<string, string> = {};
  const q = (start: string, end: string) => `?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;

  before(async () => {
    org = await startLocalOrg({ seed: testSeed(), dataDir: ':memory:', port: 0, clock: { now: () => new Date(now) } });
    ann = restClient(org, sessionFor(org, 'ann@test.example'));
    admin = restClient(org, sessionFor(org, 'admin@test.example'));
    at('2030-01-15T10:05:10Z');
    ids.a = (await ann('POST', '/sobjects/Contact', { LastName: 'A' })).body.id;
    at('2030-01-15T10:07:20Z');
    ids.b = (await ann('POST', '/sobjects/Contact', { LastName: 'B' })).body.id;
    ids.adminOwned = (await admin('POST', '/sobjects/Contact', { LastName: 'C' })).body.id;
    at('2030-01-15T10:09:05Z');
  });
  after(() => org.close());

  it('lists the ids changed in [start, end), truncated to the minute, as the caller may see them', async () => {
    const grace = (
      org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_Contact WHERE "LastName" = 'Hopper'`).get() as { Id: string }
    ).Id;
    const res = await ann(
      'GET',
      `/sobjects/Contact/updated/${q('2030-01-15T10:00:00+00:00', '2030-01-15T10:08:59+00:00')}`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ids: [grace, ids.a, ids.b], latestDateCovered: '2030-01-15T10:08:00.000+0000' });
    const forAdmin = await admin(
      'GET',
      `/sobjects/Contact/updated/${q('2030-01-15T10:06:00+00:00', '2030-01-15T10:08:00+00:00')}`,
    );
    assert.deepEqual(
      forAdmin.body.ids,
      [ids.b, ids.adminOwned].sort((x, y) => (x < y ? -1 : 1)),
    );
  });

  it('covers an end in the future only up to now', async () => {
    const res = await ann(
      'GET',
      `/sobjects/Contact/updated${q('2030-01-15T10:06:00+00:00', '2030-01-15T12:00:00+00:00')}`,
    );
    assert.deepEqual(res.body, { ids: [ids.b], latestDateCovered: '2030-01-15T10:09:00.000+0000' });
  });

  it('lists deleted records with their deletion date, and drops them from updated', async () => {
    at('2030-01-15T10:10:40Z');
    assert.equal((await ann('DELETE', `/sobjects/Contact/${ids.a}`)).status, 204);
    at('2030-01-15T10:12:00Z');
    const res = await ann(
      'GET',
      `/sobjects/Contact/deleted/${q('2030-01-15T10:00:00+00:00', '2030-01-15T10:12:00+00:00')}`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      deletedRecords: [{ id: ids.a, deletedDate: '2030-01-15T10:10:40.000+0000' }],
      earliestDateAvailable: '2030-01-15T10:00:00.000+0000',
      latestDateCovered: '2030-01-15T10:12:00.000+0000',
    });
    const updated = await ann(
      'GET',
      `/sobjects/Contact/updated/${q('2030-01-15T10:00:00+00:00', '2030-01-15T10:12:00+00:00')}`,
    );
    assert.ok(!updated.body.ids.includes(ids.a));
    const empty = await ann(
      'GET',
      `/sobjects/Task/deleted/${q('2030-01-15T10:00:00+00:00', '2030-01-15T10:12:00+00:00')}`,
    );
    assert.deepEqual(empty.body.deletedRecords, []);
  });

  it('refuses bad windows with INVALID_REPLICATION_DATE', async () => {
    const backwards = await ann(
      'GET',
      `/sobjects/Contact/updated/${q('2030-01-15T10:10:00+00:00', '2030-01-15T10:05:00+00:00')}`,
    );
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body[0].errorCode, 'INVALID_REPLICATION_DATE');
    const sameMinute = await ann(
      'GET',
      `/sobjects/Contact/updated/${q('2030-01-15T10:05:00+00:00', '2030-01-15T10:05:40+00:00')}`,
    );
    assert.equal(sameMinute.body[0].errorCode, 'INVALID_REPLICATION_DATE');
    const tooOld = await ann(
      'GET',
      `/sobjects/Contact/updated/${q('2029-12-01T00:00:00+00:00', '2030-01-15T10:00:00+00:00')}`,
    );
    assert.equal(tooOld.status, 400);
    assert.equal(
      tooOld.text,
      '[{"message":"startDate cannot be more than 30 days ago","errorCode":"INVALID_REPLICATION_DATE"}]',
    );
    const garbage = await ann('GET', `/sobjects/Contact/updated/?start=yesterday&end=2030-01-15T10:00:00Z`);
    assert.equal(garbage.status, 400);
    const missing = await ann('GET', `/sobjects/Contact/updated/?start=2030-01-15T10:00:00Z`);
    assert.equal(missing.status, 400);
    assert.equal(missing.body[0].errorCode, 'MISSING_ARGUMENT');
  });
});
