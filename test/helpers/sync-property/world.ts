/**
 * The property test's world: a local org and a local mailbox on loopback, each behind a fault proxy, one clock for
 * the servers and the engine (moved by hand), a config file, and the engine run once per sync as the CLI does
 * (a new engine on the same state). Runs can be cut at the Nth request: the network drops from there on (the
 * engine in this process), or the engine's process is SIGKILLed (a child, as `sfo-compat sync --once`); or the user
 * changes the record an engine's write is about to touch, while that write waits in the proxy.
 *
 * The test reads and writes both sides directly (not through the proxies), as a user would in Outlook and Salesforce.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios, { AxiosInstance } from 'axios';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { Clock } from '../../../sync-engine/src/common/clock';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { SyncReport } from '../../../sync-engine/src/sync/report';
import { Fault, FaultProxy, SeenRequest, startFaultProxy } from '../fault-proxy';
import { sessionFor, startTestOrg, testSeed, userId } from '../org';
import { REPO_ROOT } from '../shared';
import {
  Fields,
  ObjectName,
  OBJECTS,
  RawRecord,
  SideName,
  SOQL_FIELDS,
  fromGraph,
  fromSalesforce,
  toGraph,
  toSalesforce,
} from './fields';
import { DAY_MS, ObjectSettings } from './model';

const ANN = 'ann@test.example';
const TOKEN = 'ann-property-token';
const UTC = { Prefer: 'outlook.timezone="UTC"' };
const CHILD = path.join(REPO_ROOT, 'build', 'test', 'helpers', 'sync-child.js');

/** The system's time moved on by hand: the servers' and the engine's clock. */
export class OffsetClock implements Clock {
  offsetMs: number;
  constructor(startMs: number) {
    this.offsetMs = startMs - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** How a run is cut, if at all. `at` counts the run's requests to both sides together, from 1. */
export type RunPlan =
  | { kind: 'clean' }
  | { kind: 'drop'; at: number; fault: Fault }
  | { kind: 'kill'; at: number; afterServer: boolean }
  | { kind: 'during'; side: SideName; change: 'edit' | 'delete' };

/** The user's change to a record while the engine's write to it waited. */
export interface DuringChange {
  key: string;
  object: ObjectName;
  side: SideName;
  before: Fields;
  after: Fields | null;
  request: string;
}

export interface RunOutcome {
  ended: 'idle' | 'stopped' | 'killed' | 'failed';
  message: string;
  report: SyncReport | null;
  requests: number;
  during: DuringChange | null;
}

/** What the test lets a change during a run touch, and how it edits a record. */
export interface DuringPolicy {
  eligible(key: string, object: ObjectName): boolean;
  edit(object: ObjectName, key: string, current: Fields): Fields;
}

export interface SideView {
  byKey: Map<string, RawRecord[]>;
  /** Records that carry no key of the test's. */
  strays: RawRecord[];
}
export type Snapshot = Record<SideName, Record<ObjectName, SideView>>;

type Obj = Record<string, any>;

export class PropertyWorld {
  readonly clock: OffsetClock;
  private dir = '';
  private configFile = '';
  private objects: Record<ObjectName, ObjectSettings> = {} as Record<ObjectName, ObjectSettings>;
  org!: LocalOrg;
  mailbox!: LocalMailbox;
  private orgProxy!: FaultProxy;
  private mailboxProxy!: FaultProxy;
  sf!: AxiosInstance;
  graph!: AxiosInstance;
  private annId = '';
  private listId = '';
  /** Where each series' first occurrence starts now (a series' occurrences are keyed by their week from it). */
  readonly seriesStart = new Map<string, number>();
  private current: {
    plan: RunPlan;
    requests: number;
    kill?: () => void;
    during?: DuringPolicy;
    changed: DuringChange | null;
  } | null = null;

  /** Each request of a run as the proxies see it, when given (PROPERTY_TRACE=requests). */
  traceRequest?: (line: string) => void;

  constructor(
    readonly mailboxZone: string,
    startMs: number,
  ) {
    this.clock = new OffsetClock(startMs);
  }

  async start(objects: Record<ObjectName, ObjectSettings>): Promise<void> {
    const seed = testSeed();
    seed.records = { Contact: [], Event: [], Task: [] } as unknown as typeof seed.records;
    this.org = await startTestOrg(seed, undefined, this.clock);
    this.mailbox = await startLocalMailbox({
      seed: {
        mailboxes: [
          {
            user: ANN,
            token: TOKEN,
            timeZone: this.mailboxZone,
            contacts: [],
            events: [],
            taskLists: [{ displayName: 'Tasks', tasks: [] }],
          },
        ],
      } as never,
      dataDir: ':memory:',
      port: 0,
      clock: this.clock,
    });
    this.orgProxy = await startFaultProxy({
      target: this.org.url,
      decide: (r) => this.decide('salesforce', r),
      hold: (r) => this.hold('salesforce', r),
    });
    this.mailboxProxy = await startFaultProxy({
      target: this.mailbox.url,
      decide: (r) => this.decide('outlook', r),
      hold: (r) => this.hold('outlook', r),
    });
    this.annId = userId(this.org, ANN);
    this.sf = axios.create({ baseURL: `${this.org.url}/services/data/v60.0`, validateStatus: () => true });
    // The clock moves by days: a new admin session for each request outlives none.
    this.sf.interceptors.request.use((req) => {
      req.headers.authorization = `Bearer ${sessionFor(this.org, 'admin@test.example')}`;
      return req;
    });
    this.graph = axios.create({
      baseURL: `${this.mailbox.url}/v1.0`,
      headers: { authorization: `Bearer ${TOKEN}` },
      validateStatus: () => true,
    });
    const lists = (await this.ok(this.graph.get('/me/todo/lists'))).value as Array<{
      id: string;
      wellknownListName: string;
    }>;
    this.listId = lists.find((l) => l.wellknownListName === 'defaultList')!.id;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-property-'));
    this.configFile = path.join(this.dir, 'config.json');
    this.configure(objects);
  }

  async close(): Promise<void> {
    await this.orgProxy?.close();
    await this.mailboxProxy?.close();
    await this.mailbox?.close();
    await this.org?.close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  settings(object: ObjectName): ObjectSettings {
    return this.objects[object];
  }

  /** Rewrite the config's objects; the next run reads it. */
  configure(objects: Record<ObjectName, ObjectSettings>): void {
    this.objects = JSON.parse(JSON.stringify(objects));
    fs.writeFileSync(
      this.configFile,
      JSON.stringify(
        {
          product: 'salesforce-for-outlook',
          productVersion: '2.9.3',
          org: { loginUrl: this.orgProxy.url, username: ANN, password: 'Ann-pass-1' },
          mailbox: { url: this.mailboxProxy.url, token: TOKEN },
          objects: this.objects,
          // The delete guard has its own tests; here every delete the rules call for must go through.
          deleteGuard: { maxShare: 1 },
          dataDir: 'state',
        },
        null,
        2,
      ),
    );
  }

  // ---- runs ----

  /** One sync run as planned. */
  async run(plan: RunPlan, during?: DuringPolicy): Promise<RunOutcome> {
    this.current = { plan, requests: 0, during, changed: null };
    try {
      const outcome = plan.kind === 'kill' ? await this.runChild() : await this.runHere();
      return { ...outcome, requests: this.current.requests, during: this.current.changed };
    } finally {
      await this.orgProxy.settled();
      await this.mailboxProxy.settled();
      this.current = null;
    }
  }

  private async runHere(): Promise<Omit<RunOutcome, 'requests' | 'during'>> {
    const engine = new SyncEngine(readSyncConfig(this.configFile), {
      now: () => this.clock.now(),
      retrySleep: async () => undefined,
    });
    try {
      const run = await engine.runOnce();
      const report = run.result?.report ?? null;
      return run.status.state === 'idle'
        ? { ended: 'idle', message: '', report }
        : { ended: 'stopped', message: String(run.status.message), report };
    } catch (err) {
      return {
        ended: 'failed',
        message: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        report: null,
      };
    } finally {
      engine.close();
    }
  }

  private runChild(): Promise<Omit<RunOutcome, 'requests' | 'during'>> {
    const child = spawn(process.execPath, [CHILD, this.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SYNC_CHILD_CLOCK_OFFSET_MS: String(this.clock.offsetMs) },
    });
    let killed = false;
    this.current!.kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        if (killed) return resolve({ ended: 'killed', message: 'SIGKILL', report: null });
        try {
          const out = JSON.parse(stdout) as { state: string; message: string | null; report: SyncReport | null };
          resolve({
            ended: out.state === 'idle' && code === 0 ? 'idle' : 'stopped',
            message: out.message ?? '',
            report: out.report,
          });
        } catch {
          resolve({ ended: 'failed', message: `exit ${code}: ${stderr.slice(0, 2000)}`, report: null });
        }
      });
    });
  }

  /**
   * The proxies' verdict on each request of a run. The org's connection drops (a reset) where the mailbox's may also
   * answer a 5xx: the proxy's 5xx body is Graph's, which Salesforce never sends.
   */
  private decide(side: SideName, req: SeenRequest): Fault | null {
    const run = this.current;
    if (!run) return null;
    const n = ++run.requests;
    this.traceRequest?.(
      `request ${n}: ${side} ${req.method} ${decodeURIComponent(req.url)
        .replace(/\$?(deltatoken|skiptoken)=[^&]+/g, '$1=…')
        .slice(0, 140)}`,
    );
    const { plan } = run;
    if (plan.kind === 'drop' && n >= plan.at) {
      const fault = n === plan.at ? plan.fault : 'reset-before';
      return side === 'salesforce' && fault === 'error-after' ? 'reset-after' : fault;
    }
    if (plan.kind === 'kill' && n >= plan.at) {
      if (n === plan.at) run.kill?.();
      return n === plan.at && plan.afterServer ? 'reset-after' : 'reset-before';
    }
    return null;
  }

  /** While a run's write waits: the user changes its target, once per run, when the plan says so. */
  private async hold(side: SideName, req: SeenRequest): Promise<void> {
    const run = this.current;
    if (
      !run ||
      run.plan.kind !== 'during' ||
      run.changed ||
      run.plan.side !== side ||
      !run.during ||
      req.method === 'GET' ||
      (req.method === 'POST' && !isComposite(req))
    )
      return;
    // A delete against the engine's delete is no conflict.
    if (run.plan.change === 'delete' && (req.method === 'DELETE' || compositeMethods(req).includes('DELETE'))) return;
    const targets = side === 'outlook' ? outlookTargets(req) : salesforceTargets(req);
    for (const t of targets) {
      const record = await this.read(side, t.object, t.id);
      if (!record) continue;
      const key = this.modelKey(t.object, record);
      if (!key || !run.during.eligible(key, t.object)) continue;
      const change = run.plan.change;
      let after: Fields | null = null;
      if (change === 'delete') await this.remove(side, t.object, record.id);
      else {
        const patch = run.during.edit(t.object, key, record.fields);
        await this.edit(side, t.object, record.id, patch);
        after = { ...record.fields, ...patch };
      }
      run.changed = {
        key,
        object: t.object,
        side,
        before: record.fields,
        after,
        request: `${req.method} ${req.url.replace(/\?.*$/, '').slice(0, 80)}`,
      };
      return;
    }
  }

  // ---- reading both sides ----

  /** The test's key of a record: its note's key, and for an occurrence of a series its week in the series. */
  modelKey(object: ObjectName, r: RawRecord): string | null {
    if (!r.key) return null;
    if (object !== 'events' || !r.key.startsWith('s')) return r.key;
    const first = this.seriesStart.get(r.key);
    if (first === undefined || !r.fields.start) return null;
    return `${r.key}#${Math.round((Date.parse(r.fields.start) - first) / (7 * DAY_MS))}`;
  }

  /** Every record of the test's objects on both sides, by key. */
  async snapshot(): Promise<Snapshot> {
    const snap = { salesforce: {}, outlook: {} } as Snapshot;
    for (const object of OBJECTS) {
      snap.salesforce[object] = this.view(object, await this.salesforceRecords(object));
      snap.outlook[object] = this.view(object, await this.outlookRecords(object));
    }
    return snap;
  }

  private view(object: ObjectName, records: RawRecord[]): SideView {
    const byKey = new Map<string, RawRecord[]>();
    const strays: RawRecord[] = [];
    for (const r of records) {
      const key = this.modelKey(object, r);
      if (!key) strays.push(r);
      else byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    return { byKey, strays };
  }

  private async salesforceRecords(object: ObjectName): Promise<RawRecord[]> {
    const type = { contacts: 'Contact', events: 'Event', tasks: 'Task' }[object];
    const out: RawRecord[] = [];
    let page = await this.ok(
      this.sf.get('/query', {
        params: { q: `SELECT ${SOQL_FIELDS[object]} FROM ${type} WHERE OwnerId = '${this.annId}' ORDER BY Id` },
      }),
    );
    for (;;) {
      out.push(...(page.records as Obj[]).map((r) => fromSalesforce(object, r)));
      if (page.done) return out;
      page = await this.ok(this.sf.get(String(page.nextRecordsUrl).replace(/^\/services\/data\/v60\.0/, '')));
    }
  }

  private async outlookRecords(object: ObjectName): Promise<RawRecord[]> {
    const now = this.clock.now().getTime();
    const day = (n: number) => new Date(now + n * DAY_MS).toISOString().slice(0, 10);
    const first =
      object === 'contacts'
        ? '/me/contacts?$top=200'
        : object === 'events'
          ? `/me/calendarView?startDateTime=${day(-120)}T00:00:00Z&endDateTime=${day(480)}T00:00:00Z&$top=200`
          : `/me/todo/lists/${encodeURIComponent(this.listId)}/tasks?$top=200`;
    const out: RawRecord[] = [];
    let next: string | undefined = first;
    while (next) {
      const page = await this.ok(this.graph.get(next.replace(/^.*\/v1\.0/, ''), { headers: UTC }));
      out.push(...(page.value as Obj[]).map((i) => fromGraph(object, i, this.mailboxZone)));
      next = page['@odata.nextLink'];
    }
    return out;
  }

  /** One record by id, or null when it is gone. */
  async read(side: SideName, object: ObjectName, id: string): Promise<RawRecord | null> {
    if (side === 'salesforce') {
      const type = { contacts: 'Contact', events: 'Event', tasks: 'Task' }[object];
      const res = await this.ok(
        this.sf.get('/query', { params: { q: `SELECT ${SOQL_FIELDS[object]} FROM ${type} WHERE Id = '${id}'` } }),
      );
      return res.records.length ? fromSalesforce(object, res.records[0]) : null;
    }
    const res = await this.graph.get(this.itemPath(object, id), { headers: UTC });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`GET ${object} ${id}: ${res.status} ${JSON.stringify(res.data)}`);
    return fromGraph(object, res.data, this.mailboxZone);
  }

  // ---- the user's changes ----

  async create(side: SideName, object: ObjectName, key: string, fields: Fields): Promise<string> {
    if (side === 'salesforce') {
      const type = { contacts: 'Contact', events: 'Event', tasks: 'Task' }[object];
      return (
        await this.ok(this.sf.post(`/sobjects/${type}`, { ...toSalesforce(object, fields, key), OwnerId: this.annId }))
      ).id;
    }
    return (await this.ok(this.graph.post(this.collectionPath(object), toGraph(object, fields, this.mailboxZone, key))))
      .id;
  }

  async edit(side: SideName, object: ObjectName, id: string, patch: Fields): Promise<void> {
    if (side === 'salesforce') {
      const type = { contacts: 'Contact', events: 'Event', tasks: 'Task' }[object];
      await this.ok(this.sf.patch(`/sobjects/${type}/${id}`, toSalesforce(object, patch)));
    } else await this.ok(this.graph.patch(this.itemPath(object, id), toGraph(object, patch, this.mailboxZone)));
  }

  async remove(side: SideName, object: ObjectName, id: string): Promise<void> {
    if (side === 'salesforce') {
      const type = { contacts: 'Contact', events: 'Event', tasks: 'Task' }[object];
      await this.ok(this.sf.delete(`/sobjects/${type}/${id}`));
    } else await this.ok(this.graph.delete(this.itemPath(object, id)));
  }

  /** A weekly series of `count` occurrences in Outlook, starting at `first` (UTC), lasting `minutes`. */
  async createSeries(key: string, subject: string, first: string, minutes: number, count: number): Promise<void> {
    const start = new Date(first);
    const weekday = start.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase();
    const end = new Date(start.getTime() + minutes * 60_000).toISOString();
    await this.ok(
      this.graph.post('/me/events', {
        ...toGraph('events', { subject, location: null, start: start.toISOString(), end }, this.mailboxZone, key),
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday] },
          range: {
            type: 'numbered',
            startDate: first.slice(0, 10),
            numberOfOccurrences: count,
            recurrenceTimeZone: 'UTC',
          },
        },
      }),
    );
    this.seriesStart.set(key, start.getTime());
  }

  /** Move a whole series (its master) by `ms`. */
  async moveSeries(key: string, masterId: string, ms: number): Promise<void> {
    const master = await this.ok(this.graph.get(`/me/events/${encodeURIComponent(masterId)}`, { headers: UTC }));
    const shift = (dt: string) =>
      new Date(Date.parse(`${dt.replace(/(\.\d{3})\d*$/, '$1')}Z`) + ms).toISOString().replace(/Z$/, '');
    await this.ok(
      this.graph.patch(`/me/events/${encodeURIComponent(masterId)}`, {
        start: { dateTime: shift(master.start.dateTime), timeZone: 'UTC' },
        end: { dateTime: shift(master.end.dateTime), timeZone: 'UTC' },
      }),
    );
    this.seriesStart.set(key, this.seriesStart.get(key)! + ms);
  }

  private collectionPath(object: ObjectName): string {
    return object === 'contacts'
      ? '/me/contacts'
      : object === 'events'
        ? '/me/events'
        : `/me/todo/lists/${encodeURIComponent(this.listId)}/tasks`;
  }

  private itemPath(object: ObjectName, id: string): string {
    return `${this.collectionPath(object)}/${encodeURIComponent(id)}`;
  }

  private async ok(p: Promise<{ status: number; data: any; config: { method?: string; url?: string } }>): Promise<any> {
    const res = await p;
    if (res.status >= 300)
      throw new Error(
        `${res.config.method?.toUpperCase()} ${res.config.url}: ${res.status} ${JSON.stringify(res.data).slice(0, 500)}`,
      );
    return res.data;
  }
}

/** The records an Outlook write names (PATCH or DELETE of one item). */
function outlookTargets(req: SeenRequest): Array<{ object: ObjectName; id: string }> {
  const m = /\/v1\.0\/me\/(contacts|events|todo\/lists\/[^/]+\/tasks)\/([^/?]+)/.exec(req.url);
  if (!m) return [];
  const object: ObjectName = m[1] === 'contacts' ? 'contacts' : m[1] === 'events' ? 'events' : 'tasks';
  return [{ object, id: decodeURIComponent(m[2]) }];
}

/** The records a Salesforce write names (sObject Collections update or delete). */
/** A Composite call (`POST /composite`): sObject Rows writes, each with its own headers. */
function isComposite(req: SeenRequest): boolean {
  return req.method === 'POST' && /\/composite\/?(\?|$)/.test(req.url);
}

function compositeSubrequests(req: SeenRequest): Array<{ method: string; url: string }> {
  if (!isComposite(req)) return [];
  try {
    return (
      (JSON.parse(req.body) as { compositeRequest?: Array<{ method: string; url: string }> }).compositeRequest ?? []
    );
  } catch {
    return [];
  }
}

function compositeMethods(req: SeenRequest): string[] {
  return compositeSubrequests(req).map((s) => s.method);
}

function salesforceTargets(req: SeenRequest): Array<{ object: ObjectName; id: string }> {
  const byPrefix: Record<string, ObjectName> = { '003': 'contacts', '00U': 'events', '00T': 'tasks' };
  if (isComposite(req)) {
    const ids = compositeSubrequests(req).map((s) => /\/sobjects\/\w+\/(\w+)$/.exec(s.url)?.[1] ?? '');
    return [...new Set(ids)]
      .filter((id) => byPrefix[id.slice(0, 3)])
      .map((id) => ({ object: byPrefix[id.slice(0, 3)], id }));
  }
  if (!req.url.includes('/composite/sobjects')) return [];
  let ids: string[] = [];
  if (req.method === 'DELETE')
    ids = (new URL(req.url, 'http://x').searchParams.get('ids') ?? '').split(',').filter(Boolean);
  else if (req.method === 'PATCH') {
    try {
      ids = ((JSON.parse(req.body) as { records?: Array<{ Id?: string }> }).records ?? [])
        .map((r) => r.Id ?? '')
        .filter(Boolean);
    } catch {
      ids = [];
    }
  }
  return ids.filter((id) => byPrefix[id.slice(0, 3)]).map((id) => ({ object: byPrefix[id.slice(0, 3)], id }));
}
