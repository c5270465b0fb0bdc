/**
 * A mailbox that refuses the app (issue 12, finding 1): Graph's 403 `ErrorAccessDenied` (the mailbox token's consent
 * withdrawn, the mailbox disabled) stops the run as authFailed on the outlook side, with everything read and queued
 * kept, instead of failing the run with an error (a read) or one record after another (a write). Once the mailbox
 * takes the token again, the next run sends what waited.
 */
import assert from 'node:assert/strict';
import { SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { SyncWorld, startSyncWorld, ANN_TOKEN } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy } from '../../helpers/fault-proxy';

const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};
const ACCESS_DENIED = {
  status: 403,
  body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } },
};

describe('sync engine: a mailbox that answers 403 ErrorAccessDenied stops the run', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let engine: SyncEngine;
  let refuse: (req: SeenRequest) => boolean = () => false;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: { Contact: [{ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@denied.example' }] },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      answer: (req) => (refuse(req) ? ACCESS_DENIED : null),
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
    engine = new SyncEngine(readSyncConfig(w.configFile), { retrySleep: async () => {} });
  });
  after(async () => {
    engine?.close();
    await proxy?.close();
    await w?.close();
  });

  it('refused writes: the run stops (authFailed, outlook), no record is reported failed, the write stays queued', async () => {
    refuse = (req) => req.method !== 'GET';
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'stopped', `the run ended ${run.status.state}: ${run.status.message}`);
    const report = run.result!.report;
    assert.deepEqual(report.stopped, {
      kind: 'authFailed',
      side: 'outlook',
      message: ACCESS_DENIED.body.error.message,
    });
    assert.deepEqual(report.errors, []);
    assert.equal(report.pending, 1);
    assert.equal(proxy.seen.filter((r) => r.method === 'POST').length, 1, 'one refused write is enough to stop');
  });

  it('refused reads: the run stops the same way', async () => {
    refuse = () => true;
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.deepEqual(run.result!.report.stopped, {
      kind: 'authFailed',
      side: 'outlook',
      message: ACCESS_DENIED.body.error.message,
    });
  });

  it('once the mailbox takes the token again, the queued write goes', async () => {
    refuse = () => false;
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    assert.equal(run.result!.report.counts.outlook.contacts.created, 1);
    assert.equal(run.result!.report.pending, 0);
  });
});
