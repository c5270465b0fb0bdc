/**
 * A synced user's world for end-to-end sync tests: a local org (the test seed, plus records), a local mailbox
 * (one mailbox for ann), a config file in a temp dir, and the engine. Callers talk to both sides over real HTTP.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios, { AxiosInstance } from 'axios';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { Clock } from '../../sync-engine/src/common/clock';
import { startLocalMailbox, LocalMailbox, MailboxSeed } from '../../sync-engine/src/local-mailbox';
import { SyncEngine, EngineRun } from '../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../sync-engine/src/app/config';
import { SyncReport } from '../../sync-engine/src/sync/report';
import { ManualClock, startTestOrg, sessionFor, testSeed } from './org';

export const ANN_TOKEN = 'ann-mailbox-token';
type Obj = Record<string, unknown>;
type MailboxContent = Omit<MailboxSeed['mailboxes'][number], 'user' | 'token'>;

export interface WorldOptions {
  mailbox?: MailboxContent;
  /** Salesforce records owned by ann, by type (OwnerId is filled in). */
  records?: { Account?: Obj[]; Contact?: Obj[]; Event?: Obj[]; Task?: Obj[] };
  /** A stock org (`organization.customFields: false`): no Company__c, no OutlookId__c. */
  stock?: boolean;
  /** Keep the test seed's own contact (Grace Hopper). Default true. */
  keepSeedContact?: boolean;
  /** The config file's content beside product, org, mailbox and dataDir. */
  config?: Obj;
  /** The org's clock (its SystemModstamp and session times); default the system's. */
  orgClock?: Clock;
  /**
   * The engine's clock (its calendar window, when a calendar view round is renewed); default the system's. Given
   * one, the engine also waits no real time before sending a failed request again.
   */
  engineClock?: Clock;
}

export interface SyncWorld {
  org: LocalOrg;
  mailbox: LocalMailbox;
  dir: string;
  configFile: string;
  engine: SyncEngine;
  /** The REST data API as the admin (sees and changes ann's records). */
  sf: AxiosInstance;
  /** Graph as ann. */
  graph: AxiosInstance;
  /** SOQL as the admin: the records. */
  query(soql: string): Promise<any[]>;
  /** Every item of a Graph collection (follows nextLink). */
  list(pathAndQuery: string, headers?: Record<string, string>): Promise<any[]>;
  /** One run; fails the test when the run stopped. */
  run(): Promise<{ run: EngineRun; report: SyncReport }>;
  /** Rewrite the config (merged into the current one) and start a new engine on the same state. */
  reconfigure(config: Obj): void;
  close(): Promise<void>;
}

/** Start an org, a mailbox and an engine for ann@test.example. Close the world in after(). */
export async function startSyncWorld(o: WorldOptions = {}): Promise<SyncWorld> {
  const seed = testSeed();
  const owned = (rows: Obj[] = []) => rows.map((r) => ({ OwnerId: 'username:ann@test.example', ...r }));
  if (o.stock) seed.organization.customFields = false;
  seed.records = {
    Account: owned(o.records?.Account),
    Contact: [...(o.keepSeedContact === false ? [] : (seed.records?.Contact ?? [])), ...owned(o.records?.Contact)],
    Event: owned(o.records?.Event),
    Task: owned(o.records?.Task),
  };
  const org = await startTestOrg(seed, undefined, o.orgClock);
  const mailboxSeed: MailboxSeed = {
    mailboxes: [
      {
        user: 'ann@test.example',
        token: ANN_TOKEN,
        timeZone: 'America/New_York',
        contacts: [],
        events: [],
        taskLists: [{ displayName: 'Tasks', tasks: [] }],
        ...o.mailbox,
      },
    ],
  };
  const mailbox = await startLocalMailbox({ seed: mailboxSeed, dataDir: ':memory:', port: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-sync-'));
  const configFile = path.join(dir, 'config.json');
  let config: Obj = {
    product: 'salesforce-for-outlook',
    productVersion: '2.9.3',
    org: { loginUrl: org.url, username: 'ann@test.example', password: 'Ann-pass-1' },
    mailbox: { url: mailbox.url, token: ANN_TOKEN },
    dataDir: 'state',
    ...o.config,
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const admin = sessionFor(org, 'admin@test.example');
  const sf = axios.create({
    baseURL: `${org.url}/services/data/v60.0`,
    headers: { authorization: `Bearer ${admin}` },
    validateStatus: () => true,
  });
  // A clock moved by hand outlives sessions: the admin gets a new one for each request.
  if (o.orgClock) {
    sf.interceptors.request.use((req) => {
      req.headers.authorization = `Bearer ${sessionFor(org, 'admin@test.example')}`;
      return req;
    });
  }
  const graph = axios.create({
    baseURL: `${mailbox.url}/v1.0`,
    headers: { authorization: `Bearer ${ANN_TOKEN}` },
    validateStatus: () => true,
  });

  // An org on the engine's own hand-moved clock: waiting for the org's next second moves that clock.
  const shared = o.engineClock && o.engineClock === o.orgClock && o.orgClock instanceof ManualClock ? o.orgClock : null;
  const engineDeps = o.engineClock
    ? {
        now: () => o.engineClock!.now(),
        retrySleep: async () => undefined,
        ...(shared ? { orgClockWait: async (ms: number) => shared.advance(ms) } : {}),
      }
    : {};
  const world: SyncWorld = {
    org,
    mailbox,
    dir,
    configFile,
    sf,
    graph,
    engine: new SyncEngine(readSyncConfig(configFile), engineDeps),
    async query(soql) {
      const res = await sf.get('/query', { params: { q: soql } });
      assert.equal(res.status, 200, JSON.stringify(res.data));
      return res.data.records;
    },
    async list(pathAndQuery, headers = {}) {
      const out: any[] = [];
      let next: string | undefined = pathAndQuery;
      while (next) {
        const res: { status: number; data: any } = await graph.get(next, { headers });
        assert.equal(res.status, 200, JSON.stringify(res.data));
        out.push(...res.data.value);
        next = res.data['@odata.nextLink'];
      }
      return out;
    },
    async run() {
      const run = await world.engine.runOnce();
      assert.equal(run.status.state, 'idle', `the run stopped: ${run.status.message}`);
      return { run, report: run.result!.report };
    },
    reconfigure(change) {
      config = { ...config, ...change };
      fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
      world.engine.close();
      world.engine = new SyncEngine(readSyncConfig(configFile), engineDeps);
    },
    async close() {
      world.engine.close();
      await mailbox.close();
      await org.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** How many writes a run made on each side, all objects together. */
export function writesOf(report: SyncReport): { salesforce: number; outlook: number } {
  const sum = (side: 'salesforce' | 'outlook') =>
    Object.values(report.counts[side]).reduce((n, c) => n + c.created + c.updated + c.deleted, 0);
  return { salesforce: sum('salesforce'), outlook: sum('outlook') };
}

/** Assert a run wrote nothing anywhere (no ping-pong of our own writes). */
export function assertQuiet(report: SyncReport, what = 'the run'): void {
  assert.deepEqual(
    writesOf(report),
    { salesforce: 0, outlook: 0 },
    `${what} wrote something: ${JSON.stringify(report.counts)}`,
  );
  assert.deepEqual(report.errors, []);
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD`, `days` after today (UTC). */
export function dayFromToday(days: number, now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The second Sunday of March (the US switch to daylight time) of a year, as `YYYY-MM-DD`. */
export function usDstStart(year: number): string {
  const first = new Date(Date.UTC(year, 2, 1)).getUTCDay();
  return `${year}-03-${String(1 + ((7 - first) % 7) + 7).padStart(2, '0')}`;
}

/**
 * The next US daylight-time switch that a series from 11 days before to 10 days after it fits in the mailbox
 * client's default calendar window (30 days back, 365 ahead) of a sync run today.
 */
export function nextUsDstStart(now = new Date()): string {
  for (let year = now.getUTCFullYear() - 1; ; year++) {
    const dst = usDstStart(year);
    if (Date.parse(`${addDays(dst, -11)}T00:00:00Z`) >= now.getTime() - 29 * DAY_MS) return dst;
  }
}

/** A wall-clock time in an IANA zone (`2026-12-09T11:00:00`) as an ISO instant. */
export function zonedToUtc(wall: string, zone: string): string {
  const asUtc = Date.parse(`${wall}Z`);
  const offsetAt = (t: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(new Date(t))
        .map((p) => [p.type, p.value]),
    );
    return Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`) - t;
  };
  const guess = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(guess)).toISOString();
}
