/**
 * Where each event copy was last seen, by side and id: its span (what a complete listing of a window can be
 * compared with) and, for an Outlook occurrence, its series and original start (what pairs it with the occurrence it
 * became when its series moved). Kept in the state file beside the links, written as reads are stored. A delta's
 * `@removed` carries only an id: this is what is known about the record it names.
 */
import Database from 'better-sqlite3';
import { CanonicalEvent, SideChange, SideName } from './types';

export interface EventCopy {
  side: SideName;
  id: string;
  start: string;
  end: string;
  isAllDay: boolean;
  masterId: string | null;
  originalStart: string | null;
}

export class EventCopies {
  private readonly put: Database.Statement;
  private readonly drop: Database.Statement;
  private readonly one: Database.Statement;
  private readonly ofSeries: Database.Statement;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS event_copies (side TEXT NOT NULL, id TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
        all_day INTEGER NOT NULL, master_id TEXT, original_start TEXT, PRIMARY KEY (side, id));
      CREATE INDEX IF NOT EXISTS event_copies_series ON event_copies (master_id) WHERE master_id IS NOT NULL;
    `);
    this.put =
      db.prepare(`INSERT INTO event_copies (side, id, start, end, all_day, master_id, original_start) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(side, id) DO UPDATE SET start = excluded.start, end = excluded.end, all_day = excluded.all_day,
      master_id = excluded.master_id, original_start = excluded.original_start`);
    this.drop = db.prepare(`DELETE FROM event_copies WHERE side = ? AND id = ?`);
    this.one = db.prepare(`SELECT * FROM event_copies WHERE side = ? AND id = ?`);
    this.ofSeries = db.prepare(`SELECT c.* FROM event_copies c JOIN links l ON l.object = 'events' AND l.ol_id = c.id
      WHERE c.side = 'outlook' AND c.master_id = ?`);
  }

  /**
   * Note what a read reported. A deleted record is forgotten, except an Outlook one still linked: whether it was
   * deleted or moved is settled after the read (event-removals.ts), and its series is what settles it.
   */
  note(side: SideName, changes: SideChange[], linked: (id: string) => boolean): void {
    for (const c of changes) {
      if (c.deleted) {
        if (side === 'salesforce' || !linked(c.id)) this.drop.run(side, c.id);
        continue;
      }
      const e = c.data as CanonicalEvent;
      this.put.run(
        side,
        c.id,
        e.start,
        e.end,
        e.isAllDay ? 1 : 0,
        c.series?.masterId ?? null,
        c.series?.originalStart ?? null,
      );
    }
  }

  get(side: SideName, id: string): EventCopy | undefined {
    return toCopy(this.one.get(side, id));
  }

  forget(side: SideName, ids: Iterable<string>): void {
    for (const id of ids) this.drop.run(side, id);
  }

  /** The linked Outlook occurrences and exceptions of a series, as last seen. */
  linkedOfSeries(masterId: string): EventCopy[] {
    return (this.ofSeries.all(masterId) as unknown[]).map((r) => toCopy(r)!);
  }
}

function toCopy(r: unknown): EventCopy | undefined {
  if (!r) return undefined;
  const row = r as Record<string, string | number | null>;
  return {
    side: row.side as SideName,
    id: row.id as string,
    start: row.start as string,
    end: row.end as string,
    isAllDay: row.all_day === 1,
    masterId: row.master_id as string | null,
    originalStart: row.original_start as string | null,
  };
}
