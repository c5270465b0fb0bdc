/**
 * An idle run costs one request on each side (issue 17), counted at the servers: every object's Salesforce read
 * in one `/composite` call (one API call at the org, where `composite/batch` counts each subrequest), every Graph
 * delta read in one `$batch`. A side whose combined read is refused reads each object alone and says so in the log.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { FaultProxy, startFaultProxy } from '../../helpers/fault-proxy';
import { SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';

describe('sync engine: an idle run, one request a side', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let refuseBatch = false;
  let mailboxRequests: string[] = [];

  before(async () => {
    w = await startSyncWorld({
      records: {
        Contact: [{ FirstName: 'Idle', LastName: 'Ida', Email: 'ida@idle.example' }],
        Task: [{ Subject: 'Idle task', Status: 'Not Started', Priority: 'Normal' }],
      },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      answer: (req) =>
        refuseBatch && req.url.includes('$batch')
          ? { status: 400, body: { error: { code: 'BadRequest', message: 'Invalid batch payload format.' } } }
          : null,
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
    (w.mailbox.app.server as http.Server).prependListener('request', (req: http.IncomingMessage) =>
      mailboxRequests.push(`${req.method} ${req.url}`),
    );
    await w.run();
    await w.run();
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('reads every object of each side in one request, counted at the org and at the mailbox', async () => {
    const orgBefore = w.org.ctx.stats.total;
    mailboxRequests = [];
    const { report } = await w.run();
    assertQuiet(report, 'the idle run');
    assert.equal(w.org.ctx.stats.total - orgBefore, 1, 'one API call at the org');
    assert.deepEqual([...w.org.ctx.stats.byKind.keys()].filter((k) => k.startsWith('POST composite')).length, 1);
    assert.deepEqual(
      mailboxRequests.map((r) => r.replace(/\?.*$/, '')),
      ['POST /v1.0/$batch'],
    );
    assert.deepEqual(report.requests, { salesforce: 1, outlook: 1 });
  });

  it('a refused $batch: each object read alone, said in the log, nothing lost', async () => {
    const logged: string[] = [];
    w.engine.close();
    w.engine = new SyncEngine(readSyncConfig(w.configFile), { log: (_level, text) => logged.push(text) });
    await w.engine.runOnce();
    refuseBatch = true;
    mailboxRequests = [];
    const run = await w.engine.runOnce();
    refuseBatch = false;
    assert.equal(run.status.state, 'idle');
    assertQuiet(run.result!.report, 'the idle run read alone');
    assert.ok(
      logged.some((l) => /refused the \$batch of this run's reads; reading each object alone/.test(l)),
      logged.join('\n'),
    );
    assert.equal(mailboxRequests.filter((r) => r.startsWith('GET ')).length, 3, mailboxRequests.join('\n'));
  });
});
