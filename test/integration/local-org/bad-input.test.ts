/**
 * Hostile and careless requests: every one gets Salesforce's error array with a 4xx status, never a 500,
 * and none of them writes anything.
 */
import assert from 'node:assert/strict';
import { startTestOrg, sessionFor, testSeed, userId } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { SOBJECTS } from '../../../sync-engine/src/local-org/schema';
import { tableName } from '../../../sync-engine/src/local-org/store';

interface BadRequest {
  what: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  status: number;
  errorCode: string;
  /** The exact body, where Salesforce's text is known. */
  text?: string;
}

const json = 'application/json';
const contactJson = (fields: Record<string, unknown>) => JSON.stringify(fields);
const records = (n: number) =>
  JSON.stringify({
    records: Array.from({ length: n }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `Bulk${i}` })),
  });

describe('local org: bad input', () => {
  let org: LocalOrg;
  let token: string;

  /** Row counts and last change of every sObject table, and the access version: what "nothing written" means. */
  const snapshot = () => ({
    tables: SOBJECTS.map((o) =>
      org.ctx.store.db
        .prepare(
          `SELECT COUNT(*) AS n, MAX(${o.fields.some((f) => f.name === 'SystemModstamp') ? '"SystemModstamp"' : '1'}) AS m FROM ${tableName(o)}`,
        )
        .get(),
    ),
    accessVersion: org.ctx.store.accessVersion,
  });

  before(async () => {
    org = await startTestOrg();
    token = sessionFor(org, 'ann@test.example');
  });
  after(() => org.close());

  const send = async (r: Pick<BadRequest, 'method' | 'path' | 'body' | 'contentType'>) => {
    const res = await fetch(`${org.url}/services/data/v60.0${r.path}`, {
      method: r.method,
      headers: { Authorization: `Bearer ${token}`, ...(r.contentType ? { 'Content-Type': r.contentType } : {}) },
      body: r.body,
    });
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
  };

  const cases = (): BadRequest[] => [
    {
      what: 'bad JSON',
      method: 'POST',
      path: '/sobjects/Contact',
      body: '{"LastName" "x"}',
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'truncated JSON',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"records": [',
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'no body',
      method: 'POST',
      path: '/sobjects/Contact',
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
      text: '[{"message":"The HTTP entity body is required, but this request has no entity body.","errorCode":"JSON_PARSER_ERROR"}]',
    },
    {
      what: 'an array for a record',
      method: 'POST',
      path: '/sobjects/Contact',
      body: '[{"LastName":"x"}]',
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'a text/plain body',
      method: 'POST',
      path: '/sobjects/Contact',
      body: 'LastName: x',
      contentType: 'text/plain',
      status: 415,
      errorCode: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'a form body',
      method: 'POST',
      path: '/sobjects/Contact',
      body: 'LastName=x',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      errorCode: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'an XML body',
      method: 'PATCH',
      path: '/composite/sobjects',
      body: '<records/>',
      contentType: 'application/xml',
      status: 415,
      errorCode: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'an unknown object',
      method: 'POST',
      path: '/sobjects/Nope',
      body: contactJson({ Name: 'x' }),
      contentType: json,
      status: 404,
      errorCode: 'NOT_FOUND',
      text: '[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]',
    },
    {
      what: 'an unknown field',
      method: 'POST',
      path: '/sobjects/Contact',
      body: contactJson({ LastName: 'x', Shoe__c: 42 }),
      contentType: json,
      status: 400,
      errorCode: 'INVALID_FIELD',
      text: '[{"message":"No such column \'Shoe__c\' on sobject of type Contact","errorCode":"INVALID_FIELD"}]',
    },
    {
      what: 'a string for a boolean',
      method: 'POST',
      path: '/sobjects/Task',
      body: contactJson({ Subject: 'x', IsReminderSet: 'maybe' }),
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
      text: '[{"message":"Cannot deserialize instance of boolean from VALUE_STRING value maybe or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]',
    },
    {
      what: 'an object for a string',
      method: 'POST',
      path: '/sobjects/Contact',
      body: contactJson({ LastName: { first: 'x' } }),
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'a fraction for an integer',
      method: 'POST',
      path: '/sobjects/Event',
      body: contactJson({ StartDateTime: '2030-01-01T00:00:00Z', DurationInMinutes: 1.5 }),
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'a malformed id in the url',
      method: 'PATCH',
      path: '/sobjects/Contact/003Dx0000000001ZZZ',
      body: contactJson({ LastName: 'x' }),
      contentType: json,
      status: 400,
      errorCode: 'MALFORMED_ID',
      text: '[{"message":"Contact ID: id value of incorrect type: 003Dx0000000001ZZZ","errorCode":"MALFORMED_ID","fields":["Id"]}]',
    },
    {
      what: 'no id at all in the url',
      method: 'DELETE',
      path: '/sobjects/Contact/not-an-id',
      status: 404,
      errorCode: 'NOT_FOUND',
      text: '[{"message":"Provided external ID field does not exist or is not accessible: not-an-id","errorCode":"NOT_FOUND"}]',
    },
    {
      what: 'an id of another object in the url',
      method: 'DELETE',
      path: '/sobjects/Contact/USER',
      status: 404,
      errorCode: 'NOT_FOUND',
    },
    {
      what: 'an unknown id',
      method: 'PATCH',
      path: '/sobjects/Contact/003Dx00000zzzzz',
      body: contactJson({ LastName: 'x' }),
      contentType: json,
      status: 404,
      errorCode: 'NOT_FOUND',
    },
    {
      what: '201 records in a collection',
      method: 'POST',
      path: '/composite/sobjects',
      body: records(201),
      contentType: json,
      status: 400,
      errorCode: 'EXCEEDED_ID_LIMIT',
      text: '[{"message":"record limit reached. cannot submit more than 200 records into this call","errorCode":"EXCEEDED_ID_LIMIT"}]',
    },
    {
      what: 'records that are not an array',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"records":{"LastName":"x"}}',
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
      text: '[{"message":"\\"records\\" must be an array of sObjects","errorCode":"JSON_PARSER_ERROR"}]',
    },
    {
      what: 'a record without attributes.type',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"records":[{"attributes":{"type":"Contact"},"LastName":"ok"},{"LastName":"x"}]}',
      contentType: json,
      status: 400,
      errorCode: 'INVALID_TYPE',
      text: '[{"message":"Must send a concrete entity type. records[1] has no attributes.type","errorCode":"INVALID_TYPE"}]',
    },
    {
      what: 'an unknown type in a collection',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"records":[{"attributes":{"type":"Nope"}}]}',
      contentType: json,
      status: 400,
      errorCode: 'INVALID_TYPE',
      text: '[{"message":"sObject type \'Nope\' is not supported.","errorCode":"INVALID_TYPE"}]',
    },
    {
      what: 'an unknown field in one record of a collection',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"allOrNone":false,"records":[{"attributes":{"type":"Contact"},"LastName":"ok"},{"attributes":{"type":"Contact"},"LastName":"x","foo":1}]}',
      contentType: json,
      status: 400,
      errorCode: 'INVALID_FIELD',
    },
    {
      what: 'an unexpected key in a collection body',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"allOrNone":false,"record":[]}',
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'allOrNone that is not a boolean',
      method: 'POST',
      path: '/composite/sobjects',
      body: '{"allOrNone":"yes","records":[]}',
      contentType: json,
      status: 400,
      errorCode: 'JSON_PARSER_ERROR',
    },
    {
      what: 'a delete without ids',
      method: 'DELETE',
      path: '/composite/sobjects',
      status: 400,
      errorCode: 'MISSING_ARGUMENT',
    },
    {
      what: '201 ids to delete',
      method: 'DELETE',
      path: `/composite/sobjects?ids=${Array.from({ length: 201 }, () => '003Dx0000000001').join(',')}`,
      status: 400,
      errorCode: 'EXCEEDED_ID_LIMIT',
    },
    {
      what: 'a retrieve of an unknown field',
      method: 'GET',
      path: '/composite/sobjects/Contact?ids=003Dx0000000001&fields=Id,Shoe',
      status: 400,
      errorCode: 'INVALID_FIELD',
    },
    {
      what: 'an upsert on an unknown field',
      method: 'PATCH',
      path: '/composite/sobjects/Contact/Shoe',
      body: records(1),
      contentType: json,
      status: 404,
      errorCode: 'NOT_FOUND',
    },
    {
      what: 'a PUT',
      method: 'PUT',
      path: '/composite/sobjects',
      body: records(1),
      contentType: json,
      status: 405,
      errorCode: 'METHOD_NOT_ALLOWED',
    },
    {
      what: 'a write to a read-only object',
      method: 'PATCH',
      path: '/sobjects/LoginHistory/0YaDx0000000001',
      body: '{}',
      contentType: json,
      status: 405,
      errorCode: 'METHOD_NOT_ALLOWED',
    },
  ];

  for (const c of cases()) {
    it(`answers ${c.what} with ${c.status} ${c.errorCode} and writes nothing`, async () => {
      const path = c.path.replace('USER', userId(org, 'ann@test.example'));
      const before = snapshot();
      const res = await send({ ...c, path });
      assert.notEqual(res.status, 500);
      assert.equal(res.status, c.status, res.text);
      assert.equal(res.contentType, 'application/json;charset=UTF-8');
      const body = JSON.parse(res.text) as Array<{ errorCode: string; message: string }>;
      assert.ok(Array.isArray(body) && body.length === 1, "Salesforce's error array");
      assert.equal(body[0].errorCode, c.errorCode);
      assert.equal(typeof body[0].message, 'string');
      if (c.text) assert.equal(res.text, c.text);
      assert.deepEqual(snapshot(), before, 'nothing written');
    });
  }

  it('still works after all that', async () => {
    const res = await send({
      method: 'POST',
      path: '/sobjects/Contact',
      body: contactJson({ LastName: 'Fine' }),
      contentType: json,
    });
    assert.equal(res.status, 201);
  });
});

describe('local org: a body over the configured limit', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg(testSeed(), { bodyLimit: 1000 });
  });
  after(() => org.close());

  it("is 413 in Salesforce's array shape, and nothing is written", async () => {
    const count = () => (org.ctx.store.db.prepare(`SELECT COUNT(*) AS n FROM sobj_Contact`).get() as { n: number }).n;
    const before = count();
    for (const path of ['/sobjects/Contact', '/composite/sobjects']) {
      const res = await fetch(`${org.url}/services/data/v60.0${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sessionFor(org, 'ann@test.example')}`, 'Content-Type': json },
        body:
          path === '/sobjects/Contact' ? contactJson({ LastName: 'Big', Description: 'd'.repeat(2000) }) : records(50),
      });
      assert.equal(res.status, 413);
      assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
      const body = (await res.json()) as Array<{ errorCode: string }>;
      assert.equal(body.length, 1);
      assert.equal(body[0].errorCode, 'REQUEST_ENTITY_TOO_LARGE');
    }
    assert.equal(count(), before);
  });
});
