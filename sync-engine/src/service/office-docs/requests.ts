/**
 * The Word and Excel add-in's requests, checked field by field before anything reaches the org: which object,
 * which fields, which rows. Each problem is a 400 naming the field (`rows[3].values.Email`) and what to send.
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { objectBody } from '../sign-in';
import { serviceErrors } from '../errors';
import type { OfficeCell } from '../contract';

/** The most rows one query answers (a sheet of more is cut, and the answer says so). */
export const MAX_QUERY_ROWS = 10_000;
/** The most rows of each kind one save sends: one sObject Collections call for updates, one for creates. */
export const MAX_SAVE_ROWS = 200;
export const MAX_FIELDS = 100;
const MAX_WHERE = 4_000;
const MAX_SOQL = 20_000;
const MAX_CELL = 32_000;

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
/** A field of the object, or one of a record it looks up (`Account.Name`). */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]{0,79}(\.[A-Za-z][A-Za-z0-9_]{0,79}){0,4}$/;
const RECORD_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** What to read: an object with fields (its records by id, or filtered), or the user's own SOQL. */
export type OfficeQuery =
  | {
      kind: 'fields';
      object: string;
      /** The columns: Id first, then the requested fields, each once. */
      fields: string[];
      /** The fields as the request listed them (to name one by its index there). */
      requested: string[];
      ids: string[] | null;
      where: string | null;
      limit: number;
    }
  | { kind: 'soql'; soql: string; object: string; fields: string[] };

export interface SaveRow {
  row: number;
  id: string | null;
  values: Record<string, OfficeCell>;
}

export interface OfficeSave {
  object: string;
  rows: SaveRow[];
}

/** An object's API name from the URL (`Contact`, `Invoice__c`). */
export function parseObjectName(value: unknown, field = 'object'): string {
  if (typeof value !== 'string' || value === '')
    throw serviceErrors.invalid(field, 'required: an object API name, e.g. Contact');
  if (!NAME.test(value))
    throw serviceErrors.invalid(
      field,
      `must be an object API name like Contact or Invoice__c (got ${JSON.stringify(value)})`,
    );
  return value;
}

/** Check a `POST /api/office/query` body. */
export function parseOfficeQuery(body: unknown): OfficeQuery {
  const b = objectBody(body);
  if (b.soql !== undefined) {
    if (b.object !== undefined || b.fields !== undefined)
      throw serviceErrors.invalid('soql', 'send either soql, or object and fields, not both');
    return parseSoql(b.soql);
  }
  const object = parseObjectName(b.object);
  const fields = parseFieldList(b.fields, 'fields');
  let ids: string[] | null = null;
  if (b.ids !== undefined && b.ids !== null) {
    if (!Array.isArray(b.ids) || b.ids.length === 0 || b.ids.length > MAX_SAVE_ROWS)
      throw serviceErrors.invalid('ids', `must be a list of 1 to ${MAX_SAVE_ROWS} record ids`);
    ids = b.ids.map((id, i) => {
      if (typeof id !== 'string' || !RECORD_ID.test(id))
        throw serviceErrors.invalid(
          `ids[${i}]`,
          `must be a Salesforce record id of 15 or 18 characters (got ${JSON.stringify(id)})`,
        );
      return id;
    });
  }
  let where: string | null = null;
  if (b.where !== undefined && b.where !== null && b.where !== '') {
    if (typeof b.where !== 'string' || b.where.length > MAX_WHERE)
      throw serviceErrors.invalid(
        'where',
        `must be a SOQL condition of at most ${MAX_WHERE} characters, e.g. LastName = 'Lee'`,
      );
    where = b.where;
  }
  let limit = MAX_QUERY_ROWS;
  if (b.limit !== undefined && b.limit !== null) {
    if (typeof b.limit !== 'number' || !Number.isInteger(b.limit) || b.limit < 1 || b.limit > MAX_QUERY_ROWS)
      throw serviceErrors.invalid('limit', `must be a whole number from 1 to ${MAX_QUERY_ROWS}`);
    limit = b.limit;
  }
  return { kind: 'fields', object, fields, requested: b.fields as string[], ids, where, limit };
}

function parseSoql(value: unknown): OfficeQuery {
  if (typeof value !== 'string' || value.trim() === '')
    throw serviceErrors.invalid('soql', 'required: a SOQL query, e.g. SELECT Id, Name FROM Account');
  if (value.length > MAX_SOQL) throw serviceErrors.invalid('soql', `must be at most ${MAX_SOQL} characters`);
  let parsed;
  try {
    parsed = parseQuery(value);
  } catch (err) {
    throw serviceErrors.invalid(
      'soql',
      `is not a SOQL query Salesforce would read: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (!parsed.sObject) throw serviceErrors.invalid('soql', 'needs a FROM clause naming one object');
  const fields: string[] = [];
  for (const f of parsed.fields ?? []) {
    if (f.type === 'Field') fields.push(f.field);
    else if (f.type === 'FieldRelationship') fields.push(f.rawValue ?? [...f.relationships, f.field].join('.'));
    else
      throw serviceErrors.invalid(
        'soql',
        'may select only fields and fields of related records (no subqueries, functions or TYPEOF): a sheet has one column per field',
      );
  }
  if (!fields.some((f) => f.toLowerCase() === 'id'))
    throw serviceErrors.invalid('soql', 'must select Id, so that edited rows can be saved back to their records');
  if (fields.length > MAX_FIELDS) throw serviceErrors.invalid('soql', `may select at most ${MAX_FIELDS} fields`);
  return { kind: 'soql', soql: value, object: parsed.sObject, fields };
}

function parseFieldList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw serviceErrors.invalid(field, 'required: a list of field API names, e.g. ["FirstName", "LastName"]');
  if (value.length > MAX_FIELDS) throw serviceErrors.invalid(field, `may name at most ${MAX_FIELDS} fields`);
  const seen = new Set<string>();
  const out: string[] = [];
  value.forEach((f, i) => {
    if (typeof f !== 'string' || !FIELD_PATH.test(f))
      throw serviceErrors.invalid(
        `${field}[${i}]`,
        `must be a field API name like Email or Account.Name (got ${JSON.stringify(f)})`,
      );
    if (seen.has(f.toLowerCase())) return;
    seen.add(f.toLowerCase());
    out.push(f);
  });
  // Id first, always: the sheet's key to save rows back.
  return seen.has('id') ? out : ['Id', ...out];
}

/** Check a `POST /api/office/save` body. */
export function parseOfficeSave(body: unknown): OfficeSave {
  const b = objectBody(body);
  const object = parseObjectName(b.object);
  if (!Array.isArray(b.rows) || b.rows.length === 0)
    throw serviceErrors.invalid(
      'rows',
      'required: the changed rows, e.g. [{"row": 2, "id": "003...", "values": {"Email": "a@b.example"}}]',
    );
  const rows: SaveRow[] = [];
  const rowNumbers = new Set<number>();
  let updates = 0;
  let creates = 0;
  b.rows.forEach((r: unknown, i: number) => {
    const at = `rows[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw serviceErrors.invalid(at, 'must be an object with row, id and values');
    const o = r as Record<string, unknown>;
    if (typeof o.row !== 'number' || !Number.isInteger(o.row) || o.row < 0)
      throw serviceErrors.invalid(`${at}.row`, 'required: the row number in the sheet (a whole number from 0)');
    if (rowNumbers.has(o.row))
      throw serviceErrors.invalid(`${at}.row`, `row ${o.row} is sent twice: send each row once`);
    rowNumbers.add(o.row);
    let id: string | null = null;
    if (o.id !== undefined && o.id !== null && o.id !== '') {
      if (typeof o.id !== 'string' || !RECORD_ID.test(o.id))
        throw serviceErrors.invalid(
          `${at}.id`,
          `must be the record's Salesforce id, or null for a new record (got ${JSON.stringify(o.id)})`,
        );
      id = o.id;
    }
    if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values))
      throw serviceErrors.invalid(`${at}.values`, 'required: the changed fields and their new values');
    const values: Record<string, OfficeCell> = {};
    for (const [name, v] of Object.entries(o.values as Record<string, unknown>)) {
      if (!NAME.test(name) || name.toLowerCase() === 'id')
        throw serviceErrors.invalid(
          `${at}.values.${name}`,
          name.includes('.')
            ? "is a field of a related record: change it in that record's own sheet"
            : 'is not a field that can be written: name a field of the object other than Id',
        );
      if (!(
        v === null ||
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isFinite(v))
      ))
        throw serviceErrors.invalid(`${at}.values.${name}`, 'must be text, a number, true, false or null');
      if (typeof v === 'string' && v.length > MAX_CELL)
        throw serviceErrors.invalid(`${at}.values.${name}`, `is longer than ${MAX_CELL} characters`);
      values[name] = v === '' ? null : v;
    }
    if (Object.keys(values).length === 0 && id !== null)
      throw serviceErrors.invalid(`${at}.values`, 'has no changed field: leave unchanged rows out');
    if (id === null) creates++;
    else updates++;
    rows.push({ row: o.row, id, values });
  });
  if (updates > MAX_SAVE_ROWS || creates > MAX_SAVE_ROWS)
    throw serviceErrors.invalid(
      'rows',
      `may hold at most ${MAX_SAVE_ROWS} changed and ${MAX_SAVE_ROWS} new rows: send the rest in the next save`,
    );
  return { object, rows };
}
