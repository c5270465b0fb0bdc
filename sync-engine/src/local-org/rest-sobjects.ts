/**
 * The sObject REST resources (WIRE.md sections 5, 6, 7): describe global and describe, basic information,
 * single-record create / read / update / delete, upsert and read by external id, `updated` and `deleted`
 * windows, and `limits`. Routes parse and answer; dml.ts decides what is written.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { RestCaller, requestsUsedToday } from './rest-auth';
import { SalesforceRestError, RecordError, restErrors } from './errors';
import { SObjectDef, FieldDef, findSObject, findField, sobjectForId } from './schema';
import { Row, tableName } from './store';
import { normalizeId } from './ids';
import { toSalesforceDateTime, parseSalesforceDateTime } from './clock';
import { createRecords, updateRecords, deleteRecords, upsertRecords, findByExternalId, canRead, DmlResult } from './dml';
import { readRecordFields, resolveExternalIdField } from './record-validation';
import { renderRecord, recordUrl, resolveReadFields } from './record-render';
import { describeGlobal, describeSObject, describeSummary, isReplicateable } from './describe';
import { JSON_CONTENT_TYPE } from './errors';

export const V = '/services/data/:version';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Handler = (req: FastifyRequest, reply: FastifyReply, caller: RestCaller) => unknown;
const METHODS: Method[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** Register a resource's handlers on its urls; any other method is Salesforce's 405. */
export function resource(app: FastifyInstance, urls: string[], handlers: Partial<Record<Method, Handler>>): void {
  const allowed = METHODS.filter((m) => handlers[m]);
  for (const url of urls) {
    for (const m of allowed) {
      app.route({ method: m, url, handler: async (req, reply) => { await handlers[m]!(req, reply, callerOf(req)); return reply; } });
    }
    const others: string[] = METHODS.filter((m) => !handlers[m]);
    app.route({
      method: handlers.GET ? others : [...others, 'HEAD'], url,
      handler: async (req) => {
        callerOf(req);
        throw notAllowed(req.method, allowed);
      },
    });
  }
}

function notAllowed(method: string, allowed: string[]): SalesforceRestError {
  return restErrors.methodNotAllowed(method, [...(allowed.includes('GET') ? ['HEAD'] : []), ...allowed]);
}

/** The authenticated caller; the gate sets it for every well-formed `/services/data/vNN.0/` url. */
function callerOf(req: FastifyRequest): RestCaller {
  if (!req.caller) throw restErrors.notFound();
  return req.caller;
}

/** Send a JSON body with Salesforce's content type. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The sObject named in the url, or 404 as Salesforce answers a misspelled object name. */
export function sobjectParam(req: FastifyRequest): SObjectDef {
  const obj = findSObject((req.params as { type: string }).type);
  if (!obj) throw restErrors.notFound();
  return obj;
}

/** The JSON object a write sends; anything else is refused as Salesforce's deserializer refuses it. */
export function jsonBody(req: FastifyRequest, what: string): Record<string, unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (req.body !== undefined && !/^application\/json(;|$)/i.test(type)) throw restErrors.unsupportedMediaType(type);
  const body = req.body;
  if (body === undefined) throw restErrors.jsonParser('The HTTP entity body is required, but this request has no entity body.');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const token = Array.isArray(body) ? 'START_ARRAY' : body === null ? 'VALUE_NULL' : typeof body === 'string' ? 'VALUE_STRING'
      : typeof body === 'boolean' ? (body ? 'VALUE_TRUE' : 'VALUE_FALSE') : 'VALUE_NUMBER_INT';
    throw restErrors.jsonParser(`Cannot deserialize instance of ${what} from ${token} or request may be missing a required field`);
  }
  return body as Record<string, unknown>;
}

/** A query parameter as one string (repeated parameters are joined with commas, as lists are). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) return v.join(',');
  return typeof v === 'string' ? v : undefined;
}

/** Per-record errors of a single-record call, sent as Salesforce's error array (`errorCode`, not `statusCode`). */
export class RecordFailure extends SalesforceRestError {
  constructor(readonly errors: RecordError[]) {
    super(statusFor(errors[0].statusCode), errors[0].statusCode, errors[0].message, errors[0].fields);
  }

  override toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return this.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }));
  }
}

function statusFor(code: string): number {
  if (code === 'INSUFFICIENT_ACCESS_OR_READONLY') return 403;
  if (code === 'ENTITY_IS_DELETED' || code === 'NOT_FOUND') return 404;
  return 400;
}

function only(results: DmlResult[]): DmlResult {
  if (!results[0].success) throw new RecordFailure(results[0].errors);
  return results[0];
}

const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The live, visible record a `/sobjects/{Type}/{id}` url names, or Salesforce's 404 / MALFORMED_ID. */
function recordFromUrl(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, raw: string): Row {
  // Salesforce reads a segment that is no id as an external id value without a field.
  if (!ID_SHAPE.test(raw)) throw new SalesforceRestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${raw}`);
  const id = normalizeId(raw);
  if (!id) throw new SalesforceRestError(400, 'MALFORMED_ID', `${findField(obj, 'Id')!.label}: id value of incorrect type: ${raw}`, ['Id']);
  const row = sobjectForId(id) === obj ? ctx.store.get(obj, id) : undefined;
  if (!row || !canRead(caller, obj, row)) throw restErrors.notFound();
  return row;
}

/**
 * A write body checked the way Salesforce reads it, before any record is processed: known fields of the right
 * JSON types, and no Id in the data (the url names the record; the same id repeated is tolerated).
 */
function writeFields(body: Record<string, unknown>, obj: SObjectDef, sameId?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase() !== 'id') out[k] = v;
    else if (!sameId || typeof v !== 'string' || normalizeId(v) !== sameId) {
      throw new SalesforceRestError(400, 'INVALID_FIELD', 'The Id field should not be specified in the sobject data.');
    }
  }
  const read = readRecordFields(obj, out);
  if (!read.ok) throw read.error;
  return out;
}

function writeMethods(obj: SObjectDef, kind: 'type' | 'record'): string[] {
  const writable = obj.writeAccess !== 'none';
  if (kind === 'type') return ['GET', ...(writable && obj.createable ? ['POST'] : [])];
  return ['GET', ...(writable && obj.updateable ? ['PATCH'] : []), ...(writable && obj.deletable ? ['DELETE'] : [])];
}

function requireMethod(req: FastifyRequest, obj: SObjectDef, kind: 'type' | 'record'): void {
  const allowed = writeMethods(obj, kind);
  if (!allowed.includes(req.method)) throw notAllowed(req.method, allowed);
}

function externalKey(obj: SObjectDef, name: string): FieldDef {
  const key = resolveExternalIdField(obj, name);
  if (key instanceof SalesforceRestError) throw key;
  return key;
}

function multipleChoices(reply: FastifyReply, obj: SObjectDef, ids: string[], caller: RestCaller): void {
  sendJson(reply, 300, ids.map((id) => recordUrl(obj, id, caller.apiVersion)));
}

const fieldsParam = (req: FastifyRequest) => queryParam(req, 'fields')?.split(',');

export async function registerRestSObjects(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const slash = (url: string) => [url, `${url}/`];

  resource(app, slash(`${V}/sobjects`), {
    GET: (_req, reply, caller) => sendJson(reply, 200, describeGlobal(caller.apiVersion)),
  });

  resource(app, slash(`${V}/sobjects/:type`), {
    GET: (req, reply, caller) => {
      const obj = sobjectParam(req);
      sendJson(reply, 200, { objectDescribe: describeSummary(obj, caller.apiVersion), recentItems: recentItems(ctx, caller, obj) });
    },
    POST: (req, reply, caller) => {
      const obj = sobjectParam(req);
      requireMethod(req, obj, 'type');
      const fields = writeFields(jsonBody(req, obj.name), obj);
      const result = only(createRecords(ctx, caller, [{ type: obj.name, fields }], true));
      reply.header('Location', recordUrl(obj, result.id!, caller.apiVersion));
      sendJson(reply, 201, { id: result.id, success: true, errors: [] });
    },
  });

  resource(app, slash(`${V}/sobjects/:type/describe`), {
    GET: (req, reply, caller) => sendJson(reply, 200, describeSObject(sobjectParam(req), caller.apiVersion)),
  });

  resource(app, slash(`${V}/sobjects/:type/updated`), {
    GET: (req, reply, caller) => sendJson(reply, 200, updatedIds(ctx, caller, sobjectParam(req), req)),
  });

  resource(app, slash(`${V}/sobjects/:type/deleted`), {
    GET: (req, reply, caller) => sendJson(reply, 200, deletedIds(ctx, caller, sobjectParam(req), req)),
  });

  resource(app, [`${V}/sobjects/:type/:id`], {
    GET: (req, reply, caller) => {
      const obj = sobjectParam(req);
      const row = recordFromUrl(ctx, caller, obj, (req.params as { id: string }).id);
      sendJson(reply, 200, renderRecord(obj, row, resolveReadFields(obj, fieldsParam(req)), caller.apiVersion));
    },
    PATCH: (req, reply, caller) => {
      const obj = sobjectParam(req);
      requireMethod(req, obj, 'record');
      const id = recordFromUrl(ctx, caller, obj, (req.params as { id: string }).id).Id as string;
      only(updateRecords(ctx, caller, [{ type: obj.name, fields: { ...writeFields(jsonBody(req, obj.name), obj, id), Id: id } }], true));
      reply.code(204).send();
    },
    DELETE: (req, reply, caller) => {
      const obj = sobjectParam(req);
      requireMethod(req, obj, 'record');
      only(deleteRecords(ctx, caller, [recordFromUrl(ctx, caller, obj, (req.params as { id: string }).id).Id as string], true));
      reply.code(204).send();
    },
  });

  resource(app, [`${V}/sobjects/:type/:field/:value`], {
    GET: (req, reply, caller) => {
      const { obj, matches } = byExternalId(ctx, req);
      if (matches.length > 1) return multipleChoices(reply, obj, matches, caller);
      const row = matches.length ? ctx.store.get(obj, matches[0]) : undefined;
      if (!row || !canRead(caller, obj, row)) throw restErrors.notFound();
      sendJson(reply, 200, renderRecord(obj, row, resolveReadFields(obj, fieldsParam(req)), caller.apiVersion));
    },
    PATCH: (req, reply, caller) => {
      const { obj, key, value, matches } = byExternalId(ctx, req);
      requireMethod(req, obj, 'record');
      if (matches.length > 1) return multipleChoices(reply, obj, matches, caller);
      // The url's value is the key; the same field in the body would only contradict it.
      const body = Object.fromEntries(Object.entries(jsonBody(req, obj.name)).filter(([k]) => k.toLowerCase() !== key.name.toLowerCase()));
      const fields = writeFields(body, obj);
      const result = only(upsertRecords(ctx, caller, obj.name, key.name, [{ type: obj.name, fields: { ...fields, [key.name]: value } }], true));
      // API 46.0 added `created` to the single upsert and answered updates with 200 instead of 204.
      const v46 = Number.parseFloat(caller.apiVersion) >= 46;
      if (result.created) sendJson(reply, 201, v46 ? result : { id: result.id, success: true, errors: [] });
      else if (v46) sendJson(reply, 200, result);
      else reply.code(204).send();
    },
    DELETE: (req, reply, caller) => {
      const { obj, matches } = byExternalId(ctx, req);
      requireMethod(req, obj, 'record');
      if (matches.length > 1) return multipleChoices(reply, obj, matches, caller);
      if (matches.length === 0) throw restErrors.notFound();
      only(deleteRecords(ctx, caller, matches, true));
      reply.code(204).send();
    },
  });

  resource(app, slash(`${V}/limits`), {
    GET: (_req, reply) => sendJson(reply, 200, limits(ctx)),
  });
}

function byExternalId(ctx: OrgContext, req: FastifyRequest): { obj: SObjectDef; key: FieldDef; value: string; matches: string[] } {
  const obj = sobjectParam(req);
  const { field, value } = req.params as { field: string; value: string };
  const key = externalKey(obj, field);
  return { obj, key, value, matches: findByExternalId(ctx, obj, key, value) };
}

/** The caller's most recently changed records of a type (Salesforce shows the user's MRU list). */
function recentItems(ctx: OrgContext, caller: RestCaller, obj: SObjectDef): unknown[] {
  if (!isReplicateable(obj)) return [];
  const mine = obj.owned && !caller.isAdmin ? ' AND "OwnerId" = ?' : '';
  const rows = ctx.store.db.prepare(
    `SELECT * FROM ${tableName(obj)} WHERE "IsDeleted" = 0 AND "LastModifiedById" = ?${mine} ORDER BY "LastModifiedDate" DESC, "Id" DESC LIMIT 25`,
  ).all(...(mine ? [caller.userId, caller.userId] : [caller.userId])) as Array<Record<string, unknown>>;
  const shown = obj.fields.filter((f) => f.name === 'Id' || f.nameField);
  return rows.map((raw) => renderRecord(obj, ctx.store.toRow(obj, raw), shown, caller.apiVersion));
}

// Replication windows (WIRE.md 6.1 and 6.2).

const MINUTE = 60_000;
const REPLICATION_DAYS = 30;

function replicationError(message: string): SalesforceRestError {
  return new SalesforceRestError(400, 'INVALID_REPLICATION_DATE', message);
}

function truncateToMinute(d: Date): Date {
  return new Date(Math.floor(d.getTime() / MINUTE) * MINUTE);
}

/**
 * The window `[start, latestDateCovered)` of an updated/deleted call. Salesforce ignores seconds, so both ends
 * are truncated to the minute; the next call starting at latestDateCovered misses nothing and repeats nothing.
 * An end in the future is covered only up to now.
 */
function replicationWindow(ctx: OrgContext, req: FastifyRequest): { start: string; covered: string } {
  const parse = (name: 'start' | 'end') => {
    const text = queryParam(req, name);
    if (text === undefined || text === '') throw new SalesforceRestError(400, 'MISSING_ARGUMENT', `${name} parameter is required`);
    const d = parseSalesforceDateTime(text);
    if (!d) throw replicationError(`${name} is not a valid date/time: ${text}`);
    return truncateToMinute(d);
  };
  const start = parse('start');
  const end = parse('end');
  const now = truncateToMinute(ctx.store.clock.now());
  if (start.getTime() >= end.getTime()) throw replicationError('startDate must chronologically precede endDate by more than one minute');
  if (start.getTime() < now.getTime() - REPLICATION_DAYS * 24 * 60 * MINUTE) {
    throw replicationError(`startDate cannot be more than ${REPLICATION_DAYS} days ago`);
  }
  const covered = new Date(Math.max(start.getTime(), Math.min(end.getTime(), now.getTime())));
  return { start: start.toISOString(), covered: covered.toISOString() };
}

function changedRows(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, req: FastifyRequest, deleted: boolean) {
  if (!isReplicateable(obj)) throw restErrors.notFound();
  const window = replicationWindow(ctx, req);
  const mine = obj.owned && !caller.isAdmin;
  const rows = ctx.store.db.prepare(
    `SELECT "Id", "SystemModstamp" FROM ${tableName(obj)} WHERE "IsDeleted" = ? AND "SystemModstamp" >= ? AND "SystemModstamp" < ?${mine ? ' AND "OwnerId" = ?' : ''}
     ORDER BY "SystemModstamp", "Id"`,
  ).all(deleted ? 1 : 0, window.start, window.covered, ...(mine ? [caller.userId] : [])) as Array<{ Id: string; SystemModstamp: string }>;
  return { rows, latestDateCovered: toSalesforceDateTime(window.covered) };
}

function updatedIds(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, req: FastifyRequest) {
  const { rows, latestDateCovered } = changedRows(ctx, caller, obj, req, false);
  return { ids: rows.map((r) => r.Id), latestDateCovered };
}

function deletedIds(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, req: FastifyRequest) {
  const { rows, latestDateCovered } = changedRows(ctx, caller, obj, req, true);
  // Nothing is ever purged here, so deleted records are available since the org was created.
  const org = ctx.store.db.prepare(`SELECT "CreatedDate" FROM sobj_Organization LIMIT 1`).get() as { CreatedDate: string };
  return {
    deletedRecords: rows.map((r) => ({ id: r.Id, deletedDate: toSalesforceDateTime(r.SystemModstamp) })),
    earliestDateAvailable: toSalesforceDateTime(truncateToMinute(new Date(org.CreatedDate)).toISOString()),
    latestDateCovered,
  };
}

/** `GET /limits` (WIRE.md 6.3): the daily API allocation is the one the gate counts. */
function limits(ctx: OrgContext): Record<string, { Max: number; Remaining: number }> {
  const max = ctx.options.dailyRequestLimit;
  const same = (n: number) => ({ Max: n, Remaining: n });
  return {
    ConcurrentAsyncGetReportInstances: same(200),
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - requestsUsedToday(ctx)) },
    DailyBulkApiRequests: same(5000),
    DataStorageMB: same(1024),
    FileStorageMB: same(1024),
    SingleEmail: same(1000),
  };
}
