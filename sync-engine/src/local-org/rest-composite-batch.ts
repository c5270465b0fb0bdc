/**
 * Composite Batch, `POST /services/data/vXX.X/composite/batch` (REST API Developer Guide, "Composite Batch"): up
 * to 25 independent subrequests `{method, url, richInput}` (urls relative to `/services/data/`, `vXX.X/...`), each
 * a call against the API limits (unlike `/composite`: "Each subrequest counts against rate limits"), answered 200 with `{hasErrors, results: [{statusCode, result}]}` in request order.
 * Each subrequest commits on its own. With `haltOnError`, a subrequest answering 400 or more stops the batch and
 * every later one answers 412 BATCH_PROCESSING_HALTED. A malformed body is a 400 before anything runs. What a
 * subrequest may call is composite-subrequest.ts's list.
 */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { SalesforceRestError, restErrors } from './errors';
import { V, jsonBody, resource } from './rest-common';
import { runSubrequest } from './composite-subrequest';
import { MAX_SUBREQUESTS } from './rest-composite';
import { sendJson } from './json-reply';
import { countRequest } from './rest-auth';

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
const HALTED = [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }];

interface BatchSubrequest {
  method: string;
  url: string;
  body: unknown;
}

const bad = (message: string) => new SalesforceRestError(400, 'INVALID_INPUT', message);

function readBatch(raw: Record<string, unknown>): { haltOnError: boolean; subrequests: BatchSubrequest[] } {
  for (const key of Object.keys(raw))
    if (key !== 'batchRequests' && key !== 'haltOnError')
      throw restErrors.jsonParser(`Unrecognized field "${key}": expected "batchRequests" and "haltOnError"`);
  if (raw.haltOnError !== undefined && typeof raw.haltOnError !== 'boolean')
    throw restErrors.jsonParser('"haltOnError" must be true or false');
  const list = raw.batchRequests;
  if (!Array.isArray(list) || list.length === 0)
    throw bad('batchRequests: an array of 1 to 25 subrequests is required');
  if (list.length > MAX_SUBREQUESTS)
    throw bad(`batchRequests: ${list.length} subrequests; a batch takes at most ${MAX_SUBREQUESTS}`);
  const subrequests = list.map((s: unknown, i): BatchSubrequest => {
    const at = `batchRequests[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw bad(`${at}: must be a JSON object`);
    const { method, url, richInput, binaryPartName } = s as Record<string, unknown>;
    if (typeof method !== 'string' || !METHODS.includes(method.toUpperCase()))
      throw bad(`${at}.method: one of ${METHODS.join(', ')} is required, not ${String(method)}`);
    if (binaryPartName !== undefined)
      throw bad(`${at}.binaryPartName: binary parts are not supported by the local org`);
    if (typeof url !== 'string' || !/^(\/services\/data\/)?v\d+\.\d/.test(url))
      throw bad(`${at}.url: a url relative to /services/data/ (vXX.X/...) is required`);
    const full = url.startsWith('/') ? url : `/services/data/${url}`;
    return { method: method.toUpperCase(), url: full, body: richInput };
  });
  return { haltOnError: raw.haltOnError === true, subrequests };
}

/** Register `/composite/batch`. */
export async function registerRestCompositeBatch(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/composite/batch`, `${V}/composite/batch/`], {
    POST: (req, reply, caller) => {
      const { haltOnError, subrequests } = readBatch(jsonBody(req, 'BatchRequest'));
      const results: Array<{ statusCode: number; result: unknown }> = [];
      let halted = false;
      for (const s of subrequests) {
        if (halted) {
          results.push({ statusCode: 412, result: HALTED });
          continue;
        }
        // The gate counted the batch as the first subrequest's call; each further one is a call of its own.
        if (results.length > 0 && !countRequest(ctx).ok) {
          const limit = restErrors.requestLimitExceeded();
          results.push({ statusCode: limit.status, result: limit.toBody() });
          if (haltOnError) halted = true;
          continue;
        }
        // Each subrequest is its own transaction: an unexpected error never leaves one half written.
        const answer = ctx.store.transaction(() => runSubrequest(ctx, caller, { ...s, headers: {} }));
        results.push({ statusCode: answer.status, result: answer.body });
        if (haltOnError && answer.status >= 400) halted = true;
      }
      sendJson(reply, 200, { hasErrors: results.some((r) => r.statusCode >= 400), results });
    },
  });
}
