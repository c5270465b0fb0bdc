/**
 * An idle run costs one request on each side (issue 17), counted at the servers: every object's Salesforce read
 * in one `/composite` call (one API call at the org, where `composite/batch` counts each subrequest), every Graph
 * delta read in one `$batch`. A side whose combined read is refused reads each object alone and says so in the log.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet, dayFromToday } from '../../helpers/sync';
import { FaultProxy, startFaultProxy } from '../../helpers/fault-proxy';
import { SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';

const D = (n: number) => dayFromToday(n);

describe('sync engine: an idle run, one request a side', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let proxy: FaultProxy;
  let refuseBatch = false;
  let mailboxRequests: string[] = [];

  before(async () => {
    w = await startSyncWorld({
      records: {
        Contact: [
          { FirstName: 'Idle', LastName: 'Ida', Email: 'ida@idle.example' },
          { FirstName: 'Idle', LastName: 'Ivo', Email: 'ivo@idle.example' },
        ],
        Task: [
          { Subject: 'Idle task', Status: 'Not Started', Priority: 'Normal' },
          { Subject: 'Idle chore', Status: 'Not Started', Priority: 'Normal' },
        ],
        Event: [
          { Subject: 'Idle review', StartDateTime: `${D(3)}T15:00:00Z`, EndDateTime: `${D(3)}T16:00:00Z` },
          { Subject: 'Idle lunch', StartDateTime: `${D(4)}T12:00:00Z`, EndDateTime: `${D(4)}T13:00:00Z` },
        ],
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

  it('one change per object on each side: each object has its page in the one combined read of its side', async () => {
    // A Salesforce edit and an Outlook edit of each object, on different records.
    const sfId = (object: 'contacts' | 'events' | 'tasks', i: number) =>
      w.engine.store
        .links(object)
        .map((l) => l.sfId)
        .sort()[i];
    const olId = (object: 'contacts' | 'events' | 'tasks', i: number) =>
      w.engine.store.links(object).sort((a, b) => a.sfId.localeCompare(b.sfId))[i].olId;
    const [list] = await w.list('/me/todo/lists');
    const edits: Array<Promise<{ status: number }>> = [
      w.sf.patch(`/sobjects/Contact/${sfId('contacts', 0)}`, { Title: 'Edited in Salesforce' }),
      w.sf.patch(`/sobjects/Event/${sfId('events', 0)}`, { Location: 'Edited in Salesforce' }),
      w.sf.patch(`/sobjects/Task/${sfId('tasks', 0)}`, { Priority: 'High' }),
      w.graph.patch(`/me/contacts/${olId('contacts', 1)}`, { jobTitle: 'Edited in Outlook' }),
      w.graph.patch(`/me/events/${olId('events', 1)}`, { location: { displayName: 'Edited in Outlook' } }),
      w.graph.patch(`/me/todo/lists/${list.id}/tasks/${olId('tasks', 1)}`, { importance: 'high' }),
    ];
    for (const e of await Promise.all(edits)) assert.ok(e.status === 200 || e.status === 204, String(e.status));
    // The org's queries, as sent: a read of what changed asks by SystemModstamp; a write's re-read of its targets by Id.
    const queries: string[] = [];
    const onOrgRequest = (req: http.IncomingMessage) => {
      const url = new URL(req.url ?? '/', 'http://org.invalid');
      if (req.method === 'GET' && /\/query(All)?$/.test(url.pathname)) queries.push(url.searchParams.get('q') ?? '');
    };
    (w.org.app.server as http.Server).prependListener('request', onOrgRequest);
    mailboxRequests = [];
    const { report } = await w.run();
    assert.equal(report.errors.length, 0, JSON.stringify(report.errors));
    for (const object of ['contacts', 'events', 'tasks'] as const) {
      assert.equal(report.counts.outlook[object].updated, 1, `${object}: the Salesforce edit reached Outlook`);
      assert.equal(report.counts.salesforce[object].updated, 1, `${object}: the Outlook edit reached Salesforce`);
    }
    (w.org.app.server as http.Server).off('request', onOrgRequest);
    // The reads came in the combined read of each side (a composite, a $batch): no object was read on its own.
    // (The writes add their own composites, re-reads by Id and batches.)
    assert.ok(queries.length > 0, 'the writes re-read their targets');
    assert.deepEqual(
      queries.filter((q) => /SystemModstamp >=/.test(q)),
      [],
      'no Salesforce object was read on its own',
    );
    assert.deepEqual(
      mailboxRequests.filter((r) => r.startsWith('GET ')),
      [],
      'no mailbox object was read on its own',
    );
    assert.equal(mailboxRequests.filter((r) => r.startsWith('POST /v1.0/$batch')).length >= 1, true);
    assertQuiet((await w.run()).report, 'the run after');
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
