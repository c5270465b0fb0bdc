/**
 * One subrequest of `/composite` or `/composite/batch`, run in-process against the same code as its REST route
 * (no second trip through HTTP, so no second API call and no second access check: the top-level request had
 * both). Synchronous, so a composite with `allOrNone` runs inside one SQLite transaction.
 *
 * Served: sObject basic information (`POST /sobjects/{Type}`), sObject Rows (`GET`, `PATCH`, `DELETE
 * /sobjects/{Type}/{id}`), read and upsert by external id (`GET`, `PATCH /sobjects/{Type}/{field}/{value}`),
 * describe, `query` / `queryAll` with their next pages, `search`, `limits`, and sObject Collections (`/composite/sobjects`: create,
 * update, delete, upsert). Any other url is the subrequest's own 404, as Salesforce answers it.
 */
import { OrgContext } from './context';
import { RestCaller, MAX_API_VERSION, MIN_API_VERSION } from './rest-auth';
import { SalesforceRestError, restErrors } from './errors';
import { notAllowed } from './rest-common';
import { createRow, deleteRow, readByExternalId, readRow, updateRow, upsertRow } from './rest-sobjects';
import { batchSizeFrom, queryPage, runQuery } from './rest-query';
import { recordUrl } from './record-render';
import { describeSObject } from './describe';
import { collectionsSubrequest } from './rest-collections';
import { orgLimits } from './rest-limits';
import { searchAnswer } from './rest-search';
import { countDescribe } from './describe-count';

export interface SubCall {
  method: string;
  /** Path and query, `/services/data/vXX.X/...`. */
  url: string;
  body: unknown;
  /** Lower-cased names. */
  headers: Record<string, string>;
}

export interface SubAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What a write's body must be: a JSON object, else the deserializer's error. */
function objectBody(body: unknown, what: string): () => Record<string, unknown> {
  return () => {
    if (body === undefined || body === null)
      throw restErrors.jsonParser('The HTTP entity body is required, but this request has no entity body.');
    if (typeof body !== 'object' || Array.isArray(body))
      throw restErrors.jsonParser(
        `Cannot deserialize instance of ${what} from ${Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING'} or request may be missing a required field`,
      );
    return body as Record<string, unknown>;
  };
}

function route(ctx: OrgContext, caller: RestCaller, call: SubCall, path: string[], query: URLSearchParams): SubAnswer {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}): SubAnswer => ({
    status,
    body,
    headers,
  });
  const only = (...allowed: string[]) => {
    if (!allowed.includes(call.method)) throw notAllowed(call.method, allowed);
  };
  const [head, type, a, b, ...rest] = path;
  if (rest.length === 0 && (head === 'query' || head === 'queryAll') && type === undefined) {
    only('GET');
    const batchSize = batchSizeFrom(call.headers['sforce-query-options']);
    return answer(200, runQuery(ctx, caller, { soql: query.get('q') ?? undefined, resource: head, batchSize }));
  }
  if (rest.length === 0 && (head === 'query' || head === 'queryAll') && type !== undefined && a === undefined) {
    only('GET');
    return answer(200, queryPage(ctx, caller, type, head, batchSizeFrom(call.headers['sforce-query-options'])));
  }
  if ((head === 'limits' || head === 'search') && type === undefined) {
    only('GET');
    return answer(200, head === 'limits' ? orgLimits(ctx) : searchAnswer(ctx, caller, query.get('q') ?? undefined));
  }
  if (head === 'composite' && type === 'sobjects')
    return answer(200, collectionsSubrequest(ctx, caller, call.method, path.slice(2), query, call.body));
  if (head !== 'sobjects' || type === undefined || rest.length > 0) throw restErrors.notFound();
  const obj = ctx.schemaFor(caller).find(type);
  if (!obj) throw restErrors.notFound();
  const fields = query.get('fields')?.split(',');
  if (a === undefined) {
    only('POST');
    const id = createRow(ctx, caller, obj, objectBody(call.body, obj.name)());
    const location = recordUrl(obj, id, caller.apiVersion);
    return answer(201, { id, success: true, errors: [] }, { Location: location });
  }
  if (b === undefined && a === 'describe') {
    only('GET');
    return answer(200, describeSObject(obj, caller.apiVersion));
  }
  if (b === undefined) {
    only('GET', 'PATCH', 'DELETE');
    if (call.method === 'GET') return answer(200, readRow(ctx, caller, obj, a, fields));
    if (call.method === 'PATCH')
      updateRow(ctx, caller, obj, a, objectBody(call.body, obj.name), call.headers['if-unmodified-since']);
    else deleteRow(ctx, caller, obj, a);
    return answer(204, null);
  }
  only('GET', 'PATCH');
  if (call.method === 'GET') {
    const found = readByExternalId(ctx, caller, obj, a, b, fields);
    return answer(found.status, found.body);
  }
  const up = upsertRow(ctx, caller, obj, a, b, objectBody(call.body, obj.name));
  return answer(up.status, up.body);
}

/** Run one subrequest; a Salesforce error is its answer (status and error array), never the whole call's. */
export function runSubrequest(ctx: OrgContext, caller: RestCaller, call: SubCall): SubAnswer {
  const answer = subrequestAnswer(ctx, caller, call);
  countDescribe(ctx.stats, call.url, answer.status);
  return answer;
}

function subrequestAnswer(ctx: OrgContext, caller: RestCaller, call: SubCall): SubAnswer {
  try {
    const url = new URL(call.url, 'http://local-org.invalid');
    const m = /^\/services\/data\/v(\d+)\.0(\/.*)?$/.exec(url.pathname);
    const version = m ? Number(m[1]) : NaN;
    if (!m || version < MIN_API_VERSION || version > MAX_API_VERSION) throw restErrors.notFound();
    const path = (m[2] ?? '')
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
    return route(ctx, { ...caller, apiVersion: `${version}.0` }, call, path, url.searchParams);
  } catch (err) {
    if (err instanceof URIError) return { status: 400, body: restErrors.badUrl().toBody(), headers: {} };
    if (!(err instanceof SalesforceRestError)) throw err;
    return { status: err.status, body: err.toBody(), headers: {} };
  }
}
