/**
 * What recovering creates lost in a crash costs: the engine (a child process) is SIGKILLed once a side carried out
 * 200 creates and before the engine stored a single answer. The next run finds the records those creates made
 * (Side.madeBy) before sending anything again. Salesforce used to be queried once per create, each query reading every
 * row the user made since (quadratic in rows, 200 API calls of the org's daily allocation): now one read for the batch
 * (the Outlook ids 100 to a query, or the user's records made since the batch's earliest first send). Outlook used to
 * read each copy found again, one request each: now each comes from the batch's one listing. Every record is linked
 * once: none doubled, none lost, and the run after is quiet.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';
import { REPO_ROOT } from '../../helpers/shared';

const ANN = 'ann@test.example';
const ENGINE = path.join(REPO_ROOT, 'build', 'test', 'helpers', 'sync-child.js');
/** One write call's worth: the creates a crash leaves unanswered. */
const N = 200;
/**
 * The requests a recovering run may make to the side it recovers on, the recovery and everything else (sign-in,
 * describe, the reads of every object together, their pages). Before, the recovery alone took N.
 */
const RUN_REQUESTS_AT_MOST = 12;

const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

/** A proxy in front of `target` that SIGKILLs the armed child once the server answered the request `killAt` picks. */
async function killingProxy(target: string): Promise<{
  proxy: FaultProxy;
  /** One engine run in a child process, killed as `killAt` says; resolves once it is dead and the server is done. */
  runKilled(configFile: string, killAt: (req: SeenRequest) => boolean): Promise<void>;
}> {
  let armed: { child: ChildProcess; killAt: (req: SeenRequest) => boolean; done: boolean } | null = null;
  const proxy = await startFaultProxy({
    target,
    decide: () => null,
    // The server carried the request out; the engine dies before it has the answer.
    beforeAnswer: async (req) => {
      if (!armed || armed.done || !armed.killAt(req)) return;
      armed.done = true;
      const exited = new Promise((resolve) => armed!.child.once('exit', resolve));
      armed.child.kill('SIGKILL');
      await exited;
    },
  });
  return {
    proxy,
    async runKilled(configFile, killAt) {
      const child = spawn(process.execPath, [ENGINE, configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      armed = { child, killAt, done: false };
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b));
      const ended = await new Promise<{ signal: string | null }>((resolve) =>
        child.on('close', (_code, signal) => resolve({ signal })),
      );
      assert.ok(armed.done, `the engine ended before the request it was to be killed at: ${stderr}`);
      assert.equal(ended.signal, 'SIGKILL');
      armed = null;
      await proxy.settled();
    },
  };
}

/** The state's contact links, checked one to one with the ids each side holds. */
function assertLinkedOnce(w: SyncWorld, sfIds: string[], olIds: string[]): void {
  const state = new Database(path.join(w.dir, 'state', 'state.sqlite'), { readonly: true });
  try {
    const links = state.prepare(`SELECT sf_id, ol_id FROM links WHERE object = 'contacts'`).all() as Array<{
      sf_id: string;
      ol_id: string;
    }>;
    const id15 = (id: string) => id.slice(0, 15);
    assert.deepEqual(links.map((l) => id15(l.sf_id)).sort(), sfIds.map(id15).sort(), 'each record linked, once');
    assert.deepEqual(links.map((l) => l.ol_id).sort(), [...olIds].sort(), 'each Outlook item linked, once');
  } finally {
    state.close();
  }
}

/** The requests of one run, in a line: how many and of which kind. */
function tally(requests: SeenRequest[]): string {
  const kinds = new Map<string, number>();
  for (const r of requests) {
    const kind = `${r.method} ${r.url.replace(/\?.*$/, '').replace(/\/[A-Za-z0-9_=-]{15,}(?=\/|$)/g, '/{id}')}`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
}

for (const stock of [false, true])
  describe(`sync engine: ${N} creates to Salesforce lost in a crash are recovered with one read, not a query each${stock ? ', on a stock org' : ''}`, function () {
    this.timeout(120_000);
    let w: SyncWorld;
    let org: Awaited<ReturnType<typeof killingProxy>>;

    before(async () => {
      w = await startSyncWorld({
        stock,
        keepSeedContact: false,
        mailbox: {
          contacts: Array.from({ length: N }, (_, i) => ({
            givenName: `Lost${i}`,
            surname: `Answer${i}`,
            jobTitle: 'Buyer',
            emailAddresses: [{ address: `lost${i}@recovered.example`, name: `Lost${i} Answer${i}` }],
          })),
        },
        config: { objects: contactsOnly },
      });
      org = await killingProxy(w.org.url);
      w.reconfigure({ org: { loginUrl: org.proxy.url, username: ANN, password: 'Ann-pass-1' } });
    });
    after(async () => {
      await org?.proxy.close();
      await w?.close();
    });

    it(`links each of the ${N} records the lost creates made, once, with at most ${RUN_REQUESTS_AT_MOST} requests to the org in the run`, async () => {
      w.engine.close();
      // The Collections call that carries the creates: an upsert on OutlookId__c, or plain inserts on a stock org.
      await org.runKilled(w.configFile, (req) =>
        stock
          ? req.method === 'POST' && /\/composite\/sobjects\/?$/.test(req.url)
          : req.method === 'PATCH' && req.url.includes('/composite/sobjects/Contact/OutlookId__c'),
      );
      const made = await w.query(`SELECT Id FROM Contact WHERE Email LIKE '%@recovered.example'`);
      assert.equal(made.length, N, "the killed engine's creates reached the org");

      w.reconfigure({});
      const mark = org.proxy.seen.length;
      const { report } = await w.run();
      const requests = org.proxy.seen.slice(mark);
      const queries = requests.filter((r) => /\/query(All)?(\/|\?)/.test(r.url));
      console.log(`      ${N} recovered creates: ${requests.length} requests to the org (${tally(requests)})`);
      assert.deepEqual(report.errors, []);
      assert.equal(report.counts.salesforce.contacts.created, N, 'each lost create counted once, as the create it was');
      assert.ok(requests.length <= RUN_REQUESTS_AT_MOST, `${requests.length} requests to the org: ${tally(requests)}`);
      assert.ok(queries.length <= 4, `${queries.length} queries: ${tally(queries)}`);

      const sf = await w.query(`SELECT Id FROM Contact WHERE Email LIKE '%@recovered.example'`);
      assert.deepEqual(
        sf.map((c) => c.Id).sort(),
        made.map((c) => c.Id).sort(),
        'the records the lost creates made, no other',
      );
      const ol = await w.list('/me/contacts?$top=500');
      assert.equal(ol.length, N, 'no copy came back to Outlook');
      assertLinkedOnce(
        w,
        sf.map((c) => c.Id),
        ol.map((c) => c.id),
      );
      assertQuiet((await w.run()).report, 'the run after');
    });
  });

describe(`sync engine: ${N} creates to Outlook lost in a crash are recovered from one listing, not a read each`, function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let mailbox: Awaited<ReturnType<typeof killingProxy>>;
  const creates = (req: SeenRequest) =>
    subrequestsOf(req).filter((s) => s.method === 'POST' && s.url.endsWith('/me/contacts'));

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: {
        Contact: Array.from({ length: N }, (_, i) => ({
          FirstName: `Lost${i}`,
          LastName: `Answer${i}`,
          Email: `lost${i}@recovered.example`,
          Title: 'Buyer',
        })),
      },
      config: { objects: contactsOnly },
    });
    mailbox = await killingProxy(w.mailbox.url);
    w.reconfigure({ mailbox: { url: mailbox.proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await mailbox?.proxy.close();
    await w?.close();
  });

  it(`links each of the ${N} copies the lost creates made, once, with at most ${RUN_REQUESTS_AT_MOST} requests to the mailbox in the run`, async () => {
    w.engine.close();
    // The write call's last $batch: the mailbox made every copy, the engine stored none of their answers.
    let sent = 0;
    await mailbox.runKilled(w.configFile, (req) => (sent += creates(req).length) >= N);
    const made = (await w.list('/me/contacts?$top=500')).filter((c) => c.emailAddresses?.[0]?.address);
    assert.equal(made.length, N, "the killed engine's creates reached the mailbox");

    w.reconfigure({});
    const mark = mailbox.proxy.seen.length;
    const { report } = await w.run();
    const requests = mailbox.proxy.seen.slice(mark);
    console.log(`      ${N} recovered creates: ${requests.length} requests to the mailbox (${tally(requests)})`);
    assert.deepEqual(report.errors, []);
    assert.equal(report.counts.outlook.contacts.created, N, 'each lost create counted once, as the create it was');
    assert.ok(
      requests.length <= RUN_REQUESTS_AT_MOST,
      `${requests.length} requests to the mailbox: ${tally(requests)}`,
    );

    const ol = await w.list('/me/contacts?$top=500');
    assert.deepEqual(
      ol.map((c) => c.id).sort(),
      made.map((c) => c.id).sort(),
      'the copies the lost creates made, no other',
    );
    const sf = await w.query(`SELECT Id FROM Contact WHERE Email LIKE '%@recovered.example'`);
    assert.equal(sf.length, N, 'no record came back to Salesforce');
    assertLinkedOnce(
      w,
      sf.map((c) => c.Id),
      ol.map((c) => c.id),
    );
    assertQuiet((await w.run()).report, 'the run after');
  });
});
