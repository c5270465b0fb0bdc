/**
 * The last good copy of the state file, and the mark that a data dir has synced before. After each run that ended
 * (not a dry run), the state is copied with SQLite's online backup into `state.last-good.sqlite` (0600), checked,
 * and only then put in place of the previous copy; `state.synced.json` notes when. A state file that is later lost,
 * emptied or damaged is restored from the copy instead of starting a sync from nothing, which would copy back every
 * record deleted on one side since (state-file.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const STATE_FILE = 'state.sqlite';
export const LAST_GOOD_COPY = 'state.last-good.sqlite';
export const SYNCED_MARK = 'state.synced.json';

export interface SyncedMark {
  /** When the data dir first kept a copy of a state with links or checkpoints. */
  firstCopyAt: string;
  /** When the last good copy was taken. */
  lastCopyAt: string;
}

/** What `PRAGMA quick_check` found wrong, one line each (empty when the file is sound). */
export function integrityProblems(db: Database.Database): string[] {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  return rows
    .flatMap((r) => r.quick_check.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'ok' && !/^\*\*\* in database \w+ \*\*\*$/.test(line));
}

/** Whether a state holds anything a sync from nothing would lose: links or read checkpoints. */
export function holdsSyncHistory(db: Database.Database): boolean {
  try {
    return (
      (
        db.prepare(`SELECT EXISTS (SELECT 1 FROM checkpoints) OR EXISTS (SELECT 1 FROM links) AS any_`).get() as {
          any_: number;
        }
      ).any_ === 1
    );
  } catch (err) {
    // A file without our tables holds no history.
    if ((err as { code?: string }).code === 'SQLITE_ERROR' && /no such table/.test((err as Error).message))
      return false;
    throw err;
  }
}

/** The mark, or null when the data dir never kept a copy. A mark that cannot be read still says "synced before". */
export function readSyncedMark(dataDir: string): SyncedMark | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, SYNCED_MARK), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<SyncedMark>;
    return { firstCopyAt: String(v.firstCopyAt ?? 'unknown'), lastCopyAt: String(v.lastCopyAt ?? 'unknown') };
  } catch {
    return { firstCopyAt: 'unknown', lastCopyAt: 'unknown' };
  }
}

/** Whether the last good copy is there and sound; why not otherwise. */
export function checkLastGoodCopy(
  dataDir: string,
): { ok: true; file: string } | { ok: false; file: string; why: string } {
  const file = path.join(dataDir, LAST_GOOD_COPY);
  if (!fs.existsSync(file)) return { ok: false, file, why: 'none kept' };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = integrityProblems(db);
    if (problems.length) return { ok: false, file, why: `damaged too (${problems[0]})` };
    if (!holdsSyncHistory(db)) return { ok: false, file, why: 'it holds no sync history' };
    return { ok: true, file };
  } catch (err) {
    return { ok: false, file, why: `unreadable (${(err as Error).message})` };
  } finally {
    db?.close();
  }
}

/**
 * Copy the state into the last good copy: backup to a temporary file (0600 from the start), check it, then rename
 * it over the previous copy, and update the mark. A state without history is not copied (nothing to keep yet).
 * Returns false when there was nothing to keep; throws when the copy could not be made (a full disk): the
 * previous copy is then left as it was.
 */
export async function keepLastGoodCopy(db: Database.Database, dataDir: string, now: Date): Promise<boolean> {
  if (!holdsSyncHistory(db)) return false;
  const file = path.join(dataDir, LAST_GOOD_COPY);
  const tmp = `${file}.tmp`;
  removeDatabaseFiles(tmp);
  try {
    fs.closeSync(fs.openSync(tmp, 'w', 0o600));
    await db.backup(tmp);
    const copy = new Database(tmp);
    try {
      // One plain file (the backup keeps the source's WAL mode), so it can be copied back as it is.
      copy.pragma('journal_mode = DELETE');
      const problems = integrityProblems(copy);
      if (problems.length) throw new Error(`the copy does not pass quick_check: ${problems[0]}`);
    } finally {
      copy.close();
    }
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (err) {
    removeDatabaseFiles(tmp);
    throw err;
  }
  const at = now.toISOString();
  const mark: SyncedMark = { firstCopyAt: readSyncedMark(dataDir)?.firstCopyAt ?? at, lastCopyAt: at };
  writeFileAtomic(path.join(dataDir, SYNCED_MARK), `${JSON.stringify(mark, null, 2)}\n`);
  return true;
}

/** A database file and the journal files SQLite keeps beside it. */
export const DATABASE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

export function removeDatabaseFiles(file: string): void {
  for (const suffix of DATABASE_SUFFIXES) fs.rmSync(`${file}${suffix}`, { force: true });
}

function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
