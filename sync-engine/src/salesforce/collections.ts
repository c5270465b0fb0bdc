/**
 * sObject Collections (WIRE.md section 4): create, update, upsert and delete in calls of at most 200
 * records. Per-record failures come back as values `{id, success, errors}`, in request order; only a
 * failure of a whole call (access revoked, session expired, network) rejects.
 */
import { Connection } from './connection';
import { notSalesforce } from './errors';

export const COLLECTION_LIMIT = 200;

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export interface SaveResult {
  id: string | null;
  success: boolean;
  errors: RecordError[];
  /** Upsert only: whether the record was inserted. */
  created?: boolean;
}

export type FieldValues = Record<string, unknown>;

export interface CollectionOptions {
  /** Roll back the whole call when one record fails (default false: keep the good ones). */
  allOrNone?: boolean;
}

/** Insert records of one type. */
export function createRecords(
  conn: Connection,
  type: string,
  records: FieldValues[],
  o: CollectionOptions = {},
): Promise<SaveResult[]> {
  return inChunks(records, (chunk) =>
    conn
      .request<unknown>({
        method: 'POST',
        path: conn.dataPath('/composite/sobjects'),
        body: { allOrNone: o.allOrNone ?? false, records: chunk.map((r) => withType(type, r)) },
      })
      .then((res) => results(res.data, chunk.length, conn)),
  );
}

/** Update records of one type; each needs its Id. */
export function updateRecords(
  conn: Connection,
  type: string,
  records: Array<FieldValues & { Id: string }>,
  o: CollectionOptions = {},
): Promise<SaveResult[]> {
  return inChunks(records, (chunk) =>
    conn
      .request<unknown>({
        method: 'PATCH',
        path: conn.dataPath('/composite/sobjects'),
        idempotent: true,
        body: { allOrNone: o.allOrNone ?? false, records: chunk.map((r) => withType(type, r)) },
      })
      .then((res) => results(res.data, chunk.length, conn)),
  );
}

/** Insert or update records of one type, matched on an external id field. */
export function upsertRecords(
  conn: Connection,
  type: string,
  externalIdField: string,
  records: FieldValues[],
  o: CollectionOptions = {},
): Promise<SaveResult[]> {
  return inChunks(records, (chunk) =>
    conn
      .request<unknown>({
        // An upsert sent twice finds the record its first send made.
        method: 'PATCH',
        path: conn.dataPath(`/composite/sobjects/${encodeURIComponent(type)}/${encodeURIComponent(externalIdField)}`),
        idempotent: true,
        body: { allOrNone: o.allOrNone ?? false, records: chunk.map((r) => withType(type, r)) },
      })
      .then((res) => results(res.data, chunk.length, conn)),
  );
}

/** Delete records by id. */
export function deleteRecords(conn: Connection, ids: string[], o: CollectionOptions = {}): Promise<SaveResult[]> {
  return inChunks(ids, (chunk) =>
    conn
      .request<unknown>({
        method: 'DELETE',
        path: conn.dataPath('/composite/sobjects'),
        params: { ids: chunk.join(','), allOrNone: String(o.allOrNone ?? false) },
      })
      .then((res) => results(res.data, chunk.length, conn)),
  );
}

/** Split into calls of COLLECTION_LIMIT, one after the other, results concatenated in order. */
export async function inChunks<T>(
  items: T[],
  call: (chunk: T[]) => Promise<SaveResult[]>,
  size = COLLECTION_LIMIT,
): Promise<SaveResult[]> {
  const out: SaveResult[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await call(items.slice(i, i + size))));
  return out;
}

function withType(type: string, r: FieldValues): FieldValues {
  const { attributes: _ignored, ...fields } = r as FieldValues & { attributes?: unknown };
  return { attributes: { type }, ...fields };
}

function results(data: unknown, expected: number, conn: Connection): SaveResult[] {
  if (!Array.isArray(data) || data.length !== expected) {
    throw notSalesforce(
      conn.instanceUrl,
      200,
      `a collections answer with ${Array.isArray(data) ? data.length : 'no'} results for ${expected} records`,
    );
  }
  return data.map((r: Record<string, unknown>) => {
    const out: SaveResult = {
      id: typeof r.id === 'string' ? r.id : null,
      success: r.success === true,
      errors: Array.isArray(r.errors) ? r.errors.map(recordError) : [],
    };
    if (typeof r.created === 'boolean') out.created = r.created;
    return out;
  });
}

function recordError(e: Record<string, unknown>): RecordError {
  return {
    statusCode: String(e.statusCode ?? e.errorCode ?? 'UNKNOWN_EXCEPTION'),
    message: String(e.message ?? ''),
    fields: Array.isArray(e.fields) ? e.fields.map(String) : [],
  };
}
