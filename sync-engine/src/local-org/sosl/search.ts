/**
 * Running a search: each RETURNING object becomes a SOQL query (its fields, WHERE and ORDER BY) compiled by the SOQL
 * compiler, so a search sees exactly the records a query would (visibility.ts, deleted records left out); the
 * records it lists are then kept where the term matches the fields the scope searches, and LIMIT and OFFSET apply.
 */
import Database from 'better-sqlite3';
import { FieldDef, SObjectDef } from '../schema';
import { OrgSchema } from '../org-schema';
import { quoteIdent, tableName } from '../store';
import { SalesforceRestError } from '../errors';
import { Viewer } from '../visibility';
import { compileSoql, RecordsPlan } from '../soql/compile';
import { JsonRecord, renderRow } from '../soql/render';
import { Returning, SearchScope, SoslStatement } from './parse';
import { SearchTerm, parseSearchTerm, termMatcher } from './search-term';
import { searchErrors } from './search-errors';

/** Salesforce returns at most this many records per search. */
export const MAX_SEARCH_RECORDS = 2000;
const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url']);
const CHUNK = 500;
/** Objects whose people's first and last names are name fields of their own. */
const PERSON_OBJECTS = new Set(['Contact', 'User', 'Lead']);

export interface SearchContext {
  db: Database.Database;
  now: Date;
  viewer: Viewer;
  apiVersion: string;
  /** The objects and fields this caller sees (custom fields an org was given, field-level access). */
  schema: OrgSchema;
}

/** The fields a scope searches on an object. */
export function searchedFields(obj: SObjectDef, scope: SearchScope): FieldDef[] {
  return obj.fields.filter((f) => {
    switch (scope) {
      case 'NAME':
        return f.nameField === true || (PERSON_OBJECTS.has(obj.name) && /^(First|Last)Name$/.test(f.name));
      case 'EMAIL':
        return f.type === 'email';
      case 'PHONE':
        return f.type === 'phone';
      default:
        return TEXT_TYPES.has(f.type);
    }
  });
}

/** The objects a search without RETURNING covers: the records users own. */
function defaultReturning(schema: OrgSchema): Returning[] {
  return schema.sobjects.filter((o) => o.owned).map((o) => ({ object: o.name, fields: '', where: '', orderBy: '' }));
}

/** A SOQL error's text without its pointer into the SOQL we built (it would point at text the caller never wrote). */
function withoutPointer(err: unknown): unknown {
  if (!(err instanceof SalesforceRestError)) return err;
  const message = err.message.replace(/^[\s\S]*ERROR at Row:\d+:Column:\d+\n/, '');
  return new SalesforceRestError(err.status, err.errorCode, message, err.fields);
}

function plan(item: Returning, obj: SObjectDef, ctx: SearchContext): RecordsPlan {
  const soql =
    `SELECT ${item.fields || 'Id'} FROM ${obj.name}` +
    (item.where ? ` WHERE ${item.where}` : '') +
    (item.orderBy ? ` ORDER BY ${item.orderBy}` : '');
  let compiled;
  try {
    compiled = compileSoql(soql, { now: ctx.now, includeDeleted: false, viewer: ctx.viewer, schema: ctx.schema });
  } catch (err) {
    throw withoutPointer(err);
  }
  if (compiled.kind !== 'records' || compiled.obj.name !== obj.name)
    throw searchErrors.malformed(`RETURNING ${item.object}: expected a list of fields of ${obj.name}`);
  return compiled;
}

/** The ids among `ids` whose searched fields match, in order, stopping once `wanted` are found. */
function matchingIds(
  ctx: SearchContext,
  obj: SObjectDef,
  fields: FieldDef[],
  term: SearchTerm,
  ids: string[],
  wanted: number,
): string[] {
  if (fields.length === 0) return [];
  const matches = termMatcher(term);
  const read = ctx.db.prepare(
    `SELECT "Id", ${fields.map((f) => quoteIdent(f.name)).join(', ')} FROM ${tableName(obj)} WHERE "Id" IN (SELECT value FROM json_each(?))`,
  );
  const out: string[] = [];
  for (let start = 0; start < ids.length && out.length < wanted; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const rows = new Map(
      (read.all(JSON.stringify(chunk)) as Array<Record<string, unknown>>).map((r) => [r.Id as string, r]),
    );
    for (const id of chunk) {
      const row = rows.get(id);
      if (!row) continue;
      const values = fields
        .filter((f) => typeof row[f.name] === 'string' && row[f.name] !== '')
        .map((f) => ({ value: row[f.name] as string, phone: f.type === 'phone' }));
      if (matches(values)) out.push(id);
      if (out.length >= wanted) break;
    }
  }
  return out;
}

function render(ctx: SearchContext, p: RecordsPlan, ids: string[]): JsonRecord[] {
  if (ids.length === 0) return [];
  const rows = ctx.db.prepare(p.page.sql).raw().all(JSON.stringify(ids), p.page.named) as unknown[][];
  const byId = new Map(rows.map((r) => [r[0] as string, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [renderRow(p.shape, row, ctx.apiVersion)] : [];
  });
}

/** Run a parsed search: `{searchRecords: [...]}`. */
export function runSearch(statement: SoslStatement, ctx: SearchContext): { searchRecords: JsonRecord[] } {
  const term = parseSearchTerm(statement.term);
  const items = statement.returning.length ? statement.returning : defaultReturning(ctx.schema);
  // Every object is checked and compiled before any is searched: a bad clause fails the whole search.
  const plans = items.map((item) => {
    const obj = ctx.schema.find(item.object);
    if (!obj) throw searchErrors.invalidType(item.object);
    return { item, obj, plan: plan(item, obj, ctx) };
  });
  let left = Math.min(statement.limit ?? MAX_SEARCH_RECORDS, MAX_SEARCH_RECORDS);
  const searchRecords: JsonRecord[] = [];
  for (const { item, obj, plan: p } of plans) {
    if (left <= 0) break;
    const ids = ctx.db
      .prepare(p.ids.sql)
      .pluck()
      .all(...p.ids.params, p.ids.named) as string[];
    const offset = item.offset ?? 0;
    const wanted = Math.min(left, item.limit ?? left);
    const found = matchingIds(ctx, obj, searchedFields(obj, statement.scope), term, ids, offset + wanted);
    const page = found.slice(offset, offset + wanted);
    searchRecords.push(...render(ctx, p, page));
    left -= page.length;
  }
  return { searchRecords };
}
