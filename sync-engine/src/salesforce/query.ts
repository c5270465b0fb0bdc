/**
 * SOQL over REST: `GET {base}/query?q=` (or `/queryAll`), then the next page from `nextRecordsUrl`
 * until `done` (WIRE.md section 3.3).
 */
import { Connection } from './connection';
import { notSalesforce } from './errors';

export interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: T[];
}

export interface QueryResult<T> {
  totalSize: number;
  records: T[];
}

export type SObjectRecord = Record<string, unknown> & { attributes?: { type: string; url?: string }; Id?: string };

/**
 * Every page of a query, in order; `all` includes deleted and archived rows (`queryAll`). `first`: its first page,
 * already read (in a Composite call with other reads).
 */
export async function* queryPages<T = SObjectRecord>(
  conn: Connection,
  soql: string,
  o: { all?: boolean; first?: unknown } = {},
): AsyncGenerator<QueryPage<T>> {
  let page =
    o.first !== undefined
      ? checkedPage<T>(conn, o.first)
      : await fetchPage<T>(conn, conn.dataPath(o.all ? '/queryAll' : '/query'), { q: soql });
  yield page;
  while (!page.done) {
    if (!page.nextRecordsUrl)
      throw notSalesforce(conn.instanceUrl, 200, 'a query page with done=false and no nextRecordsUrl');
    page = await fetchPage<T>(conn, page.nextRecordsUrl);
    yield page;
  }
}

/** All records of a query, following `nextRecordsUrl` until `done`. */
export async function query<T = SObjectRecord>(conn: Connection, soql: string): Promise<QueryResult<T>> {
  return collect(queryPages<T>(conn, soql));
}

/** Like query, including deleted and archived rows. */
export async function queryAll<T = SObjectRecord>(conn: Connection, soql: string): Promise<QueryResult<T>> {
  return collect(queryPages<T>(conn, soql, { all: true }));
}

async function collect<T>(pages: AsyncGenerator<QueryPage<T>>): Promise<QueryResult<T>> {
  const records: T[] = [];
  let totalSize = 0;
  for await (const page of pages) {
    totalSize = page.totalSize;
    records.push(...page.records);
  }
  return { totalSize, records };
}

/** The path of a query's first page, under the data API (for a Composite subrequest). */
export function queryPath(soql: string, o: { all?: boolean } = {}): string {
  return `${o.all ? '/queryAll' : '/query'}?q=${encodeURIComponent(soql)}`;
}

async function fetchPage<T>(conn: Connection, path: string, params?: Record<string, string>): Promise<QueryPage<T>> {
  return checkedPage<T>(conn, await conn.get<QueryPage<T>>(path, params));
}

function checkedPage<T>(conn: Connection, answer: unknown): QueryPage<T> {
  const page = answer as QueryPage<T>;
  if (!page || typeof page !== 'object' || !Array.isArray(page.records) || typeof page.done !== 'boolean') {
    throw notSalesforce(conn.instanceUrl, 200, 'a query answer without records and done');
  }
  return page;
}

/** Quote a value for a SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
