/**
 * SOQL -> parameterized SQL over the store's `sobj_<Name>` tables. A records query compiles to two
 * statements: one listing the matching ids in order (the cursor's snapshot) and one fetching a page of rows
 * by id, so reading page 50 of a 100k-row result costs as much as reading page 1. Values are never spliced
 * into SQL: every literal becomes a `?` parameter.
 */
import { FieldType, FieldTypeOf, Query } from '@jetstreamapp/soql-parser-js';
import { SObjectDef } from '../schema';
import { QueryText } from './query-text';
import { parseSoql } from './parse';
import { Aliases, Scope } from './field-paths';
import { SqlValue } from './literals';
import { RecordShape, RenderNode, AggregateColumn } from './render';
import { queryErrors } from './query-errors';
import { compileAggregate, isAggregateField } from './aggregate';
import { CompileOptions, Compiling, fieldPath, filterClause, limitClause, orderByItems, orderTerm } from './clauses';
import { viewerParams, visibleRowsOf } from '../visibility';

export type { CompileOptions } from './clauses';

export const MAX_OFFSET = 2000;
const MAX_INT = 2 ** 31 - 1;

export interface SqlStatement {
  sql: string;
  /** The `?` parameters, in order. */
  params: SqlValue[];
  /** The named parameters (`@viewer`, visibility.ts). */
  named: Record<string, string>;
}

export interface RecordsPlan {
  kind: 'records';
  obj: SObjectDef;
  /** The ids of all matching records, in result order. */
  ids: SqlStatement;
  /** Rows for a page, given one `?` parameter: a JSON array of ids. Row order is not the result order. */
  page: { sql: string; named: Record<string, string> };
  shape: RecordShape;
}

export interface CountPlan {
  kind: 'count';
  obj: SObjectDef;
  count: SqlStatement;
}

export interface AggregatePlan {
  kind: 'aggregate';
  obj: SObjectDef;
  /** Whether the query has GROUP BY (column metadata says so). */
  grouped: boolean;
  rows: SqlStatement;
  columns: AggregateColumn[];
}

export type QueryPlan = RecordsPlan | CountPlan | AggregatePlan;

/** Compile SOQL, or throw Salesforce's error for it (MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD, ...). */
export function compileSoql(soql: string, options: CompileOptions): QueryPlan {
  const text = new QueryText(soql);
  const ast = parseSoql(text);
  const aliases = new Aliases(options.schema);
  const obj = aliases.schema.find(ast.sObject ?? '');
  if (!obj) throw queryErrors.invalidType(ast.sObject ?? '', text.at(ast.sObject ?? '', 'FROM'));
  rejectUnsupported(ast, text);
  if ((ast.offset ?? 0) > MAX_OFFSET) throw queryErrors.offsetTooLarge();
  if (ast.limit !== undefined && !(Number.isSafeInteger(ast.limit) && ast.limit <= MAX_INT)) {
    // SOQL's LIMIT is a 32-bit integer; a longer number is not a token it reads.
    const token = text.after('LIMIT');
    throw queryErrors.unexpectedToken(token?.text ?? String(ast.limit), text.pointer(token?.start));
  }
  const c: Compiling = { ast, text, obj, options, aliases, visible: visibleRowsOf(options.viewer) };
  const fields = ast.fields ?? [];
  if (fields.length === 1 && isCountStar(fields[0])) return compileCount(c);
  if (fields.some(isCountStar))
    throw queryErrors.malformed('COUNT() must be the only element in the SELECT list', text.at('COUNT'));
  if (fields.some(isAggregateField) || ast.groupBy) return compileAggregate(c);
  return compileRecords(c);
}

function isCountStar(f: FieldType): boolean {
  return f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() === 'COUNT' && f.parameters.length === 0;
}

function rejectUnsupported(ast: Query, text: QueryText): void {
  if (ast.having) throw queryErrors.unsupported('HAVING', text.at('HAVING'));
  if (ast.withDataCategory) throw queryErrors.unsupported('WITH DATA CATEGORY', text.at('DATA'));
  if (ast.usingScope && ast.usingScope.toLowerCase() !== 'everything')
    throw queryErrors.unsupported(`USING SCOPE ${ast.usingScope}`, text.at('USING'));
  for (const f of ast.fields ?? []) {
    if (f.type === 'FieldSubquery')
      throw queryErrors.unsupported('A child relationship subquery', text.at(f.subquery.relationshipName));
  }
}

function compileCount(c: Compiling): CountPlan {
  const scope = new Scope(c.obj, c.aliases, c.visible, c.ast.sObjectAlias);
  const params: SqlValue[] = [];
  const where = filterClause(c, scope, params);
  const limit = limitClause(c.ast, params);
  const inner = `SELECT 1 FROM ${scope.fromSql()}${where}${limit}`;
  return {
    kind: 'count',
    obj: c.obj,
    count: { sql: `SELECT COUNT(*) FROM (${inner})`, params, named: viewerParams(c.options.viewer) },
  };
}

function compileRecords(c: Compiling): RecordsPlan {
  const select = new Scope(c.obj, c.aliases, c.visible, c.ast.sObjectAlias);
  const shape = selectShape(c, select);
  const filter = new Scope(c.obj, c.aliases, c.visible, c.ast.sObjectAlias);
  const params: SqlValue[] = [];
  const where = filterClause(c, filter, params);
  const order = orderByItems(c.ast).map((o) => {
    if (!('field' in o))
      throw queryErrors.unsupported('ORDER BY a function outside an aggregate query', c.text.at('ORDER'));
    return orderTerm(
      filter.resolve(o.field, () => c.text.at(o.field, 'ORDER')),
      o.order,
      o.nulls,
      c,
    );
  });
  // The rowid tie-break makes the order total, so a snapshot taken twice pages identically.
  order.push(`${filter.alias}.rowid`);
  const limit = limitClause(c.ast, params);
  const named = viewerParams(c.options.viewer);
  return {
    kind: 'records',
    obj: c.obj,
    ids: {
      sql: `SELECT ${filter.alias}."Id" FROM ${filter.fromSql()}${where} ORDER BY ${order.join(', ')}${limit}`,
      params,
      named,
    },
    page: {
      sql: `SELECT ${shape.columns.join(', ')} FROM ${select.fromSql()} WHERE ${select.alias}."Id" IN (SELECT value FROM json_each(?))`,
      named,
    },
    shape: { obj: c.obj, nodes: shape.nodes },
  };
}

/** The render tree and SQL columns of a records query's select list. */
function selectShape(c: Compiling, scope: Scope): { columns: string[]; nodes: RenderNode[] } {
  const columns = [`${scope.alias}."Id"`];
  const nodes: RenderNode[] = [];
  const seen = new Map<string, number>();
  const column = (sql: string) => columns.push(sql) - 1;
  for (const item of c.ast.fields ?? []) {
    if (item.type === 'FieldTypeof') {
      nodes.push(typeofNode(c, scope, item, column));
      continue;
    }
    const path = fieldPath(item);
    if (path === undefined) {
      const name = item.type === 'FieldFunctionExpression' ? item.functionName : item.type;
      throw queryErrors.unsupported(`${name}()`, c.text.at(name));
    }
    const start = c.text.find(path) ?? 0;
    if (item.type === 'Field' && item.alias)
      throw queryErrors.unexpectedToken(item.alias, c.text.pointer(c.text.find(item.alias, start + 1)));
    const f = scope.resolve(path, () => c.text.pointer(start));
    const key = f.canonical.toLowerCase();
    if (seen.has(key)) throw queryErrors.duplicateField(path, c.text.pointer(c.text.find(path, seen.get(key)! + 1)));
    seen.set(key, start);
    let list = nodes;
    for (const j of f.joins) {
      const name = j.path[j.path.length - 1];
      let parent = list.find(
        (n): n is Extract<RenderNode, { kind: 'parent' }> => n.kind === 'parent' && n.key === name,
      );
      if (!parent) {
        parent = { kind: 'parent', key: name, obj: j.obj, idColumn: column(`${j.alias}."Id"`), children: [] };
        list.push(parent);
      }
      list = parent.children;
    }
    list.push({ kind: 'field', key: f.field.name, column: column(f.column), field: f.field });
  }
  return { columns, nodes };
}

/**
 * `TYPEOF What WHEN Opportunity THEN Name, Amount ... ELSE Name END`: the parent rendered as its own object with its
 * branch's fields; ELSE fields are read through the `Name` object; a type without a branch renders attributes only.
 */
function typeofNode(
  c: Compiling,
  scope: Scope,
  item: FieldTypeOf,
  column: (sql: string) => number,
): Extract<RenderNode, { kind: 'parent' }> {
  const pointer = () => c.text.at('TYPEOF');
  // The Name join carries the id, limited to what the reader sees, so a hidden parent reads as null.
  const id = scope.resolve(`${item.field}.Id`, pointer);
  const plainFields = (list: string[]) =>
    list.map((name) => {
      if (name.includes('.')) throw queryErrors.unsupported('A relationship path inside TYPEOF', pointer());
      return name;
    });
  const byType = new Map<string, RenderNode[]>();
  let elseNodes: RenderNode[] = [];
  for (const cond of item.conditions) {
    if (cond.type === 'ELSE') {
      elseNodes = plainFields(cond.fieldList).map((name) => {
        const f = scope.resolve(`${item.field}.${name}`, pointer);
        return { kind: 'field', key: f.field.name, column: column(f.column), field: f.field };
      });
      continue;
    }
    const typed = plainFields(cond.fieldList).map((name) => {
      const f = scope.resolveTyped(item.field, cond.objectType ?? '', name, pointer);
      return { kind: 'field' as const, key: f.field.name, column: column(f.column), field: f.field };
    });
    byType.set(scope.resolveTyped(item.field, cond.objectType ?? '', 'Id', pointer).obj.name, typed);
  }
  const key = id.joins[0].path[0];
  return { kind: 'parent', key, obj: id.joins[0].obj, idColumn: column(id.column), children: elseNodes, byType };
}
