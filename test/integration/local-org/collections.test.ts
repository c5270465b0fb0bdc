/** sObject Collections over real HTTP: create, update, upsert, delete, retrieve; allOrNone both ways. */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';

interface Answer {
  status: number;
  text: string;
  body: any;
}

function restClient(org: LocalOrg, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${org.url}/services/data/v60.0${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

const contact = (fields: Record<string, unknown>) => ({ attributes: { type: 'Contact' }, ...fields });

describe('local org: sObject Collections', () => {
  let org: LocalOrg;
  let ann: ReturnType<typeof restClient>;
  const count = (table: string, where: string, ...args: unknown[]) =>
    (org.ctx.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get(...args) as { n: number }).n;

  before(async () => {
    org = await startTestOrg();
    ann = restClient(org, sessionFor(org, 'ann@test.example'));
  });
  after(() => org.close());

  describe('create', () => {
    it('creates records of mixed types, results in request order', async () => {
      const res = await ann('POST', '/composite/sobjects', {
        allOrNone: false,
        records: [
          contact({ LastName: 'Mixed1' }),
          { attributes: { type: 'Task' }, Subject: 'Mixed task' },
          {
            attributes: { type: 'Event' },
            Subject: 'Mixed event',
            StartDateTime: '2030-01-01T09:00:00Z',
            EndDateTime: '2030-01-01T10:00:00Z',
          },
          contact({ LastName: 'Mixed2' }),
        ],
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.map((r: { id: string }) => r.id.slice(0, 3)),
        ['003', '00T', '00U', '003'],
      );
      for (const r of res.body) assert.deepEqual(Object.keys(r), ['id', 'success', 'errors']);
      assert.ok(res.body.every((r: { success: boolean }) => r.success));
      assert.equal(count('sobj_Contact', `"LastName" LIKE 'Mixed%'`), 2);
    });

    it('without allOrNone, writes the valid records; the failed one has no id', async () => {
      const res = await ann('POST', '/composite/sobjects', {
        allOrNone: false,
        records: [contact({ LastName: 'Partial1' }), contact({ FirstName: 'NoLast' })],
      });
      assert.equal(res.status, 200);
      assert.equal(res.body[0].success, true);
      assert.equal(
        res.text.slice(res.text.indexOf('},{') + 2),
        '{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}]',
      );
      assert.equal(count('sobj_Contact', `"LastName" = 'Partial1'`), 1);
    });

    it('with allOrNone, writes nothing and rolls the valid records back without ids', async () => {
      const before = count('sobj_Contact', '1 = 1');
      const res = await ann('POST', '/composite/sobjects', {
        allOrNone: true,
        records: [
          contact({ LastName: 'AllOrNone1' }),
          contact({ LastName: 'AllOrNone2', Email: 'nope' }),
          contact({ LastName: 'AllOrNone3' }),
        ],
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, [
        { success: false, errors: [ROLLED_BACK] },
        {
          success: false,
          errors: [
            { statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: nope', fields: ['Email'] },
          ],
        },
        { success: false, errors: [ROLLED_BACK] },
      ]);
      assert.equal(count('sobj_Contact', '1 = 1'), before, 'the DB holds nothing of the failed batch');
      assert.equal(count('sobj_Contact', `"LastName" LIKE 'AllOrNone%'`), 0);
    });

    it('refuses an Id on create per record', async () => {
      const res = await ann('POST', '/composite/sobjects', {
        records: [contact({ LastName: 'WithId', Id: '003Dx0000000001AAA' })],
      });
      assert.deepEqual(res.body, [
        {
          success: false,
          errors: [{ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] }],
        },
      ]);
    });

    it('takes exactly 200 records', async () => {
      const records = Array.from({ length: 200 }, (_, i) => contact({ LastName: `Two hundred ${i}` }));
      const res = await ann('POST', '/composite/sobjects', { allOrNone: true, records });
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 200);
      assert.equal(count('sobj_Contact', `"LastName" LIKE 'Two hundred %'`), 200);
    });
  });

  describe('update', () => {
    let ids: string[];
    beforeEach(async () => {
      const res = await ann('POST', '/composite/sobjects', {
        records: [contact({ LastName: 'Up1' }), contact({ LastName: 'Up2' })],
      });
      ids = res.body.map((r: { id: string }) => r.id);
    });

    it('updates records named by `id`', async () => {
      const res = await ann('PATCH', '/composite/sobjects', {
        records: [contact({ id: ids[0], Title: 'Lead Engineer' }), contact({ Id: ids[1], Title: 'CTO' })],
      });
      assert.deepEqual(res.body, [
        { id: ids[0], success: true, errors: [] },
        { id: ids[1], success: true, errors: [] },
      ]);
      assert.equal(count('sobj_Contact', `"Id" IN (?, ?) AND "Title" IS NOT NULL`, ...ids), 2);
    });

    it('without allOrNone, reports an id of the wrong type as MALFORMED_ID and updates the rest', async () => {
      const wrong = userId(org, 'ann@test.example');
      const res = await ann('PATCH', '/composite/sobjects', {
        allOrNone: false,
        records: [contact({ id: ids[0], Title: 'Kept' }), contact({ id: wrong, Title: 'X' })],
      });
      assert.deepEqual(res.body, [
        { id: ids[0], success: true, errors: [] },
        {
          success: false,
          errors: [
            { statusCode: 'MALFORMED_ID', message: `Contact ID: id value of incorrect type: ${wrong}`, fields: ['Id'] },
          ],
        },
      ]);
      assert.equal(count('sobj_Contact', `"Id" = ? AND "Title" = 'Kept'`, ids[0]), 1);
    });

    it('with allOrNone, rolls back and the rolled-back record keeps its id', async () => {
      const res = await ann('PATCH', '/composite/sobjects', {
        allOrNone: true,
        records: [contact({ id: ids[0], Title: 'Never' }), contact({ id: ids[1], LastName: null })],
      });
      assert.deepEqual(res.body, [
        { id: ids[0], success: false, errors: [ROLLED_BACK] },
        {
          success: false,
          errors: [
            {
              statusCode: 'REQUIRED_FIELD_MISSING',
              message: 'Required fields are missing: [LastName]',
              fields: ['LastName'],
            },
          ],
        },
      ]);
      assert.equal(count('sobj_Contact', `"Title" = 'Never'`), 0);
    });

    it('asks for the id when a record has none', async () => {
      const res = await ann('PATCH', '/composite/sobjects', { records: [contact({ Title: 'Who' })] });
      assert.deepEqual(res.body, [
        {
          success: false,
          errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }],
        },
      ]);
    });

    it("refuses to update another user's record", async () => {
      const cy = restClient(org, sessionFor(org, 'cy@test.example'));
      const res = await cy('PATCH', '/composite/sobjects', {
        records: [contact({ id: ids[0], Title: 'Cy was here' })],
      });
      assert.deepEqual(res.body, [
        {
          success: false,
          errors: [
            {
              statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
              message: 'insufficient access rights on object id',
              fields: [],
            },
          ],
        },
      ]);
    });
  });

  describe('delete', () => {
    let ids: string[];
    beforeEach(async () => {
      const res = await ann('POST', '/composite/sobjects', {
        records: [contact({ LastName: 'Del1' }), { attributes: { type: 'Task' }, Subject: 'Del task' }],
      });
      ids = res.body.map((r: { id: string }) => r.id);
    });

    it('deletes ids of different types', async () => {
      const res = await ann('DELETE', `/composite/sobjects?ids=${ids.join(',')}`);
      assert.deepEqual(
        res.body,
        ids.map((id) => ({ id, success: true, errors: [] })),
      );
      assert.equal(count('sobj_Contact', `"Id" = ? AND "IsDeleted" = 1`, ids[0]), 1);
      assert.equal(count('sobj_Task', `"Id" = ? AND "IsDeleted" = 1`, ids[1]), 1);
      const again = await ann('DELETE', `/composite/sobjects?ids=${ids[0]}`);
      assert.deepEqual(again.body, [
        { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] },
      ]);
    });

    it('without allOrNone, deletes what it can and reports a malformed id', async () => {
      const res = await ann('DELETE', `/composite/sobjects?ids=${ids[0]},001RM000003oLrB000`);
      assert.deepEqual(res.body, [
        { id: ids[0], success: true, errors: [] },
        {
          success: false,
          errors: [{ statusCode: 'MALFORMED_ID', message: 'malformed id 001RM000003oLrB000', fields: [] }],
        },
      ]);
    });

    it('with allOrNone=true, deletes nothing and the rolled-back record keeps its id', async () => {
      const res = await ann('DELETE', `/composite/sobjects?ids=${ids[0]},bogus&allOrNone=true`);
      assert.deepEqual(res.body, [
        { id: ids[0], success: false, errors: [ROLLED_BACK] },
        { success: false, errors: [{ statusCode: 'MALFORMED_ID', message: 'malformed id bogus', fields: [] }] },
      ]);
      assert.equal(count('sobj_Contact', `"Id" = ? AND "IsDeleted" = 0`, ids[0]), 1);
    });
  });

  describe('upsert', () => {
    it('creates and updates by external id, with `created` last', async () => {
      const first = await ann('PATCH', '/composite/sobjects/Contact/OutlookId__c', {
        allOrNone: false,
        records: [
          contact({ LastName: 'Ext A', OutlookId__c: 'ext-a' }),
          contact({ LastName: 'Ext B', OutlookId__c: 'ext-b' }),
        ],
      });
      assert.equal(first.status, 200);
      for (const r of first.body) assert.deepEqual(Object.keys(r), ['id', 'success', 'errors', 'created']);
      assert.deepEqual(
        first.body.map((r: { created: boolean }) => r.created),
        [true, true],
      );
      const second = await ann('PATCH', '/composite/sobjects/Contact/OutlookId__c', {
        records: [
          contact({ LastName: 'Ext A2', OutlookId__c: 'ext-a' }),
          contact({ LastName: 'Ext C', OutlookId__c: 'ext-c' }),
        ],
      });
      assert.equal(second.body[0].id, first.body[0].id);
      assert.deepEqual(
        second.body.map((r: { created: boolean }) => r.created),
        [false, true],
      );
      assert.equal(count('sobj_Contact', `"OutlookId__c" = 'ext-a' AND "LastName" = 'Ext A2'`), 1);
    });

    it('reports a missing key, a key given twice, and rolls back with allOrNone', async () => {
      const res = await ann('PATCH', '/composite/sobjects/Contact/OutlookId__c', {
        allOrNone: false,
        records: [
          contact({ LastName: 'No key' }),
          contact({ LastName: 'T1', OutlookId__c: 'same' }),
          contact({ LastName: 'T2', OutlookId__c: 'SAME' }),
        ],
      });
      assert.deepEqual(res.body, [
        {
          success: false,
          errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'OutlookId__c not specified', fields: [] }],
        },
        {
          success: false,
          errors: [
            { statusCode: 'DUPLICATE_EXTERNAL_ID', message: 'Duplicate external id specified: same', fields: [] },
          ],
        },
        {
          success: false,
          errors: [
            { statusCode: 'DUPLICATE_EXTERNAL_ID', message: 'Duplicate external id specified: SAME', fields: [] },
          ],
        },
      ]);
      const existing = (
        await ann('PATCH', '/composite/sobjects/Contact/OutlookId__c', {
          records: [contact({ LastName: 'Keep', OutlookId__c: 'keep' })],
        })
      ).body[0].id;
      const rolled = await ann('PATCH', '/composite/sobjects/Contact/OutlookId__c', {
        allOrNone: true,
        records: [
          contact({ LastName: 'Changed', OutlookId__c: 'keep' }),
          contact({ LastName: 'New', OutlookId__c: 'new-one' }),
          contact({ OutlookId__c: 'broken' }),
        ],
      });
      assert.deepEqual(rolled.body.slice(0, 2), [
        { id: existing, success: false, errors: [ROLLED_BACK] },
        { success: false, errors: [ROLLED_BACK] },
      ]);
      assert.equal(rolled.body[2].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
      assert.equal(count('sobj_Contact', `"LastName" IN ('Changed', 'New')`), 0);
    });

    it('refuses a field that is no external id and a record of another type', async () => {
      const notKey = await ann('PATCH', '/composite/sobjects/Contact/LastName', {
        records: [contact({ LastName: 'X' })],
      });
      assert.equal(notKey.status, 400);
      assert.equal(notKey.body[0].errorCode, 'INVALID_FIELD');
      const missing = await ann('PATCH', '/composite/sobjects/Contact/Nope__c', {
        records: [contact({ LastName: 'X' })],
      });
      assert.equal(missing.status, 404);
      const otherType = await ann('PATCH', '/composite/sobjects/Contact/OutlookId__c', {
        records: [{ attributes: { type: 'Task' }, Subject: 'X', OutlookId__c: 't' }],
      });
      assert.equal(otherType.status, 400);
      assert.equal(otherType.body[0].errorCode, 'INVALID_TYPE');
    });
  });

  describe('retrieve', () => {
    let ids: string[];
    before(async () => {
      const res = await ann('POST', '/composite/sobjects', {
        records: [contact({ LastName: 'Get1', Email: 'g1@example.com' }), contact({ LastName: 'Get2' })],
      });
      ids = res.body.map((r: { id: string }) => r.id);
    });

    it('GET returns records with the asked fields and null for ids it cannot return', async () => {
      const user = userId(org, 'ann@test.example');
      const res = await ann(
        'GET',
        `/composite/sobjects/Contact?ids=${ids[0]},${user},${ids[1].slice(0, 15)},003Dx00000zzzzz&fields=id,LastName,Email`,
      );
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, [
        {
          attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${ids[0]}` },
          Id: ids[0],
          LastName: 'Get1',
          Email: 'g1@example.com',
        },
        null,
        {
          attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${ids[1]}` },
          Id: ids[1],
          LastName: 'Get2',
          Email: null,
        },
        null,
      ]);
    });

    it('POST takes {ids, fields}; an unknown field is 400', async () => {
      const res = await ann('POST', '/composite/sobjects/Contact', { ids, fields: ['Name'] });
      assert.deepEqual(
        res.body.map((r: { Name: string }) => r.Name),
        ['Get1', 'Get2'],
      );
      const bad = await ann('POST', '/composite/sobjects/Contact', { ids, fields: ['Nope'] });
      assert.equal(bad.status, 400);
      assert.equal(bad.body[0].errorCode, 'INVALID_FIELD');
    });

    it('hides records of other owners', async () => {
      const cy = restClient(org, sessionFor(org, 'cy@test.example'));
      assert.deepEqual((await cy('GET', `/composite/sobjects/Contact?ids=${ids[0]}&fields=Id`)).body, [null]);
    });
  });

  describe('jsforce 3 (collections for API 42.0+)', () => {
    it('creates, retrieves, upserts and destroys with per-record results', async () => {
      const conn = new jsforce.Connection({
        instanceUrl: org.url,
        accessToken: sessionFor(org, 'ann@test.example'),
        version: '60.0',
      });
      const created = await conn.sobject('Contact').create([{ LastName: 'J1' }, { LastName: 'J2', Email: 'bad' }]);
      assert.equal(created[0].success, true);
      assert.equal(created[1].success, false);
      const id = created[0].id as string;
      const got = await conn.sobject('Contact').retrieve([id], { fields: ['LastName'] });
      assert.equal((got[0] as { LastName: string }).LastName, 'J1');
      const upserted = await conn
        .sobject('Contact')
        .upsert([{ LastName: 'JU', OutlookId__c: 'jsf-1' }], 'OutlookId__c');
      assert.equal(upserted[0].success, true);
      const destroyed = await conn.sobject('Contact').destroy([id]);
      assert.deepEqual(destroyed, [{ id, success: true, errors: [] }]);
    });
  });
});
