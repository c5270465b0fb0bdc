/**
 * The chaos harness's world: a local org and a local mailbox in their own processes (seeded from files, data on
 * disk, killable and restartable), a fault-injecting proxy in front of each, the engine's config pointing at
 * the proxies, its data dir on a disk the harness can fill, the user's clients straight at the servers, and
 * the model of what the user made.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaultProxy, Fault, FAULTS, SeenRequest, startFaultProxy } from '../test/helpers/fault-proxy';
import { freePort } from '../test/helpers/loopback';
import { prng } from '../test/helpers/seeded-random';
import {
  ChaosObject,
  OBJECTS,
  Origin,
  Side,
  keyFor,
  outlookProperties,
  salesforceFields,
  utcMidnight,
} from './chaos-records';
import { ChaosSize, ProxyFaults } from './chaos-plan';
import { ServerName, ServerProcess } from './chaos-servers';
import { FillableDisk, openFillableDisk } from './chaos-disk';
import { OutlookUser, SalesforceUser } from './chaos-clients';
import { ExpectedRecords } from './chaos-model';
import { RunTriggers } from './chaos-triggers';

export const CHAOS_USER = { username: 'ann@chaos.example', password: 'Chaos-Ann-1', token: 'ann-chaos-mailbox-token' };
const HARNESS_CLIENT_ID = 'chaos-harness';
/** The small disk under the engine's data dir: room for the state of --full (tens of MB) and its last good copy. */
export const CHAOS_DISK_MB = 256;

export interface WorldOptions {
  size: ChaosSize;
  repoRoot: string;
  /** Where everything goes (default a new temp dir). */
  dir?: string;
  /** Mount a small tmpfs for the engine's data dir, to fill it (needs root; skipped and said otherwise). */
  diskFull: boolean;
  /** Log every request through the proxies to logs/requests.log (CHAOS_TRACE=1). */
  trace?: boolean;
}

/** A record's seeded value: most have one, every fifth none (an empty field has to sync too). */
export function seededValue(object: ChaosObject, n: number): string | null {
  if (n % 5 === 4) return null;
  switch (object) {
    case 'contacts':
      return `Buyer ${n % 7}`;
    case 'events':
      return `Room ${n % 40}`;
    case 'tasks':
      return `Notes ${n}`;
  }
}

type Seeded = Array<{ object: ChaosObject; n: number; origin: Origin }>;

function seededRecords(size: ChaosSize): Seeded {
  const out: Seeded = [];
  const shared: Record<ChaosObject, number> = {
    contacts: size.sharedContacts,
    events: size.sharedEvents,
    tasks: size.sharedTasks,
  };
  for (const object of OBJECTS) {
    for (const origin of ['salesforce', 'outlook'] as const)
      for (let n = 0; n < size[object]; n++) out.push({ object, n, origin });
    for (let n = 0; n < shared[object]; n++) out.push({ object, n, origin: 'both' });
  }
  return out;
}

function orgSeed(records: Seeded, today: number): object {
  const owned = (object: ChaosObject) =>
    records
      .filter((r) => r.object === object && r.origin !== 'outlook')
      .map((r) => ({
        ...salesforceFields(
          { object, key: keyFor(object, r.origin, r.n), value: seededValue(object, r.n), n: r.n },
          today,
        ),
        OwnerId: `username:${CHAOS_USER.username}`,
      }));
  return {
    organization: {
      name: 'Chaos Org',
      edition: 'enterprise',
      features: { apiEnabled: true, customizableProfiles: true },
      enforceApiEnabledForAllowlistedApps: true,
    },
    connectedApps: [
      {
        name: 'Salesforce for Outlook',
        clientId: 'SfdcSalesforceForOutlook',
        allowlisted: true,
        product: 'salesforce-for-outlook',
      },
      // The harness itself, as the user's other tool: edits and reads made in Salesforce, not by the engine.
      { name: 'Chaos harness', clientId: HARNESS_CLIENT_ID, allowlisted: false },
    ],
    profiles: [
      {
        name: 'System Administrator',
        license: 'Salesforce',
        permissions: { apiEnabled: true, viewSetup: true, manageUsers: true, modifyAllData: true },
      },
      { name: 'Standard User', license: 'Salesforce', permissions: { apiEnabled: true } },
    ],
    users: [
      {
        username: 'admin@chaos.example',
        password: 'Chaos-Admin-1',
        lastName: 'Admin',
        email: 'admin@chaos.example',
        profile: 'System Administrator',
      },
      {
        username: CHAOS_USER.username,
        password: CHAOS_USER.password,
        firstName: 'Ann',
        lastName: 'Lee',
        email: CHAOS_USER.username,
        profile: 'Standard User',
      },
    ],
    records: { Contact: owned('contacts'), Event: owned('events'), Task: owned('tasks') },
  };
}

function mailboxSeed(records: Seeded, today: number): object {
  const items = (object: ChaosObject) =>
    records
      .filter((r) => r.object === object && r.origin !== 'salesforce')
      .map((r) =>
        outlookProperties(
          { object, key: keyFor(object, r.origin, r.n), value: seededValue(object, r.n), n: r.n },
          today,
        ),
      );
  return {
    mailboxes: [
      {
        user: CHAOS_USER.username,
        token: CHAOS_USER.token,
        timeZone: 'UTC',
        contacts: items('contacts'),
        events: items('events'),
        taskLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: items('tasks') }],
      },
    ],
  };
}

interface ActiveFaults {
  faults: ProxyFaults;
  random: () => number;
}

export class ChaosWorld {
  readonly model = new ExpectedRecords();
  /** Counts requests and fires a run's triggers; null between runs. */
  triggers: RunTriggers | null = null;
  /** Sees every request through the proxies as it arrives (a case that kills the engine at one request). */
  onRequest: ((side: Side, req: SeenRequest) => void) | null = null;
  private active: Record<Side, ActiveFaults | null> = { salesforce: null, outlook: null };
  private newRecords = 100_000;
  /** Every request through the proxies, when traced (logs/requests.log). */
  trace: string | null = null;
  /** Whether the harness made the temp dir (and removes it when nothing failed). */
  private readonly ownDir: boolean;

  private constructor(
    readonly repoRoot: string,
    /** UTC midnight of the day the world was seeded: events and tasks are placed from it. */
    readonly today: number,
    readonly dir: string,
    readonly org: ServerProcess,
    readonly mailbox: ServerProcess,
    readonly orgProxy: FaultProxy,
    readonly mailboxProxy: FaultProxy,
    readonly disk: FillableDisk,
    readonly configFile: string,
    readonly salesforce: SalesforceUser,
    readonly outlook: OutlookUser,
    ownDir: boolean,
  ) {
    this.ownDir = ownDir;
  }

  /** Seed files, servers, proxies, the engine's config: ready for the first run. */
  static async start(o: WorldOptions): Promise<ChaosWorld> {
    const ownDir = !o.dir;
    const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-chaos-'));
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const today = utcMidnight();
    const records = seededRecords(o.size);
    fs.writeFileSync(path.join(dir, 'org-seed.json'), JSON.stringify(orgSeed(records, today)));
    fs.writeFileSync(path.join(dir, 'mailbox-seed.json'), JSON.stringify(mailboxSeed(records, today)));
    const [orgPort, mailboxPort] = [await freePort(), await freePort()];
    const server = (name: ServerName, args: string[], ready: RegExp) =>
      new ServerProcess({ name, args, ready, logFile: path.join(dir, 'logs', `${name}.log`), repoRoot: o.repoRoot });
    const org = server(
      'org',
      [
        'org',
        'serve',
        '--seed',
        path.join(dir, 'org-seed.json'),
        '--port',
        String(orgPort),
        '--data',
        path.join(dir, 'org'),
      ],
      /^Login URL: /m,
    );
    const mailbox = server(
      'mailbox',
      [
        'mailbox',
        'serve',
        '--seed',
        path.join(dir, 'mailbox-seed.json'),
        '--port',
        String(mailboxPort),
        '--data',
        path.join(dir, 'mailbox'),
      ],
      /^Graph base URL: /m,
    );
    const started = await Promise.allSettled([org.start(), mailbox.start()]);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.allSettled([org.stop(), mailbox.stop()]);
      throw failed.reason;
    }
    let world: ChaosWorld | null = null;
    const hook = (side: Side) => ({
      decide: (req: SeenRequest) => world!.decide(side, req),
      delay: () => world!.delay(side),
      keepSeen: false,
    });
    const orgProxy = await startFaultProxy({ target: `http://127.0.0.1:${orgPort}`, ...hook('salesforce') });
    const mailboxProxy = await startFaultProxy({ target: `http://127.0.0.1:${mailboxPort}`, ...hook('outlook') });
    const disk = openFillableDisk(path.join(dir, 'disk'), CHAOS_DISK_MB, o.diskFull);
    const configFile = path.join(dir, 'sync-config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        {
          product: 'salesforce-for-outlook',
          productVersion: '2.9.3',
          org: { loginUrl: orgProxy.url, username: CHAOS_USER.username, password: CHAOS_USER.password },
          mailbox: { url: mailboxProxy.url, token: CHAOS_USER.token },
          objects: Object.fromEntries(OBJECTS.map((object) => [object, { direction: 'both', winner: 'salesforce' }])),
          dataDir: disk.dataDir,
        },
        null,
        2,
      ),
    );
    const salesforce = new SalesforceUser({
      url: `http://127.0.0.1:${orgPort}`,
      clientId: HARNESS_CLIENT_ID,
      username: CHAOS_USER.username,
      password: CHAOS_USER.password,
    });
    const outlook = new OutlookUser(`http://127.0.0.1:${mailboxPort}`, CHAOS_USER.token);
    world = new ChaosWorld(
      o.repoRoot,
      today,
      dir,
      org,
      mailbox,
      orgProxy,
      mailboxProxy,
      disk,
      configFile,
      salesforce,
      outlook,
      ownDir,
    );
    if (o.trace) world.trace = path.join(dir, 'logs', 'requests.log');
    for (const r of records)
      world.model.seeded(r.object, keyFor(r.object, r.origin, r.n), seededValue(r.object, r.n), r.origin);
    return world;
  }

  /** Put faults in front of a side (seeded: the same requests in the same order get the same faults), or none. */
  setFaults(side: Side, faults: ProxyFaults | null, seed = 0): void {
    this.active[side] = faults ? { faults, random: prng(seed) } : null;
  }

  private decide(side: Side, req: SeenRequest): Fault | null {
    this.triggers?.request();
    this.onRequest?.(side, req);
    const fault = this.faultFor(side);
    if (this.trace !== null) {
      const url = req.url.replace(/(\$(?:delta|skip)token=)[^&]+/, '$1…').slice(0, 160);
      fs.appendFileSync(
        this.trace,
        `${new Date().toISOString()} ${side} ${req.method} ${url}${fault ? ` FAULT ${fault}` : ''}\n`,
      );
    }
    return fault;
  }

  private faultFor(side: Side): Fault | null {
    const a = this.active[side];
    if (!a || a.faults.rate === 0) return null;
    if (a.random() >= a.faults.rate) return null;
    return a.faults.kinds[Math.floor(a.random() * a.faults.kinds.length)];
  }

  /** With the trace on: a copy of the engine's data dir as a run left it (logs/engine-data-<label>/), for a diagnosis. */
  keepEngineData(label: string): void {
    if (this.trace === null || !fs.existsSync(this.disk.dataDir)) return;
    fs.cpSync(this.disk.dataDir, path.join(this.dir, 'logs', `engine-data-${label}`), { recursive: true });
  }

  /** Write a line to the request trace (CHAOS_TRACE=1), e.g. where a run starts. */
  note(line: string): void {
    if (this.trace !== null) fs.appendFileSync(this.trace, `${new Date().toISOString()} --- ${line}\n`);
  }

  private delay(side: Side): number {
    const a = this.active[side];
    if (!a || a.faults.delayShare === 0) return 0;
    return a.random() < a.faults.delayShare ? 1 + Math.floor(a.random() * a.faults.maxDelayMs) : 0;
  }

  server(name: ServerName): ServerProcess {
    return name === 'org' ? this.org : this.mailbox;
  }

  /** Both servers running (started again when one was killed). */
  async serversUp(): Promise<void> {
    await Promise.all([this.org.start(), this.mailbox.start()]);
  }

  /** Until nothing sent through the proxies waits for an answer (what a killed engine sent lands first), 30 s at most. */
  async proxiesQuiet(): Promise<void> {
    const until = Date.now() + 30_000;
    while ((this.orgProxy.inFlight > 0 || this.mailboxProxy.inFlight > 0) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
  }

  /** A key for a record the harness creates now, and the number that places it in time. */
  nextNew(object: ChaosObject, side: Side): { key: string; n: number } {
    const n = ++this.newRecords;
    return { key: keyFor(object, side, `new${n}`), n };
  }

  /** Proxy faults injected so far, both proxies, by kind. */
  proxyFaults(): Record<Fault | 'delay', number> {
    const out = Object.fromEntries(
      FAULTS.map((f) => [f, this.orgProxy.injected[f] + this.mailboxProxy.injected[f]]),
    ) as Record<Fault | 'delay', number>;
    out.delay = this.orgProxy.delayed + this.mailboxProxy.delayed;
    return out;
  }

  /** Stop everything; the work dir is removed unless asked to keep it (for a failed run's diagnosis). */
  async close(keepDir: boolean): Promise<void> {
    this.triggers?.clear();
    await Promise.allSettled([this.org.stop(), this.mailbox.stop()]);
    await Promise.allSettled([this.orgProxy.close(), this.mailboxProxy.close()]);
    // The engine's data dir (state, sync.log) would go with the small disk: kept beside for a diagnosis.
    if (keepDir && this.disk.available)
      fs.cpSync(this.disk.dataDir, path.join(this.dir, 'engine-data'), { recursive: true });
    this.disk.close();
    if (this.ownDir && !keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
