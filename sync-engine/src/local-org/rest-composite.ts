/**
 * The Composite resource, `POST /services/data/vXX.X/composite` (REST API Developer Guide, "Composite"): up to 25
 * subrequests in one call, one call against the API limits, answered 200 with `{compositeResponse: [{body,
 * httpHeaders, httpStatusCode, referenceId}]}` in request order. A subrequest may use an earlier one's answer
 * through `@{referenceId.field}` (composite-references.ts); one whose reference cannot be filled (the earlier
 * subrequest failed) is not run and answers PROCESSING_HALTED. With `allOrNone` the subrequests run in one
 * transaction: the first failure rolls back all of them, and every other answers PROCESSING_HALTED.
 * `collateSubrequests` is accepted (it only lets Salesforce reorder independent work; this org runs in order).
 * Subrequests take their own `httpHeaders` (not Accept, Authorization or Content-Type), so a PATCH can carry
 * If-Unmodified-Since. What a subrequest may call is composite-subrequest.ts's list.
 */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { SalesforceRestError, restErrors } from './errors';
import { RestCaller } from './rest-auth';
import { V, jsonBody, resource } from './rest-common';
import { compositeResources } from './composite-resources';
import { SubAnswer, runSubrequest } from './composite-subrequest';
import { UnresolvedReference, fillReferences, referencedIds } from './composite-references';
import { sendJson } from './json-reply';

export const MAX_SUBREQUESTS = 25;
/** Of the 25, how many may be queries or sObject Collections (Salesforce's limit). */
export const MAX_QUERY_SUBREQUESTS = 5;
const FORBIDDEN_HEADERS = ['accept', 'authorization', 'content-type'];
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
const HALTED = {
  errorCode: 'PROCESSING_HALTED',
  message: 'The transaction was rolled back since another operation in the same transaction failed.',
};

interface Subrequest {
  method: string;
  url: string;
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

/** A subrequest's `httpHeaders`, lower-cased; the top-level request's own headers may not be overridden. */
export function subrequestHeaders(httpHeaders: unknown, at: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (httpHeaders === undefined) return headers;
  if (typeof httpHeaders !== 'object' || httpHeaders === null || Array.isArray(httpHeaders))
    throw bad(`${at}.httpHeaders: must be an object of header names and values`);
  for (const [name, value] of Object.entries(httpHeaders)) {
    if (FORBIDDEN_HEADERS.includes(name.toLowerCase()))
      throw bad(`${at}.httpHeaders: ${name} is taken from the top-level request; leave it out of subrequests`);
    if (typeof value !== 'string') throw bad(`${at}.httpHeaders.${name}: must be a string`);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Whether a url is a query or an sObject Collections call (at most 5 of those a composite). */
const isQueryLike = (url: string) =>
  /^\/services\/data\/v[^/]+\/(query|queryAll|composite\/sobjects)(\/|\?|$)/.test(url);

/** The whole body checked before anything runs: a malformed subrequest fails the call and writes nothing. */
function readComposite(raw: Record<string, unknown>): { allOrNone: boolean; subrequests: Subrequest[] } {
  for (const key of Object.keys(raw))
    if (key !== 'allOrNone' && key !== 'compositeRequest' && key !== 'collateSubrequests')
      throw restErrors.jsonParser(
        `Unrecognized field "${key}": expected "allOrNone", "collateSubrequests" and "compositeRequest"`,
      );
  for (const flag of ['allOrNone', 'collateSubrequests'])
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean')
      throw restErrors.jsonParser(`"${flag}" must be true or false`);
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
    if (typeof method !== 'string' || !METHODS.includes(method))
      throw bad(`${at}.method: one of ${METHODS.join(', ')} is required, not ${String(method)}`);
    if (typeof url !== 'string' || !url.startsWith('/services/data/'))
      throw bad(`${at}.url: a resource url starting /services/data/vXX.X/ is required`);
    for (const ref of referencedIds([url, sub.body]))
      if (!seen.has(ref))
        throw bad(`${at}: the reference @{${ref}...} names no earlier subrequest; a subrequest may only refer back`);
    seen.add(referenceId);
    return { method, url, referenceId, body: sub.body, headers: subrequestHeaders(httpHeaders, at) };
  });
  const queries = subrequests.filter((s) => isQueryLike(s.url)).length;
  if (queries > MAX_QUERY_SUBREQUESTS)
    throw bad(
      `compositeRequest: ${queries} query or sObject Collections subrequests; a composite request takes at most ${MAX_QUERY_SUBREQUESTS}`,
    );
  return { allOrNone: raw.allOrNone === true, subrequests };
}

function unresolved(e: UnresolvedReference): SubAnswer {
  return {
    status: 400,
    headers: {},
    body: [
      {
        errorCode: 'PROCESSING_HALTED',
        message: `Invalid reference specified. No value for ${e.referenceId}${e.path} found in ${e.referenceId}. Provided referenceId ('${e.referenceId}') must refer to an earlier subrequest that succeeded.`,
      },
    ],
  };
}

/** A client that percent-encodes its url encodes the references too: `%40%7Bref.id%7D` is `@{ref.id}`. */
function decodeReferences(url: string): string {
  return url.replace(/%40%7B([A-Za-z0-9_.%[\]]+?)%7D/gi, (m, r: string) => {
    try {
      return `@{${decodeURIComponent(r)}}`;
    } catch {
      return m;
    }
  });
}

/** Run the subrequests in order; `stopAtFailure` (allOrNone) leaves the rest unrun. */
function runAll(ctx: OrgContext, caller: RestCaller, subrequests: Subrequest[], stopAtFailure: boolean): SubResult[] {
  const answers = new Map<string, unknown>();
  const results: SubResult[] = [];
  for (const s of subrequests) {
    let answer: SubAnswer;
    try {
      const url = fillReferences(decodeReferences(s.url), answers);
      const body = fillReferences(s.body, answers);
      answer = runSubrequest(ctx, caller, { method: s.method, url, body, headers: s.headers });
    } catch (err) {
      if (!(err instanceof UnresolvedReference)) throw err;
      answer = unresolved(err);
    }
    if (answer.status < 400) answers.set(s.referenceId, answer.body);
    results.push({
      body: answer.body,
      httpHeaders: answer.headers,
      httpStatusCode: answer.status,
      referenceId: s.referenceId,
    });
    if (stopAtFailure && answer.status >= 400) break;
  }
  return results;
}

class RollBack extends Error {}

/** Register `/composite`. */
export async function registerRestComposite(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/composite`, `${V}/composite/`], {
    GET: (_req, reply, caller) => sendJson(reply, 200, compositeResources(caller.apiVersion)),
    POST: (req, reply, caller) => {
      const { allOrNone, subrequests } = readComposite(jsonBody(req, 'CompositeRequest'));
      let results: SubResult[] = [];
      if (!allOrNone) results = ctx.store.transaction(() => runAll(ctx, caller, subrequests, false));
      else {
        try {
          ctx.store.transaction(() => {
            results = runAll(ctx, caller, subrequests, true);
            if (results.some((r) => r.httpStatusCode >= 400)) throw new RollBack();
          });
        } catch (err) {
          if (!(err instanceof RollBack)) throw err;
          results = subrequests.map((s, i) => {
            const r = results[i];
            if (r && r.httpStatusCode >= 400) return r;
            return { body: [HALTED], httpHeaders: {}, httpStatusCode: 400, referenceId: s.referenceId };
          });
        }
      }
      sendJson(reply, 200, { compositeResponse: results });
    },
  });
}
