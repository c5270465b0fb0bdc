/**
 * What the Word and Excel add-in asks of the org, through the signed-in account's session: an object's fields, the
 * merge fields of a Contact or Lead with its Account (both from the user's describes, service/describe-cache.ts), a
 * query's rows flattened to cells, and a save of changed and new rows through sObject Collections (one PATCH for the
 * updates, one POST for the creates), answered per row.
 */
import { Connection } from '../../salesforce/connection';
import { SalesforceApiError } from '../../salesforce/errors';
import { SObjectRecord, queryPages, soqlString } from '../../salesforce/query';
import { DescribeField } from '../../salesforce/sobjects';
import { SaveResult, createRecords, updateRecords } from '../../salesforce/collections';
import { ServiceError, serviceErrors } from '../errors';
import { UserDescribes } from '../describe-cache';
import type {
  OfficeCell,
  OfficeField,
  OfficeFields,
  OfficeQueryAnswer,
  OfficeRow,
  OfficeRowResult,
  OfficeSaveAnswer,
} from '../contract';
import { OfficeQuery, OfficeSave } from './requests';
import { isInputRefusal, queryInputError, refusedFields, refusedRowError, saveInputError } from './input-errors';

/** The objects Word merges: each with the lookup to its Account. */
const MERGE_OBJECTS: Record<string, string> = { Contact: 'AccountId', Lead: 'ConvertedAccountId' };
/** Field types a merge field shows as text (not ids, lookups, or a compound address). */
const NOT_MERGED = new Set(['id', 'reference', 'address', 'location', 'base64']);

/** A failed org call as the add-in shows it (the product's text for lost API access). */
export type FailureText = (err: SalesforceApiError) => ServiceError;

/** `GET /api/office/objects/:object/fields`. */
export async function objectFields(describes: UserDescribes, object: string): Promise<OfficeFields> {
  const d = await describeObject(describes, object);
  return { object: d.name, label: String(d.label ?? d.name), fields: d.fields.map(toOfficeField) };
}

/** `GET /api/office/merge-fields/:object`: a Contact's or Lead's fields, and its Account's as `Account.Name`. */
export async function mergeFields(describes: UserDescribes, object: string): Promise<OfficeFields> {
  const lookup = Object.keys(MERGE_OBJECTS).find((o) => o.toLowerCase() === object.toLowerCase());
  if (!lookup)
    throw serviceErrors.invalid('object', `Word merges Contact or Lead records (got ${JSON.stringify(object)})`);
  const d = await describeObject(describes, lookup);
  const own = d.fields.filter((f) => !NOT_MERGED.has(f.type)).map(toOfficeField);
  const accountField = d.fields.find((f) => f.name === MERGE_OBJECTS[lookup]);
  const relationship = accountField?.relationshipName;
  if (!relationship) return { object: d.name, label: String(d.label ?? d.name), fields: own };
  const account = await describeObject(describes, 'Account');
  const related = account.fields
    .filter((f) => !NOT_MERGED.has(f.type))
    .map((f) => ({
      ...toOfficeField(f),
      name: `${relationship}.${f.name}`,
      label: `${account.label ?? 'Account'}: ${f.label ?? f.name}`,
      updateable: false,
      createable: false,
    }));
  return { object: d.name, label: String(d.label ?? d.name), fields: [...own, ...related] };
}

/** `POST /api/office/query`: the rows, each a record's cells by field (`Account.Name` flattened), Id first. */
export async function runQuery(conn: Connection, q: OfficeQuery, maxRows: number): Promise<OfficeQueryAnswer> {
  const soql = q.kind === 'soql' ? q.soql : fieldsSoql(q);
  const limit = q.kind === 'fields' ? q.limit : maxRows;
  const records: OfficeRow[] = [];
  let totalSize = 0;
  let object = q.object;
  try {
    for await (const page of queryPages<SObjectRecord>(conn, soql)) {
      totalSize = page.totalSize;
      for (const r of page.records) {
        if (records.length === 0 && r.attributes?.type) object = r.attributes.type;
        if (records.length < limit) records.push(flatten(r, q.fields));
      }
      if (records.length >= limit) break;
    }
  } catch (err) {
    throw (err instanceof SalesforceApiError && queryInputError(err, q)) || err;
  }
  return { object, fields: q.fields, records, totalSize, complete: records.length >= totalSize };
}

function fieldsSoql(q: Extract<OfficeQuery, { kind: 'fields' }>): string {
  const conditions: string[] = [];
  if (q.ids) conditions.push(`Id IN (${q.ids.map(soqlString).join(', ')})`);
  if (q.where) conditions.push(`(${q.where})`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${q.fields.join(', ')} FROM ${q.object}${where} ORDER BY Id LIMIT ${q.limit}`;
}

/** A record's value for each field path, relationship objects walked (`Account.Name`: null without an Account). */
function flatten(r: SObjectRecord, fields: string[]): OfficeRow {
  const out: OfficeRow = {};
  for (const path of fields) {
    let v: unknown = r;
    for (const part of path.split('.')) {
      if (v === null || typeof v !== 'object') {
        v = null;
        break;
      }
      const key = Object.keys(v).find((k) => k.toLowerCase() === part.toLowerCase());
      v = key === undefined ? null : (v as Record<string, unknown>)[key];
    }
    out[path] = cell(v);
  }
  return out;
}

function cell(v: unknown): OfficeCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * `POST /api/office/save`: the updates in one Collections PATCH, then the creates in one Collections POST (at most
 * 200 each, so each is one call, and each row's answer is Salesforce's own). Refused before anything was written, a
 * call is the error itself (a field or object the org does not know: a 400 naming it): nothing is half done. Refused
 * whole after an earlier call was written, it answers what was written and its rows as failed: for the user's input
 * (a field the org does not know), the rows that sent that field fail with Salesforce's words and the field, to fix
 * and save again, and the other rows go again without them; for anything else (API access turned off meanwhile),
 * its rows fail with the refusal's text and `stopped`.
 */
export async function saveRows(conn: Connection, s: OfficeSave, failure: FailureText): Promise<OfficeSaveAnswer> {
  const updates = s.rows.filter((r) => r.id !== null);
  const creates = s.rows.filter((r) => r.id === null);
  const results: OfficeRowResult[] = [];
  let stopped: ServiceError | null = null;
  const notSaved = (rows: SaveRow[], error: (r: SaveRow) => RowError) =>
    results.push(...rows.map((r) => ({ row: r.row, id: r.id, success: false, created: false, errors: [error(r)] })));
  const send = async (rows: SaveRow[], call: (rows: SaveRow[]) => Promise<SaveResult[]>, created: boolean) => {
    let pending = rows;
    while (pending.length > 0) {
      if (stopped) {
        const halt = stopped;
        notSaved(pending, () => stoppedError(halt));
        return;
      }
      let answer: SaveResult[];
      try {
        answer = await call(pending);
      } catch (err) {
        if (!(err instanceof SalesforceApiError)) throw err;
        if (results.length === 0) throw saveInputError(err, s) ?? failure(err);
        // After an earlier call was written: anything but the user's input (API access turned off meanwhile) stops
        // the save.
        if (!isInputRefusal(err)) {
          stopped = failure(err);
          continue;
        }
        // The org read the whole call before writing any of it, and refused it for a field some rows sent: those
        // rows fail naming it, for the user to fix; the others were refused only for being in the same call, so
        // they go again without them (one more call for each field it does not know). Nothing was written, so
        // nothing is written twice. A refusal naming no field of any row is every row's.
        const named = pending.filter((r) => refusedFields(err, r.values).length > 0);
        const refused = named.length > 0 ? named : pending;
        notSaved(refused, (r) => refusedRowError(err, r.values));
        pending = pending.filter((r) => !refused.includes(r));
        continue;
      }
      pending.forEach((r, i) => {
        const a = answer[i];
        results.push({
          row: r.row,
          id: a.success ? (a.id ?? r.id) : r.id,
          success: a.success,
          created: created && a.success,
          errors: a.errors.map((e) => ({ code: e.statusCode, message: e.message, fields: e.fields })),
        });
      });
      return;
    }
  };
  const update = (r: SaveRow) => ({ ...r.values, Id: r.id as string });
  const create = (r: SaveRow) => ({ ...r.values });
  await send(updates, (rows) => updateRecords(conn, s.object, rows.map(update)), false);
  await send(creates, (rows) => createRecords(conn, s.object, rows.map(create)), true);
  results.sort((a, b) => a.row - b.row);
  const ok = results.filter((r) => r.success);
  const halted = stopped as ServiceError | null;
  return {
    results,
    updated: ok.filter((r) => !r.created).length,
    created: ok.filter((r) => r.created).length,
    failed: results.length - ok.length,
    stopped: halted ? { code: halted.code, message: halted.message } : null,
  };
}

type SaveRow = OfficeSave['rows'][number];
type RowError = OfficeRowResult['errors'][number];

function stoppedError(err: ServiceError): RowError {
  return { code: err.code, message: err.message, fields: [] };
}

async function describeObject(describes: UserDescribes, object: string) {
  try {
    return await describes.describe(object);
  } catch (err) {
    if (
      err instanceof SalesforceApiError &&
      (err.status === 404 || err.errorCode === 'NOT_FOUND' || err.errorCode === 'INVALID_TYPE')
    )
      throw serviceErrors.invalid(
        'object',
        `Salesforce has no object ${object} you can see: check its API name (e.g. Contact)`,
      );
    throw err;
  }
}

function toOfficeField(f: DescribeField): OfficeField {
  return {
    name: f.name,
    label: String(f.label ?? f.name),
    type: f.type,
    updateable: f.updateable === true,
    createable: f.createable === true,
    relationshipName: typeof f.relationshipName === 'string' ? f.relationshipName : null,
  };
}
