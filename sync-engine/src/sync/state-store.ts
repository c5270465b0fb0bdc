/**
 * The synchronizer's state in one SQLite file: links between the two sides' records, per-side checkpoints,
 * an inbox of changes read but not yet planned, an outbox of writes not yet confirmed, run reports and status.
 * Every step that moves work from one table to another is one transaction, so a crash at any point loses nothing.
 */
import Database from 'better-sqlite3';
import { StoredStopReason, readStoredStop, storedStopText } from './stop-reason';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyncObject } from './objects';
import { openPrivateDatabase, privateDir } from '../common/private-files';
import { Canonical, SideChange, SideName, WriteRequest } from './types';
import { matchKeys } from './canonical';
import { PendingFailure } from './report';

export interface Link {
  object: SyncObject;
  sfId: string;
  olId: string;
  sfVersion: string | null;
  olVersion: string | null;
  /** Hash of the canonical content both sides held after the last sync. */
  hash: string;
}

export interface InboxEntry {
  side: SideName;
  object: SyncObject;
  change: SideChange;
}

export interface QueuedWrite {
  seq: number;
  object: SyncObject;
  target: SideName;
  request: WriteRequest;
  /** The record on the other side this write mirrors (for the link). */
  sourceId: string | null;
  /** Hash of the content being written. */
  hash: string | null;
  attempts: number;
  /** The side refused the last attempt (a bad record): it was not carried out. */
  refused: boolean;
  /** When it was first sent (this machine's clock, ISO), or null: never sent, or queued by an older version. */
  firstAttemptedAt: string | null;
}

/** Why a sent write is still queued: its last attempt failed, and whether the side refused it. */
export interface WriteFailure {
  seq: number;
  code: string;
  message: string;
  fields: string[];
  refused: boolean;
}

/**
 * A write that found its target changed or gone since it was planned: it leaves the queue, and what it was about
 * goes back to the inbox to be planned again: the target as it is now, and the source's change it carried.
 */
export interface Replan {
  seq: number;
  object: SyncObject;
  target: SideName;
  current: SideChange | null;
  source: SideChange | null;
}

/** What a sent batch came to, stored in one transaction. */
export interface BatchOutcome {
  done: number[];
  linkUpdates: Link[];
  linkDeletes: Array<{ object: SyncObject; sfId: string }>;
  failed: WriteFailure[];
  replans: Replan[];
  /** Outlook items this batch made: no completed read has seen them yet (see unreadCreates). */
  madeInOutlook?: Array<{ object: SyncObject; olId: string }>;
}

export type EngineState = 'idle' | 'syncing' | 'stopped';

export interface EngineStatus {
  state: EngineState;
  message: string | null;
  /** Why the engine stopped, typed (a stop stored by an older version reads back as its kind alone). */
  stopReason: StoredStopReason | null;
  /** The product's text saying its settings cannot be shown (Salesforce for Outlook while API access is off), else null. */
  settingsMessage: string | null;
  lastRun: string | null;
  lastReport: unknown;
  /** When the engine last stopped (ISO 8601), or null: tells a stop from a reconnect made since (status, the pane). */
  stoppedAt?: string | null;
}

export class StateStore {
  readonly db: Database.Database;

  constructor(dataDir: string) {
    privateDir(dataDir);
    const file = path.join(dataDir, 'state.sqlite');
    // Ours to restrict when it is a plain file (or none yet); a link or a device points at something the user arranged.
    const plain = !fs.existsSync(file) || fs.lstatSync(file).isFile();
    this.db = plain ? openPrivateDatabase(file) : new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS links (object TEXT NOT NULL, sf_id TEXT NOT NULL, ol_id TEXT NOT NULL,
        sf_version TEXT, ol_version TEXT, hash TEXT NOT NULL, PRIMARY KEY (object, sf_id));
      CREATE UNIQUE INDEX IF NOT EXISTS links_ol ON links (object, ol_id);
      CREATE TABLE IF NOT EXISTS checkpoints (side TEXT NOT NULL, object TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (side, object));
      CREATE TABLE IF NOT EXISTS inbox (side TEXT NOT NULL, object TEXT NOT NULL, id TEXT NOT NULL, change TEXT NOT NULL,
        PRIMARY KEY (side, object, id));
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, object TEXT NOT NULL, target TEXT NOT NULL,
        request TEXT NOT NULL, source_id TEXT, hash TEXT, attempts INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS outbox_source ON outbox (object, target, source_id);
      CREATE TABLE IF NOT EXISTS status (key TEXT PRIMARY KEY, value TEXT);
      CREATE TABLE IF NOT EXISTS planned_directions (object TEXT PRIMARY KEY, direction TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS unread_creates (object TEXT NOT NULL, ol_id TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (object, ol_id));
      CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, ended_at TEXT, outcome TEXT, report TEXT);
    `);
    // Added after the first release: why a queued write's last attempt failed, and whether the side refused it.
    const columns = new Set(
      (this.db.prepare(`PRAGMA table_info(outbox)`).all() as Array<{ name: string }>).map((c) => c.name),
    );
    if (!columns.has('failure')) this.db.exec(`ALTER TABLE outbox ADD COLUMN failure TEXT`);
    if (!columns.has('refused')) this.db.exec(`ALTER TABLE outbox ADD COLUMN refused INTEGER NOT NULL DEFAULT 0`);
    // When a write was first sent: a create sent again after a crash looks for what it made since (outbox-sender.ts).
    if (!columns.has('first_attempted_at')) this.db.exec(`ALTER TABLE outbox ADD COLUMN first_attempted_at TEXT`);
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, prepared once: each preparation holds native memory until it is collected. */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  checkpoint(side: SideName, object: SyncObject): string | null {
    const r = this.stmt(`SELECT value FROM checkpoints WHERE side = ? AND object = ?`).get(side, object) as
      { value: string } | undefined;
    return r?.value ?? null;
  }

  /** Store what a side reported and move its checkpoint, in one transaction. Later reads of a record replace earlier ones. */
  storeChanges(side: SideName, object: SyncObject, changes: SideChange[], checkpoint: string): void {
    const cp = this.stmt(`INSERT INTO checkpoints (side, object, value) VALUES (?, ?, ?)
      ON CONFLICT(side, object) DO UPDATE SET value = excluded.value`);
    this.transaction(() => {
      this.putChanges(side, object, changes);
      cp.run(side, object, checkpoint);
    });
  }

  /**
   * Store a page of what a side reported, leaving the checkpoint where it was: a read interrupted after this
   * starts again from the old checkpoint, and its pages replace these.
   */
  putChanges(side: SideName, object: SyncObject, changes: SideChange[]): void {
    const put = this.stmt(`INSERT INTO inbox (side, object, id, change) VALUES (?, ?, ?, ?)
      ON CONFLICT(side, object, id) DO UPDATE SET change = excluded.change`);
    this.transaction(() => {
      for (const c of changes) put.run(side, object, c.id, JSON.stringify(c));
    });
  }

  /** The direction an object's changes were last planned with, or null before its first plan. */
  plannedDirection(object: SyncObject): string | null {
    return (
      (
        this.stmt(`SELECT direction FROM planned_directions WHERE object = ?`).get(object) as
          { direction: string } | undefined
      )?.direction ?? null
    );
  }

  setPlannedDirection(object: SyncObject, direction: string): void {
    this.stmt(
      `INSERT INTO planned_directions (object, direction) VALUES (?, ?) ON CONFLICT(object) DO UPDATE SET direction = excluded.direction`,
    ).run(object, direction);
  }

  /**
   * Up to `limit` of one side's inbox entries for an object, in id order after `afterId`: those whose record is
   * linked, or those whose record is not; `deletedOnly` keeps deletions only. Planning reads the inbox this way,
   * a chunk at a time, so a first sync of 100,000 records never holds them all.
   */
  inboxPage(
    side: SideName,
    object: SyncObject,
    o: { afterId: string; limit: number; linked: boolean; deletedOnly?: boolean },
  ): InboxEntry[] {
    const column = side === 'salesforce' ? 'sf_id' : 'ol_id';
    const sql = `SELECT change FROM inbox i WHERE side = ? AND object = ? AND id > ?
      AND ${o.linked ? '' : 'NOT '}EXISTS (SELECT 1 FROM links l WHERE l.object = i.object AND l.${column} = i.id)
      ${o.deletedOnly ? `AND json_extract(change, '$.deleted') = 1` : ''} ORDER BY id LIMIT ?`;
    const rows = this.stmt(sql).all(side, object, o.afterId, o.limit) as Array<{ change: string }>;
    return rows.map((r) => ({ side, object, change: JSON.parse(r.change) as SideChange }));
  }

  /** One inbox entry, if a side reported that record and it is not planned yet. */
  inboxEntry(side: SideName, object: SyncObject, id: string): InboxEntry | undefined {
    const row = this.stmt(`SELECT change FROM inbox WHERE side = ? AND object = ? AND id = ?`).get(side, object, id) as
      { change: string } | undefined;
    return row ? { side, object, change: JSON.parse(row.change) as SideChange } : undefined;
  }

  /** A copy of this state file in a temporary folder (for a dry run); dispose closes and deletes it. */
  async scratchCopy(): Promise<{ store: StateStore; dispose(): void }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-dry-run-'));
    try {
      await this.db.backup(path.join(dir, 'state.sqlite'));
      const store = new StateStore(dir);
      return {
        store,
        dispose: () => {
          store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Drop a side's unplanned entries for present records (deletions stay): a full listing is about to list them again. */
  dropListedChanges(side: SideName, object: SyncObject): void {
    this.stmt(`DELETE FROM inbox WHERE side = ? AND object = ? AND json_extract(change, '$.deleted') = 0`).run(
      side,
      object,
    );
  }

  /**
   * Replace planned inbox entries by outbox writes and link changes, in one transaction.
   *
   * A record that changed again while its create was still queued (sync stopped, or the run ended first) is
   * not linked yet, so the planner asks to create it again: the queued create takes the newer content instead,
   * or a side without an external id (Outlook) would get it twice. A record deleted while its create was
   * queued is not created at all. Only creates no side carried out are touched (never sent, or refused): one sent
   * without an answer may have reached the side. Likewise a newer update replaces a queued one of the same record
   * that no side carried out (a refused update stays queued until then), and a delete replaces every write queued
   * for the record it deletes.
   */
  commitPlan(
    object: SyncObject,
    planned: InboxEntry[],
    writes: Array<Omit<QueuedWrite, 'seq' | 'attempts' | 'refused' | 'firstAttemptedAt'>>,
    linkUpdates: Link[],
    linkDeletes: string[],
  ): void {
    const del = this.stmt(`DELETE FROM inbox WHERE side = ? AND object = ? AND id = ?`);
    const add = this.stmt(`INSERT INTO outbox (object, target, request, source_id, hash) VALUES (?, ?, ?, ?, ?)`);
    const queuedCreate = this
      .stmt(`SELECT seq FROM outbox WHERE object = ? AND target = ? AND source_id = ? AND (attempts = 0 OR refused = 1)
      AND json_extract(request, '$.kind') = 'create' ORDER BY seq LIMIT 1`);
    const queuedUpdate = this
      .stmt(`SELECT seq FROM outbox WHERE object = ? AND target = ? AND json_extract(request, '$.key') = ? AND (attempts = 0 OR refused = 1)
      AND json_extract(request, '$.kind') = 'update' ORDER BY seq LIMIT 1`);
    const replace = this.stmt(
      `UPDATE outbox SET request = ?, hash = ?, source_id = ?, attempts = 0, refused = 0, failure = NULL, first_attempted_at = NULL WHERE seq = ?`,
    );
    const dropCreate = this
      .stmt(`DELETE FROM outbox WHERE object = ? AND target = ? AND source_id = ? AND (attempts = 0 OR refused = 1)
      AND json_extract(request, '$.kind') = 'create'`);
    const dropWritesTo = this
      .stmt(`DELETE FROM outbox WHERE object = ? AND target = ? AND json_extract(request, '$.id') = ?
      AND json_extract(request, '$.kind') IN ('update', 'delete')`);
    this.transaction(() => {
      for (const e of planned) {
        del.run(e.side, object, e.change.id);
        if (e.change.deleted) dropCreate.run(object, e.side === 'salesforce' ? 'outlook' : 'salesforce', e.change.id);
      }
      for (const w of writes) {
        if (w.request.kind === 'delete') dropWritesTo.run(object, w.target, w.request.id);
        const queued = (
          w.request.kind === 'create' && w.sourceId
            ? queuedCreate.get(object, w.target, w.sourceId)
            : w.request.kind === 'update'
              ? queuedUpdate.get(object, w.target, w.request.key)
              : undefined
        ) as { seq: number } | undefined;
        if (queued) replace.run(JSON.stringify(w.request), w.hash, w.sourceId, queued.seq);
        else add.run(object, w.target, JSON.stringify(w.request), w.sourceId, w.hash);
      }
      for (const l of linkUpdates) this.putLink(l);
      for (const sfId of linkDeletes) this.deleteLinkBySf(object, sfId);
    });
  }

  outbox(object: SyncObject, target?: SideName): QueuedWrite[] {
    const rows = (
      target
        ? this.stmt(`SELECT * FROM outbox WHERE object = ? AND target = ? ORDER BY seq`).all(object, target)
        : this.stmt(`SELECT * FROM outbox WHERE object = ? ORDER BY seq`).all(object)
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => toQueuedWrite(object, r));
  }

  /**
   * The next queued writes after a sequence number, so a large queue is sent without loading it whole. With
   * `attemptedOnly`, those sent before whose answer was not stored (a refused write was answered).
   */
  outboxBatch(
    object: SyncObject,
    target: SideName,
    afterSeq: number,
    limit: number,
    attemptedOnly = false,
  ): QueuedWrite[] {
    const rows = this.stmt(
      `SELECT * FROM outbox WHERE object = ? AND target = ? AND seq > ? AND (? = 0 OR (attempts > 0 AND refused = 0)) ORDER BY seq LIMIT ?`,
    ).all(object, target, afterSeq, attemptedOnly ? 1 : 0, limit) as Array<Record<string, unknown>>;
    return rows.map((r) => toQueuedWrite(object, r));
  }

  outboxCount(object: SyncObject, attemptedOnly = false): number {
    return (
      this.stmt(`SELECT COUNT(*) AS n FROM outbox WHERE object = ? AND (? = 0 OR (attempts > 0 AND refused = 0))`).get(
        object,
        attemptedOnly ? 1 : 0,
      ) as { n: number }
    ).n;
  }

  /** Queued writes whose last attempt failed, oldest first (at most `limit`): what each is and why it is still queued. */
  failedWrites(limit: number): PendingFailure[] {
    const rows = this.stmt(`SELECT * FROM outbox WHERE failure IS NOT NULL ORDER BY seq LIMIT ?`).all(limit) as Array<
      Record<string, unknown>
    >;
    return rows.map((r) => {
      const w = toQueuedWrite(r.object as SyncObject, r);
      const f = JSON.parse(r.failure as string) as { code: string; message: string; fields: string[] };
      return {
        object: w.object,
        side: w.target,
        sourceId: w.sourceId ?? w.request.id ?? null,
        ...f,
        refused: w.refused,
        attempts: w.attempts,
      };
    });
  }

  /** Queued writes by the side they go to and object. */
  outboxCounts(): Record<SideName, Record<SyncObject, number>> {
    const out: Record<SideName, Record<SyncObject, number>> = {
      salesforce: { contacts: 0, events: 0, tasks: 0 },
      outlook: { contacts: 0, events: 0, tasks: 0 },
    };
    const rows = this.stmt(`SELECT target, object, COUNT(*) AS n FROM outbox GROUP BY target, object`).all() as Array<{
      target: SideName;
      object: SyncObject;
      n: number;
    }>;
    for (const r of rows) out[r.target][r.object] = r.n;
    return out;
  }

  /** Queued writes by sequence number (those still queued), in order. */
  outboxWrites(seqs: number[]): QueuedWrite[] {
    const get = this.stmt(`SELECT * FROM outbox WHERE seq = ?`);
    return [...seqs]
      .sort((a, b) => a - b)
      .flatMap((seq) => {
        const row = get.get(seq) as Record<string, unknown> | undefined;
        return row ? [toQueuedWrite(row.object as SyncObject, row)] : [];
      });
  }

  /**
   * Queued updates and deletes whose target record a read reported since (an inbox entry on the target's side), each
   * with that entry: a write that waited in the queue may find its target changed before it is sent.
   */
  queuedWritesToReported(object: SyncObject): Array<{ write: QueuedWrite; current: SideChange }> {
    const rows = this.stmt(
      `SELECT o.*, i.change AS reported FROM outbox o JOIN inbox i
        ON i.side = o.target AND i.object = o.object AND i.id = json_extract(o.request, '$.id')
        WHERE o.object = ? AND json_extract(o.request, '$.kind') IN ('update', 'delete') ORDER BY o.seq`,
    ).all(object) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      write: toQueuedWrite(object, r),
      current: JSON.parse(r.reported as string) as SideChange,
    }));
  }

  /** The queued creates to a side that were sent at least once without an answer stored: their sources and match keys. */
  unansweredCreates(object: SyncObject, target: SideName): { sourceIds: Set<string>; matchKeys: Set<string> } {
    const rows = this.stmt(
      `SELECT request, source_id FROM outbox WHERE object = ? AND target = ? AND attempts > 0 AND refused = 0 AND json_extract(request, '$.kind') = 'create'`,
    ).all(object, target) as Array<{ request: string; source_id: string | null }>;
    const out = { sourceIds: new Set<string>(), matchKeys: new Set<string>() };
    for (const r of rows) {
      if (r.source_id) out.sourceIds.add(r.source_id);
      const data = (JSON.parse(r.request) as WriteRequest).data;
      if (data) for (const k of matchKeys(object, data)) out.matchKeys.add(k);
    }
    return out;
  }

  pendingCount(): number {
    return (
      this.stmt(`SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM inbox) AS n`).get() as { n: number }
    ).n;
  }

  /**
   * Mark writes as attempted before sending them, so a retry after a crash knows to match instead of create. Until
   * its answer is stored, a write may have been carried out (a refusal from an earlier attempt no longer holds).
   */
  markAttempted(seqs: number[], at: Date): void {
    const stmt = this.stmt(
      `UPDATE outbox SET attempts = attempts + 1, refused = 0, first_attempted_at = COALESCE(first_attempted_at, ?) WHERE seq = ?`,
    );
    this.transaction(() => seqs.forEach((s) => stmt.run(at.toISOString(), s)));
  }

  /**
   * Store what a batch came to, in one transaction: confirmed writes leave the outbox and move their links; failed
   * ones stay with why; stale ones leave it and put what they were about back in the inbox (see Replan).
   */
  completeWrites(o: BatchOutcome): void {
    const del = this.stmt(`DELETE FROM outbox WHERE seq = ?`);
    const fail = this.stmt(`UPDATE outbox SET failure = ?, refused = ? WHERE seq = ?`);
    const putCurrent = this.stmt(`INSERT INTO inbox (side, object, id, change) VALUES (?, ?, ?, ?)
      ON CONFLICT(side, object, id) DO UPDATE SET change = excluded.change`);
    // What the source side reported since (a later read) is newer than the change the write carried.
    const putSource = this.stmt(
      `INSERT INTO inbox (side, object, id, change) VALUES (?, ?, ?, ?) ON CONFLICT(side, object, id) DO NOTHING`,
    );
    const made = this.stmt(`INSERT OR IGNORE INTO unread_creates (object, ol_id) VALUES (?, ?)`);
    this.transaction(() => {
      for (const s of o.done) del.run(s);
      for (const f of o.failed)
        fail.run(JSON.stringify({ code: f.code, message: f.message, fields: f.fields }), f.refused ? 1 : 0, f.seq);
      for (const r of o.replans) {
        del.run(r.seq);
        const sourceSide: SideName = r.target === 'salesforce' ? 'outlook' : 'salesforce';
        if (r.current) putCurrent.run(r.target, r.object, r.current.id, JSON.stringify(r.current));
        if (r.source) putSource.run(sourceSide, r.object, r.source.id, JSON.stringify(r.source));
      }
      for (const l of o.linkUpdates) this.putLink(l);
      for (const d of o.linkDeletes) this.deleteLinkBySf(d.object, d.sfId);
      for (const m of o.madeInOutlook ?? []) made.run(m.object, m.olId);
    });
  }

  /**
   * Outlook items the engine made that no completed delta round has seen: the mailbox's delta reports a delete only of
   * an item its token knew, so until a round has seen one, its delete may never be reported. The run's read-back sees
   * them; a read-back that never happened (a stop, a crash) leaves them here, and the next read lists the object in
   * full (runner.ts). Counted only while linked (a copy the engine itself deleted since needs nothing).
   */
  unreadCreates(object: SyncObject): number {
    return this.stmt(
      `SELECT COUNT(*) FROM unread_creates u JOIN links l ON l.object = u.object AND l.ol_id = u.ol_id WHERE u.object = ?`,
    )
      .pluck()
      .get(object) as number;
  }

  /** A delta round of the object starts: nothing is seen by it yet. Whether there is anything to see. */
  startUnreadRound(object: SyncObject): boolean {
    this.stmt(`UPDATE unread_creates SET seen = 0 WHERE object = ? AND seen = 1`).run(object);
    return !!this.stmt(`SELECT 1 FROM unread_creates WHERE object = ? LIMIT 1`).get(object);
  }

  /** Items a page of the round reported (changed or removed). */
  noteRead(object: SyncObject, olIds: string[]): void {
    this.stmt(`UPDATE unread_creates SET seen = 1 WHERE object = ? AND ol_id IN (SELECT value FROM json_each(?))`).run(
      object,
      JSON.stringify(olIds),
    );
  }

  /**
   * The round completed (in the transaction that stores its checkpoint): what it saw is known to the mailbox's delta
   * from now on; a full listing settles every item (what it did not list is taken for deleted).
   */
  concludeUnreadRound(object: SyncObject, fullListing: boolean): void {
    if (fullListing) this.stmt(`DELETE FROM unread_creates WHERE object = ?`).run(object);
    else this.stmt(`DELETE FROM unread_creates WHERE object = ? AND seen = 1`).run(object);
    // Copies the engine itself deleted since (their link went with them) need nothing more.
    this.stmt(
      `DELETE FROM unread_creates WHERE object = ? AND ol_id NOT IN (SELECT ol_id FROM links WHERE object = ?)`,
    ).run(object, object);
  }

  linkBySf(object: SyncObject, sfId: string): Link | undefined {
    return toLink(this.stmt(`SELECT * FROM links WHERE object = ? AND sf_id = ?`).get(object, sfId));
  }

  linkByOl(object: SyncObject, olId: string): Link | undefined {
    return toLink(this.stmt(`SELECT * FROM links WHERE object = ? AND ol_id = ?`).get(object, olId));
  }

  links(object: SyncObject): Link[] {
    return (this.stmt(`SELECT * FROM links WHERE object = ?`).all(object) as unknown[]).map((r) => toLink(r)!);
  }

  linkCount(object: SyncObject): number {
    return (this.stmt(`SELECT COUNT(*) AS n FROM links WHERE object = ?`).get(object) as { n: number }).n;
  }

  putLink(l: Link): void {
    this.stmt(`DELETE FROM links WHERE object = ? AND (sf_id = ? OR ol_id = ?)`).run(l.object, l.sfId, l.olId);
    this.stmt(`INSERT INTO links (object, sf_id, ol_id, sf_version, ol_version, hash) VALUES (?, ?, ?, ?, ?, ?)`).run(
      l.object,
      l.sfId,
      l.olId,
      l.sfVersion,
      l.olVersion,
      l.hash,
    );
  }

  /** Put links into this (new) state in one transaction, as a restart from salvaged ones does; how many. */
  importLinks(links: Link[]): number {
    this.db.transaction(() => {
      for (const l of links) this.putLink(l);
    })();
    return (this.stmt(`SELECT COUNT(*) AS n FROM links`).get() as { n: number }).n;
  }

  deleteLinkBySf(object: SyncObject, sfId: string): void {
    this.stmt(`DELETE FROM links WHERE object = ? AND sf_id = ?`).run(object, sfId);
  }

  status(): EngineStatus {
    const get = (k: string) =>
      (this.stmt(`SELECT value FROM status WHERE key = ?`).get(k) as { value: string | null } | undefined)?.value ??
      null;
    const report = get('lastReport');
    let state = (get('state') as EngineState | null) ?? 'idle';
    // A process killed mid-run leaves 'syncing' behind; it is syncing only while that process lives.
    if (state === 'syncing' && !processAlive(Number(get('syncPid')))) state = 'idle';
    return {
      state,
      message: get('message'),
      stopReason: readStoredStop(get('stopReason')),
      settingsMessage: get('settingsMessage'),
      lastRun: get('lastRun'),
      lastReport: report ? JSON.parse(report) : null,
      stoppedAt: get('stoppedAt'),
    };
  }

  /** Mark a run in progress by this process. */
  markSyncing(): void {
    this.setStatus({ state: 'syncing' });
    this.stmt(
      `INSERT INTO status (key, value) VALUES ('syncPid', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ).run(String(process.pid));
  }

  setStatus(s: Partial<Omit<EngineStatus, 'lastReport'>> & { lastReport?: unknown }): void {
    const put = this.stmt(
      `INSERT INTO status (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
    this.transaction(() => {
      for (const [k, v] of Object.entries(s)) {
        if (v === undefined) continue;
        put.run(
          k,
          k === 'lastReport'
            ? JSON.stringify(v)
            : k === 'stopReason'
              ? storedStopText(v as StoredStopReason | null)
              : (v as string | null),
        );
      }
    });
  }

  close(): void {
    this.db.close();
  }
}

function toLink(r: unknown): Link | undefined {
  if (!r) return undefined;
  const row = r as Record<string, string | null>;
  return {
    object: row.object as SyncObject,
    sfId: row.sf_id as string,
    olId: row.ol_id as string,
    sfVersion: row.sf_version,
    olVersion: row.ol_version,
    hash: row.hash as string,
  };
}

export type { Canonical };

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toQueuedWrite(object: SyncObject, r: Record<string, unknown>): QueuedWrite {
  return {
    seq: r.seq as number,
    object,
    target: r.target as SideName,
    request: JSON.parse(r.request as string) as WriteRequest,
    sourceId: (r.source_id as string | null) ?? null,
    hash: (r.hash as string | null) ?? null,
    attempts: r.attempts as number,
    refused: r.refused === 1,
    firstAttemptedAt: (r.first_attempted_at as string | null) ?? null,
  };
}
