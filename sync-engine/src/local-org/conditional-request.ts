/**
 * Salesforce's If-Unmodified-Since on sObject Rows (REST API Developer Guide, "Conditional Request Headers"): a
 * PATCH is carried out only when the record has not changed since the header's date, compared with its
 * LastModifiedDate at the header's one-second resolution (an HTTP date has no fraction); otherwise 412 Precondition
 * Failed and nothing is written. An invalid header value on a PATCH or POST is a 400. The guide says DELETE
 * requests are not supported with these headers: a DELETE ignores it.
 */
import { SalesforceRestError } from './errors';
import { Row } from './store';

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Throws Salesforce's 412 when the record changed after the header's date, its 400 when the date is not one. */
export function checkUnmodifiedSince(method: string, header: string | string[] | undefined, row: Row): void {
  if (header === undefined || method === 'DELETE' || method === 'GET' || method === 'HEAD') return;
  const text = Array.isArray(header) ? header[0] : header;
  const since = IMF_FIXDATE.test(text.trim()) ? Date.parse(text) : NaN;
  if (Number.isNaN(since))
    throw new SalesforceRestError(
      400,
      'INVALID_HEADER_VALUE',
      `If-Unmodified-Since: "${text.slice(0, 64)}" is not an HTTP date; send one like "Tue, 10 Aug 2015 00:00:00 GMT"`,
    );
  const modified = Date.parse(String(row.LastModifiedDate ?? ''));
  if (Number.isNaN(modified)) return;
  // Whole seconds on both sides: a change in the same second as the date cannot be told from it.
  if (Math.floor(modified / 1000) * 1000 > since)
    throw new SalesforceRestError(
      412,
      'PRECONDITION_FAILED',
      `The record was modified after the If-Unmodified-Since date (${new Date(since).toUTCString()})`,
    );
}
