/**
 * Opening the state file at the start of an engine: checked with `PRAGMA quick_check`; restored from the last good
 * copy (last-good-copy.ts) when it is damaged, or missing or empty in a data dir that synced before; refused with
 * what to do when there is no good copy. A sync from nothing happens only for a data dir that never synced, or when
 * asked (`sync --resync`), and then as a first sync: records are matched and linked, nothing is deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StateStore } from './state-store';
import { salvageLinks } from './link-salvage';
import { OutOfSightPairs } from './out-of-sight-pairs';
import {
  DATABASE_SUFFIXES,
  LAST_GOOD_COPY,
  STATE_FILE,
  SYNCED_MARK,
  checkLastGoodCopy,
  holdsSyncHistory,
  integrityProblems,
  readSyncedMark,
} from './last-good-copy';

/**
 * Why the state cannot be used:
 * - STATE_CORRUPT: the state file is damaged and there is no good copy to restore
 * - STATE_LOST: the state file is missing or empty in a data dir that synced before, and there is no good copy
 */
export type StateFileErrorCode = 'STATE_CORRUPT' | 'STATE_LOST';

export class StateFileError extends Error {
  constructor(
    readonly code: StateFileErrorCode,
    readonly file: string,
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'StateFileError';
  }
}

export interface OpenStateOptions {
  /** Start over from an empty state: what the data dir held is set aside (kept), and the next run is a first sync. */
  resync?: boolean;
  now?: () => Date;
  /** How the user starts over, for the error texts (default: run the sync with --resync). */
  howToResync?: string;
}

export interface OpenedState {
  store: StateStore;
  /** What was done to the state on the way, for the user (a restore, a set-aside); empty when nothing was. */
  notices: string[];
}

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

type Found = { kind: 'missing' | 'empty' } | { kind: 'sound'; history: boolean } | { kind: 'damaged'; detail: string };

/** Open the data dir's state, restoring or refusing as the file header says. */
export function openState(dataDir: string, o: OpenStateOptions = {}): OpenedState {
  const now = o.now ?? (() => new Date());
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  const file = path.join(dataDir, STATE_FILE);
  const stamp = now().toISOString().replace(/[:.]/g, '-');
  const howToResync = o.howToResync ?? 'run the sync with --resync';

  if (o.resync) {
    // A damaged file's readable links are kept: a restart from them duplicates nothing and brings back no delete.
    const salvaged = inspect(file).kind === 'damaged' ? salvageLinks(file) : null;
    const aside = [STATE_FILE, LAST_GOOD_COPY, SYNCED_MARK].flatMap((name) =>
      setAside(path.join(dataDir, name), `set-aside-${stamp}`),
    );
    const store = new StateStore(dataDir);
    const kept = salvaged?.links.length ? store.importLinks(salvaged.links) : 0;
    if (salvaged?.outOfSight.length) {
      const pairs = new OutOfSightPairs(store.db);
      store.db.transaction(() => salvaged.outOfSight.forEach((p) => pairs.remember(p)))();
    }
    const start = kept
      ? `Started over, as asked: the ${kept} links still readable in the damaged state file were kept${salvaged?.stoppedBy ? ` (reading stopped at a damaged page: ${salvaged.stoppedBy})` : ''}, so both sides are listed again and planned against them: nothing is duplicated, and a record deleted on one side since does not come back.`
      : 'Started over from an empty state, as asked: this run is a first sync, which links matching records and deletes nothing.';
    const notices = [`${start}${aside.length ? ` What the data dir held is kept as ${aside.join(', ')}.` : ''}`];
    return { store, notices };
  }

  const mark = readSyncedMark(dataDir);
  const syncedBefore = mark !== null || fs.existsSync(path.join(dataDir, LAST_GOOD_COPY));
  const found = inspect(file);
  if (found.kind === 'sound' && (found.history || !syncedBefore))
    return { store: new StateStore(dataDir), notices: [] };
  if (found.kind !== 'damaged' && !syncedBefore) return { store: new StateStore(dataDir), notices: [] };

  const what =
    found.kind === 'damaged' ? `is damaged (${found.detail})` : found.kind === 'missing' ? 'is missing' : 'is empty';
  const copy = checkLastGoodCopy(dataDir);
  if (!copy.ok) {
    const consequence =
      found.kind === 'damaged'
        ? 'The engine cannot sync with it.'
        : `This data dir synced before${mark ? ` (a good copy was kept ${mark.lastCopyAt})` : ''}: a sync from nothing would copy back every record deleted on one side since the last run.`;
    throw new StateFileError(
      found.kind === 'damaged' ? 'STATE_CORRUPT' : 'STATE_LOST',
      file,
      `The sync state file ${file} ${what}, and there is no good copy to restore (${copy.file}: ${copy.why}). ${consequence}`,
      found.kind === 'damaged'
        ? `To start over, ${howToResync}. The links still readable in the damaged file are kept (nothing is duplicated, and what they cover is not copied back); anything else is matched as in a first sync; nothing is deleted; the damaged file is kept beside it.`
        : `To start over as a first sync (matching records are linked, nothing is deleted; records deleted on one side since the last run come back), ${howToResync}.`,
    );
  }
  const label = found.kind === 'damaged' ? 'damaged' : 'empty';
  // A missing file's journals go too: SQLite would replay a leftover -wal onto the restored copy.
  const aside = setAside(file, `${found.kind === 'missing' ? 'leftover' : label}-${stamp}`);
  fs.copyFileSync(copy.file, file);
  fs.chmodSync(file, 0o600);
  const takenAt = mark?.lastCopyAt && mark.lastCopyAt !== 'unknown' ? ` taken ${mark.lastCopyAt}` : '';
  const notices = [
    `The sync state file ${file} ${what}: restored the last good copy${takenAt}. What changed since is read again from both sides; nothing is lost or copied back.${
      aside.length
        ? ` ${found.kind === 'missing' ? `The journal files it left are kept as ${aside.join(', ')}` : `The ${label} file is kept as ${aside[0]}${aside.length > 1 ? ' (with its journal files)' : ''}`}.`
        : ''
    }`,
  ];
  return { store: new StateStore(dataDir), notices };
}

/** What the state file holds, read only (nothing is written to a file that may be damaged). */
function inspect(file: string): Found {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  const wal = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
  if (size === 0 && wal === 0) return { kind: 'empty' };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = integrityProblems(db);
    if (problems.length)
      return {
        kind: 'damaged',
        detail: `quick_check: ${problems[0]}${problems.length > 1 ? ` and ${problems.length - 1} more` : ''}`,
      };
    return { kind: 'sound', history: holdsSyncHistory(db) };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (CORRUPT_CODES.has(code) || code.startsWith('SQLITE_CORRUPT'))
      return { kind: 'damaged', detail: (err as Error).message };
    throw err;
  } finally {
    db?.close();
  }
}

/** Rename a database file and its journals to `<file>.<label>` (kept, never deleted); the new names. */
function setAside(file: string, label: string): string[] {
  const moved: string[] = [];
  for (const suffix of DATABASE_SUFFIXES) {
    if (!fs.existsSync(`${file}${suffix}`)) continue;
    fs.renameSync(`${file}${suffix}`, `${file}.${label}${suffix}`);
    moved.push(`${file}.${label}${suffix}`);
  }
  return moved;
}
