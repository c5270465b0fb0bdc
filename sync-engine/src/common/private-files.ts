/**
 * Data only its owner may read: directories 0700, files 0600, SQLite's -wal and -shm companions included.
 * What already exists with a looser mode (an older version's files, a directory made by hand) is tightened.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Make `dir` (and missing parents) 0700, or tighten it to 0700 when it exists. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Make `file` empty and 0600 when missing, or tighten it to 0600 when it exists. Its directory must exist. */
export function privateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/** A database file and the companions SQLite writes beside it. */
export function sqliteFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/**
 * Open a SQLite database only its owner can read. The file is made 0600 before SQLite opens it, because SQLite
 * gives the -wal and -shm files it creates the database file's mode; companions already there are tightened.
 * A missing directory is made 0700; an existing one is left to its owner (`privateDir` tightens a data dir).
 */
export function openPrivateDatabase(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  privateFile(file);
  for (const companion of sqliteFiles(file).slice(1)) tightenIfPresent(companion);
  return new Database(file);
}

function tightenIfPresent(file: string): void {
  try {
    fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
