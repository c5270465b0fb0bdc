/**
 * Graph collections page by `@odata.nextLink`; a delta round pages the same way and ends with a page
 * carrying `@odata.deltaLink`, the checkpoint for the next round (WIRE.md sections 8.2, 9.3, 10.3).
 * Query parameters go on the first request only; links are followed verbatim, with the same `Prefer`
 * header on every page.
 */
import { GraphHttp, GraphRequest } from './http';
import { GraphApiError, notGraph, withoutQuery } from './errors';

export const DEFAULT_PAGE_SIZE = 100;

export interface CollectionPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface PageOptions {
  query?: GraphRequest['query'];
  /** The first page, already read (in a `$batch` with other reads). */
  first?: unknown;
  /** `Prefer: odata.maxpagesize=N`. */
  maxPageSize?: number;
  /** More preferences, e.g. `outlook.timezone="UTC"`. */
  prefer?: string[];
}

/** An item a delta round reports as gone (deleted, or moved out of the folder). */
export interface RemovedItem {
  id: string;
  /** `deleted` for Outlook items; directory objects also say `changed`. */
  reason: string;
}

export interface DeltaPage<T> {
  changed: T[];
  removed: RemovedItem[];
}

export interface DeltaResult<T> extends DeltaPage<T> {
  /** Save it once the changes are stored; pass it to the next round. */
  deltaLink: string;
}

/** Every page of a collection, in order, following `@odata.nextLink` until there is none. */
export async function* pages<T>(http: GraphHttp, path: string, o: PageOptions = {}): AsyncGenerator<T[], void> {
  let next: string | undefined = path;
  let query = o.query;
  const seen = new Set<string>();
  while (next !== undefined) {
    const page: CollectionPage<T> = await fetchPage<T>(http, next, query, o);
    yield page.value;
    next = followNext(page, next, seen);
    query = undefined;
  }
}

/** All items of a collection. */
export async function listAll<T>(http: GraphHttp, path: string, o: PageOptions = {}): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages<T>(http, path, o)) items.push(...page);
  return items;
}

/**
 * One delta round, page by page: starts at `path` with `o.query`, or at a saved deltaLink; yields each
 * page's changes and returns the round's final deltaLink.
 */
export async function* deltaPages<T extends { id?: string }>(
  http: GraphHttp,
  start: { path: string } | { deltaLink: string },
  o: PageOptions = {},
): AsyncGenerator<DeltaPage<T>, string> {
  let next: string = 'deltaLink' in start ? start.deltaLink : start.path;
  let query = 'deltaLink' in start ? undefined : o.query;
  const seen = new Set<string>();
  let first = o.first;
  for (;;) {
    const page: CollectionPage<T & { '@removed'?: { reason?: string } }> =
      first !== undefined ? checkedPage(http, next, query, first) : await fetchPage(http, next, query, o);
    first = undefined;
    yield splitRemoved(page.value);
    query = undefined;
    const nextLink = followNext(page, next, seen);
    if (nextLink !== undefined) {
      next = nextLink;
      continue;
    }
    const deltaLink = page['@odata.deltaLink'];
    if (typeof deltaLink !== 'string' || deltaLink === '') {
      throw notGraph({
        method: 'GET',
        url: http.resolve(next),
        status: 200,
        what: 'a delta page with neither @odata.nextLink nor @odata.deltaLink',
      });
    }
    // Checked now, not on the next round: a checkpoint that cannot be followed is no checkpoint.
    http.resolve(deltaLink);
    return deltaLink;
  }
}

/** A whole delta round: every change, every removal, and the deltaLink for the next round. */
export async function readDelta<T>(round: AsyncGenerator<DeltaPage<T>, string>): Promise<DeltaResult<T>> {
  const changed: T[] = [];
  const removed: RemovedItem[] = [];
  for (;;) {
    const step = await round.next();
    if (step.done) return { changed, removed, deltaLink: step.value };
    changed.push(...step.value.changed);
    removed.push(...step.value.removed);
  }
}

function splitRemoved<T extends { id?: string; '@removed'?: { reason?: string } }>(items: T[]): DeltaPage<T> {
  const changed: T[] = [];
  const removed: RemovedItem[] = [];
  for (const item of items) {
    if (item['@removed'] !== undefined && item['@removed'] !== null) {
      removed.push({ id: String(item.id), reason: String(item['@removed'].reason ?? 'deleted') });
    } else {
      changed.push(item);
    }
  }
  return { changed, removed };
}

async function fetchPage<T>(
  http: GraphHttp,
  path: string,
  query: PageOptions['query'],
  o: PageOptions,
): Promise<CollectionPage<T>> {
  return checkedPage<T>(http, path, query, await http.get<CollectionPage<T>>(path, { query, prefer: preferOf(o) }));
}

/** The `Prefer` preferences of a collection's requests. */
export function preferOf(o: PageOptions): string[] {
  return [...(o.maxPageSize ? [`odata.maxpagesize=${o.maxPageSize}`] : []), ...(o.prefer ?? [])];
}

function checkedPage<T>(
  http: GraphHttp,
  path: string,
  query: PageOptions['query'],
  answer: unknown,
): CollectionPage<T> {
  const page = answer as CollectionPage<T>;
  if (!page || typeof page !== 'object' || !Array.isArray(page.value)) {
    throw notGraph({
      method: 'GET',
      url: http.resolve(path, query),
      status: 200,
      what: 'a collection answer without value[]',
    });
  }
  return page;
}

/** The next page's link, refusing one that leads back to a page already read (a loop). */
function followNext(page: CollectionPage<unknown>, current: string, seen: Set<string>): string | undefined {
  const next = page['@odata.nextLink'];
  if (typeof next !== 'string' || next === '') return undefined;
  seen.add(current);
  if (seen.has(next)) {
    throw new GraphApiError({
      kind: 'other',
      code: 'PAGING_LOOP',
      statusCode: 200,
      url: withoutQuery(next),
      message: 'the mailbox returned a nextLink to a page already read',
    });
  }
  return next;
}
