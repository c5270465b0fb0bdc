/**
 * The org client's retries (issue 12, finding 1), against the real local org through a fault-injecting proxy: a
 * failure that may pass (a 5xx, a reset connection) is sent again when sending twice does no harm (a query, a
 * collections update, an upsert by external id, a delete), never when it creates; a 503's Retry-After is waited
 * out. Before, the first such failure ended the call.
 */
import assert from 'node:assert/strict';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';
import { FaultProxy, Fault, SeenRequest, CannedAnswer, startFaultProxy } from '../../helpers/fault-proxy';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import { createTransport } from '../../../sync-engine/src/salesforce/http';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';
import { queryAll } from '../../../sync-engine/src/salesforce/query';
import {
  createRecords,
  deleteRecords,
  updateRecords,
  upsertRecords,
} from '../../../sync-engine/src/salesforce/collections';

const ANN = 'ann@test.example';

describe('salesforce client: transient failures are retried, creates never', function () {
  this.timeout(30_000);
  let org: LocalOrg;
  let proxy: FaultProxy;
  /** The faults still to inject, in order, on requests the test picks. */
  let faults: Fault[] = [];
  let canned: CannedAnswer[] = [];
  let picks: (req: SeenRequest) => boolean = () => false;
  const sleeps: number[] = [];

  const connection = () =>
    new Connection({
      instanceUrl: proxy.url,
      accessToken: sessionFor(org, ANN),
      transport: createTransport(),
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    });
  const contacts = (lastName: string) =>
    org.ctx.store.db
      .prepare(`SELECT "Id", "Title" FROM sobj_Contact WHERE "LastName" = ? AND "IsDeleted" = 0`)
      .all(lastName) as Array<{ Id: string; Title: string | null }>;
  const sent = (method: string) =>
    proxy.seen.filter((r) => r.method === method && r.url.includes('/composite/sobjects')).length;

  before(async () => {
    org = await startTestOrg();
    proxy = await startFaultProxy({
      target: org.url,
      decide: (req) => (picks(req) && faults.length ? faults.shift()! : null),
      answer: (req) => (picks(req) && canned.length ? canned.shift()! : null),
    });
  });
  beforeEach(() => {
    faults = [];
    canned = [];
    sleeps.length = 0;
    proxy.seen.length = 0;
  });
  after(async () => {
    await proxy?.close();
    await org?.close();
  });

  it('a query that meets a 5xx and then a reset connection is sent again and answers', async () => {
    picks = (req) => req.method === 'GET';
    faults = ['error-before', 'reset-after'];
    const conn = connection();
    const { records: rows } = await queryAll<{ Id: string }>(conn, `SELECT Id FROM User WHERE Username = '${ANN}'`);
    assert.equal(rows.length, 1);
    assert.equal(conn.retries, 2);
    assert.equal(sleeps.length, 2);
  });

  it('a collections update whose answer was lost is sent again; the record holds the values once', async () => {
    const conn = connection();
    const [made] = await createRecords(conn, 'Contact', [{ LastName: 'Retried', OwnerId: userId(org, ANN) }]);
    picks = (req) => req.method === 'PATCH';
    faults = ['error-after'];
    const [res] = await updateRecords(conn, 'Contact', [{ Id: made.id!, Title: 'Buyer' }]);
    assert.equal(res.success, true);
    assert.equal(sent('PATCH'), 2);
    assert.deepEqual(
      contacts('Retried').map((c) => c.Title),
      ['Buyer'],
    );
  });

  it('an upsert by external id whose connection was reset is sent again and makes one record', async () => {
    picks = (req) => req.method === 'PATCH';
    faults = ['reset-after'];
    const [res] = await upsertRecords(connection(), 'Contact', 'OutlookId__c', [
      { LastName: 'Upserted', OutlookId__c: 'ol-upsert-1', OwnerId: userId(org, ANN) },
    ]);
    assert.equal(res.success, true);
    assert.equal(sent('PATCH'), 2);
    assert.equal(contacts('Upserted').length, 1);
  });

  it('a delete that meets a 5xx is sent again', async () => {
    const conn = connection();
    const [made] = await createRecords(conn, 'Contact', [{ LastName: 'Doomed', OwnerId: userId(org, ANN) }]);
    picks = (req) => req.method === 'DELETE';
    faults = ['error-before'];
    const [res] = await deleteRecords(conn, [made.id!]);
    assert.equal(res.success, true);
    assert.equal(contacts('Doomed').length, 0);
  });

  it('a create whose answer was lost is not sent again: the call fails, one record was made', async () => {
    picks = (req) => req.method === 'POST';
    faults = ['error-after'];
    const conn = connection();
    await assert.rejects(
      createRecords(conn, 'Contact', [{ LastName: 'Once', OwnerId: userId(org, ANN) }]),
      (err: SalesforceApiError) => err.failure.kind === 'transient',
    );
    assert.equal(sent('POST'), 1);
    assert.equal(conn.retries, 0);
    assert.equal(contacts('Once').length, 1);
  });

  it('a 503 with Retry-After is waited out as told, then answers', async () => {
    picks = (req) => req.method === 'GET';
    canned = [
      { status: 503, headers: { 'retry-after': '7' }, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'busy' }] },
    ];
    const { records: rows } = await queryAll<{ Id: string }>(
      connection(),
      `SELECT Id FROM User WHERE Username = '${ANN}'`,
    );
    assert.equal(rows.length, 1);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0] >= 7_000 && sleeps[0] < 8_000, `waited ${sleeps[0]} ms`);
  });

  it('gives up after the budget: the failure that may pass is the error', async () => {
    picks = (req) => req.method === 'GET';
    faults = ['error-before', 'error-before', 'error-before', 'error-before', 'error-before'];
    const conn = connection();
    await assert.rejects(
      queryAll(conn, 'SELECT Id FROM User'),
      (err: SalesforceApiError) => err.failure.kind === 'transient',
    );
    assert.equal(conn.retries, 3);
    assert.equal(faults.length, 1, 'four attempts: the first and three retries');
  });
});
