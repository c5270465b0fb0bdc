/**
 * Columns a newer schema.ts has and an org file made by an older version lacks (`Organization.NamespacePrefix`,
 * `TrialExpirationDate`): added empty when the store opens, so an org kept on disk answers the new fields as null
 * instead of failing every query that selects them.
 */
import Database from 'better-sqlite3';
import { SObjectDef } from './schema';

/** Add to `table` the columns of `obj` it lacks, typed by `columnType`. */
export function addMissingColumns(
  db: Database.Database,
  obj: SObjectDef,
  table: string,
  columnType: (f: SObjectDef['fields'][number]) => string,
): void {
  const have = new Set(
    (db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name.toLowerCase()),
  );
  for (const f of obj.fields) {
    if (!have.has(f.name.toLowerCase()))
      db.exec(`ALTER TABLE "${table}" ADD COLUMN "${f.name.replace(/"/g, '""')}" ${columnType(f)}`);
  }
}
