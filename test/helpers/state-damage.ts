/** Damage a sync state file the way disks do, for the tests of what the engine does with it. */
import fs from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Overwrite the b-tree header of the links' Outlook-id index page: a page SQLite cannot read, which nothing reads
 * until it is needed (quick_check finds it; the links table itself stays readable, without the index).
 */
export function damageLinksIndexPage(stateFile: string): void {
  const db = new Database(stateFile);
  const { rootpage } = db.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'links_ol'`).get() as {
    rootpage: number;
  };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(stateFile, 'r+');
  fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (rootpage - 1) * pageSize);
  fs.closeSync(fd);
}
