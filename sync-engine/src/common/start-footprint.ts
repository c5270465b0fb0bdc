/**
 * What a server's start makes in its data dir, taken back when the start fails (a bad seed, no seed, a port in
 * use), so the next start does not open an empty database as a seeded one. A data dir or file that was there
 * before the start is never touched.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface StartFootprint {
  /** Remove what this start made: its files (a database with its -wal and -shm), folders, and the data dir itself. */
  undo(): void;
}

/**
 * Note, before a start, which of `entries` (names inside `dataDir`; a database's -wal and -shm are included) and
 * whether `dataDir` itself already exist. ':memory:' makes nothing.
 */
export function startFootprint(dataDir: string, entries: string[]): StartFootprint {
  if (dataDir === ':memory:') return { undo: () => undefined };
  const names = entries.flatMap((e) => (e.endsWith('.sqlite') ? [e, `${e}-wal`, `${e}-shm`] : [e]));
  const madeDir = !fs.existsSync(dataDir);
  const made = names.filter((n) => !fs.existsSync(path.join(dataDir, n)));
  return {
    undo() {
      for (const n of made) fs.rmSync(path.join(dataDir, n), { recursive: true, force: true });
      if (!madeDir) return;
      try {
        fs.rmdirSync(dataDir);
      } catch {
        // Something else wrote there meanwhile: it is not ours to remove, and the start's own error matters more.
      }
    },
  };
}
