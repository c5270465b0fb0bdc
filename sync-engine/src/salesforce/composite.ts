/**
 * The Composite resource (`POST /composite`): up to 25 subrequests in one call, one call against the API limits,
 * each answered with its own status and body, in request order. What a sync needs of it: sObject Rows writes
 * that carry their own headers (If-Unmodified-Since), which sObject Collections cannot; and every object's read of
 * an idle run in one call (`query` subrequests; unlike `composite/batch`, whose subrequests count one by one).
 */
import { Connection } from './connection';
import { SalesforceApiError, kindOf, notSalesforce } from './errors';

export const COMPOSITE_LIMIT = 25;

export interface Subrequest {
  method: 'GET' | 'PATCH' | 'DELETE';
  /** A path under the data API (`/sobjects/Contact/003...`); the version is added. */
  path: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

export interface SubResult {
  referenceId: string;
  httpStatusCode: number;
  /** Null for a 204; Salesforce's error array for a failure. */
  body: unknown;
}

/**
 * Send at most COMPOSITE_LIMIT subrequests in one call. With `allOrNone` they run in one transaction: one failure
 * rolls back all of them. Only a failure of the whole call rejects.
 */
export async function composite(conn: Connection, subrequests: Subrequest[], allOrNone: boolean): Promise<SubResult[]> {
  if (subrequests.length > COMPOSITE_LIMIT) throw new RangeError(`at most ${COMPOSITE_LIMIT} subrequests a call`);
  const res = await conn.request<unknown>({
    method: 'POST',
    path: conn.dataPath('/composite'),
    // Safe to send again: its writes are conditional (a PATCH already carried out fails its precondition, a DELETE
    // already carried out finds nothing) and the caller reads what a record holds before it concludes anything.
    idempotent: true,
    body: {
      allOrNone,
      compositeRequest: subrequests.map((s) => ({
        method: s.method,
        url: conn.dataPath(s.path),
        referenceId: s.referenceId,
        ...(s.body !== undefined ? { body: s.body } : {}),
        ...(s.httpHeaders ? { httpHeaders: s.httpHeaders } : {}),
      })),
    },
  });
  const list = (res.data as { compositeResponse?: unknown } | undefined)?.compositeResponse;
  if (!Array.isArray(list) || list.length !== subrequests.length)
    throw notSalesforce(conn.instanceUrl, res.status, `a composite answer without ${subrequests.length} results`);
  return list.map((r: Record<string, unknown>, i) => ({
    referenceId: typeof r.referenceId === 'string' ? r.referenceId : subrequests[i].referenceId,
    httpStatusCode: Number(r.httpStatusCode),
    body: r.body ?? null,
  }));
}

/** The first `{errorCode, message}` of a failed subrequest's body. */
export function subrequestError(r: SubResult): { errorCode: string; message: string; fields: string[] } {
  const first = Array.isArray(r.body) ? (r.body[0] as Record<string, unknown> | undefined) : undefined;
  return {
    errorCode: String(first?.errorCode ?? `HTTP_${r.httpStatusCode}`),
    message: String(first?.message ?? `HTTP ${r.httpStatusCode}`),
    fields: Array.isArray(first?.fields) ? (first.fields as unknown[]).map(String) : [],
  };
}

/** A failed subrequest as the error its call would have thrown alone. */
export function subrequestApiError(r: SubResult): SalesforceApiError {
  const e = subrequestError(r);
  return new SalesforceApiError({
    errorCode: e.errorCode,
    message: e.message,
    kind: kindOf(e.errorCode, r.httpStatusCode),
    status: r.httpStatusCode,
    fields: e.fields,
  });
}
