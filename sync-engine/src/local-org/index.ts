/** Start the embedded org: open (or seed) its SQLite file, then serve it on loopback. */
import path from 'node:path';
import { FastifyInstance } from 'fastify';
import { OrgStore } from './store';
import { startFootprint } from '../common/start-footprint';
import { OrgContext, OrgOptions, DEFAULT_ORG_OPTIONS } from './context';
import { buildOrgServer } from './server';
import { loadSeed, OrgSeed, readSeedFile } from './seed';
import { Clock, systemClock } from '../common/clock';
import { privateDir } from '../common/private-files';

export interface LocalOrgOptions {
  /** Seed file; used only when the data dir holds no org yet. */
  seedFile?: string;
  /** Or the seed itself (tests, the matrix). */
  seed?: OrgSeed;
  /** Directory for org.sqlite; ':memory:' for a throwaway org. */
  dataDir: string;
  port?: number;
  host?: string;
  clock?: Clock;
  options?: Partial<OrgOptions>;
}

export interface LocalOrg {
  url: string;
  ctx: OrgContext;
  app: FastifyInstance;
  /** Whether this start seeded a new org (false when the data dir already held one). */
  seeded: boolean;
  close(): Promise<void>;
}

/** Open or create the org in dataDir and listen on host:port (port 0 picks a free one). */
export async function startLocalOrg(o: LocalOrgOptions): Promise<LocalOrg> {
  const file = o.dataDir === ':memory:' ? ':memory:' : path.join(o.dataDir, 'org.sqlite');
  // A start that fails takes back what it made, so the next start does not open an empty file as an org.
  const footprint = startFootprint(o.dataDir, ['org.sqlite']);
  if (o.dataDir !== ':memory:') privateDir(o.dataDir);
  const store = new OrgStore(file, o.clock ?? systemClock);
  let seeded = false;
  try {
    const limit = Number(store.getMeta('dailyApiRequestLimit') ?? '0');
    const build = () =>
      new OrgContext(store, {
        ...DEFAULT_ORG_OPTIONS,
        ...(limit ? { dailyRequestLimit: limit } : {}),
        ...o.options,
      });
    let ctx = build();
    if (!store.isSeeded()) {
      const seed = o.seed ?? (o.seedFile ? readSeedFile(o.seedFile) : undefined);
      if (!seed) throw new Error(`the org in ${o.dataDir} is empty: give a seed file (--seed FILE)`);
      await loadSeed(ctx, seed);
      seeded = true;
      if (seed.organization.dailyApiRequestLimit && !o.options?.dailyRequestLimit) {
        ctx = new OrgContext(store, {
          ...DEFAULT_ORG_OPTIONS,
          dailyRequestLimit: seed.organization.dailyApiRequestLimit,
          ...o.options,
        });
      }
    }
    const app = await buildOrgServer(ctx);
    const address = await app.listen({ port: o.port ?? 0, host: o.host ?? '127.0.0.1' });
    const url = address.replace('[::1]', 'localhost');
    return {
      url,
      ctx,
      app,
      seeded,
      close: async () => {
        await app.close();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    footprint.undo();
    throw err;
  }
}
