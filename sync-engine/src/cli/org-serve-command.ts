/** `sfo-compat org serve`: run a local org until interrupted. */
import { startLocalOrg, LocalOrg } from '../local-org';
import { SeedError } from '../local-org/seed';
import { parsePort, UsageError, EXIT } from './usage';
import { waitForSignal } from './signals';

export async function orgServeCommand(opts: { seed?: string; port: string; data: string }): Promise<number> {
  let org: LocalOrg;
  try {
    org = await startLocalOrg({ seedFile: opts.seed, dataDir: opts.data, port: parsePort(opts.port) });
  } catch (err) {
    if (err instanceof SeedError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT.usage;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`port ${opts.port} is in use: choose another with --port N\n`);
      return EXIT.usage;
    }
    process.stderr.write(`${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const name = (org.ctx.store.db.prepare(`SELECT "Name" FROM sobj_Organization`).get() as { Name: string }).Name;
  process.stdout.write(`${org.seeded ? 'Seeded' : 'Opened'} org "${name}" in ${opts.data}\n`);
  if (opts.seed && !org.seeded)
    process.stderr.write(
      `note: ${opts.data} already holds an org, so --seed ${opts.seed} was not read (delete ${opts.data} to start from the seed)\n`,
    );
  process.stdout.write(`Login URL: ${org.url}\n`);
  await waitForSignal();
  await org.close();
  return EXIT.ok;
}
