/**
 * The org of bulk2-bench.ts in its own process, so the figure is the server's own event-loop pause: seeds the
 * contacts, warms the SOQL compiler, tells the parent its URL, and on `{start}` / `{stop}` measures the longest
 * event-loop pause in between.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLocalOrg } from '../sync-engine/src/local-org';
import { findSObject } from '../sync-engine/src/local-org/schema';
import { compileSoql } from '../sync-engine/src/local-org/soql/compile';
import { OrgSeed } from '../sync-engine/src/local-org/seed';

async function run(): Promise<void> {
  const seed = JSON.parse(process.argv[2]) as OrgSeed;
  const rows = Number(process.argv[3]);
  const org = await startLocalOrg({ seed, dataDir: ':memory:', port: 0 });
  const store = org.ctx.store;
  const owner = (
    store.db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = 'ann@test.example'`).get() as {
      Id: string;
    }
  ).Id;
  const contact = findSObject('Contact')!;
  store.transaction(() => {
    for (let i = 0; i < rows; i++)
      store.insert(contact, { FirstName: `F${i}`, LastName: `Bulk${i}`, Email: `b${i}@bench.example` }, owner);
  });
  // The process's first SOQL compile loads and warms the parser (about 400 ms, once): not a bulk job's cost.
  compileSoql('SELECT Id FROM Contact', { now: new Date(), includeDeleted: false });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  process.on('message', (m: { start?: boolean; stop?: boolean; exit?: boolean }) => {
    if (m.start) {
      delay.reset();
      delay.enable();
      process.send!({ started: true });
    }
    if (m.stop) {
      delay.disable();
      process.send!({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 });
    }
    if (m.exit) void org.close().then(() => process.exit(0));
  });
  process.send!({ url: org.url });
}

void run();
