/**
 * Pieces every kind of query shares: the compile state, the WHERE with its recycle-bin and owner filters,
 * LIMIT/OFFSET, ORDER BY terms and select-item paths.
 */
import { FieldType, OrderByClause, Query } from '@jetstreamapp/soql-parser-js';
import { SObjectDef } from '../schema';
import { QueryText } from './query-text';
import { Aliases, ResolvedField, Scope, isLongText, isText } from './field-paths';
import { FilterContext, notDeleted, whereSql } from './where';
import { SqlValue } from './literals';
import { queryErrors } from './query-errors';
import { Viewer, VisibleRows } from '../visibility';
import { OrgSchema } from '../org-schema';

export interface CompileOptions {
  /** The org clock's now, for TODAY and LAST_N_DAYS:n. */
  now: Date;
  /** queryAll: include records in the recycle bin. */
  includeDeleted: boolean;
  /** Whose query it is: every object it touches shows only the records they may see. Absent: every record. */
  viewer?: Viewer;
  /** The org's objects and fields (org-schema.ts); absent: schema.ts with its custom fields. */
  schema?: OrgSchema;
}

/** What every clause compiler needs about the statement being compiled. */
export interface Compiling {
  ast: Query;
  text: QueryText;
  obj: SObjectDef;
  options: CompileOptions;
  aliases: Aliases;
  /** The viewer's visibility, for every scope of the statement (visibility.ts). */
  visible: VisibleRows;
}

/** The SOQL path a select item names (`Name`, `Profile.Name`, `c.Name`). */
export function fieldPath(f: FieldType): string | undefined {
  if (f.type === 'Field') return 'objectPrefix' in f && f.objectPrefix ? `${f.objectPrefix}.${f.field}` : f.field;
  if (f.type === 'FieldRelationship')
    return [...('objectPrefix' in f && f.objectPrefix ? [f.objectPrefix] : []), ...f.relationships, f.field].join('.');
  return undefined;
}

/** `WHERE ...` with the recycle-bin and visibility filters, or '' when nothing filters. Pushes parameters. */
export function filterClause(c: Compiling, scope: Scope, params: SqlValue[]): string {
  const conditions: string[] = [];
  if (!c.options.includeDeleted) {
    const deleted = notDeleted(scope);
    if (deleted) conditions.push(deleted);
  }
  const visible = scope.visibleSql();
  if (visible) conditions.push(visible);
  if (c.ast.where) {
    const ctx: FilterContext = { text: c.text, now: c.options.now, aliases: c.aliases, visible: c.visible, params };
    conditions.push(whereSql(c.ast.where, scope, ctx, true));
  }
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/** ` LIMIT ? OFFSET ?` (SQLite needs a LIMIT before OFFSET; -1 is none). Pushes parameters. */
export function limitClause(ast: Query, params: SqlValue[]): string {
  if (ast.limit === undefined && ast.offset === undefined) return '';
  params.push(ast.limit ?? -1, ast.offset ?? 0);
  return ' LIMIT ? OFFSET ?';
}

export function orderByItems(ast: Query): OrderByClause[] {
  if (!ast.orderBy) return [];
  return Array.isArray(ast.orderBy) ? ast.orderBy : [ast.orderBy];
}

/** One ORDER BY field: text sorts case-insensitively; Salesforce's null placement is SQLite's default. */
export function orderTerm(
  f: ResolvedField,
  order: string | undefined,
  nulls: string | undefined,
  c: Compiling,
): string {
  if (isLongText(f.field)) throw queryErrors.notSortable(f.field.name, c.text.at(f.canonical, 'ORDER'));
  const dir = order?.toUpperCase() === 'DESC' ? ' DESC' : ' ASC';
  const placement = nulls ? ` NULLS ${nulls.toUpperCase() === 'LAST' ? 'LAST' : 'FIRST'}` : '';
  return `${f.column}${isText(f.field) ? ' COLLATE NOCASE' : ''}${dir}${placement}`;
}
