/**
 * Run a compiled query against the store and shape Salesforce's result page:
 * `{totalSize, done, [nextRecordsUrl,] records}` (WIRE.md 3.3). Records queries snapshot their ordered ids at
 * the first page; every page is then a lookup of at most one batch of ids.
 */
import Database from 'better-sqlite3';
import { QueryPlan, RecordsPlan } from './compile';
import { QueryCursor, QueryCursors } from './cursors';
import { JsonRecord, renderAggregate, renderRow } from './render';

export interface QueryResult {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: JsonRecord[];
}

export interface PageOptions {
  userId: string;
  apiVersion: string;
  /** Records per page: Salesforce's 2,000 unless `Sforce-Query-Options: batchSize=N` asks for fewer. */
  batchSize: number;
  /** The resource next pages are served from: `query` or `queryAll`. */
  resource: 'query' | 'queryAll';
}

/** The first page of a query's result, opening a cursor when more pages follow. */
export function firstPage(db: Database.Database, cursors: QueryCursors, plan: QueryPlan, o: PageOptions): QueryResult {
  switch (plan.kind) {
    case 'count': {
      const n = db
        .prepare(plan.count.sql)
        .pluck()
        .get(...plan.count.params, plan.count.named) as number;
      return { totalSize: n, done: true, records: [] };
    }
    case 'aggregate': {
      const rows = db
        .prepare(plan.rows.sql)
        .raw()
        .all(...plan.rows.params, plan.rows.named) as unknown[][];
      return { totalSize: rows.length, done: true, records: rows.map((r) => renderAggregate(plan.columns, r)) };
    }
    case 'records': {
      const ids = db
        .prepare(plan.ids.sql)
        .pluck()
        .all(...plan.ids.params, plan.ids.named) as string[];
      if (ids.length <= o.batchSize)
        return { totalSize: ids.length, done: true, records: fetchRows(db, plan, ids, o.apiVersion) };
      return page(db, cursors.create(o.userId, plan, ids), 0, o);
    }
  }
}

/** The page of an open cursor starting at `offset`. */
export function page(db: Database.Database, cursor: QueryCursor, offset: number, o: PageOptions): QueryResult {
  const slice = cursor.ids.slice(offset, offset + o.batchSize);
  const next = offset + slice.length;
  const done = next >= cursor.ids.length;
  const records = fetchRows(db, cursor.plan, slice, o.apiVersion);
  const totalSize = cursor.ids.length;
  if (done) return { totalSize, done, records };
  return {
    totalSize,
    done,
    nextRecordsUrl: `/services/data/v${o.apiVersion}/${o.resource}/${cursor.id}-${next}`,
    records,
  };
}

/** Rows for ids, rendered in the ids' order. A row gone since the snapshot (hard delete) is skipped. */
function fetchRows(db: Database.Database, plan: RecordsPlan, ids: string[], apiVersion: string): JsonRecord[] {
  if (ids.length === 0) return [];
  const rows = db.prepare(plan.page.sql).raw().all(JSON.stringify(ids), plan.page.named) as unknown[][];
  const byId = new Map(rows.map((r) => [r[0] as string, r]));
  const out: JsonRecord[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row) out.push(renderRow(plan.shape, row, apiVersion));
  }
  return out;
}
