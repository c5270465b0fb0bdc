/**
 * The sObject REST resources (WIRE.md sections 5, 6, 7): describe global and describe, basic information,
 * single-record create / read / update / delete, upsert and read by external id, and the `updated` and
 * `deleted` windows (replication.ts). Routes parse and answer; dml.ts decides what is written.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { RestCaller } from './rest-auth';
import { SalesforceRestError, restErrors } from './errors';
import { SObjectDef, FieldDef, findField, sobjectForId } from './schema';
import { Row, quoteIdent, tableName } from './store';
import { isIdShaped, normalizeId } from './ids';
import { createRecords, updateRecords, deleteRecords, upsertRecords, findByExternalId, DmlResult } from './dml';
import { canSee, ownRecordsField } from './visibility';
import { readRecordFields, resolveExternalIdField } from './record-validation';
import { renderRecord, recordUrl, resolveReadFields } from './record-render';
import { describeGlobal, describeSObject, describeSummary, isReplicateable } from './describe';
import { RecordFailure, V, jsonBody, notAllowed, queryParam, resource, sobjectParam } from './rest-common';
import { ReplicationRange, deletedIds, updatedIds } from './replication';
import { sendJson } from './json-reply';
import { checkUnmodifiedSince } from './conditional-request';

function only(results: DmlResult[]): DmlResult {
  if (!results[0].success) throw new RecordFailure(results[0].errors);
  return results[0];
}

/** The live, visible record a `/sobjects/{Type}/{id}` url names, or Salesforce's 404 / MALFORMED_ID. */
function recordFromUrl(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, raw: string): Row {
  // Salesforce reads a segment that is no id as an external id value without a field.
  if (!isIdShaped(raw))
    throw new SalesforceRestError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${raw}`,
    );
  const id = normalizeId(raw);
  if (!id)
    throw new SalesforceRestError(
      400,
      'MALFORMED_ID',
      `${findField(obj, 'Id')!.label}: id value of incorrect type: ${raw}`,
      ['Id'],
    );
  const row = sobjectForId(id)?.name === obj.name ? ctx.store.get(obj, id) : undefined;
  if (!row || !canSee(caller, obj, row)) throw restErrors.notFound();
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

function requireMethod(req: FastifyRequest | string, obj: SObjectDef, kind: 'type' | 'record'): void {
  const method = typeof req === 'string' ? req : req.method;
  const allowed = writeMethods(obj, kind);
  if (!allowed.includes(method)) throw notAllowed(method, allowed);
}

/**
 * `PATCH /sobjects/{Type}/{id}` (also a composite subrequest): the record the url names, conditional on
 * If-Unmodified-Since when sent (conditional-request.ts). The body is read after the record is found, as Salesforce does.
 */
export function updateRow(
  ctx: OrgContext,
  caller: RestCaller,
  obj: SObjectDef,
  rawId: string,
  body: () => Record<string, unknown>,
  ifUnmodifiedSince: string | string[] | undefined,
): void {
  requireMethod('PATCH', obj, 'record');
  const row = recordFromUrl(ctx, caller, obj, rawId);
  const id = row.Id as string;
  checkUnmodifiedSince('PATCH', ifUnmodifiedSince, row);
  only(updateRecords(ctx, caller, [{ type: obj.name, fields: { ...writeFields(body(), obj, id), Id: id } }], true));
}

/** `DELETE /sobjects/{Type}/{id}` (also a composite subrequest); Salesforce's conditional headers do not apply to it. */
export function deleteRow(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, rawId: string): void {
  requireMethod('DELETE', obj, 'record');
  only(deleteRecords(ctx, caller, [recordFromUrl(ctx, caller, obj, rawId).Id as string], true));
}

/** `POST /sobjects/{Type}` (also a composite subrequest): the new record's id. */
export function createRow(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, body: Record<string, unknown>): string {
  requireMethod('POST', obj, 'type');
  const fields = writeFields(body, obj);
  return only(createRecords(ctx, caller, [{ type: obj.name, fields }], true)).id!;
}

/** `GET /sobjects/{Type}/{id}[?fields=]` (also a composite subrequest). */
export function readRow(
  ctx: OrgContext,
  caller: RestCaller,
  obj: SObjectDef,
  rawId: string,
  fields: string[] | undefined,
): unknown {
  const row = recordFromUrl(ctx, caller, obj, rawId);
  return renderRecord(obj, row, resolveReadFields(obj, fields), caller.apiVersion);
}

/**
 * `GET /sobjects/{Type}/{field}/{value}` (also a composite subrequest): the record with that external id, 300 with
 * the matching urls when several match, 404 when none.
 */
export function readByExternalId(
  ctx: OrgContext,
  caller: RestCaller,
  obj: SObjectDef,
  field: string,
  value: string,
  fields: string[] | undefined,
): { status: number; body: unknown } {
  const matches = findByExternalId(ctx, caller, obj, externalKey(obj, field), value);
  if (matches.length > 1) return { status: 300, body: matches.map((id) => recordUrl(obj, id, caller.apiVersion)) };
  const row = matches.length ? ctx.store.get(obj, matches[0]) : undefined;
  if (!row) throw restErrors.notFound();
  return { status: 200, body: renderRecord(obj, row, resolveReadFields(obj, fields), caller.apiVersion) };
}

/**
 * `PATCH /sobjects/{Type}/{field}/{value}` (also a composite subrequest): upsert by external id. The answer's
 * status and body: 201 created, 200 (204 before API 46.0) updated, 300 with the matching urls when several match.
 */
export function upsertRow(
  ctx: OrgContext,
  caller: RestCaller,
  obj: SObjectDef,
  field: string,
  value: string,
  body: () => Record<string, unknown>,
): { status: number; body: unknown } {
  const key = externalKey(obj, field);
  const matches = findByExternalId(ctx, caller, obj, key, value);
  requireMethod('PATCH', obj, 'record');
  if (matches.length > 1) return { status: 300, body: matches.map((id) => recordUrl(obj, id, caller.apiVersion)) };
  // The url's value is the key; the same field in the body would only contradict it.
  const sent = Object.fromEntries(Object.entries(body()).filter(([k]) => k.toLowerCase() !== key.name.toLowerCase()));
  const fields = writeFields(sent, obj);
  const result = only(
    upsertRecords(
      ctx,
      caller,
      obj.name,
      key.name,
      [{ type: obj.name, fields: { ...fields, [key.name]: value } }],
      true,
    ),
  );
  // API 46.0 added `created` to the single upsert and answered updates with 200 instead of 204.
  const v46 = Number.parseFloat(caller.apiVersion) >= 46;
  if (result.created) return { status: 201, body: v46 ? result : { id: result.id, success: true, errors: [] } };
  return v46 ? { status: 200, body: result } : { status: 204, body: null };
}

function externalKey(obj: SObjectDef, name: string): FieldDef {
  const key = resolveExternalIdField(obj, name);
  if (key instanceof SalesforceRestError) throw key;
  return key;
}

function multipleChoices(reply: FastifyReply, obj: SObjectDef, ids: string[], caller: RestCaller): void {
  sendJson(
    reply,
    300,
    ids.map((id) => recordUrl(obj, id, caller.apiVersion)),
  );
}

const fieldsParam = (req: FastifyRequest) => queryParam(req, 'fields')?.split(',');
const replicationRange = (req: FastifyRequest): ReplicationRange => ({
  start: queryParam(req, 'start'),
  end: queryParam(req, 'end'),
});

/** Register the `/sobjects` resources. */
export async function registerRestSObjects(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const slash = (url: string) => [url, `${url}/`];

  resource(app, slash(`${V}/sobjects`), {
    GET: (_req, reply, caller) => sendJson(reply, 200, describeGlobal(ctx.schemaFor(caller), caller.apiVersion)),
  });

  resource(app, slash(`${V}/sobjects/:type`), {
    GET: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      sendJson(reply, 200, {
        objectDescribe: describeSummary(obj, caller.apiVersion),
        recentItems: recentItems(ctx, caller, obj),
      });
    },
    POST: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      requireMethod(req, obj, 'type');
      const id = createRow(ctx, caller, obj, jsonBody(req, obj.name));
      reply.header('Location', recordUrl(obj, id, caller.apiVersion));
      sendJson(reply, 201, { id, success: true, errors: [] });
    },
  });

  resource(app, slash(`${V}/sobjects/:type/describe`), {
    GET: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      // Salesforce answers a describe with If-Modified-Since 304 when the object's metadata has not changed since.
      const changed = ctx.store.describeChangedAt();
      const lastModified = changed ? new Date(changed).toUTCString() : null;
      const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
      if (lastModified && !Number.isNaN(since) && Date.parse(lastModified) <= since) return reply.code(304).send();
      sendJson(
        reply,
        200,
        describeSObject(obj, caller.apiVersion),
        lastModified ? { 'Last-Modified': lastModified } : {},
      );
    },
  });

  resource(app, slash(`${V}/sobjects/:type/updated`), {
    GET: (req, reply, caller) =>
      sendJson(reply, 200, updatedIds(ctx, caller, sobjectParam(req, ctx.schemaFor(caller)), replicationRange(req))),
  });

  resource(app, slash(`${V}/sobjects/:type/deleted`), {
    GET: (req, reply, caller) =>
      sendJson(reply, 200, deletedIds(ctx, caller, sobjectParam(req, ctx.schemaFor(caller)), replicationRange(req))),
  });

  resource(app, [`${V}/sobjects/:type/:id`], {
    GET: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      sendJson(reply, 200, readRow(ctx, caller, obj, (req.params as { id: string }).id, fieldsParam(req)));
    },
    PATCH: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      const id = (req.params as { id: string }).id;
      updateRow(ctx, caller, obj, id, () => jsonBody(req, obj.name), req.headers['if-unmodified-since']);
      reply.code(204).send();
    },
    DELETE: (req, reply, caller) => {
      deleteRow(ctx, caller, sobjectParam(req, ctx.schemaFor(caller)), (req.params as { id: string }).id);
      reply.code(204).send();
    },
  });

  resource(app, [`${V}/sobjects/:type/:field/:value`], {
    GET: (req, reply, caller) => {
      const { field, value } = req.params as { field: string; value: string };
      const answer = readByExternalId(
        ctx,
        caller,
        sobjectParam(req, ctx.schemaFor(caller)),
        field,
        value,
        fieldsParam(req),
      );
      sendJson(reply, answer.status, answer.body);
    },
    PATCH: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      const { field, value } = req.params as { field: string; value: string };
      const answer = upsertRow(ctx, caller, obj, field, value, () => jsonBody(req, obj.name));
      if (answer.status === 204) reply.code(204).send();
      else sendJson(reply, answer.status, answer.body);
    },
    DELETE: (req, reply, caller) => {
      const { obj, matches } = byExternalId(ctx, caller, req);
      requireMethod(req, obj, 'record');
      if (matches.length > 1) return multipleChoices(reply, obj, matches, caller);
      if (matches.length === 0) throw restErrors.notFound();
      only(deleteRecords(ctx, caller, matches, true));
      reply.code(204).send();
    },
  });
}

function byExternalId(
  ctx: OrgContext,
  caller: RestCaller,
  req: FastifyRequest,
): { obj: SObjectDef; key: FieldDef; value: string; matches: string[] } {
  const obj = sobjectParam(req, ctx.schemaFor(caller));
  const { field, value } = req.params as { field: string; value: string };
  const key = externalKey(obj, field);
  return { obj, key, value, matches: findByExternalId(ctx, caller, obj, key, value) };
}

/** The caller's most recently changed records of a type (Salesforce shows the user's MRU list). */
function recentItems(ctx: OrgContext, caller: RestCaller, obj: SObjectDef): unknown[] {
  if (!isReplicateable(obj)) return [];
  const own = ownRecordsField(obj, caller);
  const mine = own ? ` AND ${quoteIdent(own)} = ?` : '';
  const rows = ctx.store.db
    .prepare(
      `SELECT * FROM ${tableName(obj)} WHERE "IsDeleted" = 0 AND "LastModifiedById" = ?${mine} ORDER BY "LastModifiedDate" DESC, "Id" DESC LIMIT 25`,
    )
    .all(...(own ? [caller.userId, caller.userId] : [caller.userId])) as Array<Record<string, unknown>>;
  const shown = obj.fields.filter((f) => f.name === 'Id' || f.nameField);
  return rows.map((raw) => renderRecord(obj, ctx.store.toRow(obj, raw), shown, caller.apiVersion));
}
