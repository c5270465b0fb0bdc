/**
 * A run that failed outside the engine's own stops (a damaged state file, a full disk, a data dir it cannot write),
 * described once for every way it is shown (`sync --json`, the text output, the service): a code, the file it is
 * about, and what the user does about it. Never a stack: that goes to the log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StateFileError } from './state-file';
import { STATE_FILE } from './last-good-copy';

/**
 * - STATE_CORRUPT, STATE_LOST: see StateFileError
 * - DISK_FULL: the disk holding the data dir is full
 * - STATE_NOT_WRITABLE: the data dir or the state file cannot be written (permissions, a read-only disk)
 * - STATE_BUSY: another engine holds the state file
 * - DATA_DIR_NOT_A_FOLDER: the data dir's path is a file
 * - INTERNAL: anything else (the log has the details)
 */
export type RunFailureCode =
  | 'STATE_CORRUPT'
  | 'STATE_LOST'
  | 'DISK_FULL'
  | 'STATE_NOT_WRITABLE'
  | 'STATE_BUSY'
  | 'DATA_DIR_NOT_A_FOLDER'
  | 'INTERNAL';

export interface RunFailure {
  code: RunFailureCode;
  message: string;
  /** The file or folder it is about. */
  file: string;
  fix: string;
}

const NOT_WRITABLE = new Set([
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_AUTH',
  'EACCES',
  'EPERM',
  'EROFS',
]);

/**
 * Below this much free space a disk is full for SQLite: opening a state in WAL mode grows its `-shm` and `-wal`
 * files, and a disk without room for them fails with an I/O error (`SQLITE_IOERR_*`, "disk I/O error"), not
 * SQLITE_FULL.
 */
export const FULL_DISK_BYTES = 4 * 1024 * 1024;

/** Free bytes for an unprivileged user on the disk holding `dir` (or its nearest existing parent); null if unknown. */
export function freeBytes(dir: string): number | null {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const s = fs.statfsSync(at);
      return s.bavail * s.bsize;
    } catch {
      if (at === path.dirname(at)) return null;
    }
  }
}

/** Describe why a run failed, for a data dir's engine. `logFile` is where the details are. */
export function describeRunFailure(
  err: unknown,
  dataDir: string,
  logFile = path.join(dataDir, 'sync.log'),
  free: (dir: string) => number | null = freeBytes,
): RunFailure {
  const stateFile = path.join(dataDir, STATE_FILE);
  if (err instanceof StateFileError) return { code: err.code, message: err.message, file: err.file, fix: err.fix };
  const e = err as { code?: unknown; path?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // A file system error names its path; SQLite's do not, and are about the state file.
  const file = typeof e.path === 'string' ? e.path : code.startsWith('SQLITE_') ? stateFile : dataDir;
  const reason = typeof e.message === 'string' ? e.message : String(err);
  const ioErrorOnFullDisk = code.startsWith('SQLITE_IOERR') && (free(dataDir) ?? Infinity) < FULL_DISK_BYTES;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || ioErrorOnFullDisk) {
    return {
      code: 'DISK_FULL',
      file,
      message: `The disk holding ${file} is full (${reason}).`,
      fix: `Free some space on that disk, then run the sync again. Everything read and queued before is kept.`,
    };
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return {
      code: 'STATE_CORRUPT',
      file,
      message: `The sync state file ${file} turned out damaged during the run (${reason}).`,
      fix: 'Run the sync again: it checks the state file first and restores its last good copy.',
    };
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return {
      code: 'STATE_BUSY',
      file,
      message: `Another sync engine is using ${file} (${reason}).`,
      fix: 'Wait for it to finish (sfo-compat status shows it), or stop it, then run again.',
    };
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return {
      code: 'DATA_DIR_NOT_A_FOLDER',
      file,
      message: `The data dir ${dataDir} cannot be used: ${file} is not a folder (${code}).`,
      fix: `Point dataDir in the configuration at a folder, or move ${file} away.`,
    };
  }
  if (NOT_WRITABLE.has(code)) {
    return {
      code: 'STATE_NOT_WRITABLE',
      file,
      message: `The sync engine cannot write ${file} (${reason}).`,
      fix: `Give the user running the engine write access to ${dataDir} (it should be theirs, mode 0700), or choose another dataDir.`,
    };
  }
  return {
    code: 'INTERNAL',
    file: logFile,
    message: `The sync run failed: ${reason}`,
    fix: `The details are in ${logFile}. Everything read and queued before is kept; run the sync again.`,
  };
}
