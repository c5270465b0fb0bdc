/**
 * A local org in its own process for benchmarks, so the load generator does not share its event loop.
 * Tells the parent its URL over IPC and takes `{ checkAccess: boolean }` to switch the per-request rule check.
 */
import { startLocalOrg } from '../sync-engine/src/local-org';
import { OrgSeed } from '../sync-engine/src/local-org/seed';

async function run(): Promise<void> {
  const seed = JSON.parse(process.argv[2]) as OrgSeed;
  const org = await startLocalOrg({
    seed,
    dataDir: ':memory:',
    port: 0,
    options: { dailyRequestLimit: 1_000_000_000 },
  });
  process.on('message', (m: { checkAccess?: boolean; stats?: boolean; stop?: boolean }) => {
    if (typeof m.checkAccess === 'boolean') {
      org.ctx.options.checkAccessOnEveryRequest = m.checkAccess;
      process.send!({ ack: true });
    }
    if (m.stats)
      process.send!({ stats: { total: org.ctx.stats.total, byKind: Object.fromEntries(org.ctx.stats.byKind) } });
    if (m.stop) void org.close().then(() => process.exit(0));
  });
  process.send!({ url: org.url });
}

void run();
