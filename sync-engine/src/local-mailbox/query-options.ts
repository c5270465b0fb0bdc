/**
 * OData query options: the query string read case-insensitively (`startdatetime` = `startDateTime`), `$select`,
 * `$top`/`$skip`, and a small `$filter`: `eq`/`ne` comparisons joined by `and`/`or`, with parentheses and
 * lambda `any` over a collection (`emailAddresses/any(a:a/address eq 'grace@navy.example')`). A system query
 * option a route does not support is a 400 rather than silently ignored.
 */
import { FastifyRequest } from 'fastify';
import { graphErrors } from './errors';
import { Obj } from './properties';

/** The query parameters by lower-case name; a `$` option a route does not take, or one given twice, is a 400. */
export function queryOf(req: FastifyRequest, supported: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const allowed = new Set(supported.map((s) => s.toLowerCase()));
  for (const [key, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    const name = key.toLowerCase();
    if (Array.isArray(value) || out.has(name)) throw graphErrors.badRequest(`Query option '${key}' was specified more than once but it must be specified at most once.`);
    if (name.startsWith('$') && !allowed.has(name)) {
      throw graphErrors.badRequest(`Query option '${key}' is not supported by this resource in the local mailbox (supported: ${supported.filter((s) => s.startsWith('$')).join(', ') || 'none'}).`);
    }
    out.set(name, String(value));
  }
  return out;
}

/** `$select=displayName,emailAddresses` checked against the entity's properties. */
export function parseSelect(value: string | undefined, known: readonly string[], entityType: string): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  return names.map((n) => {
    const found = byLower.get(n.toLowerCase());
    if (!found) throw graphErrors.badRequest(`Could not find a property named '${n}' on type 'microsoft.graph.${entityType}'.`);
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

type Literal = string | number | boolean | null;
export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'eq' | 'ne'; path: string[]; value: Literal }
  | { op: 'any'; path: string[]; inner: Filter };

const TOKEN = /\s*(?:(\()|(\))|(:)|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)(?![\w/])|([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*))/y;

/** Parse a `$filter` expression; names are checked against the entity's properties. */
export function parseFilter(text: string | undefined, known: readonly string[], entityType: string): Filter | undefined {
  if (text === undefined) return undefined;
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      if (text.slice(start).trim() === '') break;
      throw invalid(text);
    }
    tokens.push(m[0].trim());
  }
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t.toLowerCase() !== expected)) throw invalid(text);
    return t;
  };
  const literal = (): Literal => {
    const t = take();
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (/^-?\d/.test(t)) return Number(t);
    throw invalid(text);
  };
  const property = (path: string, lambdaVar?: string): string[] => {
    const parts = path.split('/');
    if (lambdaVar !== undefined) {
      if (parts[0] !== lambdaVar) throw invalid(text);
      return parts.slice(1);
    }
    const found = byLower.get(parts[0].toLowerCase());
    if (!found) throw graphErrors.badRequest(`Could not find a property named '${parts[0]}' on type 'microsoft.graph.${entityType}'.`);
    return [found, ...parts.slice(1)];
  };
  const comparison = (lambdaVar?: string): Filter => {
    const path = take();
    if (!/^[A-Za-z_]/.test(path)) throw invalid(text);
    if (/\/any$/i.test(path) && lambdaVar === undefined) {
      const collection = property(path.slice(0, -4));
      take('(');
      const v = take();
      take(':');
      const inner = or(v);
      take(')');
      return { op: 'any', path: collection, inner };
    }
    const op = take().toLowerCase();
    if (op !== 'eq' && op !== 'ne') throw graphErrors.badRequest(`Invalid filter clause: the local mailbox supports eq and ne comparisons only (got '${op}').`);
    return { op, path: property(path, lambdaVar), value: literal() };
  };
  const primary = (lambdaVar?: string): Filter => {
    if (peek() === '(') {
      take('(');
      const f = or(lambdaVar);
      take(')');
      return f;
    }
    return comparison(lambdaVar);
  };
  const and = (lambdaVar?: string): Filter => {
    let f = primary(lambdaVar);
    while (peek()?.toLowerCase() === 'and') {
      take();
      f = { op: 'and', left: f, right: primary(lambdaVar) };
    }
    return f;
  };
  const or = (lambdaVar?: string): Filter => {
    let f = and(lambdaVar);
    while (peek()?.toLowerCase() === 'or') {
      take();
      f = { op: 'or', left: f, right: and(lambdaVar) };
    }
    return f;
  };
  const f = or();
  if (i !== tokens.length) throw invalid(text);
  return f;
}

function invalid(text: string) {
  return graphErrors.badRequest(`Invalid filter clause: ${text}`);
}

function resolve(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path) v = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj)[p] : undefined;
  return v;
}

function equal(a: unknown, b: Literal): boolean {
  // Exchange compares strings without regard to case.
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return (a ?? null) === b;
}

/** Whether an entity (as rendered) satisfies a filter. */
export function matches(entity: unknown, f: Filter): boolean {
  switch (f.op) {
    case 'and':
      return matches(entity, f.left) && matches(entity, f.right);
    case 'or':
      return matches(entity, f.left) || matches(entity, f.right);
    case 'eq':
      return equal(resolve(entity, f.path), f.value);
    case 'ne':
      return !equal(resolve(entity, f.path), f.value);
    case 'any': {
      const list = resolve(entity, f.path);
      return Array.isArray(list) && list.some((item) => matches(item, f.inner));
    }
  }
}

/** `$orderby=start/dateTime desc,subject`: a comparator over rendered entities (nulls first, as OData sorts them). */
export function parseOrderBy(value: string | undefined, known: readonly string[], entityType: string): ((a: Obj, b: Obj) => number) | undefined {
  if (value === undefined) return undefined;
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const keys = value.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw graphErrors.badRequest(`Invalid $orderby clause: ${value}`);
    const [head, ...rest] = m[1].split('/');
    const found = byLower.get(head.toLowerCase());
    if (!found) throw graphErrors.badRequest(`Could not find a property named '${head}' on type 'microsoft.graph.${entityType}'.`);
    return { path: [found, ...rest], sign: m[2]?.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : 1);
  return (a, b) => {
    for (const k of keys) {
      const x = resolve(a, k.path);
      const y = resolve(b, k.path);
      const c = rank(x) - rank(y) || (rank(x) === 0 ? 0
        : typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y, 'en', { sensitivity: 'base' }) : x! < y! ? -1 : x! > y! ? 1 : 0);
      if (c !== 0) return c * k.sign;
    }
    return 0;
  };
}

/** A list's `$filter`, `$orderby` and `$select` applied to its rendered entities. */
export function shapeList(entities: Obj[], q: Map<string, string>, known: readonly string[], entityType: string): Obj[] {
  const filter = parseFilter(q.get('$filter'), known, entityType);
  const order = parseOrderBy(q.get('$orderby'), known, entityType);
  const select = parseSelect(q.get('$select'), known, entityType);
  const kept = filter ? entities.filter((e) => matches(e, filter)) : entities;
  if (order) kept.sort(order);
  return kept.map((e) => applySelect(e, select));
}
