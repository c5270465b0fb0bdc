/**
 * Single-record sObject calls and the replication resources: retrieve, create, update, delete, describe,
 * and `updated`/`deleted` windows (WIRE.md sections 0.1 and 5).
 */
import { Connection } from './connection';
import { SObjectRecord } from './query';
import { FieldValues } from './collections';
import { notSalesforce } from './errors';

const base = (conn: Connection, type: string) => conn.dataPath(`/sobjects/${encodeURIComponent(type)}`);

/** One record by id, with the given fields (all fields when none are named). */
export function retrieveRecord(conn: Connection, type: string, id: string, fields?: string[]): Promise<SObjectRecord> {
  return conn.get<SObjectRecord>(
    `${base(conn, type)}/${encodeURIComponent(id)}`,
    fields ? { fields: fields.join(',') } : undefined,
  );
}

/** Insert one record; resolves with its id. */
export async function createRecord(conn: Connection, type: string, fields: FieldValues): Promise<string> {
  const res = await conn.request<{ id: string }>({ method: 'POST', path: base(conn, type), body: fields });
  return res.data.id;
}

/** Update one record (`204 No Content`). */
export async function updateRecord(conn: Connection, type: string, id: string, fields: FieldValues): Promise<void> {
  const { Id: _id, attributes: _a, ...rest } = fields as FieldValues & { Id?: unknown; attributes?: unknown };
  await conn.request({ method: 'PATCH', path: `${base(conn, type)}/${encodeURIComponent(id)}`, body: rest });
}

/** Delete one record. */
export async function deleteRecord(conn: Connection, type: string, id: string): Promise<void> {
  await conn.request({ method: 'DELETE', path: `${base(conn, type)}/${encodeURIComponent(id)}` });
}

export interface DescribeField {
  name: string;
  type: string;
  relationshipName?: string | null;
  referenceTo?: string[];
  [k: string]: unknown;
}

export interface DescribeResult {
  name: string;
  fields: DescribeField[];
  [k: string]: unknown;
}

/** `GET /sobjects/{Type}/describe`. */
export function describe(conn: Connection, type: string): Promise<DescribeResult> {
  return conn.get<DescribeResult>(`${base(conn, type)}/describe`);
}

/**
 * `GET /sobjects/{Type}/describe` with `If-Modified-Since` (an HTTP date the org sent as `Last-Modified`): null when
 * the org answers 304, the object's metadata unchanged since.
 */
export async function describeIfChanged(
  conn: Connection,
  type: string,
  since: string | null,
): Promise<{ describe: DescribeResult; lastModified: string | null } | null> {
  const res = await conn.request<DescribeResult>({
    method: 'GET',
    path: `${base(conn, type)}/describe`,
    ...(since ? { headers: { 'If-Modified-Since': since } } : {}),
  });
  if (res.status === 304) return null;
  const lastModified = res.headers['last-modified'];
  return { describe: res.data, lastModified: typeof lastModified === 'string' ? lastModified : null };
}

/** A describe kept by a client (as `take` made it), with the org's `Last-Modified` for it. */
export interface HeldDescribe<T> {
  value: T;
  lastModified: string | null;
}

/**
 * The object's describe as `take` keeps it, asked with `If-Modified-Since` when `held` has a `Last-Modified`: `held`
 * itself when the org answers 304 (`changed` false).
 */
export async function describeOrHeld<T>(
  conn: Connection,
  type: string,
  held: HeldDescribe<T> | undefined,
  take: (d: DescribeResult) => T,
): Promise<HeldDescribe<T> & { changed: boolean }> {
  const answer = await describeIfChanged(conn, type, held?.lastModified ?? null);
  if (answer) return { value: take(answer.describe), lastModified: answer.lastModified, changed: true };
  // Only a conditional request may be answered 304.
  if (!held)
    throw notSalesforce(conn.instanceUrl, 304, `a 304 to a describe of ${type} asked without If-Modified-Since`);
  return { ...held, changed: false };
}

/** Ids of records changed in [start, end]. */
export function updatedIds(
  conn: Connection,
  type: string,
  start: Date,
  end: Date,
): Promise<{ ids: string[]; latestDateCovered: string }> {
  return conn.get(`${base(conn, type)}/updated/`, { start: sfDate(start), end: sfDate(end) });
}

/** Records deleted in [start, end]. */
export function deletedRecords(
  conn: Connection,
  type: string,
  start: Date,
  end: Date,
): Promise<{
  deletedRecords: Array<{ id: string; deletedDate: string }>;
  earliestDateAvailable: string;
  latestDateCovered: string;
}> {
  return conn.get(`${base(conn, type)}/deleted/`, { start: sfDate(start), end: sfDate(end) });
}

/** `YYYY-MM-DDTHH:MM:SS+00:00`, the form the replication resources take. */
export function sfDate(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}
