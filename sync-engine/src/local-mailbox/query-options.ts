/**
 * OData query options: the query string read case-insensitively (`startdatetime` = `startDateTime`), `$select`
 * and `$orderby` (`$filter` has its own module, filter.ts). A system query option a route does not support is a
 * 400 rather than silently ignored.
 */
import { FastifyRequest } from 'fastify';
import { graphErrors } from './errors';
import { resolvePath } from './filter';
import { Obj } from './properties';

/** The query parameters by lower-case name; a `$` option a route does not take, or one given twice, is a 400. */
export function queryOf(req: FastifyRequest, supported: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const allowed = new Set(supported.map((s) => s.toLowerCase()));
  for (const [key, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    const name = key.toLowerCase();
    if (Array.isArray(value) || out.has(name))
      throw graphErrors.badRequest(
        `Query option '${key}' was specified more than once but it must be specified at most once.`,
      );
    if (name.startsWith('$') && !allowed.has(name)) {
      throw graphErrors.badRequest(
        `Query option '${key}' is not supported by this resource in the local mailbox (supported: ${supported.filter((s) => s.startsWith('$')).join(', ') || 'none'}).`,
      );
    }
    out.set(name, String(value));
  }
  return out;
}

/** `$select=displayName,emailAddresses` checked against the entity's properties. */
export function parseSelect(
  value: string | undefined,
  known: readonly string[],
  entityType: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  return names.map((n) => {
    const found = byLower.get(n.toLowerCase());
    if (!found)
      throw graphErrors.badRequest(
        `Could not find a property named '${n.slice(0, 100)}' on type 'microsoft.graph.${entityType}'.`,
      );
    return found;
  });
}

/** Keep annotations, `id` and the selected properties, in the entity's own order. */
export function applySelect(entity: Obj, select: readonly string[] | undefined): Obj {
  if (!select) return entity;
  const keep = new Set(select);
  const out: Obj = {};
  for (const [k, v] of Object.entries(entity)) if (k.startsWith('@') || k === 'id' || keep.has(k)) out[k] = v;
  return out;
}

/** A parsed `$orderby`: property paths, each ascending (1) or descending (-1). */
export interface OrderBy {
  keys: Array<{ path: string[]; sign: 1 | -1 }>;
}

/** A sort value as it can travel in a skip token. */
export type SortValue = string | number | boolean | null;

/** `$orderby=start/dateTime desc,subject`, checked against the entity's properties. */
export function parseOrderBy(
  value: string | undefined,
  known: readonly string[],
  entityType: string,
): OrderBy | undefined {
  if (value === undefined) return undefined;
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const keys = value.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw graphErrors.badRequest(`Invalid $orderby clause: ${value.slice(0, 200)}`);
    const [head, ...rest] = m[1].split('/');
    const found = byLower.get(head.toLowerCase());
    if (!found)
      throw graphErrors.badRequest(
        `Could not find a property named '${head.slice(0, 100)}' on type 'microsoft.graph.${entityType}'.`,
      );
    return { path: [found, ...rest], sign: (m[2]?.toLowerCase() === 'desc' ? -1 : 1) as 1 | -1 };
  });
  return { keys };
}

/** An entity's values for the sort keys (objects as their JSON text, so every value survives a token). */
export function sortValues(order: OrderBy, entity: Obj): SortValue[] {
  return order.keys.map((k) => {
    const v = resolvePath(entity, k.path);
    if (v === undefined || v === null) return null;
    return typeof v === 'object' ? JSON.stringify(v) : (v as SortValue);
  });
}

/** Compare two entities' sort values: nulls first (as OData sorts them), text without regard to case. */
export function compareSortValues(order: OrderBy, a: SortValue[], b: SortValue[]): number {
  for (let i = 0; i < order.keys.length; i++) {
    const [x, y] = [a[i], b[i]];
    const c =
      x === null || y === null
        ? (x === null ? 0 : 1) - (y === null ? 0 : 1)
        : typeof x === 'string' && typeof y === 'string'
          ? x.localeCompare(y, 'en', { sensitivity: 'base' })
          : x < y
            ? -1
            : x > y
              ? 1
              : 0;
    if (c !== 0) return c * order.keys[i].sign;
  }
  return 0;
}
