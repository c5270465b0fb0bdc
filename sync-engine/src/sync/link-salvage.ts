/**
 * What can still be read of a damaged state file's links: which Salesforce record is which Outlook record, and the
 * content both held at the last sync. Starting over with them instead of from nothing, both sides are listed again in
 * full and planned against the links: nothing is duplicated, edits made since flow as edits, and a record deleted on
 * one side since does not come back from the other. The queued writes need no salvage: they are planned again from
 * the same differences. Rows are read one at a time, so a damaged page costs the rows on it, not the table.
 */
import Database from 'better-sqlite3';
import { SYNC_OBJECTS, SyncObject } from './objects';
import { Link } from './state-store';
import { OutOfSightPair, toPair } from './out-of-sight-pairs';

export interface SalvagedLinks {
  links: Link[];
  /**
   * The pairs unlinked because their series went out of sight (out-of-sight-pairs.ts): without them a start over
   * copies those Events to Outlook again, beside the occurrences they already have there.
   */
  outOfSight: OutOfSightPair[];
  /** Why reading stopped before the end, when it did. */
  stoppedBy: string | null;
}

/** The links readable from `file` (opened read only; nothing is written to it). */
export function salvageLinks(file: string): SalvagedLinks {
  const links: Link[] = [];
  const outOfSight: OutOfSightPair[] = [];
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    // The table itself, never an index (a damaged index page is the commonest damage, and the rows do not need it).
    const rows = db
      .prepare(`SELECT object, sf_id, ol_id, sf_version, ol_version, hash FROM links NOT INDEXED`)
      .iterate();
    for (const r of rows as Iterable<Record<string, unknown>>) {
      const link = linkOf(r);
      if (link) links.push(link);
    }
    const hasPairs = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'out_of_sight_pairs'`)
      .get();
    if (hasPairs) {
      const pairs = db
        .prepare(`SELECT sf_id, sf_version, hash, master_id, original_start FROM out_of_sight_pairs NOT INDEXED`)
        .iterate();
      for (const r of pairs as Iterable<Record<string, unknown>>) {
        const pair = toPair(r);
        if (pair) outOfSight.push(pair);
      }
    }
    return { links, outOfSight, stoppedBy: null };
  } catch (err) {
    return { links, outOfSight, stoppedBy: (err as Error).message };
  } finally {
    db?.close();
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A row as a link, or null when a damaged page made it unreadable as one. */
function linkOf(r: Record<string, unknown>): Link | null {
  const object = SYNC_OBJECTS.find((o) => o === r.object) as SyncObject | undefined;
  const sfId = text(r.sf_id);
  const olId = text(r.ol_id);
  const hash = text(r.hash);
  if (!object || !sfId || !olId || !hash) return null;
  return { object, sfId, olId, sfVersion: text(r.sf_version), olVersion: text(r.ol_version), hash };
}
