/**
 * sObject Collections (WIRE.md section 4): create, update, upsert and delete up to 200 records a call, and
 * retrieve up to 2000 of one type. A well-formed request is always 200 with one result per record, in request
 * order; a malformed one (body shape, unknown type or field, wrong JSON type) is 400 and writes nothing.
 */
import { FastifyInstance, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { SalesforceRestError, restErrors } from './errors';
import { SObjectDef } from './schema';
import { OrgSchema } from './org-schema';
import { createRecords, updateRecords, deleteRecords, upsertRecords, retrieveRecords, RecordInput } from './dml';
import { readRecordFields, resolveExternalIdField, unsupportedType } from './record-validation';
import { notAllowed, resource, jsonBody, queryParam, sobjectParam, V } from './rest-common';
import { RestCaller } from './rest-auth';
import { sendJson } from './json-reply';

export const MAX_RECORDS = 200;
export const MAX_RETRIEVE_IDS = 2000;

function tooMany(limit: number): SalesforceRestError {
  return new SalesforceRestError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${limit} records into this call`,
  );
}

const malformed = (message: string) => restErrors.jsonParser(message);

interface CollectionRequest {
  allOrNone: boolean;
  records: RecordInput[];
}

/**
 * `{allOrNone?, records: [{attributes: {type}, ...fields}]}`, read all the way through before anything is
 * written: Salesforce deserializes the whole body first, so one bad record fails the request.
 */
function readCollection(req: FastifyRequest, schema: OrgSchema, uriType?: SObjectDef): CollectionRequest {
  return readCollectionBody(jsonBody(req, 'SObjectCollectionRequest'), schema, uriType);
}

function readCollectionBody(body: Record<string, unknown>, schema: OrgSchema, uriType?: SObjectDef): CollectionRequest {
  for (const key of Object.keys(body)) {
    if (key !== 'allOrNone' && key !== 'records')
      throw malformed(`Unrecognized field "${key}": expected only "allOrNone" and "records"`);
  }
  if (body.allOrNone !== undefined && typeof body.allOrNone !== 'boolean')
    throw malformed('"allOrNone" must be true or false');
  if (!Array.isArray(body.records)) throw malformed('"records" must be an array of sObjects');
  if (body.records.length > MAX_RECORDS) throw tooMany(MAX_RECORDS);
  const records = body.records.map((raw, i): RecordInput => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw malformed(`records[${i}] must be a JSON object (an sObject)`);
    const fields = raw as Record<string, unknown>;
    const attributes = fields.attributes as { type?: unknown } | undefined;
    const type = typeof attributes === 'object' && attributes !== null ? attributes.type : undefined;
    if (typeof type !== 'string' || type === '') {
      throw new SalesforceRestError(
        400,
        'INVALID_TYPE',
        `Must send a concrete entity type. records[${i}] has no attributes.type`,
      );
    }
    const obj = schema.find(type);
    if (!obj) throw unsupportedType(type);
    if (uriType && obj.name !== uriType.name) {
      throw new SalesforceRestError(
        400,
        'INVALID_TYPE',
        `records[${i}] is of type ${obj.name}, but this call upserts ${uriType.name} records`,
      );
    }
    const read = readRecordFields(obj, fields);
    if (!read.ok) throw read.error;
    return { type: obj.name, fields };
  });
  return { allOrNone: body.allOrNone === true, records };
}

/** The `ids` of a delete or retrieve, from a comma-separated parameter. */
function idsParam(req: FastifyRequest, limit: number): string[] {
  return idsFrom(queryParam(req, 'ids'), limit);
}

function idsFrom(text: string | undefined, limit: number): string[] {
  if (text === undefined || text.trim() === '')
    throw new SalesforceRestError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length > limit) throw tooMany(limit);
  return ids;
}

/** The `{ids, fields}` body of a retrieve by POST. */
function readRetrieveBody(req: FastifyRequest): { ids: string[]; fields: string[] | undefined } {
  const body = jsonBody(req, 'SObjectCollectionRetrieveRequest');
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (!strings(body.ids)) throw malformed('"ids" must be an array of record ids');
  if (body.fields !== undefined && !strings(body.fields)) throw malformed('"fields" must be an array of field names');
  const ids = body.ids as string[];
  if (ids.length > MAX_RETRIEVE_IDS) throw tooMany(MAX_RETRIEVE_IDS);
  return { ids, fields: body.fields as string[] | undefined };
}

export async function registerRestCollections(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const base = `${V}/composite/sobjects`;

  resource(app, [base, `${base}/`], {
    POST: (req, reply, caller) => {
      const { allOrNone, records } = readCollection(req, ctx.schemaFor(caller));
      sendJson(reply, 200, createRecords(ctx, caller, records, allOrNone));
    },
    PATCH: (req, reply, caller) => {
      const { allOrNone, records } = readCollection(req, ctx.schemaFor(caller));
      sendJson(reply, 200, updateRecords(ctx, caller, records, allOrNone));
    },
    DELETE: (req, reply, caller) => {
      const ids = idsParam(req, MAX_RECORDS);
      const allOrNone = (queryParam(req, 'allOrNone') ?? '').toLowerCase() === 'true';
      sendJson(reply, 200, deleteRecords(ctx, caller, ids, allOrNone));
    },
  });

  resource(app, [`${base}/:type`], {
    GET: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      const ids = idsParam(req, MAX_RETRIEVE_IDS);
      sendJson(
        reply,
        200,
        retrieveRecords(ctx, caller, obj.name, ids, queryParam(req, 'fields')?.split(','), caller.apiVersion),
      );
    },
    POST: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      const { ids, fields } = readRetrieveBody(req);
      sendJson(reply, 200, retrieveRecords(ctx, caller, obj.name, ids, fields, caller.apiVersion));
    },
  });

  resource(app, [`${base}/:type/:field`], {
    PATCH: (req, reply, caller) => {
      const obj = sobjectParam(req, ctx.schemaFor(caller));
      const key = resolveExternalIdField(obj, (req.params as { field: string }).field);
      if (key instanceof SalesforceRestError) throw key;
      const { allOrNone, records } = readCollection(req, ctx.schemaFor(caller), obj);
      sendJson(reply, 200, upsertRecords(ctx, caller, obj.name, key.name, records, allOrNone));
    },
  });
}

/**
 * sObject Collections as a composite subrequest (composite-subrequest.ts): `POST|PATCH|DELETE /composite/sobjects`
 * and `PATCH /composite/sobjects/{Type}/{field}`, the same reading and DML as the routes. The answer's body, or a
 * thrown SalesforceRestError; undefined when the path or method is not a collections call.
 */
export function collectionsSubrequest(
  ctx: OrgContext,
  caller: RestCaller,
  method: string,
  path: string[],
  query: URLSearchParams,
  body: unknown,
): unknown {
  const asObject = () => {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw malformed('Cannot deserialize instance of SObjectCollectionRequest: a JSON object is required');
    return body as Record<string, unknown>;
  };
  if (path.length === 0) {
    if (method === 'POST') {
      const { allOrNone, records } = readCollectionBody(asObject(), ctx.schemaFor(caller));
      return createRecords(ctx, caller, records, allOrNone);
    }
    if (method === 'PATCH') {
      const { allOrNone, records } = readCollectionBody(asObject(), ctx.schemaFor(caller));
      return updateRecords(ctx, caller, records, allOrNone);
    }
    if (method === 'DELETE') {
      const ids = idsFrom(query.get('ids') ?? undefined, MAX_RECORDS);
      return deleteRecords(ctx, caller, ids, (query.get('allOrNone') ?? '').toLowerCase() === 'true');
    }
    throw notAllowed(method, ['POST', 'PATCH', 'DELETE']);
  }
  if (path.length === 2) {
    if (method !== 'PATCH') throw notAllowed(method, ['PATCH']);
    const schema = ctx.schemaFor(caller);
    const obj = schema.find(path[0]);
    if (!obj) throw restErrors.notFound();
    const key = resolveExternalIdField(obj, path[1]);
    if (key instanceof SalesforceRestError) throw key;
    const { allOrNone, records } = readCollectionBody(asObject(), schema, obj);
    return upsertRecords(ctx, caller, obj.name, key.name, records, allOrNone);
  }
  throw restErrors.notFound();
}
