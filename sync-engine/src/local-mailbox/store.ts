/**
 * The mailbox's SQLite store: mailboxes, items (contacts, events and their exceptions, To Do lists and
 * tasks; each a JSON document with its change key and times), and a per-mailbox change log that delta
 * queries read. Every write logs one change (sequence, scope, item, op, and the item as it was before), so
 * a delta round can tell what changed since its token and what each item looked like then.
 *
 * Delta rounds and lists page by id: both what a round walks (a scope's items, or the items changed in a slice
 * of the log) and a list's items are read in id order from the last id a page sent, so a page costs what it
 * sends, not the folder.
 *
 * Events carry their span of time beside their document (`span_start`, `span_end`: for a single event when it
 * starts and ends; for a series a bound of its occurrences and exceptions, open-ended without an end date), so a
 * calendar window reads the events that can show in it, and single events in start order, without the others.
 */
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import { Clock, systemClock } from '../common/clock';
import { makeChangeKey, makeId } from './ids';
import type { Obj } from './properties';
import { openPrivateDatabase } from '../common/private-files';

export type ItemKind = 'contact' | 'event' | 'exception' | 'taskList' | 'task';
export type ChangeOp = 'created' | 'updated' | 'deleted';

export interface MailboxRecord {
  no: number;
  user: string;
  displayName: string;
  timeZone: string;
  contactFolderId: string;
  calendarId: string;
}

/** What an item stores: its Graph properties, and what the mailbox keeps about it beside them. */
export interface ItemData {
  props: Obj;
  sys: Obj;
}

export interface ItemRow {
  id: string;
  mailbox: number;
  kind: ItemKind;
  /** Contact folder, task list, or (exceptions) the series master. */
  parent: string | null;
  data: ItemData;
  changeKey: string;
  /** Milliseconds since the epoch. */
  created: number;
  modified: number;
  /** Events: when they can show (event-spans.ts). */
  span?: EventSpan;
}

/** When an event can show, in UTC epoch ms: exactly for a single event, a bound for a series. */
export interface EventSpan {
  start: number;
  end: number;
  recurring: boolean;
}

/** A series with no end: its span ends here (the last instant a Date holds). */
export const END_OF_TIME = 8.64e15;

export interface Change {
  seq: number;
  itemId: string;
  /** The item's state before the first change after the token (null: it did not exist then). */
  before: unknown;
}

/**
 * Changes kept per mailbox unless told otherwise. Graph forgets an Outlook delta token only when its token
 * cache overflows (neither after a fixed time nor after some number of changes), and in practice keeps it for
 * weeks; what a client can tell is that a token outlives even a big run of writes. So the default is a count
 * far above any run (a run writing 100,000 items keeps its token, where 10,000 made it 410 and re-read the
 * folder), still a count rather than an age: the log stays bounded as Graph's cache is, and a test forces a
 * 410 with a small limit (or expireDeltaTokens) without driving a clock.
 */
export const DEFAULT_CHANGE_LOG_LIMIT = 1_000_000;

/** Below this many changes a round's slice of the log is read whole (changedItemsAfter). */
const SMALL_LOG_SLICE = 2_000;

/** sha256 of a bearer token: the store never keeps a token itself. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

interface RawItem {
  id: string;
  mailbox: number;
  kind: ItemKind;
  parent: string | null;
  data: string;
  change_key: string;
  created: number;
  modified: number;
  span_start: number | null;
  span_end: number | null;
  recurring: number | null;
}

/** What reads cost, counted as they happen: tests assert a page's cost with them, without timing it. */
export interface ReadStats {
  /** Item rows read from SQLite and parsed. */
  itemRows: number;
  /** Occurrences of recurring series computed from their patterns. */
  occurrences: number;
}

export class MailboxStore {
  readonly db: Database.Database;
  readonly readStats: ReadStats = { itemRows: 0, occurrences: 0 };
  private readonly statements = new Map<string, Database.Statement>();
  /** One transaction wrapper for every call: better-sqlite3 builds a new one per `db.transaction` (a write's cost). */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  /** Seed tokens that opened a mailbox, and the mailbox (see mailboxByToken). */
  private readonly mailboxOfToken = new Map<string, MailboxRecord>();

  constructor(
    file: string,
    readonly clock: Clock = systemClock,
    readonly changeLogLimit = DEFAULT_CHANGE_LOG_LIMIT,
  ) {
    this.db = file === ':memory:' ? new Database(file) : openPrivateDatabase(file);
    this.inTransaction = this.db.transaction((fn: () => unknown) => fn());
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS mailboxes (
        no INTEGER PRIMARY KEY, user TEXT NOT NULL UNIQUE COLLATE NOCASE, token_hash TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL, time_zone TEXT NOT NULL, contact_folder_id TEXT NOT NULL, calendar_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS items (
        id TEXT PRIMARY KEY, mailbox INTEGER NOT NULL, kind TEXT NOT NULL, parent TEXT, data TEXT NOT NULL,
        change_key TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, transaction_id TEXT,
        span_start INTEGER, span_end INTEGER, recurring INTEGER);
      CREATE INDEX IF NOT EXISTS items_scope ON items (mailbox, kind, parent, id);
      CREATE INDEX IF NOT EXISTS items_kind ON items (mailbox, kind, id);
      CREATE INDEX IF NOT EXISTS items_transaction ON items (mailbox, transaction_id) WHERE transaction_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS changes (
        seq INTEGER PRIMARY KEY, mailbox INTEGER NOT NULL, scope TEXT NOT NULL, item_id TEXT NOT NULL,
        op TEXT NOT NULL, before TEXT, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS changes_scope ON changes (mailbox, scope, seq);
      CREATE INDEX IF NOT EXISTS changes_mailbox ON changes (mailbox, seq);
      CREATE INDEX IF NOT EXISTS changes_item ON changes (mailbox, scope, item_id, seq);
    `);
    // Stores made before events had spans get the columns; event-spans.ts fills them in at start.
    const columns = (this.db.prepare(`PRAGMA table_info(items)`).all() as Array<{ name: string }>).map((c) => c.name);
    if (!columns.includes('span_start')) {
      this.db.exec(
        `ALTER TABLE items ADD COLUMN span_start INTEGER; ALTER TABLE items ADD COLUMN span_end INTEGER; ALTER TABLE items ADD COLUMN recurring INTEGER;`,
      );
    }
    this.db.exec(`
      CREATE INDEX IF NOT EXISTS items_single_events ON items (mailbox, kind, recurring, span_start, id, span_end);
      CREATE INDEX IF NOT EXISTS items_series_end ON items (mailbox, kind, recurring, span_end, span_start);
    `);
    if (!this.getMeta('tokenSecret')) this.setMeta('tokenSecret', crypto.randomBytes(32).toString('base64'));
  }

  /** A prepared statement, compiled once per store: compiling took more time than running most of them. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Whether any mailbox exists (seeded before). */
  isSeeded(): boolean {
    return !!this.statement(`SELECT 1 FROM mailboxes LIMIT 1`).get();
  }

  getMeta(key: string): string | undefined {
    const r = this.statement(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return r?.value;
  }

  setMeta(key: string, value: string): void {
    this.statement(
      `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ).run(key, value);
  }

  /** The key that signs delta and skip tokens; kept in the store so tokens outlive a restart. */
  get tokenSecret(): Buffer {
    return Buffer.from(this.getMeta('tokenSecret')!, 'base64');
  }

  now(): number {
    return this.clock.now().getTime();
  }

  /** Run fn in one SQLite transaction: all of it is written or none of it (inside another: a savepoint). */
  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  /** A new sequence number for an item id. */
  nextItemSeq(): number {
    return this.countUp('itemSeq');
  }

  /** A meta counter moved on by one, and its new value, in one statement (0 before its first count). */
  private countUp(key: string, by = 1): number {
    const next = this.statement(
      `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + ? RETURNING value`,
    )
      .pluck()
      .get(key, String(by), by);
    return Number(next);
  }

  addMailbox(m: { user: string; token: string; displayName: string; timeZone: string }): MailboxRecord {
    const no = Number((this.statement(`SELECT COALESCE(MAX(no), 0) + 1 AS n FROM mailboxes`).get() as { n: number }).n);
    const rec: MailboxRecord = {
      no,
      user: m.user,
      displayName: m.displayName,
      timeZone: m.timeZone,
      contactFolderId: makeId('contactFolder', no, this.nextItemSeq()),
      calendarId: makeId('calendar', no, this.nextItemSeq()),
    };
    this.statement(
      `INSERT INTO mailboxes (no, user, token_hash, display_name, time_zone, contact_folder_id, calendar_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(no, rec.user, hashToken(m.token), rec.displayName, rec.timeZone, rec.contactFolderId, rec.calendarId);
    return rec;
  }

  /**
   * The mailbox a bearer token opens. A mailbox never changes once made, so a token that opened one is remembered
   * (every request, and every request of a batch, asks; hashing and reading took 15 µs of each). Only tokens that
   * open a mailbox are kept, so there are never more of them than mailboxes.
   */
  mailboxByToken(token: string): MailboxRecord | undefined {
    const known = this.mailboxOfToken.get(token);
    if (known) return known;
    const r = this.statement(`SELECT * FROM mailboxes WHERE token_hash = ?`).get(hashToken(token)) as
      Record<string, unknown> | undefined;
    if (!r) return undefined;
    const mailbox = Object.freeze(toMailbox(r));
    this.mailboxOfToken.set(token, mailbox);
    return mailbox;
  }

  mailboxes(): MailboxRecord[] {
    return (this.statement(`SELECT * FROM mailboxes ORDER BY no`).all() as Record<string, unknown>[]).map(toMailbox);
  }

  /** The highest change sequence number handed out (0 before any change). */
  currentChangeSeq(): number {
    return Number(this.getMeta('changeSeq') ?? '0');
  }

  /**
   * Log a change and return its sequence number (also the source of the item's new change key). Keeps only
   * the newest `changeLogLimit` changes of a mailbox; tokens older than what is kept get 410.
   */
  logChange(mailbox: number, scope: string, itemId: string, op: ChangeOp, before: unknown): number {
    const seq = this.countUp('changeSeq');
    // The log's length is kept beside it, so a write finds the cut from the oldest end (usually one row):
    // counting back changeLogLimit rows from the newest cost every write up to that many rows.
    let kept = this.keptChangesAfterOneMore(mailbox);
    this.statement(
      `INSERT INTO changes (seq, mailbox, scope, item_id, op, before, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      seq,
      mailbox,
      scope,
      itemId,
      op,
      before === null || before === undefined ? null : JSON.stringify(before),
      this.now(),
    );
    if (kept > this.changeLogLimit) {
      const cut = this.statement(`SELECT seq FROM changes WHERE mailbox = ? ORDER BY seq LIMIT 1 OFFSET ?`)
        .pluck()
        .get(mailbox, kept - this.changeLogLimit - 1) as number;
      this.statement(`DELETE FROM changes WHERE mailbox = ? AND seq <= ?`).run(mailbox, cut);
      this.setMeta(`prunedThrough:${mailbox}`, String(Math.max(cut, this.prunedThrough(mailbox))));
      kept = this.changeLogLimit;
      this.setMeta(`keptChanges:${mailbox}`, String(kept));
    }
    return seq;
  }

  /**
   * How many changes of the mailbox the log holds with one more, noted (counted once for a store written before the
   * count was kept).
   */
  private keptChangesAfterOneMore(mailbox: number): number {
    const key = `keptChanges:${mailbox}`;
    const counted = this.statement(`UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ? RETURNING value`)
      .pluck()
      .get(key);
    if (counted !== undefined) return Number(counted);
    const held = this.statement(`SELECT COUNT(*) FROM changes WHERE mailbox = ?`).pluck().get(mailbox) as number;
    this.setMeta(key, String(held + 1));
    return held + 1;
  }

  /** The change key a write with this change sequence number gives its item. */
  changeKeyFor(mailbox: number, seq: number): string {
    return makeChangeKey(mailbox, seq);
  }

  /** Changes up to this sequence number are forgotten for the mailbox (tokens at or before it are gone). */
  prunedThrough(mailbox: number): number {
    return Number(this.getMeta(`prunedThrough:${mailbox}`) ?? '0');
  }

  /** Forget the whole change log: every delta token handed out so far gets 410 (tests of a resync). */
  forgetChanges(): void {
    // Burn one sequence number: tokens up to the current one are gone, rounds started from now are not.
    const seq = this.currentChangeSeq() + 1;
    this.transaction(() => {
      this.setMeta('changeSeq', String(seq));
      this.statement(`DELETE FROM changes`).run();
      for (const m of this.mailboxes()) {
        this.setMeta(`prunedThrough:${m.no}`, String(seq));
        this.setMeta(`keptChanges:${m.no}`, '0');
      }
    });
  }

  /**
   * The items changed in a scope in (fromSeq, toSeq] whose ids sort after `after`, in id order, at most `limit`;
   * each once, with its state before the first of those changes.
   */
  changedItemsAfter(
    mailbox: number,
    scope: string,
    fromSeq: number,
    toSeq: number,
    after: string | undefined,
    limit: number,
  ): Change[] {
    // One question, two ways in, chosen by the size of the slice of the log: a small slice is read whole by
    // sequence number (cheap, and it never touches the older log: an idle round reads nothing); a big one is
    // walked in id order from `after`, so a page reads about the rows it sends rather than the whole slice.
    const sliceIsSmall =
      (this.statement(
        `SELECT COUNT(*) FROM (SELECT 1 FROM changes INDEXED BY changes_scope
      WHERE mailbox = ? AND scope = ? AND seq > ? AND seq <= ? LIMIT ?)`,
      )
        .pluck()
        .get(mailbox, scope, fromSeq, toSeq, SMALL_LOG_SLICE) as number) < SMALL_LOG_SLICE;
    const firsts = this.statement(
      `SELECT item_id AS itemId, MIN(seq) AS seq FROM changes INDEXED BY ${sliceIsSmall ? 'changes_scope' : 'changes_item'}
      WHERE mailbox = ? AND scope = ? AND seq > ? AND seq <= ? AND item_id > ? GROUP BY item_id ORDER BY item_id LIMIT ?`,
    ).all(mailbox, scope, fromSeq, toSeq, after ?? '', limit) as Array<{ itemId: string; seq: number }>;
    const beforeOf = this.statement(`SELECT before FROM changes WHERE seq = ?`).pluck();
    return firsts.map(({ itemId, seq }) => {
      const before = beforeOf.get(seq) as string | null;
      return { seq, itemId, before: before === null ? null : JSON.parse(before) };
    });
  }

  getItem(id: string): ItemRow | undefined {
    const r = this.statement(`SELECT * FROM items WHERE id = ?`).get(id) as RawItem | undefined;
    return r ? this.toItem(r) : undefined;
  }

  /** The ids of a kind's items in a mailbox (under one parent when given) that sort after `after`, in id order, at most `limit`. */
  itemIdsAfter(
    mailbox: number,
    kind: ItemKind,
    parent: string | undefined,
    after: string | undefined,
    limit: number,
  ): string[] {
    const ids =
      parent === undefined
        ? this.statement(`SELECT id FROM items WHERE mailbox = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?`)
            .pluck()
            .all(mailbox, kind, after ?? '', limit)
        : this.statement(
            `SELECT id FROM items WHERE mailbox = ? AND kind = ? AND parent = ? AND id > ? ORDER BY id LIMIT ?`,
          )
            .pluck()
            .all(mailbox, kind, parent, after ?? '', limit);
    return ids as string[];
  }

  /** The items of a kind (under one parent when given) whose ids sort after `after`, in id order, at most `limit`. */
  itemsAfter(
    mailbox: number,
    kind: ItemKind,
    parent: string | undefined,
    after: string | undefined,
    limit: number,
  ): ItemRow[] {
    const rows =
      parent === undefined
        ? this.statement(`SELECT * FROM items WHERE mailbox = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?`).all(
            mailbox,
            kind,
            after ?? '',
            limit,
          )
        : this.statement(
            `SELECT * FROM items WHERE mailbox = ? AND kind = ? AND parent = ? AND id > ? ORDER BY id LIMIT ?`,
          ).all(mailbox, kind, parent, after ?? '', limit);
    return (rows as RawItem[]).map((r) => this.toItem(r));
  }

  /** The id `count` items after `after` (1: the next one), read from the index alone; undefined when fewer follow. */
  idAfterSkipping(
    mailbox: number,
    kind: ItemKind,
    parent: string | undefined,
    after: string | undefined,
    count: number,
  ): string | undefined {
    const id =
      parent === undefined
        ? this.statement(`SELECT id FROM items WHERE mailbox = ? AND kind = ? AND id > ? ORDER BY id LIMIT 1 OFFSET ?`)
            .pluck()
            .get(mailbox, kind, after ?? '', count - 1)
        : this.statement(
            `SELECT id FROM items WHERE mailbox = ? AND kind = ? AND parent = ? AND id > ? ORDER BY id LIMIT 1 OFFSET ?`,
          )
            .pluck()
            .get(mailbox, kind, parent, after ?? '', count - 1);
    return id as string | undefined;
  }

  /**
   * Single events overlapping [from, to) that come after a (start, id) cursor, in (start, id) order, at most `limit`.
   * An event that starts before `from` overlaps it only if it is longer than the gap, so the scan starts at `from`
   * less the longest single event the mailbox ever had, not at the beginning of time.
   */
  singleEventsOverlapping(
    mailbox: number,
    from: number,
    to: number,
    after: [number, string] | undefined,
    limit: number,
  ): ItemRow[] {
    const lower = Math.max(from - this.longestSingleEvent(mailbox), after ? after[0] : -END_OF_TIME);
    const [afterStart, afterId] = after ?? [-END_OF_TIME, ''];
    const rows = this.statement(
      `SELECT * FROM items INDEXED BY items_single_events
      WHERE mailbox = ? AND kind = 'event' AND recurring = 0 AND span_start >= ? AND span_start < ?
        AND (span_start > ? OR (span_start = ? AND id > ?)) AND (span_end > ? OR (span_end = span_start AND span_start >= ?))
      ORDER BY span_start, id LIMIT ?`,
    ).all(mailbox, lower, to, afterStart, afterStart, afterId, from, from, limit) as RawItem[];
    return rows.map((r) => this.toItem(r));
  }

  /** The ids of series (and of events whose span is not known yet) whose span reaches [from, to). */
  seriesIdsOverlapping(mailbox: number, from: number, to: number): string[] {
    const series = this.statement(
      `SELECT id FROM items INDEXED BY items_series_end
      WHERE mailbox = ? AND kind = 'event' AND recurring = 1 AND span_end >= ? AND span_start < ?`,
    )
      .pluck()
      .all(mailbox, from, to) as string[];
    const unknown = this.statement(
      `SELECT id FROM items INDEXED BY items_single_events WHERE mailbox = ? AND kind = 'event' AND recurring IS NULL`,
    )
      .pluck()
      .all(mailbox) as string[];
    return [...series, ...unknown];
  }

  /** The ids of events (single or series) whose span reaches [from, to), after `after` in id order, at most `limit`. */
  eventIdsOverlapping(mailbox: number, from: number, to: number, after: string | undefined, limit: number): string[] {
    return this.statement(
      `SELECT id FROM items WHERE mailbox = ? AND kind = 'event' AND id > ?
      AND (span_start IS NULL OR (span_start < ? AND (span_end > ? OR span_start >= ? OR recurring = 1 AND span_end >= ?))) ORDER BY id LIMIT ?`,
    )
      .pluck()
      .all(mailbox, after ?? '', to, from, from, from, limit) as string[];
  }

  /** Events stored before spans were kept, a batch at a time. */
  eventsWithoutSpan(limit: number): ItemRow[] {
    return (
      this.statement(`SELECT * FROM items WHERE kind = 'event' AND span_start IS NULL ORDER BY id LIMIT ?`).all(
        limit,
      ) as RawItem[]
    ).map((r) => this.toItem(r));
  }

  /** Set an event's span (a series widened by a new exception, or one filled in for an older store). */
  setEventSpan(row: ItemRow, span: EventSpan): void {
    this.statement(`UPDATE items SET span_start = ?, span_end = ?, recurring = ? WHERE id = ?`).run(
      span.start,
      span.end,
      span.recurring ? 1 : 0,
      row.id,
    );
    this.noteSpan(row.mailbox, span);
  }

  /** The longest single event a mailbox has had, in ms (it only grows: a bound for window reads). */
  private longestSingleEvent(mailbox: number): number {
    return Number(this.getMeta(`longestSingleEvent:${mailbox}`) ?? '0');
  }

  private noteSpan(mailbox: number, span: EventSpan): void {
    if (!span.recurring && span.end - span.start > this.longestSingleEvent(mailbox))
      this.setMeta(`longestSingleEvent:${mailbox}`, String(span.end - span.start));
  }

  /** The items of a kind in a mailbox (under one parent when given), ordered by id. */
  items(mailbox: number, kind: ItemKind, parent?: string): ItemRow[] {
    const rows =
      parent === undefined
        ? this.statement(`SELECT * FROM items WHERE mailbox = ? AND kind = ? ORDER BY id`).all(mailbox, kind)
        : this.statement(`SELECT * FROM items WHERE mailbox = ? AND kind = ? AND parent = ? ORDER BY id`).all(
            mailbox,
            kind,
            parent,
          );
    return (rows as RawItem[]).map((r) => this.toItem(r));
  }

  /** The item created earlier with this `transactionId` (Graph's guard against a repeated POST). */
  itemByTransactionId(mailbox: number, transactionId: string): ItemRow | undefined {
    const r = this.statement(`SELECT * FROM items WHERE mailbox = ? AND transaction_id = ?`).get(
      mailbox,
      transactionId,
    ) as RawItem | undefined;
    return r ? this.toItem(r) : undefined;
  }

  /** Insert or replace an item (with its span, for an event). */
  putItem(row: ItemRow, transactionId: string | null = null): void {
    const { span } = row;
    this.statement(
      `INSERT INTO items (id, mailbox, kind, parent, data, change_key, created, modified, transaction_id, span_start, span_end, recurring)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET data = excluded.data, change_key = excluded.change_key, modified = excluded.modified, parent = excluded.parent,
        span_start = excluded.span_start, span_end = excluded.span_end, recurring = excluded.recurring`,
    ).run(
      row.id,
      row.mailbox,
      row.kind,
      row.parent,
      JSON.stringify(row.data),
      row.changeKey,
      row.created,
      row.modified,
      transactionId,
      span?.start ?? null,
      span?.end ?? null,
      span === undefined ? null : span.recurring ? 1 : 0,
    );
    if (span) this.noteSpan(row.mailbox, span);
  }

  deleteItem(id: string): void {
    this.statement(`DELETE FROM items WHERE id = ?`).run(id);
  }

  close(): void {
    this.db.close();
  }

  private toItem(r: RawItem): ItemRow {
    this.readStats.itemRows += 1;
    return toItem(r);
  }
}

function toMailbox(r: Record<string, unknown>): MailboxRecord {
  return {
    no: r.no as number,
    user: r.user as string,
    displayName: r.display_name as string,
    timeZone: r.time_zone as string,
    contactFolderId: r.contact_folder_id as string,
    calendarId: r.calendar_id as string,
  };
}

function toItem(r: RawItem): ItemRow {
  const row: ItemRow = {
    id: r.id,
    mailbox: r.mailbox,
    kind: r.kind,
    parent: r.parent,
    data: JSON.parse(r.data) as ItemData,
    changeKey: r.change_key,
    created: r.created,
    modified: r.modified,
  };
  if (r.span_start !== null && r.span_end !== null)
    row.span = { start: r.span_start, end: r.span_end, recurring: r.recurring === 1 };
  return row;
}
