/** Start the embedded mailbox: open (or seed) its SQLite file, then serve it on loopback over http or https. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FastifyInstance } from 'fastify';
import { Clock, systemClock } from '../common/clock';
import { startFootprint } from '../common/start-footprint';
import { MailboxStore, MailboxRecord } from './store';
import { MailboxContext, MailboxOptions, DEFAULT_MAILBOX_OPTIONS } from './context';
import { buildMailboxServer } from './server';
import { MailboxSeed, addIdentityFromSeed, loadSeed, readSeedFile } from './seed';
import { ThrottleRule } from './throttle';
import { selfSignedCertificate, TlsMaterial } from './tls';
import { fillEventSpans } from './event-spans';
import { privateDir } from '../common/private-files';

export { MailboxSeed, SeedError, readSeedFile, validateSeed } from './seed';
export { ThrottleRule } from './throttle';
export { MailboxOptions } from './context';

export interface LocalMailboxOptions {
  /**
   * Seed file; used when the data dir holds no mailbox yet, and for a data dir seeded before the identity platform
   * existed, whose tenant, apps and passwords it then gives (its mail is left as it is).
   */
  seedFile?: string;
  /** Or the seed itself (tests). */
  seed?: MailboxSeed;
  /** Directory for mailbox.sqlite; ':memory:' for a throwaway mailbox. */
  dataDir: string;
  port?: number;
  host?: string;
  /** Serve https with a self-signed certificate (kept in `<dataDir>/tls`, or a temporary dir for ':memory:'). */
  tls?: boolean;
  clock?: Clock;
  options?: Partial<MailboxOptions>;
}

export interface LocalMailbox {
  /** `http://127.0.0.1:PORT` or `https://localhost:PORT`; Graph lives under `${url}/v1.0`. */
  url: string;
  app: FastifyInstance;
  ctx: MailboxContext;
  mailboxes: MailboxRecord[];
  /** Whether this start seeded a new store (false when the data dir already held one). */
  seeded: boolean;
  /** With tls: the self-signed certificate (PEM) and its path, for clients to trust. */
  certificate?: { pem: string; path: string };
  /** Make the next requests answer 429 (one mailbox by user, or all of them). */
  throttle(rule: ThrottleRule, user?: string): void;
  /** Forget the change log: every delta token handed out so far gets 410 SyncStateNotFound. */
  expireDeltaTokens(): void;
  close(): Promise<void>;
}

/** Open or create the mailbox store in dataDir and listen on host:port (port 0 picks a free one). */
export async function startLocalMailbox(o: LocalMailboxOptions): Promise<LocalMailbox> {
  const memory = o.dataDir === ':memory:';
  const file = memory ? ':memory:' : path.join(o.dataDir, 'mailbox.sqlite');
  // A start that fails takes back what it made, so the next start does not open an empty file as a mailbox.
  const footprint = startFootprint(o.dataDir, ['mailbox.sqlite', 'tls']);
  if (!memory) privateDir(o.dataDir);
  const options: MailboxOptions = { ...DEFAULT_MAILBOX_OPTIONS, ...o.options };
  const store = new MailboxStore(file, o.clock ?? systemClock, options.changeLogLimit);
  let tmpDir: string | undefined;
  try {
    const ctx = new MailboxContext(store, options);
    let seeded = false;
    if (!store.isSeeded()) {
      const seed = o.seed ?? (o.seedFile ? readSeedFile(o.seedFile) : undefined);
      if (!seed) throw new Error(`the mailbox in ${o.dataDir} is empty: give a seed file (--seed FILE)`);
      loadSeed(ctx, seed);
      seeded = true;
    } else {
      // A store written before events kept their span of time gets them now, once.
      fillEventSpans(store);
      // A store written before the identity platform gets its tenant, apps and passwords from the seed, once.
      if (!ctx.identity.config()) {
        const seed = o.seed ?? (o.seedFile ? readSeedFile(o.seedFile) : undefined);
        if (seed) addIdentityFromSeed(ctx, seed);
      }
    }
    let tls: TlsMaterial | undefined;
    if (o.tls) {
      if (memory) tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-compat-mailbox-tls-'));
      tls = selfSignedCertificate(memory ? tmpDir! : path.join(o.dataDir, 'tls'));
    }
    const app = await buildMailboxServer(ctx, tls);
    const host = o.host ?? '127.0.0.1';
    await app.listen({ port: o.port ?? 0, host });
    const port = (app.server.address() as { port: number }).port;
    // The certificate names localhost, so an https url says localhost.
    const shownHost =
      tls && (host === '127.0.0.1' || host === '::1' || host === 'localhost')
        ? 'localhost'
        : host.includes(':')
          ? `[${host}]`
          : host;
    const url = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
    const mailboxes = store.mailboxes();
    return {
      url,
      app,
      ctx,
      mailboxes,
      seeded,
      certificate: tls ? { pem: tls.cert, path: tls.certPath } : undefined,
      throttle: (rule, user) => {
        const m = user === undefined ? undefined : mailboxes.find((x) => x.user.toLowerCase() === user.toLowerCase());
        if (user !== undefined && !m) throw new Error(`no mailbox ${user}`);
        ctx.throttle.set(rule, m?.no);
      },
      expireDeltaTokens: () => store.forgetChanges(),
      close: async () => {
        await app.close();
        store.close();
        if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    store.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    footprint.undo();
    throw err;
  }
}
