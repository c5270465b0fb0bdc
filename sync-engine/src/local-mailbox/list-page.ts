/**
 * List pages by key. A list (contacts of a folder, events, a calendar view, task lists, tasks) is read in its own
 * order (id, or start then id for instances) from the key of the last item the previous page examined, which
 * travels in the nextLink as an opaque, signed `$skiptoken` beside the request's other options. So a page reads
 * about `$top` items, whatever the size of the folder and however deep the page (a page once read the folder
 * whole: 170 ms at 18,500 contacts for `?$top=10`), and an item deleted from a page already read does not make the
 * next page skip one, as an offset would.
 *
 * - `$filter`: a page examines at most `listScanLimit` items; past it the page ends short (even empty), with a
 *   nextLink that goes on from there (Graph's clients follow nextLink until there is none, whatever a page holds).
 * - `$skip` from a client: jumped over by the list's index when it has one and nothing is filtered; otherwise
 *   counted among the items examined.
 * - `$orderby`: the order is the sort values, then the list's own key; a page reads the list whole (the sort is
 *   on rendered properties, which no index holds) and keeps only the `$top` first items after the last one sent.
 */
import crypto from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import { MailboxContext } from './context';
import { graphErrors } from './errors';
import { Filter, matches, parseFilter } from './filter';
import { sendJson } from './http';
import { contextUrl, graphLink, preferredPageSize, wholeNumber } from './paging';
import { Obj } from './properties';
import {
  OrderBy,
  SortValue,
  applySelect,
  compareSortValues,
  parseOrderBy,
  parseSelect,
  sortValues,
} from './query-options';
import { readSignedToken, signToken } from './signed-token';

/** Where an item sits in its list's own order: `[id]`, or `[start, id]` for a calendar's instances. */
export type ListKey = Array<string | number>;

export interface ListItem {
  key: ListKey;
  /** The item as Graph renders it (before `$select`). */
  entity: Obj;
}

/** How many items a page expects to take first, and the most it will examine (so a source reads no more). */
export interface ReadHint {
  first: number;
  most: number;
}

/** A list in its own order. */
export interface ListSource {
  /** The items after `after` (from the start when undefined), in key order, read as they are iterated. */
  items(after: ListKey | undefined, hint: ReadHint): Iterable<ListItem>;
  /** The key of the `count`-th item after `after`, found without reading items; undefined when fewer follow. */
  skipKey?(after: ListKey | undefined, count: number): ListKey | undefined;
}

export interface ListRequest {
  /** The link path of the list (`/me/contacts`). */
  path: string;
  /** The `@odata.context` fragment (`users('ann%40demo.example')/contacts`). */
  context: string;
  /** The query as parsed (lower-case names). */
  query: Map<string, string>;
  entityType: string;
  /** The properties `$select`, `$filter` and `$orderby` may name. */
  properties: readonly string[];
}

/** The query options every list takes (a list adds its own, like a calendar window). */
export const LIST_OPTIONS = ['$select', '$top', '$skip', '$filter', '$orderby', '$skiptoken'] as const;

/** What a skip token carries: the query it belongs to, the last key (and sort values) examined, what is left to skip. */
interface ListState {
  k: 'l';
  q: string;
  a?: ListKey;
  v?: SortValue[];
  s: number;
}

interface Page {
  items: Obj[];
  next?: Omit<ListState, 'k' | 'q'>;
}

/** Options a link carries as they are; the position and page size are the link's own. */
const POSITION_OPTIONS = new Set(['$top', '$skip', '$skiptoken']);

/** Send one page of a list, with a nextLink when more may follow. */
export function sendListPage(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: MailboxContext,
  list: ListRequest,
  source: ListSource,
): void {
  const { options, store } = ctx;
  const q = list.query;
  const top =
    wholeNumber(q.get('$top'), '$top', 1, options.maxPageSize) ??
    preferredPageSize(req, options.maxPageSize) ??
    options.defaultPageSize;
  const filter = parseFilter(q.get('$filter'), list.properties, list.entityType);
  const order = parseOrderBy(q.get('$orderby'), list.properties, list.entityType);
  const select = parseSelect(q.get('$select'), list.properties, list.entityType);
  const fingerprint = queryFingerprint(req, list);
  const token = q.get('$skiptoken');
  const state: ListState =
    token === undefined
      ? { k: 'l', q: fingerprint, s: wholeNumber(q.get('$skip'), '$skip', 0, Number.MAX_SAFE_INTEGER) ?? 0 }
      : readListToken(store.tokenSecret, token, fingerprint);
  const page = order
    ? orderedPage(source, state, top, filter, order)
    : keyedPage(source, state, top, filter, Math.max(options.listScanLimit, top));

  const body: Obj = {
    '@odata.context': contextUrl(req, list.context),
    value: page.items.map((e) => applySelect(e, select)),
  };
  if (page.next) {
    const names = new Map(Object.keys((req.query ?? {}) as object).map((k) => [k.toLowerCase(), k]));
    const carried = [...q.entries()]
      .filter(([k]) => !POSITION_OPTIONS.has(k))
      .map(([k, v]): [string, string] => [names.get(k) ?? k, v]);
    const next: ListState = { k: 'l', q: fingerprint, ...page.next };
    body['@odata.nextLink'] = graphLink(req, list.path, [
      ...carried,
      ['$top', String(top)],
      ['$skiptoken', signToken(store.tokenSecret, next)],
    ]);
  }
  sendJson(reply, 200, body);
}

/** A page in the list's own order: from the key after the last one examined. */
function keyedPage(
  source: ListSource,
  state: ListState,
  top: number,
  filter: Filter | undefined,
  scanLimit: number,
): Page {
  let after = state.a;
  let skip = state.s;
  if (skip > 0 && !filter && source.skipKey) {
    after = source.skipKey(after, skip);
    if (after === undefined) return { items: [] };
    skip = 0;
  }
  const items: Obj[] = [];
  let examined = 0;
  let last = after;
  const hint = { first: top + 1 + (filter ? 0 : skip), most: scanLimit + 1 };
  for (const item of source.items(after, hint)) {
    // An item past a full page: more follow.
    if (items.length === top) return { items, next: { a: last, s: 0 } };
    if (examined === scanLimit) return { items, next: { a: last, s: skip } };
    examined += 1;
    last = item.key;
    if (filter && !matches(item.entity, filter)) continue;
    if (skip > 0) {
      skip -= 1;
      continue;
    }
    items.push(item.entity);
  }
  return { items };
}

interface Ranked {
  values: SortValue[];
  key: ListKey;
  entity: Obj;
}

/** A page in `$orderby` order: the list read whole, keeping the first items after the last one sent. */
function orderedPage(
  source: ListSource,
  state: ListState,
  top: number,
  filter: Filter | undefined,
  order: OrderBy,
): Page {
  const rank = (a: { values: SortValue[]; key: ListKey }, b: { values: SortValue[]; key: ListKey }) =>
    compareSortValues(order, a.values, b.values) || compareKeys(a.key, b.key);
  const after = state.v && state.a ? { values: state.v, key: state.a } : undefined;
  const keep = top + state.s + 1;
  const best: Ranked[] = [];
  for (const item of source.items(undefined, { first: 1000, most: Infinity })) {
    if (filter && !matches(item.entity, filter)) continue;
    const r: Ranked = { values: sortValues(order, item.entity), key: item.key, entity: item.entity };
    if (after && rank(r, after) <= 0) continue;
    if (best.length === keep && rank(r, best[keep - 1]) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rank(best[mid], r) < 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, r);
    if (best.length > keep) best.pop();
  }
  const rest = best.slice(state.s);
  const items = rest.slice(0, top);
  if (rest.length <= top) return { items: items.map((r) => r.entity) };
  const lastSent = items[items.length - 1];
  return { items: items.map((r) => r.entity), next: { a: lastSent.key, v: lastSent.values, s: 0 } };
}

/** Keys compare part by part: numbers by value, ids as SQLite orders them (binary). */
export function compareKeys(a: ListKey, b: ListKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** What a skip token is bound to: the mailbox, the list and its options other than position and page size. */
function queryFingerprint(req: FastifyRequest, list: ListRequest): string {
  const options = [...list.query.entries()]
    .filter(([k]) => !POSITION_OPTIONS.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify([req.mailbox?.no ?? 0, list.path.toLowerCase(), options]);
  return crypto.createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

function readListToken(secret: Buffer, token: string, fingerprint: string): ListState {
  const s = readSignedToken(secret, token) as ListState | undefined;
  const keyOk = (k: unknown) =>
    k === undefined || (Array.isArray(k) && k.every((p) => typeof p === 'string' || typeof p === 'number'));
  if (
    !s ||
    s.k !== 'l' ||
    s.q !== fingerprint ||
    !Number.isInteger(s.s) ||
    s.s < 0 ||
    !keyOk(s.a) ||
    (s.v !== undefined && !Array.isArray(s.v))
  ) {
    throw graphErrors.badRequest(
      'The $skiptoken is not valid for this request: follow the @odata.nextLink as it was given.',
    );
  }
  return s;
}

/** The link path of the list a request reads (`/me/contactFolders/{id}/contacts`), as the client wrote it. */
export function listPath(req: FastifyRequest): string {
  return req.url.split('?')[0].replace(/^\/v1\.0/i, '');
}
