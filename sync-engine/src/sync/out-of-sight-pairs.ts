/**
 * The pairs unlinked because their Outlook occurrence went out of sight with its series (moved whole beyond the
 * window, event-removals.ts): for each Salesforce Event, the content both copies held at unlinking, and the series
 * and original start its occurrence had. Remembered so that:
 * - the Event read again unchanged (the read overlap, or a run that lists it) is left as it is, not copied to Outlook
 *   as a new single event beside the occurrence it already has there;
 * - an edit of it in Salesforce makes it an ordinary unlinked Event again (forgotten here, then synced like any);
 * - when the series comes back into the window its occurrences pair again with these Events (series-moves.ts), so
 *   nothing is created twice.
 */
import Database from 'better-sqlite3';

export interface OutOfSightPair {
  sfId: string;
  sfVersion: string | null;
  /** Hash of the canonical content both copies held at unlinking. */
  hash: string;
  masterId: string | null;
  originalStart: string | null;
}

export class OutOfSightPairs {
  private readonly put: Database.Statement;
  private readonly drop: Database.Statement;
  private readonly one: Database.Statement;
  private readonly ofSeries: Database.Statement;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS out_of_sight_pairs (sf_id TEXT PRIMARY KEY, sf_version TEXT, hash TEXT NOT NULL,
        master_id TEXT, original_start TEXT);
      CREATE INDEX IF NOT EXISTS out_of_sight_series ON out_of_sight_pairs (master_id) WHERE master_id IS NOT NULL;
    `);
    this.put =
      db.prepare(`INSERT OR REPLACE INTO out_of_sight_pairs (sf_id, sf_version, hash, master_id, original_start)
      VALUES (?, ?, ?, ?, ?)`);
    this.drop = db.prepare(`DELETE FROM out_of_sight_pairs WHERE sf_id = ?`);
    this.one = db.prepare(`SELECT * FROM out_of_sight_pairs WHERE sf_id = ?`);
    this.ofSeries = db.prepare(`SELECT * FROM out_of_sight_pairs WHERE master_id = ? ORDER BY original_start`);
  }

  remember(p: OutOfSightPair): void {
    this.put.run(p.sfId, p.sfVersion, p.hash, p.masterId, p.originalStart);
  }

  get(sfId: string): OutOfSightPair | undefined {
    return toPair(this.one.get(sfId));
  }

  ofMaster(masterId: string): OutOfSightPair[] {
    return (this.ofSeries.all(masterId) as unknown[]).flatMap((r) => toPair(r) ?? []);
  }

  forget(sfId: string): void {
    this.drop.run(sfId);
  }
}

/** A row of out_of_sight_pairs as a pair; undefined for none, or for a row a damaged page left unreadable as one. */
export function toPair(r: unknown): OutOfSightPair | undefined {
  if (!r) return undefined;
  const row = r as Record<string, unknown>;
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const sfId = text(row.sf_id);
  const hash = text(row.hash);
  if (!sfId || !hash) return undefined;
  return {
    sfId,
    sfVersion: text(row.sf_version),
    hash,
    masterId: text(row.master_id),
    originalStart: text(row.original_start),
  };
}
