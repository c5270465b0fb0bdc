import assert from 'node:assert/strict';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import {
  createRecords,
  deleteRecords,
  upsertRecords,
  COLLECTION_LIMIT,
} from '../../../sync-engine/src/salesforce/collections';
import { fakeServer, FakeServer } from './fake-server';

describe('salesforce/collections', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('creates in calls of 200 and returns per-record results as values, in order', async () => {
    let next = 0;
    server = await fakeServer((req) => {
      const { records } = JSON.parse(req.body) as { records: Array<{ LastName?: string }> };
      return {
        body: records.map((r) =>
          r.LastName
            ? { id: `003${String(++next).padStart(15, '0')}`, success: true, errors: [] }
            : {
                success: false,
                errors: [
                  {
                    statusCode: 'REQUIRED_FIELD_MISSING',
                    message: 'Required fields are missing: [LastName]',
                    fields: ['LastName'],
                  },
                ],
              },
        ),
      };
    });
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    const input = Array.from({ length: 450 }, (_, i) =>
      i === 201 ? { FirstName: 'no last name' } : { LastName: `L${i}` },
    );
    const results = await createRecords(conn, 'Contact', input);
    assert.deepEqual(
      server.seen.map((s) => (JSON.parse(s.body) as { records: unknown[] }).records.length),
      [COLLECTION_LIMIT, COLLECTION_LIMIT, 50],
    );
    assert.equal(results.length, 450);
    assert.equal(results[201].success, false);
    assert.equal(results[201].id, null);
    assert.deepEqual(results[201].errors[0], {
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [LastName]',
      fields: ['LastName'],
    });
    assert.equal(results.filter((r) => r.success).length, 449);
    const first = JSON.parse(server.seen[0].body) as {
      allOrNone: boolean;
      records: Array<{ attributes: { type: string } }>;
    };
    assert.equal(first.allOrNone, false);
    assert.equal(first.records[0].attributes.type, 'Contact');
    assert.equal(server.seen[0].url, '/services/data/v60.0/composite/sobjects');
  });

  it('deletes by ids in the query string', async () => {
    server = await fakeServer((req) => {
      const ids = new URL(`http://x${req.url}`).searchParams.get('ids')!.split(',');
      return { body: ids.map((id) => ({ id, success: true, errors: [] })) };
    });
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    const results = await deleteRecords(conn, ['a', 'b']);
    assert.equal(server.seen[0].method, 'DELETE');
    assert.deepEqual(
      results.map((r) => r.id),
      ['a', 'b'],
    );
  });

  it('upserts on an external id field and keeps created', async () => {
    server = await fakeServer(() => ({ body: [{ id: 'x', success: true, errors: [], created: true }] }));
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    const [r] = await upsertRecords(conn, 'Contact', 'Ext__c', [{ Ext__c: '1', LastName: 'A' }]);
    assert.equal(server.seen[0].method, 'PATCH');
    assert.equal(server.seen[0].url, '/services/data/v60.0/composite/sobjects/Contact/Ext__c');
    assert.equal(r.created, true);
  });

  it('rejects when the whole call is refused (access revoked)', async () => {
    server = await fakeServer(() => ({
      status: 403,
      body: [{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }],
    }));
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    await assert.rejects(createRecords(conn, 'Contact', [{ LastName: 'A' }]), { kind: 'accessRevoked' });
  });
});
