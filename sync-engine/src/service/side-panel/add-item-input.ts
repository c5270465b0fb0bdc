/** Checking a `POST /api/side-panel/add` body: every field named in its error, limits before anything is sent. */
import { AddItemRequest, RecordRef, RelatedRecord } from '../contract';
import { serviceErrors } from '../errors';
import { isIsoDateTime } from '../add-email';
import { isObj, parseAddress, parseItemKey, MAX_PEOPLE } from './people-input';

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** A body of more than this is refused before it is cut (the request's own limit is 1 MB). */
const MAX_BODY = 512 * 1024;
const WHAT_TYPES: Array<RelatedRecord['type']> = ['Account', 'Opportunity', 'Case'];

const when = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || !isIsoDateTime(v))
    throw serviceErrors.invalid(field, 'required: ISO 8601 with an offset, e.g. 2026-03-05T14:30:00Z');
  return v;
};

function recordRef(v: unknown, field: string): RecordRef {
  if (!isObj(v)) throw serviceErrors.invalid(field, 'must be an object {"id", "name"}');
  if (typeof v.id !== 'string' || !ID.test(v.id))
    throw serviceErrors.invalid(`${field}.id`, 'required: a Salesforce record id (15 or 18 characters)');
  if (typeof v.name !== 'string') throw serviceErrors.invalid(`${field}.name`, "required: the record's name");
  return { id: v.id, name: v.name.slice(0, 255) };
}

function addresses(v: unknown, field: string): Array<{ address: string; name: string | null }> {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw serviceErrors.invalid(field, 'must be a list of {"address", "name"}');
  if (v.length > MAX_PEOPLE) throw serviceErrors.invalid(field, `at most ${MAX_PEOPLE} addresses`);
  return v.map((a, i) => parseAddress(a, `${field}[${i}]`));
}

export function parseAddItem(body: unknown): AddItemRequest {
  if (!isObj(body)) throw serviceErrors.bodyRequired();
  if (body.kind !== 'email' && body.kind !== 'meeting')
    throw serviceErrors.invalid('kind', '"email" (Add Email) or "meeting" (Add meeting)');
  const kind = body.kind;
  const itemKey = parseItemKey(body.itemKey);
  if (typeof body.subject !== 'string') throw serviceErrors.invalid('subject', 'required: the subject (may be "")');
  if (body.body !== undefined && body.body !== null && typeof body.body !== 'string')
    throw serviceErrors.invalid('body', "must be the item's text");
  const text = typeof body.body === 'string' ? body.body : '';
  if (text.length > MAX_BODY) throw serviceErrors.invalid('body', `at most ${MAX_BODY} characters are accepted`);
  const start = when(body.start, 'start');
  const end = kind === 'meeting' ? when(body.end, 'end') : null;
  if (end !== null && Date.parse(end) < Date.parse(start))
    throw serviceErrors.invalid('end', 'must not be before start');
  if (body.location !== undefined && body.location !== null && typeof body.location !== 'string')
    throw serviceErrors.invalid('location', 'must be text or null');
  const from = body.from === undefined || body.from === null ? null : parseAddress(body.from, 'from');
  if (!Array.isArray(body.who) || body.who.length === 0)
    throw serviceErrors.invalid('who', 'required: the Contact or Lead to add it to, as [{"id", "name"}]');
  if (body.who.length > MAX_PEOPLE) throw serviceErrors.invalid('who', `at most ${MAX_PEOPLE} people`);
  const who = body.who.map((w, i) => recordRef(w, `who[${i}]`));
  let what: AddItemRequest['what'] = null;
  if (body.what !== undefined && body.what !== null) {
    const ref = recordRef(body.what, 'what');
    const type = (body.what as Record<string, unknown>).type;
    if (typeof type !== 'string' || !WHAT_TYPES.includes(type as RelatedRecord['type']))
      throw serviceErrors.invalid('what.type', `one of ${WHAT_TYPES.join(', ')}`);
    what = { ...ref, type: type as RelatedRecord['type'] };
  }
  return {
    kind,
    itemKey,
    subject: body.subject,
    body: text,
    start,
    end,
    location: typeof body.location === 'string' && body.location.trim() !== '' ? body.location.trim() : null,
    from,
    to: addresses(body.to, 'to'),
    cc: addresses(body.cc, 'cc'),
    who,
    what,
  };
}
