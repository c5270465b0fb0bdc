/**
 * Create, update, upsert, delete and retrieve with Salesforce's validation and per-record results. Used by the
 * single-record REST routes, sObject Collections and the seed loader, so all three validate alike.
 *
 * A batch runs in ONE SQLite transaction: with allOrNone a single failure rolls every record back and the
 * others report ALL_OR_NONE_OPERATION_ROLLED_BACK; without it, failed records simply write nothing. An
 * unexpected exception rolls back the whole batch, so a request is never half written.
 */
import { OrgContext } from './context';
import { RecordError, SalesforceRestError, restErrors } from './errors';
import { SObjectDef, FieldDef, sobjectForId, findField } from './schema';
import { Row, tableName, quoteIdent } from './store';
import { normalizeId } from './ids';
import {
  readRecordFields,
  validateRecord,
  resolveExternalIdField,
  unsupportedType,
  completeValues,
  objectRules,
  deleteRules,
} from './record-validation';
import { renderRecord, resolveReadFields, WireRecord } from './record-render';
import { Viewer, canSee, ownRecordsField } from './visibility';

/** Who is writing or reading: what they may see follows visibility.ts. */
export type DmlCaller = Viewer;

export interface DmlResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

export interface RecordInput {
  /** The sObject type, from `attributes.type` or the URL. */
  type: string;
  /** Field values as sent (may include `attributes`, which is ignored). */
  fields: Record<string, unknown>;
}

/** A record's result, and the id a success keeps if allOrNone rolls the batch back (updates keep theirs, creates do not). */
interface Outcome {
  result: DmlResult;
  keepId?: string;
}

const ROLLED_BACK: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

class RollBack extends Error {}

/** Run one function per item in one transaction, then apply allOrNone to the results. */
function runBatch<T>(ctx: OrgContext, items: readonly T[], allOrNone: boolean, one: (item: T) => Outcome): DmlResult[] {
  let outcomes: Outcome[] = [];
  try {
    ctx.store.transaction(() => {
      outcomes = items.map(one);
      if (allOrNone && outcomes.some((o) => !o.result.success)) throw new RollBack();
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
    return outcomes.map((o) =>
      o.result.success ? { ...(o.keepId ? { id: o.keepId } : {}), success: false, errors: [ROLLED_BACK] } : o.result,
    );
  }
  return outcomes.map((o) => o.result);
}

const ok = (id: string, keepId?: string): Outcome => ({ result: { id, success: true, errors: [] }, keepId });
const failed = (errors: RecordError | RecordError[]): Outcome => ({
  result: { success: false, errors: Array.isArray(errors) ? errors : [errors] },
});
const asRecordError = (e: SalesforceRestError): RecordError => ({
  statusCode: e.errorCode,
  message: e.message,
  fields: e.fields ?? [],
});
const error = (statusCode: string, message: string, fields: string[] = []): RecordError => ({
  statusCode,
  message,
  fields,
});

const NO_ACCESS = error('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');

/** Why the caller may not write this kind of record at all, if they may not. */
function typeDenied(
  obj: SObjectDef,
  caller: DmlCaller,
  op: 'inserted' | 'updated' | 'deleted',
): RecordError | undefined {
  const allowed = op === 'inserted' ? obj.createable : op === 'updated' ? obj.updateable : obj.deletable;
  if (!allowed || obj.writeAccess === 'none') return error('INVALID_TYPE_FOR_OPERATION', `entity type cannot be ${op}`);
  if (obj.writeAccess === 'admin' && !caller.isAdmin) return NO_ACCESS;
  return undefined;
}

/** The existing record an update or delete targets, or the error for it. */
function target(
  ctx: OrgContext,
  caller: DmlCaller,
  obj: SObjectDef,
  id: string,
): { row: Row } | { error: RecordError } {
  const row = ctx.store.get(obj, id, true);
  if (!row) return { error: error('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id') };
  if (row.IsDeleted === true) return { error: error('ENTITY_IS_DELETED', 'entity is deleted') };
  if (!canSee(caller, obj, row)) return { error: NO_ACCESS };
  return { row };
}

function createOne(ctx: OrgContext, caller: DmlCaller, input: RecordInput): Outcome {
  const obj = ctx.schemaFor(caller).find(input.type);
  if (!obj) return failed(asRecordError(unsupportedType(input.type)));
  const denied = typeDenied(obj, caller, 'inserted');
  if (denied) return failed(denied);
  const read = readRecordFields(obj, input.fields);
  if (!read.ok) return failed(asRecordError(read.error));
  const checked = validateRecord(ctx.store, caller, obj, completeValues(obj, read.values, undefined), 'create');
  if (checked.errors.length) return failed(checked.errors);
  const ruled = objectRules(ctx.store, obj, checked.values, undefined);
  if ('errors' in ruled) return failed(ruled.errors);
  return ok(ctx.store.insert(obj, ruled.values, caller.userId));
}

function updateOne(ctx: OrgContext, caller: DmlCaller, input: RecordInput): Outcome {
  const obj = ctx.schemaFor(caller).find(input.type);
  if (!obj) return failed(asRecordError(unsupportedType(input.type)));
  const { Id: rawId, ...fields } = withCanonicalId(input.fields);
  if (rawId === undefined || rawId === null || rawId === '')
    return failed(error('MISSING_ARGUMENT', 'Id not specified in an update call'));
  const id = typeof rawId === 'string' ? normalizeId(rawId) : undefined;
  if (!id || sobjectForId(id)?.name !== obj.name)
    return failed(error('MALFORMED_ID', `${idLabel(obj)}: id value of incorrect type: ${String(rawId)}`, ['Id']));
  const denied = typeDenied(obj, caller, 'updated');
  if (denied) return failed(denied);
  const found = target(ctx, caller, obj, id);
  if ('error' in found) return failed(found.error);
  const current = found.row;
  const read = readRecordFields(obj, fields);
  if (!read.ok) return failed(asRecordError(read.error));
  const checked = validateRecord(ctx.store, caller, obj, completeValues(obj, read.values, current), 'update', current);
  if (checked.errors.length) return failed(checked.errors);
  const ruled = objectRules(ctx.store, obj, checked.values, current);
  if ('errors' in ruled) return failed(ruled.errors);
  ctx.store.update(obj, id, ruled.values, caller.userId);
  return ok(id, id);
}

function deleteOne(ctx: OrgContext, caller: DmlCaller, rawId: string): Outcome {
  const id = normalizeId(rawId);
  const obj = id ? ctx.schemaFor(caller).forId(id) : undefined;
  if (!id || !obj) return failed(error('MALFORMED_ID', `malformed id ${rawId}`));
  const denied = typeDenied(obj, caller, 'deleted');
  if (denied) return failed(denied);
  const found = target(ctx, caller, obj, id);
  if ('error' in found) return failed(found.error);
  const refused = deleteRules(ctx.store, obj, id);
  if (refused) return failed(refused);
  ctx.store.delete(obj, id, caller.userId);
  return ok(id, id);
}

/** Insert records; results in request order. */
export function createRecords(
  ctx: OrgContext,
  caller: DmlCaller,
  records: RecordInput[],
  allOrNone: boolean,
): DmlResult[] {
  return runBatch(ctx, records, allOrNone, (r) => createOne(ctx, caller, r));
}

/** Update records; each names its record in `Id` (or `id`, as sObject Collections send it). */
export function updateRecords(
  ctx: OrgContext,
  caller: DmlCaller,
  records: RecordInput[],
  allOrNone: boolean,
): DmlResult[] {
  return runBatch(ctx, records, allOrNone, (r) => updateOne(ctx, caller, r));
}

/** Delete records by id, of any types. */
export function deleteRecords(ctx: OrgContext, caller: DmlCaller, ids: string[], allOrNone: boolean): DmlResult[] {
  return runBatch(ctx, ids, allOrNone, (id) => deleteOne(ctx, caller, id));
}

/** Upsert records of one type, matched on an external id field (or Id). Results carry `created`. */
export function upsertRecords(
  ctx: OrgContext,
  caller: DmlCaller,
  type: string,
  externalIdField: string,
  records: RecordInput[],
  allOrNone: boolean,
): DmlResult[] {
  const obj = ctx.schemaFor(caller).find(type);
  const key = obj ? resolveExternalIdField(obj, externalIdField) : unsupportedType(type);
  if (!obj || key instanceof SalesforceRestError) {
    const refused = key instanceof SalesforceRestError ? key : unsupportedType(type);
    return records.map(() => failed(asRecordError(refused)).result);
  }
  const keys = records.map((r) => keyValue(r.fields, key));
  const seen = new Map<string, number>();
  for (const k of keys) if (k !== undefined) seen.set(k.toLowerCase(), (seen.get(k.toLowerCase()) ?? 0) + 1);
  return runBatch(
    ctx,
    records.map((r, i) => ({ r, k: keys[i] })),
    allOrNone,
    ({ r, k }) => {
      if (k !== undefined && seen.get(k.toLowerCase())! > 1)
        return failed(error('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${k}`));
      return upsertOne(ctx, caller, obj, key, r, k);
    },
  );
}

function upsertOne(
  ctx: OrgContext,
  caller: DmlCaller,
  obj: SObjectDef,
  key: FieldDef,
  input: RecordInput,
  value: string | undefined,
): Outcome {
  // The key (or the match) names the record; an Id in the data would only contradict it.
  const { Id: _named, ...fields } = withCanonicalId(input.fields);
  if (value === undefined) {
    if (key.name !== 'Id') return failed(error('MISSING_ARGUMENT', `${key.name} not specified`));
    return created(createOne(ctx, caller, { type: obj.name, fields }), true);
  }
  const matches = findByExternalId(ctx, caller, obj, key, value);
  if (matches.length > 1) {
    return failed(
      error(
        'DUPLICATE_EXTERNAL_ID',
        `${key.label}: more than one record found for external id field: [${matches.join(', ')}]`,
      ),
    );
  }
  if (matches.length === 0) {
    if (key.name === 'Id') return failed(error('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
    return created(createOne(ctx, caller, { type: obj.name, fields }), true);
  }
  return created(updateOne(ctx, caller, { type: obj.name, fields: { ...fields, Id: matches[0] } }), false);
}

/** Salesforce puts `created` last, and only on records that were written. */
function created(o: Outcome, wasCreated: boolean): Outcome {
  return o.result.success ? { ...o, result: { ...o.result, created: wasCreated } } : o;
}

/** The upsert key's value in a record, as text (undefined when absent or empty). */
function keyValue(fields: Record<string, unknown>, key: FieldDef): string | undefined {
  const entry = Object.entries(fields).find(([n]) => n.toLowerCase() === key.name.toLowerCase());
  const v = entry?.[1];
  return v === undefined || v === null || v === '' || typeof v === 'object' ? undefined : String(v);
}

/**
 * Ids of the live records the viewer may see whose key field equals value (case-insensitively, as Salesforce
 * matches text ids). Records they may not see are not matched: neither listed in a 300 nor named in an error.
 */
export function findByExternalId(
  ctx: OrgContext,
  viewer: Viewer,
  obj: SObjectDef,
  key: FieldDef,
  value: string,
): string[] {
  if (key.name === 'Id') {
    const id = normalizeId(value);
    const row = id ? ctx.store.get(obj, id) : undefined;
    return row && canSee(viewer, obj, row) ? [id!] : [];
  }
  const live = findField(obj, 'IsDeleted') ? ' AND "IsDeleted" = 0' : '';
  const own = ownRecordsField(obj, viewer);
  const visible = own ? ` AND ${quoteIdent(own)} = ?` : '';
  const rows = ctx.store.db
    .prepare(
      `SELECT "Id" FROM ${tableName(obj)} WHERE lower(${quoteIdent(key.name)}) = lower(?)${live}${visible} ORDER BY "Id"`,
    )
    .all(value, ...(own ? [viewer.userId] : [])) as Array<{ Id: string }>;
  return rows.map((r) => r.Id);
}

/**
 * Records of one type by id, rendered with the given fields (all when none); `null` in the slot of an id that
 * is malformed, of another type, deleted or not visible. An unknown type or field fails the whole call.
 */
export function retrieveRecords(
  ctx: OrgContext,
  caller: DmlCaller,
  type: string,
  ids: string[],
  fieldNames: string[] | undefined,
  apiVersion: string,
): Array<WireRecord | null> {
  const obj = ctx.schemaFor(caller).find(type);
  if (!obj) throw restErrors.notFound();
  const fields = resolveReadFields(obj, fieldNames);
  return ids.map((raw) => {
    const id = normalizeId(raw.trim());
    const row = id && sobjectForId(id)?.name === obj.name ? ctx.store.get(obj, id) : undefined;
    return row && canSee(caller, obj, row) ? renderRecord(obj, row, fields, apiVersion) : null;
  });
}

/** `Id` under its canonical name, whichever case the client used (`id` in sObject Collections). */
function withCanonicalId(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k.toLowerCase() === 'id' ? 'Id' : k] = v;
  return out;
}

function idLabel(obj: SObjectDef): string {
  return findField(obj, 'Id')!.label;
}
