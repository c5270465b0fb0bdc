/**
 * The Composite resource, `POST /services/data/vXX.X/composite` (REST API Developer Guide, "Composite"): up to 25
 * subrequests in one call, one call against the API limits, answered 200 with `{compositeResponse: [{body,
 * httpHeaders, httpStatusCode, referenceId}]}` in request order. With `allOrNone` the subrequests run in one
 * transaction: one failure rolls back all of them, and the others answer PROCESSING_HALTED. Subrequests take
 * their own `httpHeaders` (not Accept, Authorization or Content-Type), so a PATCH can carry If-Unmodified-Since.
 *
 * The local org takes the subrequests a sync client sends: PATCH and DELETE of sObject Rows
 * (`/services/data/vXX.X/sobjects/{Type}/{id}`). Another url, or a reference (`@{ref.field}`), is refused whole
 * with a 400 that names it.
 */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { SalesforceRestError, restErrors } from './errors';
import { RestCaller } from './rest-auth';
import { V, jsonBody, resource } from './rest-common';
import { compositeResources } from './composite-resources';
import { deleteRow, updateRow } from './rest-sobjects';
import { sendJson } from './json-reply';

export const MAX_SUBREQUESTS = 25;
const FORBIDDEN_HEADERS = ['accept', 'authorization', 'content-type'];
const HALTED = {
  errorCode: 'PROCESSING_HALTED',
  message: 'The transaction was rolled back since another operation in the same transaction failed.',
};

interface Subrequest {
  method: 'PATCH' | 'DELETE';
  type: string;
  id: string;
  referenceId: string;
  body: unknown;
  headers: Record<string, string>;
}

interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const bad = (message: string) => new SalesforceRestError(400, 'INVALID_INPUT', message);

/** The whole body checked before anything runs: a malformed subrequest fails the call and writes nothing. */
function readComposite(raw: Record<string, unknown>): { allOrNone: boolean; subrequests: Subrequest[] } {
  for (const key of Object.keys(raw))
    if (key !== 'allOrNone' && key !== 'compositeRequest' && key !== 'collateSubrequests')
      throw restErrors.jsonParser(`Unrecognized field "${key}": expected "allOrNone" and "compositeRequest"`);
  if (raw.allOrNone !== undefined && typeof raw.allOrNone !== 'boolean')
    throw restErrors.jsonParser('"allOrNone" must be true or false');
  const list = raw.compositeRequest;
  if (!Array.isArray(list) || list.length === 0)
    throw bad('compositeRequest: an array of 1 to 25 subrequests is required');
  if (list.length > MAX_SUBREQUESTS)
    throw bad(`compositeRequest: ${list.length} subrequests; a composite request takes at most ${MAX_SUBREQUESTS}`);
  const seen = new Set<string>();
  const subrequests = list.map((s: unknown, i): Subrequest => {
    const at = `compositeRequest[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw bad(`${at}: must be a JSON object`);
    const sub = s as Record<string, unknown>;
    const { method, url, referenceId, httpHeaders } = sub;
    if (typeof referenceId !== 'string' || !/^[A-Za-z0-9_]{1,80}$/.test(referenceId))
      throw bad(`${at}.referenceId: letters, digits and underscores are required`);
    if (seen.has(referenceId)) throw bad(`${at}.referenceId: "${referenceId}" is used twice`);
    seen.add(referenceId);
    if (method !== 'PATCH' && method !== 'DELETE')
      throw bad(
        `${at}.method: the local org's composite takes PATCH and DELETE of sObject Rows, not ${String(method)}`,
      );
    if (typeof url !== 'string') throw bad(`${at}.url: a resource url is required`);
    if (url.includes('@{')) throw bad(`${at}.url: references between subrequests are not supported by the local org`);
    const m = /^\/services\/data\/v\d+\.\d\/sobjects\/([A-Za-z0-9_]+)\/([A-Za-z0-9]{15,18})$/.exec(url);
    if (!m)
      throw bad(
        `${at}.url: the local org's composite takes sObject Rows urls (/services/data/vXX.X/sobjects/{Type}/{id}): ${url.slice(0, 200)}`,
      );
    const headers: Record<string, string> = {};
    if (httpHeaders !== undefined) {
      if (typeof httpHeaders !== 'object' || httpHeaders === null || Array.isArray(httpHeaders))
        throw bad(`${at}.httpHeaders: must be an object of header names and values`);
      for (const [name, value] of Object.entries(httpHeaders)) {
        if (FORBIDDEN_HEADERS.includes(name.toLowerCase()))
          throw bad(`${at}.httpHeaders: ${name} is taken from the top-level request; leave it out of subrequests`);
        if (typeof value !== 'string') throw bad(`${at}.httpHeaders.${name}: must be a string`);
        headers[name.toLowerCase()] = value;
      }
    }
    return { method, type: m[1], id: m[2], referenceId, body: sub.body, headers };
  });
  return { allOrNone: raw.allOrNone === true, subrequests };
}

function runOne(ctx: OrgContext, caller: RestCaller, s: Subrequest): SubResult {
  const done = (httpStatusCode: number, body: unknown): SubResult => ({
    body,
    httpHeaders: {},
    httpStatusCode,
    referenceId: s.referenceId,
  });
  try {
    const obj = ctx.schemaFor(caller).find(s.type);
    if (!obj) throw restErrors.notFound();
    if (s.method === 'PATCH') {
      const body = () => {
        if (typeof s.body !== 'object' || s.body === null || Array.isArray(s.body))
          throw restErrors.jsonParser('The HTTP entity body is required, but this request has no entity body.');
        return s.body as Record<string, unknown>;
      };
      updateRow(ctx, caller, obj, s.id, body, s.headers['if-unmodified-since']);
    } else deleteRow(ctx, caller, obj, s.id);
    return done(204, null);
  } catch (err) {
    if (!(err instanceof SalesforceRestError)) throw err;
    return done(err.status, err.toBody());
  }
}

class RollBack extends Error {}

/** Register `/composite`. */
export async function registerRestComposite(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/composite`, `${V}/composite/`], {
    GET: (_req, reply, caller) => sendJson(reply, 200, compositeResources(caller.apiVersion)),
    POST: (req, reply, caller) => {
      const { allOrNone, subrequests } = readComposite(jsonBody(req, 'CompositeRequest'));
      let results: SubResult[] = [];
      if (!allOrNone) results = subrequests.map((s) => runOne(ctx, caller, s));
      else {
        try {
          ctx.store.transaction(() => {
            results = subrequests.map((s) => runOne(ctx, caller, s));
            if (results.some((r) => r.httpStatusCode >= 400)) throw new RollBack();
          });
        } catch (err) {
          if (!(err instanceof RollBack)) throw err;
          results = results.map((r) => (r.httpStatusCode >= 400 ? r : { ...r, body: [HALTED], httpStatusCode: 400 }));
        }
      }
      sendJson(reply, 200, { compositeResponse: results });
    },
  });
}
