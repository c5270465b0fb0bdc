/**
 * The sync engine in its own process for the sync benchmark, so its peak RSS is its own (the org and the
 * mailbox run in sync-servers). Started with argv[2] = JSON EngineSpec; signs in first with every object
 * switched off (the SOAP login and the product's first User query are not part of any measured run), then
 * answers { run: label } with { result: RunFigures } and { stop: true } by exiting.
 *
 * Requests per object and side are counted at the sides: every Side call (read, write, match) is wrapped and
 * the side's own request counter read before and after it.
 */
import fs from 'node:fs';
import { answerProfileRequests } from './profile';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SyncEngine } from '../sync-engine/src/app/engine';
import { readSyncConfig } from '../sync-engine/src/app/config';
import { Direction, SyncObject, SYNC_OBJECTS } from '../sync-engine/src/sync/objects';
import { SalesforceSide } from '../sync-engine/src/sync/sides/salesforce-side';
import { OutlookSide } from '../sync-engine/src/sync/sides/outlook-side';
import { SideName } from '../sync-engine/src/sync/types';

export interface EngineSpec {
  orgUrl: string;
  mailboxUrl: string;
  /** ann's Salesforce credentials and mailbox token (passed in, so this process loads no server code). */
  user: { username: string; password: string; token: string };
  direction: Direction;
}

export type Counts = Record<SideName, Record<SyncObject, { created: number; updated: number; deleted: number }>>;

export interface RunFigures {
  label: string;
  wallMs: number;
  /** CPU time of this process during the run (user + system). */
  cpuMs: number;
  state: string;
  message: string | null;
  stopped: unknown;
  errors: Array<{ object: string; side: string; code: string; message: string }>;
  errorCount: number;
  counts: Counts;
  pending: number;
  /** Requests the sides counted, by side and object. */
  requests: Record<SideName, Record<SyncObject, number>>;
  /** Requests of every object's reads together (Side.prefetch: a Composite call, a $batch), by side. */
  combinedReads: Record<SideName, number>;
  /** Peak RSS of this process so far, MB (process.resourceUsage().maxRSS). */
  peakRssMb: number;
  heapUsedMb: number;
}

const perObject: Record<SideName, Record<SyncObject, number>> = {
  salesforce: { contacts: 0, events: 0, tasks: 0 },
  outlook: { contacts: 0, events: 0, tasks: 0 },
};

/**
 * Attribute each Side call's requests to its side and object. Calls of one side may overlap (the outbox sends the
 * next writes of an object before the last ones return): the requests made while any call was open are counted once,
 * each to the object of the call that ended after them.
 */
function countPerObject(proto: { requestCount(): number }, side: SideName, methods: string[]): void {
  const target = proto as unknown as Record<string, unknown>;
  let open = 0;
  let counted = 0;
  for (const name of methods) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = async function (this: { requestCount(): number }, object: SyncObject, ...rest: unknown[]) {
      if (open++ === 0) counted = this.requestCount();
      try {
        return await (original as (...a: unknown[]) => Promise<unknown>).call(this, object, ...rest);
      } finally {
        open -= 1;
        const now = this.requestCount();
        perObject[side][object] += now - counted;
        counted = now;
      }
    };
  }
}

const combined: Record<SideName, number> = { salesforce: 0, outlook: 0 };

/** Count each side's reads of every object together apart: they are no one object's. */
function countCombined(proto: { requestCount(): number }, side: SideName): void {
  const target = proto as unknown as Record<string, unknown>;
  const original = target.prefetch as (...a: unknown[]) => Promise<unknown>;
  target.prefetch = async function (this: { requestCount(): number }, ...args: unknown[]) {
    const before = this.requestCount();
    try {
      return await original.call(this, ...args);
    } finally {
      combined[side] += this.requestCount() - before;
    }
  };
}

countPerObject(SalesforceSide.prototype, 'salesforce', ['changesSince', 'write', 'findMatch', 'madeBy']);
countPerObject(OutlookSide.prototype, 'outlook', ['changesSince', 'write', 'findMatch', 'madeBy']);
countCombined(SalesforceSide.prototype, 'salesforce');
countCombined(OutlookSide.prototype, 'outlook');

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as EngineSpec;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-sync-bench-'));
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      product: 'salesforce-for-outlook',
      productVersion: '2.9.3',
      org: { loginUrl: spec.orgUrl, username: spec.user.username, password: spec.user.password },
      mailbox: { url: spec.mailboxUrl, token: spec.user.token },
      objects: Object.fromEntries(SYNC_OBJECTS.map((o) => [o, { direction: 'none' }])),
      dataDir: 'state',
    }),
  );
  const config = readSyncConfig(configFile);
  const engine = new SyncEngine(config);
  const cleanup = () => {
    try {
      engine.close();
    } catch {
      // already closed
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);

  // Sign in with nothing to sync, then switch the objects on: measured runs hold the session already.
  const signIn = await engine.runOnce();
  if (signIn.status.state !== 'idle')
    throw new Error(`sign-in failed: ${signIn.status.state}: ${signIn.status.message}`);
  for (const o of SYNC_OBJECTS) config.objects[o] = { direction: spec.direction, winner: 'salesforce' };

  process.on('message', (msg: { run?: string; stop?: boolean }) => {
    if (msg.stop) {
      cleanup();
      process.exit(0);
    }
    if (msg.run === undefined) return;
    const label = msg.run;
    void (async () => {
      for (const side of Object.values(perObject)) for (const o of SYNC_OBJECTS) side[o] = 0;
      combined.salesforce = 0;
      combined.outlook = 0;
      const start = performance.now();
      const cpuBefore = process.cpuUsage();
      const run = await engine.runOnce();
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuBefore);
      const report = run.result?.report;
      const figures: RunFigures = {
        label,
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        state: run.status.state,
        message: run.status.message,
        stopped: report?.stopped ?? null,
        errors: (report?.errors ?? [])
          .slice(0, 5)
          .map((e) => ({ object: e.object, side: e.side, code: e.code, message: e.message })),
        errorCount: report?.errors.length ?? 0,
        counts: (report?.counts ?? {}) as Counts,
        pending: report?.pending ?? -1,
        requests: JSON.parse(JSON.stringify(perObject)) as RunFigures['requests'],
        combinedReads: { ...combined },
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024,
      };
      process.send!({ result: figures });
    })().catch((err: unknown) => process.send!({ error: `${(err as Error).stack ?? String(err)}` }));
  });
  answerProfileRequests();
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: { peakRssMb: process.resourceUsage().maxRSS / 1024 } });
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`sync bench engine: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
