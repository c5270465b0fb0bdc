/** The service's own SQLite file (`<dataDir>/service.sqlite`, 0600): settings, added emails, unresolved items. */
import Database from 'better-sqlite3';
import path from 'node:path';
import { openPrivateDatabase } from '../common/private-files';

export function openServiceDb(dataDir: string): Database.Database {
  const db = openPrivateDatabase(path.join(dataDir, 'service.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

/** Small facts the service keeps between restarts (who signed in last). */
export class ServiceMeta {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS service_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  get(key: string): string | null {
    const row = this.db.prepare(`SELECT value FROM service_meta WHERE key = ?`).get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string | null): void {
    if (value === null) this.db.prepare(`DELETE FROM service_meta WHERE key = ?`).run(key);
    else
      this.db
        .prepare(
          `INSERT INTO service_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        )
        .run(key, value);
  }
}
