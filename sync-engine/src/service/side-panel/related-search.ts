/** "What" found by search: Accounts, open Opportunities and open Cases whose name has the words typed. One SOSL search. */
import { Connection } from '../../salesforce/connection';
import { RelatedRecord } from '../contract';
import { serviceErrors } from '../errors';
import { soslEscape } from './people-lookup';

const MAX_QUERY = 100;
const EACH = 10;

export function parseRelatedQuery(q: unknown): string {
  const text = typeof q === 'string' ? q.trim() : '';
  if (text.length < 2) throw serviceErrors.invalid('q', 'required: at least 2 characters of a name to search for');
  if (text.length > MAX_QUERY) throw serviceErrors.invalid('q', `at most ${MAX_QUERY} characters`);
  return text;
}

export async function searchRelated(conn: Connection, q: string): Promise<RelatedRecord[]> {
  // Each word as typed, and as the start of a longer word ("comp" finds "Compilers").
  const term = q
    .split(/\s+/)
    .map((w) => `${soslEscape(w)}*`)
    .join(' AND ');
  const res = await conn.request<{ searchRecords?: Array<Record<string, unknown>> }>({
    method: 'GET',
    path: conn.dataPath('/search'),
    params: {
      q:
        `FIND {${term}} IN ALL FIELDS RETURNING Account(Id, Name ORDER BY Name LIMIT ${EACH}), ` +
        `Opportunity(Id, Name WHERE IsClosed = false ORDER BY Name LIMIT ${EACH}), ` +
        `Case(Id, CaseNumber, Subject WHERE IsClosed = false ORDER BY CaseNumber LIMIT ${EACH})`,
    },
  });
  return (res.data?.searchRecords ?? []).map((r) => {
    const type = (r.attributes as { type: RelatedRecord['type'] }).type;
    const name =
      type === 'Case'
        ? [r.CaseNumber, r.Subject].filter((v) => typeof v === 'string' && v).join(' ')
        : String(r.Name ?? '');
    return { type, id: String(r.Id), name };
  });
}
