/**
 * Composite (issue 15) through jsforce 3.10.16's `conn.request`: `POST /composite` with GET, POST, PATCH, DELETE and
 * query subrequests, `@{ref.field}` references (incl. `records[0].Id`), a subrequest whose reference failed,
 * `allOrNone`; `/composite/batch` with `haltOnError`; `/composite/tree/{Type}` with children; one API call each;
 * the access rule.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { requestsUsedToday } from '../../../sync-engine/src/local-org/rest-auth';
import { startTestOrg, sessionFor } from '../../helpers/org';

type Sub = { body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string };

describe('local org: Composite, Composite Batch and sObject Tree', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let conn: InstanceType<typeof jsforce.Connection>;
  const V = '/services/data/v60.0';

  const raw = async (path: string, body: unknown, token: string) => {
    const res = await fetch(`${org.url}${V}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const count = async (soql: string) => (await conn.query(soql)).totalSize;

  before(async () => {
    org = await startTestOrg();
    conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
  });
  after(async () => org.close());

  it('runs create, query, read and update subrequests chained by references, as one API call', async () => {
    const before = requestsUsedToday(org.ctx);
    const res = await conn.requestPost<{ compositeResponse: Sub[] }>(`${V}/composite`, {
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Composite Co' } },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'ct',
          body: { LastName: 'Linked', AccountId: '@{acct.id}', Title: 'At @{acct.id}' },
        },
        {
          method: 'GET',
          // Encoded or not, a reference in a url is filled.
          url: `${V}/query?q=${encodeURIComponent("SELECT Id, LastName FROM Contact WHERE AccountId = '@{acct.id}'")}`,
          referenceId: 'q',
        },
        {
          method: 'PATCH',
          url: `${V}/sobjects/Contact/@{q.records[0].Id}`,
          referenceId: 'upd',
          body: { Department: 'From @{q.records[0].LastName}' },
        },
        { method: 'GET', url: `${V}/sobjects/Contact/@{ct.id}?fields=Department,AccountId`, referenceId: 'read' },
      ],
    });
    const after = requestsUsedToday(org.ctx);
    assert.equal(after - before, 1, 'a composite is one call against the daily allocation');
    const [acct, ct, q, upd, read] = res.compositeResponse;
    assert.deepEqual(
      res.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode]),
      [
        ['acct', 201],
        ['ct', 201],
        ['q', 200],
        ['upd', 204],
        ['read', 200],
      ],
      JSON.stringify(res),
    );
    const acctId = (acct.body as { id: string }).id;
    const ctId = (ct.body as { id: string }).id;
    assert.equal(acct.httpHeaders.Location, `${V}/sobjects/Account/${acctId}`);
    assert.equal((q.body as { totalSize: number }).totalSize, 1);
    assert.equal(upd.body, null);
    assert.deepEqual(read.body, {
      attributes: { type: 'Contact', url: `${V}/sobjects/Contact/${ctId}` },
      Department: 'From Linked',
      AccountId: acctId,
    });
    const title = (await conn.sobject('Contact').retrieve(ctId)) as { Title: string };
    assert.equal(title.Title, `At ${acctId}`);
  });

  it('upserts and reads by external id, with the API version of each subrequest url', async () => {
    const res = await conn.requestPost<{ compositeResponse: Sub[] }>(`${V}/composite`, {
      compositeRequest: [
        {
          method: 'PATCH',
          url: `${V}/sobjects/Contact/OutlookId__c/AAMk-composite-1`,
          referenceId: 'up',
          body: { LastName: 'By key' },
        },
        {
          method: 'GET',
          url: `${V}/sobjects/Contact/OutlookId__c/AAMk-composite-1?fields=LastName`,
          referenceId: 'get',
        },
        {
          method: 'PATCH',
          url: '/services/data/v45.0/sobjects/Contact/OutlookId__c/AAMk-composite-1',
          referenceId: 'old',
          body: { Title: 'v45' },
        },
      ],
    });
    const [up, get, old] = res.compositeResponse;
    assert.equal(up.httpStatusCode, 201);
    assert.equal((up.body as { created: boolean }).created, true);
    assert.deepEqual(get.body, {
      attributes: { type: 'Contact', url: `${V}/sobjects/Contact/${(up.body as { id: string }).id}` },
      LastName: 'By key',
    });
    // Before API 46.0 an update by external id answered 204 without a body.
    assert.deepEqual([old.httpStatusCode, old.body], [204, null]);
  });

  it('takes sObject Collections subrequests, and @{ref[0].id} into their array answers', async () => {
    const res = await conn.requestPost<{ compositeResponse: Sub[] }>(`${V}/composite`, {
      compositeRequest: [
        {
          method: 'POST',
          url: `${V}/composite/sobjects`,
          referenceId: 'coll',
          body: {
            records: [
              { attributes: { type: 'Contact' }, LastName: 'Coll A' },
              { attributes: { type: 'Contact' }, LastName: 'Coll B' },
            ],
          },
        },
        { method: 'GET', url: `${V}/sobjects/Contact/@{coll[1].id}?fields=LastName`, referenceId: 'second' },
        { method: 'DELETE', url: `${V}/composite/sobjects?ids=@{coll[0].id}`, referenceId: 'gone' },
      ],
    });
    const [coll, second, gone] = res.compositeResponse;
    assert.equal(coll.httpStatusCode, 200);
    assert.deepEqual(
      (coll.body as Array<{ success: boolean }>).map((r) => r.success),
      [true, true],
    );
    assert.equal((second.body as { LastName: string }).LastName, 'Coll B');
    assert.deepEqual(
      (gone.body as Array<{ id: string; success: boolean }>).map((r) => [r.id, r.success]),
      [[(coll.body as Array<{ id: string }>)[0].id, true]],
    );
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName IN ('Coll A', 'Coll B')"), 1);
  });

  it('does not run a subrequest whose reference failed; the independent ones still run', async () => {
    const res = await conn.requestPost<{ compositeResponse: Sub[] }>(`${V}/composite`, {
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'bad', body: { FirstName: 'No last name' } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'dep', body: { LastName: 'Dep @{bad.id}' } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'free', body: { LastName: 'Independent' } },
        { method: 'GET', url: `${V}/sobjects/Nope/001000000000000AAA`, referenceId: 'nope' },
      ],
    });
    const codes = res.compositeResponse.map((r) => [
      r.httpStatusCode,
      Array.isArray(r.body) ? (r.body[0] as { errorCode: string }).errorCode : 'ok',
    ]);
    assert.deepEqual(codes, [
      [400, 'REQUIRED_FIELD_MISSING'],
      [400, 'PROCESSING_HALTED'],
      [201, 'ok'],
      [404, 'NOT_FOUND'],
    ]);
    assert.match(
      (res.compositeResponse[1].body as Array<{ message: string }>)[0].message,
      /^Invalid reference specified\. No value for bad\.id found in bad\./,
    );
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName LIKE 'Dep%'"), 0);
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName = 'Independent'"), 1);
  });

  it('with allOrNone, the first failure rolls back every subrequest and the others answer PROCESSING_HALTED', async () => {
    const res = await conn.requestPost<{ compositeResponse: Sub[] }>(`${V}/composite`, {
      allOrNone: true,
      collateSubrequests: false,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'one', body: { LastName: 'Rolled back' } },
        { method: 'PATCH', url: `${V}/sobjects/Contact/@{one.id}`, referenceId: 'two', body: { Nope__c: 1 } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'three', body: { LastName: 'Never run' } },
      ],
    });
    assert.deepEqual(
      res.compositeResponse.map((r) => [
        r.referenceId,
        r.httpStatusCode,
        (r.body as Array<{ errorCode: string }>)[0].errorCode,
      ]),
      [
        ['one', 400, 'PROCESSING_HALTED'],
        ['two', 400, 'INVALID_FIELD'],
        ['three', 400, 'PROCESSING_HALTED'],
      ],
    );
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName IN ('Rolled back', 'Never run')"), 0);
  });

  it('refuses a malformed composite whole: a reference forward, more than 5 queries, an unknown method', async () => {
    const token = sessionFor(org, 'ann@test.example');
    const forward = await raw(
      '/composite',
      {
        compositeRequest: [
          { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'a', body: { LastName: 'Fwd @{b.id}' } },
          { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'b', body: { LastName: 'B' } },
        ],
      },
      token,
    );
    assert.equal(forward.status, 400);
    assert.match((forward.body as Array<{ message: string }>)[0].message, /^compositeRequest\[0\]: the reference @\{b/);
    const queries = await raw(
      '/composite',
      {
        compositeRequest: Array.from({ length: 6 }, (_, i) => ({
          method: 'GET',
          url: `${V}/query?q=SELECT+Id+FROM+Contact`,
          referenceId: `q${i}`,
        })),
      },
      token,
    );
    assert.equal(queries.status, 400);
    assert.match((queries.body as Array<{ message: string }>)[0].message, /6 query or sObject Collections subrequests/);
    const put = await raw(
      '/composite',
      { compositeRequest: [{ method: 'PUT', url: `${V}/sobjects/Contact`, referenceId: 'p' }] },
      token,
    );
    assert.equal(put.status, 400);
    assert.match((put.body as Array<{ message: string }>)[0].message, /^compositeRequest\[0\]\.method/);
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName LIKE 'Fwd%'"), 0);
  });

  it('composite/batch: independent subrequests, relative urls, haltOnError answers the rest 412', async () => {
    const before = requestsUsedToday(org.ctx);
    const res = await conn.requestPost<{ hasErrors: boolean; results: Array<{ statusCode: number; result: unknown }> }>(
      `${V}/composite/batch`,
      {
        haltOnError: true,
        batchRequests: [
          { method: 'POST', url: 'v60.0/sobjects/Contact', richInput: { LastName: 'Batched' } },
          { method: 'GET', url: 'v60.0/query?q=SELECT+COUNT()+FROM+Contact+WHERE+LastName=%27Batched%27' },
          { method: 'PATCH', url: 'v60.0/sobjects/Contact/003000000000000AAA', richInput: { Title: 'x' } },
          { method: 'POST', url: 'v60.0/sobjects/Contact', richInput: { LastName: 'Not batched' } },
        ],
      },
    );
    // Each subrequest that runs is a call, unlike a composite's; the halted one does not run.
    assert.equal(requestsUsedToday(org.ctx) - before, 3);
    assert.equal(res.hasErrors, true);
    assert.deepEqual(
      res.results.map((r) => r.statusCode),
      [201, 200, 404, 412],
    );
    assert.equal((res.results[1].result as { totalSize: number }).totalSize, 1);
    assert.equal((res.results[3].result as Array<{ errorCode: string }>)[0].errorCode, 'BATCH_PROCESSING_HALTED');
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName = 'Not batched'"), 0);
    const clean = await conn.requestPost<{ hasErrors: boolean; results: Array<{ result: unknown }> }>(
      `${V}/composite/batch`,
      {
        batchRequests: [
          { method: 'GET', url: 'v60.0/sobjects/Contact/describe' },
          { method: 'GET', url: 'v60.0/limits' },
          { method: 'GET', url: 'v60.0/search?q=FIND+%7BBatched%7D+RETURNING+Contact(LastName)' },
        ],
      },
    );
    assert.equal(clean.hasErrors, false);
    assert.ok((clean.results[1].result as { DailyApiRequests: unknown }).DailyApiRequests);
    assert.deepEqual(
      (clean.results[2].result as { searchRecords: Array<{ LastName: string }> }).searchRecords.map((r) => r.LastName),
      ['Batched'],
    );
  });

  it('composite/tree: creates accounts with their contacts, parents first; one failure writes nothing', async () => {
    const tree = (lastName: string | undefined) => ({
      records: [
        {
          attributes: { type: 'Account', referenceId: 'ref1' },
          Name: 'Tree One',
          Contacts: {
            records: [
              { attributes: { type: 'Contact', referenceId: 'ref2' }, LastName: 'Leaf A' },
              { attributes: { type: 'Contact', referenceId: 'ref3' }, LastName: lastName, Email: 'leaf@tree.example' },
            ],
          },
        },
        { attributes: { type: 'Account', referenceId: 'ref4' }, Name: 'Tree Two' },
      ],
    });
    const token = sessionFor(org, 'ann@test.example');
    const failed = await raw('/composite/tree/Account', tree(undefined), token);
    assert.equal(failed.status, 400);
    const fb = failed.body as { hasErrors: boolean; results: Array<{ referenceId: string; errors: unknown[] }> };
    assert.equal(fb.hasErrors, true);
    assert.deepEqual(
      fb.results.map((r) => r.referenceId),
      ['ref3'],
    );
    assert.equal(await count("SELECT Id FROM Account WHERE Name LIKE 'Tree%'"), 0);

    const ok = await raw('/composite/tree/Account', tree('Leaf B'), token);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const results = (ok.body as { results: Array<{ referenceId: string; id: string }> }).results;
    assert.deepEqual(
      results.map((r) => r.referenceId),
      ['ref1', 'ref4', 'ref2', 'ref3'],
    );
    const leaf = (await conn.sobject('Contact').retrieve(results[3].id)) as { AccountId: string };
    assert.equal(leaf.AccountId, results[0].id);

    const many = await raw(
      '/composite/tree/Contact',
      {
        records: Array.from({ length: 201 }, (_, i) => ({
          attributes: { type: 'Contact', referenceId: `c${i}` },
          LastName: 'Many',
        })),
      },
      token,
    );
    assert.equal(many.status, 400);
    assert.match((many.body as Array<{ message: string }>)[0].message, /at most 200 records/);
    const wrongChild = await raw(
      '/composite/tree/Account',
      { records: [{ attributes: { type: 'Account', referenceId: 'x' }, Name: 'W', Widgets: { records: [] } }] },
      token,
    );
    assert.equal(wrongChild.status, 400);
    assert.match((wrongChild.body as Array<{ message: string }>)[0].message, /no child relationship named Widgets/);
  });

  it('lists batch, tree and sobjects on GET /composite; a user the rule refuses gets API_CURRENTLY_DISABLED', async () => {
    assert.deepEqual(await conn.request(`${V}/composite`), {
      batch: `${V}/composite/batch`,
      tree: `${V}/composite/tree`,
      sobjects: `${V}/composite/sobjects`,
    });
    const bob = sessionFor(org, 'bob@test.example');
    const bodies: Array<[string, unknown]> = [
      ['/composite', { compositeRequest: [{ method: 'GET', url: `${V}/limits`, referenceId: 'l' }] }],
      ['/composite/batch', { batchRequests: [{ method: 'GET', url: 'v60.0/limits' }] }],
      ['/composite/tree/Account', { records: [] }],
    ];
    for (const [path, body] of bodies) {
      const res = await raw(path, body, bob);
      assert.equal(res.status, 403, path);
      assert.deepEqual(res.body, [{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }]);
    }
  });
});
