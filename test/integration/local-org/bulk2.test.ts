/**
 * Bulk API 2.0 (issue 15) through jsforce 3.10.16's `conn.bulk2`, unchanged: ingest jobs (`loadAndWaitForResults`:
 * insert with a failing row, update with `#N/A`, upsert, delete) and query jobs (`conn.bulk2.query`); over raw HTTP
 * the results paged by `Sforce-Locator` and `maxRecords`, Salesforce's states and errors, the caller's visibility,
 * the upload limit checked before reading, and the access rule.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { findSObject } from '../../../sync-engine/src/local-org/schema';
import { startTestOrg, sessionFor, testSeed, userId } from '../../helpers/org';

type Row = Record<string, string>;

describe('local org: Bulk API 2.0', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let conn: InstanceType<typeof jsforce.Connection>;
  let ann: string;
  const V = '/services/data/v60.0';

  const http = async (method: string, path: string, body?: string, type = 'application/json', token = ann) => {
    const res = await fetch(`${org.url}${V}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body,
    });
    const text = await res.text();
    const json =
      (res.headers.get('content-type') ?? '').startsWith('application/json') && text ? JSON.parse(text) : text;
    return { status: res.status, body: json, headers: res.headers };
  };
  const waitFor = async (path: string, states: string[]) => {
    for (let i = 0; i < 200; i++) {
      const info = (await http('GET', path)).body as { state: string };
      if (states.includes(info.state)) return info as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${path} never reached ${states.join('/')}`);
  };

  before(async () => {
    org = await startTestOrg();
    conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    conn.bulk2.pollInterval = 50;
    ann = sessionFor(org, 'ann@test.example');
  });
  after(async () => org.close());

  it('loadAndWaitForResults inserts, and reports successes with sf__Id/sf__Created and failures with sf__Error', async () => {
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input:
        'FirstName,LastName,Email\nBea,Bulk,"bea@bulk.example"\nNo,,nolast@bulk.example\n"Cid, Jr",Bulk,cid@bulk.example\n',
    });
    const ok = res.successfulResults as unknown as Row[];
    const failed = res.failedResults as unknown as Row[];
    assert.deepEqual(
      ok.map((r) => [r.sf__Created, r.FirstName, r.Email]),
      [
        ['true', 'Bea', 'bea@bulk.example'],
        ['true', 'Cid, Jr', 'cid@bulk.example'],
      ],
    );
    assert.match(ok[0].sf__Id, /^003[A-Za-z0-9]{15}$/);
    assert.equal(failed.length, 1);
    assert.match(failed[0].sf__Error, /^REQUIRED_FIELD_MISSING:Required fields are missing: \[LastName\]:LastName --$/);
    assert.equal(failed[0].Email, 'nolast@bulk.example');
    assert.deepEqual(res.unprocessedRecords, []);
    const found = await conn.query<{ Id: string; OwnerId: string }>(
      "SELECT Id, OwnerId FROM Contact WHERE LastName = 'Bulk'",
    );
    assert.equal(found.totalSize, 2);
    assert.equal(found.records[0].OwnerId, userId(org, 'ann@test.example'));
  });

  it('updates (an empty field is left alone, #N/A clears it), upserts by external id and deletes', async () => {
    const [bea] = (await conn.query<{ Id: string }>("SELECT Id FROM Contact WHERE Email = 'bea@bulk.example'")).records;
    const upd = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'update',
      input: `Id,Title,Email\n${bea.Id},Boss,#N/A\n`,
    });
    assert.equal((upd.successfulResults as unknown as Row[])[0].sf__Created, 'false');
    const after = (await conn.sobject('Contact').retrieve(bea.Id)) as { Title: string; Email: null; FirstName: string };
    assert.deepEqual([after.Title, after.Email, after.FirstName], ['Boss', null, 'Bea']);

    const upsert = async (input: string) =>
      (
        (
          await conn.bulk2.loadAndWaitForResults({
            object: 'Contact',
            operation: 'upsert',
            externalIdFieldName: 'OutlookId__c',
            input,
          })
        ).successfulResults as unknown as Row[]
      ).map((r) => [r.OutlookId__c, r.sf__Created]);
    assert.deepEqual(await upsert('OutlookId__c,LastName\nOL-1,Upserted\nOL-2,Upserted\n'), [
      ['OL-1', 'true'],
      ['OL-2', 'true'],
    ]);
    assert.deepEqual(await upsert('OutlookId__c,LastName\nOL-1,Upserted again\n'), [['OL-1', 'false']]);
    assert.equal((await conn.query("SELECT Id FROM Contact WHERE LastName = 'Upserted again'")).totalSize, 1);

    const del = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'delete',
      input: `Id\n${bea.Id}\n003000000000000AAA\n`,
    });
    assert.equal((del.successfulResults as unknown as Row[]).length, 1);
    assert.equal((del.failedResults as unknown as Row[]).length, 1);
    assert.equal((await conn.query("SELECT Id FROM Contact WHERE Email = 'bea@bulk.example'")).totalSize, 0);
  });

  it("conn.bulk2.query returns the caller's visible records with parent fields", async () => {
    const s = org.ctx.store;
    const account = s.insert(findSObject('Account')!, { Name: 'Bulk Parent' }, userId(org, 'ann@test.example'));
    s.insert(findSObject('Contact')!, { LastName: 'Queried', AccountId: account }, userId(org, 'ann@test.example'));
    s.insert(findSObject('Contact')!, { LastName: 'Queried' }, userId(org, 'admin@test.example'));
    const records = (await conn.bulk2.query(
      "SELECT Id, LastName, Account.Name, IsDeleted FROM Contact WHERE LastName = 'Queried'",
    )) as unknown as { toArray(): Promise<Row[]> };
    const rows = await records.toArray();
    assert.deepEqual(
      rows.map((r) => [r.LastName, r['Account.Name'], r.IsDeleted]),
      [['Queried', 'Bulk Parent', 'false']],
      'the admin-owned contact is not visible to ann',
    );
  });

  it('pages results with maxRecords and Sforce-Locator, the last page saying null', async () => {
    const create = await http(
      'POST',
      '/jobs/query',
      JSON.stringify({
        operation: 'query',
        query: "SELECT LastName FROM Contact WHERE LastName LIKE 'Page%' ORDER BY LastName",
      }),
    );
    assert.equal(create.status, 200);
    const job = create.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(job), [
      'id',
      'operation',
      'object',
      'createdById',
      'createdDate',
      'systemModstamp',
      'state',
      'concurrencyMode',
      'contentType',
      'apiVersion',
      'lineEnding',
      'columnDelimiter',
    ]);
    assert.equal(job.state, 'UploadComplete');
    await waitFor(`/jobs/query/${job.id}`, ['JobComplete']);
    // None yet: the header only, and the locator null.
    const empty = await http('GET', `/jobs/query/${job.id}/results`);
    assert.equal(empty.body, '"LastName"\n');
    assert.equal(empty.headers.get('sforce-locator'), 'null');

    const contact = findSObject('Contact')!;
    org.ctx.store.transaction(() => {
      for (const n of ['Page1', 'Page2', 'Page3'])
        org.ctx.store.insert(contact, { LastName: n }, userId(org, 'ann@test.example'));
    });
    const again = (
      await http(
        'POST',
        '/jobs/query',
        JSON.stringify({ query: "SELECT LastName FROM Contact WHERE LastName LIKE 'Page%' ORDER BY LastName" }),
      )
    ).body as { id: string };
    const info = await waitFor(`/jobs/query/${again.id}`, ['JobComplete']);
    assert.equal(info.numberRecordsProcessed, 3);
    assert.equal(info.jobType, 'V2Query');
    const first = await http('GET', `/jobs/query/${again.id}/results?maxRecords=2`);
    assert.equal(first.headers.get('content-type'), 'text/csv');
    assert.equal(first.body, '"LastName"\n"Page1"\n"Page2"\n');
    assert.equal(first.headers.get('sforce-numberofrecords'), '2');
    const locator = first.headers.get('sforce-locator')!;
    assert.notEqual(locator, 'null');
    const second = await http('GET', `/jobs/query/${again.id}/results?maxRecords=2&locator=${locator}`);
    assert.equal(second.body, '"LastName"\n"Page3"\n');
    assert.equal(second.headers.get('sforce-locator'), 'null');
    const bad = await http('GET', `/jobs/query/${again.id}/results?locator=zzz`);
    assert.equal(bad.status, 400);
    assert.equal((await http('DELETE', `/jobs/query/${again.id}`)).status, 204);
    assert.equal((await http('GET', `/jobs/query/${again.id}`)).status, 404);
  });

  it("answers Salesforce's states and errors", async () => {
    const job = (await http('POST', '/jobs/ingest', JSON.stringify({ object: 'Contact', operation: 'insert' })))
      .body as {
      id: string;
      state: string;
      contentUrl: string;
    };
    assert.equal(job.state, 'Open');
    assert.equal(job.contentUrl, `services/data/v60.0/jobs/ingest/${job.id}/batches`);
    const early = await http('GET', `/jobs/ingest/${job.id}/successfulResults`);
    assert.equal(early.status, 412);
    assert.equal(early.body[0].errorCode, 'JOB_NOT_COMPLETE');
    assert.equal((await http('PUT', `/jobs/ingest/${job.id}/batches`, 'LastName,Shoe\nX,1\n', 'text/csv')).status, 201);
    const twice = await http('PUT', `/jobs/ingest/${job.id}/batches`, 'LastName\nY\n', 'text/csv');
    assert.equal(twice.status, 400);
    assert.equal(twice.body[0].errorCode, 'BULK_API_ERROR');
    assert.match(twice.body[0].message, /^Found multiple contents for job/);
    assert.equal(
      (await http('PATCH', `/jobs/ingest/${job.id}`, JSON.stringify({ state: 'UploadComplete' }))).status,
      200,
    );
    const failed = await waitFor(`/jobs/ingest/${job.id}`, ['Failed', 'JobComplete']);
    assert.deepEqual([failed.state, failed.errorMessage], ['Failed', 'InvalidBatch : Field name not found : Shoe']);
    const closeAgain = await http('PATCH', `/jobs/ingest/${job.id}`, JSON.stringify({ state: 'UploadComplete' }));
    assert.equal(closeAgain.body[0].errorCode, 'INVALIDJOBSTATE');

    const badObject = await http('POST', '/jobs/ingest', JSON.stringify({ object: 'Widget', operation: 'insert' }));
    assert.deepEqual([badObject.status, badObject.body[0].errorCode], [400, 'INVALIDJOB']);
    const noKey = await http('POST', '/jobs/ingest', JSON.stringify({ object: 'Contact', operation: 'upsert' }));
    assert.match(noKey.body[0].message, /externalIdFieldName/);
    const badQuery = await http('POST', '/jobs/query', JSON.stringify({ query: 'SELECT Shoe FROM Contact' }));
    assert.deepEqual([badQuery.status, badQuery.body[0].errorCode], [400, 'INVALID_FIELD']);
    const count = await http('POST', '/jobs/query', JSON.stringify({ query: 'SELECT COUNT() FROM Contact' }));
    assert.equal(count.body[0].errorCode, 'INVALIDJOB');

    // Aborting an open job: its rows are unprocessed, and nothing was written.
    const open = (await http('POST', '/jobs/ingest', JSON.stringify({ object: 'Contact', operation: 'insert' })))
      .body as { id: string };
    await http('PUT', `/jobs/ingest/${open.id}/batches`, 'LastName\nAborted one\n', 'text/csv');
    assert.equal(
      (await http('PATCH', `/jobs/ingest/${open.id}`, JSON.stringify({ state: 'Aborted' }))).body.state,
      'Aborted',
    );
    assert.equal((await http('GET', `/jobs/ingest/${open.id}/unprocessedrecords`)).body, '"LastName"\n"Aborted one"\n');
    assert.equal((await conn.query("SELECT Id FROM Contact WHERE LastName = 'Aborted one'")).totalSize, 0);

    // Another user's job is not there for them; a user the rule refuses is refused first.
    const cy = sessionFor(org, 'cy@test.example');
    assert.equal((await http('GET', `/jobs/ingest/${open.id}`, undefined, undefined, cy)).status, 404);
    const bob = sessionFor(org, 'bob@test.example');
    for (const [method, path] of [
      ['POST', '/jobs/query'],
      ['POST', '/jobs/ingest'],
      ['GET', `/jobs/ingest/${open.id}`],
    ]) {
      const refused = await http(method, path, method === 'POST' ? '{}' : undefined, undefined, bob);
      assert.equal(refused.status, 403, path);
      assert.equal(refused.body[0].errorCode, 'API_CURRENTLY_DISABLED');
    }
  });

  it("holds a user's jobs to bulkBytesPerUser: a further upload is refused, a larger result fails its job", async () => {
    const small = await startTestOrg(testSeed(), { bulkBytesPerUser: 300 });
    try {
      const token = sessionFor(small, 'ann@test.example');
      const call = async (method: string, path: string, body?: string, type = 'application/json') => {
        const res = await fetch(`${small.url}${V}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
          body,
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };
      const newJob = async () =>
        (await call('POST', '/jobs/ingest', JSON.stringify({ object: 'Contact', operation: 'insert' }))).body
          .id as string;
      const first = await newJob();
      assert.equal(
        (await call('PUT', `/jobs/ingest/${first}/batches`, `LastName\n${'x'.repeat(200)}\n`, 'text/csv')).status,
        201,
      );
      const second = await newJob();
      const refused = await call('PUT', `/jobs/ingest/${second}/batches`, `LastName\n${'y'.repeat(100)}\n`, 'text/csv');
      assert.deepEqual([refused.status, refused.body[0].errorCode], [400, 'LIMIT_EXCEEDED']);
      assert.equal((await call('DELETE', `/jobs/ingest/${first}`)).status, 204);
      assert.equal(
        (await call('PUT', `/jobs/ingest/${second}/batches`, `LastName\n${'y'.repeat(100)}\n`, 'text/csv')).status,
        201,
      );
      await call('DELETE', `/jobs/ingest/${second}`);

      const contact = findSObject('Contact')!;
      small.ctx.store.transaction(() => {
        for (let i = 0; i < 20; i++)
          small.ctx.store.insert(contact, { LastName: `Quota ${i}` }, userId(small, 'ann@test.example'));
      });
      const job = (await call('POST', '/jobs/query', JSON.stringify({ query: 'SELECT Id, LastName FROM Contact' })))
        .body as { id: string };
      let info: { state: string; errorMessage?: string } = { state: '' };
      for (let i = 0; i < 100 && !['JobComplete', 'Failed'].includes(info.state); i++) {
        await new Promise((r) => setTimeout(r, 20));
        info = (await call('GET', `/jobs/query/${job.id}`)).body;
      }
      assert.equal(info.state, 'Failed');
      assert.match(info.errorMessage!, /^ExceededQuota : the results are larger than the 300 bytes/);
    } finally {
      await small.close();
    }
  });

  it('refuses an upload over the body limit before reading it', async () => {
    const small = await startTestOrg(testSeed(), { bodyLimit: 1024 });
    try {
      const token = sessionFor(small, 'ann@test.example');
      const call = (method: string, path: string, body: string, type: string) =>
        fetch(`${small.url}${V}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          body,
        });
      const job = (await (
        await call(
          'POST',
          '/jobs/ingest',
          JSON.stringify({ object: 'Contact', operation: 'insert' }),
          'application/json',
        )
      ).json()) as { id: string };
      const big = await call('PUT', `/jobs/ingest/${job.id}/batches`, `LastName\n${'x\n'.repeat(1000)}`, 'text/csv');
      assert.equal(big.status, 413);
      assert.equal(((await big.json()) as Array<{ errorCode: string }>)[0].errorCode, 'REQUEST_ENTITY_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});
