/**
 * Which of an Outlook contact's entries the sync holds. Salesforce's Email and Phone are one value each; Outlook
 * keeps lists (`emailAddresses`, `businessPhones`) with no empty first slot. By default the first entry is the
 * synced one. When Salesforce clears the field, that entry goes and the others stay, Outlook's own: they are
 * remembered here as not synced, so the next entry is not taken for the synced one (a clear is not "promote the
 * next"). An entry the user adds later is synced again; a value Salesforce sets again goes first, as before.
 */
import Database from 'better-sqlite3';

/** Per list: the entries that are not synced (the synced slot is empty), or null when the first entry is synced. */
export interface UnsyncedEntries {
  emails: string[] | null;
  phones: string[] | null;
}

/** Where the engine keeps UnsyncedEntries, by Outlook contact id (state-store.ts). */
export interface ContactEntryMemory {
  get(olId: string): UnsyncedEntries | undefined;
  set(olId: string, entries: UnsyncedEntries): void;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The index of the synced entry in a list: the first not remembered as unsynced, or -1 when there is none. */
export function syncedIndex(list: string[], unsynced: string[] | null | undefined): number {
  if (!unsynced) return list.length ? 0 : -1;
  return list.findIndex((v) => !unsynced.some((u) => same(u, v)));
}

/**
 * A list after the sync writes its one value: `value` in the synced slot (first), or the slot emptied; the other
 * entries kept in their order. Returns the list and what is unsynced after it.
 */
export function writeSynced<T>(
  list: T[],
  valueOf: (entry: T) => string,
  written: T | null,
  unsynced: string[] | null | undefined,
): { list: T[]; unsynced: string[] | null } {
  const at = syncedIndex(list.map(valueOf), unsynced);
  const others = list.filter((e, i) => i !== at && !(written && same(valueOf(e), valueOf(written))));
  if (written) return { list: [written, ...others], unsynced: null };
  return { list: others, unsynced: others.length ? others.map(valueOf) : null };
}

/** ContactEntryMemory in the state file: a row only for a contact with an emptied slot. */
export class ContactEntriesTable implements ContactEntryMemory {
  /** Asked for every contact read: compiled once. */
  private readonly select: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS contact_entries (ol_id TEXT PRIMARY KEY, emails TEXT, phones TEXT)`);
    this.select = db.prepare(`SELECT emails, phones FROM contact_entries WHERE ol_id = ?`);
  }

  get(olId: string): UnsyncedEntries | undefined {
    const row = this.select.get(olId) as { emails: string | null; phones: string | null } | undefined;
    if (!row) return undefined;
    const list = (text: string | null) => (text === null ? null : (JSON.parse(text) as string[]));
    return { emails: list(row.emails), phones: list(row.phones) };
  }

  set(olId: string, entries: UnsyncedEntries): void {
    if (!entries.emails && !entries.phones) {
      this.db.prepare(`DELETE FROM contact_entries WHERE ol_id = ?`).run(olId);
      return;
    }
    const text = (list: string[] | null) => (list ? JSON.stringify(list) : null);
    this.db
      .prepare(`INSERT OR REPLACE INTO contact_entries (ol_id, emails, phones) VALUES (?, ?, ?)`)
      .run(olId, text(entries.emails), text(entries.phones));
  }
}
