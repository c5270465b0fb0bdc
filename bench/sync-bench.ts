/**
 * The sync engine at scale, end to end over HTTP, with the org and the mailbox in one process
 * (sync-servers) and the engine in another (sync-engine-process), so the engine's peak RSS is its own:
 *
 * - initial sync of 10,000 contacts + 5,000 events + 5,000 tasks Outlook -> Salesforce (empty org), and the
 *   same counts Salesforce -> Outlook (empty mailbox); every object set to direction "both";
 *   wall time, records per second, the engine's peak RSS, and the Salesforce requests counted at the org
 *   against the least a sync can do (see minimumRequests);
 * - the next two runs with nothing changed by anyone, each the engine's interval (10 minutes, on the org's clock)
 *   after the one before: the first reads back the engine's own writes (echoes: every record it wrote is a change
 *   to the other side), the second is the idle incremental run; requests
 *   per object per side, counted at the sides (each Side call wrapped) and checked against the org's count;
 * - 100,000 contacts one way: the engine's peak RSS.
 *
 * A run that stops, throws, reports record errors, leaves work pending, or leaves the two sides with other record
 * counts than expected (lost or duplicated records) fails the bench with the reason.
 */
import { fork, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Figure } from './figures';
import { BENCH_USER, RecordCounts, RequestCounts, ServersSpec } from './sync-servers';
import { EngineSpec, RunFigures } from './sync-engine-process';
import { SYNC_OBJECTS, SyncObject } from '../sync-engine/src/sync/objects';
import { SideName } from '../sync-engine/src/sync/types';
import { SYNC_DEFAULTS } from '../sync-engine/src/app/config';

const SCALE = Number(process.env.SYNC_BENCH_SCALE ?? 1);
const INITIAL: RecordCounts = {
  contacts: Math.round(10_000 * SCALE),
  events: Math.round(5_000 * SCALE),
  tasks: Math.round(5_000 * SCALE),
};
const BIG_CONTACTS = Number(process.env.SYNC_BENCH_BIG_CONTACTS ?? 100_000);
const NONE: RecordCounts = { contacts: 0, events: 0, tasks: 0 };
/** Long enough that the mailbox keeps every change of a run (Graph keeps delta state far longer than a run). */
const CHANGE_LOG_LIMIT = 1_000_000;
const RUN_TIMEOUT_MS = Number(process.env.SYNC_BENCH_RUN_TIMEOUT_S ?? 900) * 1000;

type Way = 'outlook-to-salesforce' | 'salesforce-to-outlook';

interface Stats {
  org: RequestCounts;
  mailbox: RequestCounts;
  /** CPU time of the servers process so far. */
  cpuMs: number;
}

const sum = (r: Record<SyncObject, number>) => SYNC_OBJECTS.reduce((n, o) => n + r[o], 0);
const total = (n: RecordCounts) => n.contacts + n.events + n.tasks;

/** One message's answer from a child, or the child's death as an error. */
function ask<T>(
  child: ChildProcess,
  msg: object | null,
  key: string,
  what: string,
  timeoutMs = RUN_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      clearTimeout(timer);
    };
    const onMessage = (m: Record<string, unknown>) => {
      if ('error' in m) {
        done();
        reject(new Error(`${what}: ${String(m.error)}`));
      } else if (key in m) {
        done();
        resolve(m[key] as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`${what}: the process ended (${signal ?? `exit code ${code}`}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (msg) child.send(msg);
  });
}

function stop(child: ChildProcess): void {
  if (child.connected) child.send({ stop: true });
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }, 5000).unref();
}

/** Node options for a child from the environment (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it). */
function nodeArgs(variable: string): string[] {
  return (process.env[variable] ?? '').split(/\s+/).filter(Boolean);
}

async function startServers(
  spec: ServersSpec,
): Promise<{ child: ChildProcess; orgUrl: string; mailboxUrl: string; seedSeconds: number }> {
  const child = fork(path.join(__dirname, 'sync-servers.js'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: nodeArgs('SYNC_BENCH_SERVERS_NODE_ARGS'),
  });
  try {
    const ready = await ask<{ orgUrl: string; mailboxUrl: string; seedSeconds: number }>(
      child,
      null,
      'ready',
      'sync bench servers (seeding)',
    );
    return { child, ...ready };
  } catch (err) {
    stop(child);
    throw err;
  }
}

async function startEngine(spec: EngineSpec): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'sync-engine-process.js'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: nodeArgs('SYNC_BENCH_ENGINE_NODE_ARGS'),
  });
  try {
    await ask(child, null, 'ready', 'sync engine (sign-in)', 120_000);
    return child;
  } catch (err) {
    stop(child);
    throw err;
  }
}

/** Where to write CPU profiles of each initial run (servers and engine), if anywhere. */
const PROFILE_DIR = process.env.SYNC_BENCH_PROFILE_DIR;

async function startProfiles(children: ChildProcess[]): Promise<ChildProcess[]> {
  if (!PROFILE_DIR) return [];
  fs.mkdirSync(PROFILE_DIR, { recursive: true });
  for (const child of children) await ask(child, { profile: 'start' }, 'profiling', 'CPU profile (start)');
  return children;
}

async function stopProfiles(children: ChildProcess[], way: Way, progress: (line: string) => void): Promise<void> {
  const names = ['servers', 'engine'];
  for (const [i, child] of children.entries()) {
    const file = path.resolve(PROFILE_DIR!, `${way}.${names[i]}.cpuprofile`);
    await ask(child, { profile: 'stop', file }, 'profiled', 'CPU profile (stop)');
    progress(`  ${way}: CPU profile of the initial run's ${names[i]} in ${file}`);
  }
}

interface MeasuredRun {
  engine: RunFigures;
  /** Salesforce data requests counted at the org during the run. */
  orgRequests: number;
  orgByKind: Record<string, number>;
  /** HTTP requests counted at the mailbox during the run. */
  graphRequests: number;
  graphByKind: Record<string, number>;
  /** CPU time the org and the mailbox spent during the run. */
  serversCpuMs: number;
}

/** Per-kind differences, with query locators (`query/01g...-2000`) folded into one kind. */
function diff(after: RequestCounts, before: RequestCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byKind)) {
    const n = v - (before.byKind[k] ?? 0);
    if (n === 0) continue;
    const kind = k.replace(/\/01g[\w-]+$/, '/{locator}');
    out[kind] = (out[kind] ?? 0) + n;
  }
  return out;
}

async function measuredRun(servers: ChildProcess, engine: ChildProcess, label: string): Promise<MeasuredRun> {
  const before = await ask<Stats>(servers, { stats: true }, 'stats', 'sync bench servers (stats)');
  const figures = await ask<RunFigures>(engine, { run: label }, 'result', `sync run "${label}"`);
  const after = await ask<Stats>(servers, { stats: true }, 'stats', 'sync bench servers (stats)');
  if (figures.state !== 'idle' || figures.stopped) {
    throw new Error(
      `sync run "${label}" did not finish: state ${figures.state}, stopped ${JSON.stringify(figures.stopped)}: ${figures.message ?? ''}`,
    );
  }
  if (figures.errorCount > 0)
    throw new Error(`sync run "${label}": ${figures.errorCount} record errors, e.g. ${JSON.stringify(figures.errors)}`);
  if (figures.pending !== 0)
    throw new Error(`sync run "${label}": ${figures.pending} changes or writes still pending after the run`);
  const org = after.org.total - before.org.total;
  const graph = after.mailbox.total - before.mailbox.total;
  const bySide = {
    salesforce: sum(figures.requests.salesforce) + figures.combinedReads.salesforce,
    outlook: sum(figures.requests.outlook) + figures.combinedReads.outlook,
  };
  // The per-object counts come from wrapping the sides' methods; if that stopped working they would read 0.
  if ((org > 0 && bySide.salesforce === 0) || (graph > 0 && bySide.outlook === 0)) {
    throw new Error(
      `sync run "${label}": the per-object request counts missed every request (org ${org}, mailbox ${graph}, sides ${JSON.stringify(bySide)}): do the Side methods still match sync-engine-process.ts?`,
    );
  }
  if (bySide.salesforce !== org || bySide.outlook !== graph) {
    process.stdout.write(
      `  note: "${label}": requests the sides counted ${JSON.stringify(bySide)}, counted at the org ${org} and the mailbox ${graph}\n`,
    );
  }
  return {
    engine: figures,
    orgRequests: after.org.total - before.org.total,
    orgByKind: diff(after.org, before.org),
    graphRequests: after.mailbox.total - before.mailbox.total,
    graphByKind: diff(after.mailbox, before.mailbox),
    serversCpuMs: after.cpuMs - before.cpuMs,
  };
}

/**
 * The fewest Salesforce requests a sync of these records can make: per object, ceil(w/200) writes (sObject
 * Collections of 200) for the w records written to Salesforce, and max(1, ceil(r/2000)) reads (query pages of
 * 2,000; an empty object still costs the one query that finds it empty) for the r records read from it.
 */
export function minimumRequests(writtenToSf: RecordCounts, readFromSf: RecordCounts): number {
  return SYNC_OBJECTS.reduce(
    (n, o) => n + Math.ceil(writtenToSf[o] / 200) + Math.max(1, Math.ceil(readFromSf[o] / 2000)),
    0,
  );
}

/** The issue's formula as written: ceil(n/200) + ceil(n/2000) per object, n the records synced. */
function issueMinimum(n: RecordCounts, way: Way): number {
  return SYNC_OBJECTS.reduce(
    (k, o) => k + (way === 'outlook-to-salesforce' ? Math.ceil(n[o] / 200) : 0) + Math.ceil(n[o] / 2000),
    0,
  );
}

function checkCreated(run: MeasuredRun, target: SideName, n: RecordCounts): void {
  for (const o of SYNC_OBJECTS) {
    const c = run.engine.counts[target][o];
    if (c.created !== n[o])
      throw new Error(`sync run "${run.engine.label}": ${c.created} ${o} created on ${target}, expected ${n[o]}`);
  }
}

async function checkServerCounts(
  servers: ChildProcess,
  expected: Record<SideName, RecordCounts>,
  what: string,
  progress: (line: string) => void,
): Promise<void> {
  const counts = await ask<Record<SideName, RecordCounts>>(
    servers,
    { counts: true },
    'counts',
    'sync bench servers (counts)',
  );
  const wrong: string[] = [];
  for (const side of ['salesforce', 'outlook'] as SideName[]) {
    for (const o of SYNC_OBJECTS)
      if (counts[side][o] !== expected[side][o])
        wrong.push(`${counts[side][o]} ${o} on ${side}, expected ${expected[side][o]}`);
  }
  if (!wrong.length) return;
  const diagnosis = await ask<string[]>(servers, { diagnose: true }, 'diagnosis', 'sync bench servers (diagnosis)');
  const text = `${what}: records lost or duplicated: ${wrong.join('; ')}${diagnosis.length ? `\n    ${diagnosis.join('\n    ')}` : ''}`;
  if (process.env.SYNC_BENCH_ALLOW_MISMATCH !== '1')
    throw new Error(`${text}\n    (SYNC_BENCH_ALLOW_MISMATCH=1 reports this and goes on)`);
  progress(`  WARNING ${text}`);
}

interface WayResult {
  figures: Figure[];
  /** Records per second of the initial run, for the ratio of the two directions. */
  recordsPerS: number;
  /** Requests per object and side in the runs after the initial one. */
  idle: Array<{
    label: string;
    way: Way;
    requests: Record<SideName, Record<SyncObject, number>>;
    orgRequests: number;
    graphRequests: number;
    wallMs: number;
  }>;
}

async function initialSync(way: Way, progress: (line: string) => void): Promise<WayResult> {
  const toSf = way === 'outlook-to-salesforce';
  const servers = await startServers({
    salesforce: toSf ? NONE : INITIAL,
    outlook: toSf ? INITIAL : NONE,
    changeLogLimit: CHANGE_LOG_LIMIT,
  });
  let engine: ChildProcess | undefined;
  try {
    progress(`  ${way}: seeded ${total(INITIAL)} records in ${servers.seedSeconds.toFixed(1)} s`);
    engine = await startEngine({
      orgUrl: servers.orgUrl,
      mailboxUrl: servers.mailboxUrl,
      user: BENCH_USER,
      direction: 'both',
    });
    const profiled = await startProfiles([servers.child, engine]);
    const initial = await measuredRun(servers.child, engine, `${way} initial`);
    await stopProfiles(profiled, way, progress);
    checkCreated(initial, toSf ? 'salesforce' : 'outlook', INITIAL);
    await checkServerCounts(servers.child, { salesforce: INITIAL, outlook: INITIAL }, `${way} initial`, progress);
    const seconds = initial.engine.wallMs / 1000;
    const min = minimumRequests(toSf ? INITIAL : NONE, toSf ? NONE : INITIAL);
    progress(
      `  ${way}: initial run ${seconds.toFixed(1)} s (CPU: engine ${(initial.engine.cpuMs / 1000).toFixed(1)} s, org + mailbox ${(initial.serversCpuMs / 1000).toFixed(1)} s), ` +
        `${initial.orgRequests} Salesforce requests (${JSON.stringify(initial.orgByKind)}), ${initial.graphRequests} Graph requests (${JSON.stringify(initial.graphByKind)}), peak RSS ${initial.engine.peakRssMb.toFixed(0)} MB`,
    );

    const idle: WayResult['idle'] = [];
    for (const label of ['idle-1', 'idle-2']) {
      // Runs come the engine's interval apart: the org's clock moves on by it, past the read overlap (each read starts
      // 5 minutes before the previous one), as between two scheduled runs.
      await ask(
        servers.child,
        { advanceMs: SYNC_DEFAULTS.intervalSeconds * 1000 },
        'advanced',
        'sync bench servers (clock)',
      );
      const r = await measuredRun(servers.child, engine, `${way} ${label}`);
      const written = SYNC_OBJECTS.flatMap((o) =>
        (['salesforce', 'outlook'] as SideName[]).map((s) => r.engine.counts[s][o]),
      ).reduce((n, c) => n + c.created + c.updated + c.deleted, 0);
      progress(
        `  ${way}: ${label} ${(r.engine.wallMs / 1000).toFixed(2)} s, requests per object ${JSON.stringify(r.engine.requests)}, reads together ${JSON.stringify(r.engine.combinedReads)}, org ${r.orgRequests}, mailbox ${r.graphRequests}${written ? `, ${written} records written` : ''}`,
      );
      idle.push({
        label,
        way,
        requests: r.engine.requests,
        orgRequests: r.orgRequests,
        graphRequests: r.graphRequests,
        wallMs: r.engine.wallMs,
      });
    }
    await checkServerCounts(
      servers.child,
      { salesforce: INITIAL, outlook: INITIAL },
      `${way} after the idle runs`,
      progress,
    );

    const prefix = `sync.initial.${way}`;
    const n = total(INITIAL);
    // Graph: writes go 20 to a $batch; the delta reads (GETs at the mailbox) cannot be batched away.
    const graphWrites = toSf ? 0 : n;
    const deltaReads = Object.entries(initial.graphByKind)
      .filter(([kind]) => kind.startsWith('GET '))
      .reduce((k, [, v]) => k + v, 0);
    const graphMinimum = Math.ceil(graphWrites / 20) + deltaReads;
    const graphFigures: Figure[] = toSf
      ? []
      : [
          {
            name: `${prefix}.graph-requests-over-minimum`,
            value: initial.graphRequests / graphMinimum,
            unit: 'ratio',
            note: `${initial.graphRequests} Graph requests at the mailbox / minimum ${graphMinimum} (ceil(${graphWrites} writes / 20) + ${deltaReads} delta reads) (target <= 1.1)`,
          },
        ];
    return {
      idle,
      recordsPerS: n / seconds,
      figures: [
        ...graphFigures,
        {
          name: `${prefix}.records-per-s`,
          value: n / seconds,
          unit: 'records/s',
          note: `${n} records (${INITIAL.contacts}/${INITIAL.events}/${INITIAL.tasks}), one run, sign-in excluded`,
        },
        {
          name: `${prefix}.requests-over-minimum`,
          value: initial.orgRequests / min,
          unit: 'ratio',
          note: `${initial.orgRequests} Salesforce requests at the org / minimum ${min} (issue formula: ${issueMinimum(INITIAL, way)}) (target <= 1.1)`,
        },
        { name: `${prefix}.seconds`, value: seconds, unit: 's', note: 'wall time of the run' },
        {
          name: `${prefix}.salesforce-requests`,
          value: initial.orgRequests,
          unit: 'requests',
          note: 'data requests counted at the org',
        },
        {
          name: `${prefix}.graph-requests`,
          value: initial.graphRequests,
          unit: 'requests',
          note: 'HTTP requests counted at the mailbox',
        },
        { name: `${prefix}.peak-rss-mb`, value: initial.engine.peakRssMb, unit: 'MB', note: 'engine process, maxRSS' },
        {
          name: `${prefix}.engine-cpu-ms-per-record`,
          value: initial.engine.cpuMs / n,
          unit: 'ms',
          note: 'engine process CPU (user + system) / records: steadier than wall time on a busy machine',
        },
        {
          name: `${prefix}.servers-cpu-ms-per-record`,
          value: initial.serversCpuMs / n,
          unit: 'ms',
          note: 'org + mailbox process CPU / records',
        },
      ],
    };
  } finally {
    if (engine) stop(engine);
    stop(servers.child);
  }
}

async function bigContacts(progress: (line: string) => void): Promise<Figure[]> {
  const n: RecordCounts = { contacts: BIG_CONTACTS, events: 0, tasks: 0 };
  const servers = await startServers({ salesforce: NONE, outlook: n, changeLogLimit: CHANGE_LOG_LIMIT });
  let engine: ChildProcess | undefined;
  try {
    progress(`  ${BIG_CONTACTS} contacts: seeded in ${servers.seedSeconds.toFixed(1)} s`);
    engine = await startEngine({
      orgUrl: servers.orgUrl,
      mailboxUrl: servers.mailboxUrl,
      user: BENCH_USER,
      direction: 'both',
    });
    const run = await measuredRun(servers.child, engine, `${BIG_CONTACTS} contacts`);
    checkCreated(run, 'salesforce', n);
    await checkServerCounts(servers.child, { salesforce: n, outlook: n }, `${BIG_CONTACTS} contacts`, progress);
    const seconds = run.engine.wallMs / 1000;
    progress(
      `  ${BIG_CONTACTS} contacts: ${seconds.toFixed(1)} s (CPU: engine ${(run.engine.cpuMs / 1000).toFixed(1)} s, org + mailbox ${(run.serversCpuMs / 1000).toFixed(1)} s), ` +
        `peak RSS ${run.engine.peakRssMb.toFixed(0)} MB, ${run.orgRequests} Salesforce requests, ${run.graphRequests} Graph requests`,
    );
    return [
      {
        name: 'sync.100k-contacts.peak-rss-mb',
        value: run.engine.peakRssMb,
        unit: 'MB',
        note: `engine process, ${BIG_CONTACTS} contacts Outlook -> Salesforce (target < 300)`,
      },
      { name: 'sync.100k-contacts.seconds', value: seconds, unit: 's', note: 'wall time of the run' },
      { name: 'sync.100k-contacts.records-per-s', value: BIG_CONTACTS / seconds, unit: 'records/s' },
      {
        name: 'sync.100k-contacts.engine-cpu-ms-per-record',
        value: run.engine.cpuMs / BIG_CONTACTS,
        unit: 'ms',
        note: 'engine process CPU / records',
      },
      {
        name: 'sync.100k-contacts.requests-over-minimum',
        value: run.orgRequests / minimumRequests(n, NONE),
        unit: 'ratio',
        note: `${run.orgRequests} Salesforce requests / minimum ${minimumRequests(n, NONE)}`,
      },
    ];
  } finally {
    if (engine) stop(engine);
    stop(servers.child);
  }
}

export async function syncBench(
  progress: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<Figure[]> {
  const figures: Figure[] = [];
  const idle: WayResult['idle'] = [];
  const rate: Partial<Record<Way, number>> = {};
  for (const way of ['outlook-to-salesforce', 'salesforce-to-outlook'] as Way[]) {
    const r = await initialSync(way, progress);
    figures.push(...r.figures);
    idle.push(...r.idle);
    rate[way] = r.recordsPerS;
  }
  figures.push({
    name: 'sync.initial.direction-throughput-ratio',
    value: rate['salesforce-to-outlook']! / rate['outlook-to-salesforce']!,
    unit: 'ratio',
    note: `salesforce-to-outlook ${rate['salesforce-to-outlook']!.toFixed(0)} records/s over outlook-to-salesforce ${rate['outlook-to-salesforce']!.toFixed(0)} records/s, same run (target >= 0.8)`,
  });
  // Counted at the servers: the org's data requests and the mailbox's HTTP requests of the idle run.
  const idleRuns = idle.filter((x) => x.label === 'idle-2');
  const perSide = idleRuns.flatMap((r) => [
    { n: r.orgRequests, where: `salesforce after ${r.way}` },
    { n: r.graphRequests, where: `outlook after ${r.way}` },
  ]);
  const mostPerSide = perSide.reduce((a, b) => (b.n > a.n ? b : a));
  figures.push({
    name: 'sync.idle.requests-per-side',
    value: mostPerSide.n,
    unit: 'requests',
    note: `nothing changed since the last run; most on one side, counted at the server, both setups (${mostPerSide.where}; ${perSide.map((p) => `${p.where} ${p.n}`).join(', ')}) (target <= 1)`,
  });
  const worst = (label: string) => {
    let max = 0;
    let where = '';
    for (const r of idle.filter((x) => x.label === label)) {
      for (const side of ['salesforce', 'outlook'] as SideName[]) {
        for (const o of SYNC_OBJECTS) {
          const v = r.requests[side][o];
          if (v > max || !where) {
            max = v;
            where = `${o} on ${side} after ${r.way}`;
          }
        }
      }
    }
    return { max, where };
  };
  const afterInitial = worst('idle-1');
  const idleRun = worst('idle-2');
  figures.push(
    {
      name: 'sync.idle.requests-per-object-side',
      value: idleRun.max,
      unit: 'requests',
      note: `nothing changed since the last run; most on one object-side of 6, both setups (${idleRun.where}); the reads of every object together are no one object's (sync.idle.requests-per-side) (target <= 1)`,
    },
    {
      name: 'sync.after-initial.requests-per-object-side',
      value: afterInitial.max,
      unit: 'requests',
      note: `the run right after an initial sync reads back the engine's own writes (${afterInitial.where})`,
    },
  );
  figures.push(...(await bigContacts(progress)));
  return figures;
}

if (require.main === module) {
  void (async () => {
    const { printTable, writeResults } = await import('./figures');
    const figures = await syncBench();
    printTable(figures);
    if (process.env.SYNC_BENCH_WRITE === '1') writeResults(figures);
  })().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
