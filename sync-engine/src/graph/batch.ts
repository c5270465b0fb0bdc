/**
 * Graph's JSON batching (`POST /v1.0/$batch`): up to 20 requests in one round trip, each answered with its own
 * status. One answer per request, in the order given: its body, or the GraphApiError the same request alone would
 * have failed with (errors.ts). Each request is retried as a request of its own would be (failures/retry-plan.ts):
 * a 429 after its Retry-After (a throttled request was not carried out, so even a create goes again), a 5xx only
 * when sending it twice does no harm (a GET or a DELETE); the retried ones go again together, in a new batch.
 * The batch itself goes through the mailbox's transport (auth, retry of the whole batch on 429, and on a 5xx or a
 * reset when it holds only reads; refresh on 401).
 */
import { GraphHttp, GraphRequest } from './http';
import { GraphApiError, fromResponse, notGraph } from './errors';
import { planRetry } from '../failures/retry-plan';

/** Graph's limit of requests in one batch. */
export const BATCH_LIMIT = 20;

/** Outlook's limit of requests in flight at once per mailbox: a batch's requests count one by one. */
export const BATCHES_IN_FLIGHT = 4;

export type BatchAnswer<T = unknown> =
  { ok: true; status: number; data: T; headers: Record<string, string> } | { ok: false; error: GraphApiError };

interface WireAnswer {
  id?: unknown;
  status?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** Send up to BATCH_LIMIT requests in one `$batch` (and retry what may be retried); one answer per request. */
export async function sendBatch(http: GraphHttp, requests: GraphRequest[]): Promise<BatchAnswer[]> {
  if (requests.length > BATCH_LIMIT) throw new RangeError(`at most ${BATCH_LIMIT} requests a batch`);
  const answers: Array<BatchAnswer | undefined> = new Array(requests.length);
  let pending = requests.map((_, i) => i);
  for (let retryNumber = 1; pending.length > 0; retryNumber++) {
    const got = await sendOnce(
      http,
      pending.map((i) => requests[i]),
    );
    const again: number[] = [];
    let waitMs = 0;
    got.forEach((answer, k) => {
      const i = pending[k];
      answers[i] = answer;
      if (answer.ok || retryNumber > http.retryOptions.maxRetries) return;
      const plan = planRetry(
        {
          method: requests[i].method,
          status: answer.error.statusCode,
          retryAfterMs: answer.error.retryAfterMs,
          replayable: true,
          retryNumber,
        },
        http.retryOptions,
      );
      if (!plan.retry) return;
      again.push(i);
      waitMs = Math.max(waitMs, plan.delayMs);
    });
    if (again.length) {
      http.stats.retries += again.length;
      await http.retryOptions.sleep(waitMs);
    }
    pending = again;
  }
  return answers as BatchAnswer[];
}

/** One `$batch` round trip: each request's answer, by its id. */
async function sendOnce(http: GraphHttp, requests: GraphRequest[]): Promise<BatchAnswer[]> {
  const url = http.resolve('/$batch');
  const res = await http.request<{ responses?: unknown }>({
    method: 'POST',
    path: '/$batch',
    body: { requests: requests.map((r, i) => wireRequest(http, r, String(i + 1))) },
    // A batch of reads is sent again on a 5xx or a reset as a read is; one with a write is not.
    idempotent: requests.every((r) => r.method.toUpperCase() === 'GET'),
  });
  const list = res.data?.responses;
  if (!Array.isArray(list))
    throw notGraph({ method: 'POST', url, status: res.status, what: 'a batch answer without responses[]' });
  const byId = new Map<string, WireAnswer>();
  for (const a of list as WireAnswer[]) if (a && typeof a === 'object') byId.set(String(a.id), a);
  return requests.map((r, i) => {
    const a = byId.get(String(i + 1));
    const status = Number(a?.status);
    if (!a || !Number.isInteger(status))
      return {
        ok: false,
        error: notGraph({ method: r.method, url, status: res.status, what: `no answer to ${i + 1}` }),
      };
    const headers = lowerKeys(a.headers);
    if (status >= 200 && status < 300) return { ok: true, status, data: a.body, headers };
    const error = fromResponse(
      { status, headers, data: a.body === undefined ? '' : a.body },
      { method: r.method.toUpperCase(), url: http.resolve(r.path, r.query), nowMs: http.retryOptions.now() },
    );
    return { ok: false, error };
  });
}

/** A request as a batch carries it: a url relative to the version root, its headers, its body. */
function wireRequest(http: GraphHttp, r: GraphRequest, id: string): Record<string, unknown> {
  const headers: Record<string, string> = {};
  if (r.prefer?.length) headers.Prefer = r.prefer.join(', ');
  if (r.ifMatch) headers['If-Match'] = r.ifMatch;
  if (r.body !== undefined) headers['Content-Type'] = 'application/json';
  return {
    id,
    method: r.method.toUpperCase(),
    url: relativeUrl(http, r),
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
  };
}

/** `/me/contacts?...` for a path or a link the mailbox gave (a deltaLink): what follows the version root. */
export function relativeUrl(http: GraphHttp, r: Pick<GraphRequest, 'path' | 'query'>): string {
  const absolute = http.resolve(r.path, r.query);
  if (absolute.startsWith(`${http.root}/`)) return absolute.slice(http.root.length);
  const u = new URL(absolute);
  return u.pathname + u.search; // a link's own query (its $deltatoken) goes with it
}

function lowerKeys(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object')
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}
