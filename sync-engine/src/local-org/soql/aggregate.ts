/**
 * Aggregate queries: COUNT(field), COUNT_DISTINCT, MIN, MAX, SUM, AVG, with optional GROUP BY. Rows come back
 * as `{"attributes":{"type":"AggregateResult"}, <grouped fields>, expr0: n}` (WIRE.md 3.4), in one page.
 */
import { FieldFunctionExpression, FieldType, GroupByClause } from '@jetstreamapp/soql-parser-js';
import { FieldDef, isNumeric } from '../schema';
import { Scope, isText } from './field-paths';
import { SqlValue } from './literals';
import { AggregateColumn } from './render';
import { queryErrors } from './query-errors';
import type { AggregatePlan } from './compile';
import { Compiling, fieldPath, filterClause, limitClause, orderByItems, orderTerm } from './clauses';
import { viewerParams } from '../visibility';

const AGGREGATES: Record<string, (column: string) => string> = {
  COUNT: (col) => `COUNT(${col})`,
  COUNT_DISTINCT: (col) => `COUNT(DISTINCT ${col})`,
  MIN: (col) => `MIN(${col})`,
  MAX: (col) => `MAX(${col})`,
  SUM: (col) => `SUM(${col})`,
  AVG: (col) => `AVG(${col})`,
};

export function isAggregateField(f: FieldType): boolean {
  return f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() in AGGREGATES;
}

interface Aggregate {
  sql: string;
  /** The field whose type renders the result (MIN/MAX keep the field's type); undefined for numbers. */
  field?: FieldDef;
}

function aggregateSql(fn: { functionName?: string; parameters?: unknown[] }, scope: Scope, c: Compiling): Aggregate {
  const name = (fn.functionName ?? '').toUpperCase();
  const build = AGGREGATES[name];
  const param = fn.parameters?.length === 1 ? fn.parameters[0] : undefined;
  if (!build || typeof param !== 'string')
    throw queryErrors.unsupported(`${fn.functionName ?? 'This function'}()`, c.text.at(fn.functionName ?? ''));
  const f = scope.resolve(param, () => c.text.at(param));
  if ((name === 'SUM' || name === 'AVG') && !isNumeric(f.field)) {
    throw queryErrors.malformed(`field ${f.field.name} does not support aggregate operator ${name}`, c.text.at(param));
  }
  return { sql: build(f.column), field: name === 'MIN' || name === 'MAX' ? f.field : undefined };
}

function groupByItems(c: Compiling): GroupByClause[] {
  const g = c.ast.groupBy;
  return !g ? [] : Array.isArray(g) ? g : [g];
}

export function compileAggregate(c: Compiling): AggregatePlan {
  const scope = new Scope(c.obj, c.aliases, c.visible, c.ast.sObjectAlias);
  const groups = groupByItems(c).map((g) => {
    if (!('field' in g)) throw queryErrors.unsupported('GROUP BY a function', c.text.at('GROUP'));
    return scope.resolve(g.field, () => c.text.at(g.field, 'GROUP'));
  });
  const grouped = new Set(groups.map((g) => g.canonical.toLowerCase()));
  const exprs: string[] = [];
  const columns: AggregateColumn[] = [];
  let unnamed = 0;
  for (const item of c.ast.fields ?? []) {
    if (item.type === 'FieldFunctionExpression') {
      const agg = aggregateSql(item as FieldFunctionExpression, scope, c);
      exprs.push(agg.sql);
      columns.push({
        key: item.alias ?? `expr${unnamed++}`,
        field: agg.field,
        aggregate: { fn: item.functionName.toUpperCase(), text: item.rawValue ?? `${item.functionName}()` },
      });
      continue;
    }
    const path = fieldPath(item);
    if (path === undefined) throw queryErrors.unsupported(item.type, c.text.at('SELECT'));
    const f = scope.resolve(path, () => c.text.at(path));
    if (!grouped.has(f.canonical.toLowerCase())) throw queryErrors.notGrouped(f.field.name, c.text.at(path));
    exprs.push(f.column);
    columns.push({ key: ('alias' in item && item.alias) || f.field.name, field: f.field });
  }
  const params: SqlValue[] = [];
  const where = filterClause(c, scope, params);
  const groupBy = groups.length
    ? ` GROUP BY ${groups.map((g) => `${g.column}${isText(g.field) ? ' COLLATE NOCASE' : ''}`).join(', ')}`
    : '';
  const order = orderByItems(c.ast).map((o) => {
    if ('fn' in o) {
      const dir = o.order?.toUpperCase() === 'DESC' ? ' DESC' : ' ASC';
      return `${aggregateSql(o.fn, scope, c).sql}${dir}${o.nulls ? ` NULLS ${o.nulls.toUpperCase() === 'LAST' ? 'LAST' : 'FIRST'}` : ''}`;
    }
    const f = scope.resolve(o.field, () => c.text.at(o.field, 'ORDER'));
    if (!grouped.has(f.canonical.toLowerCase()))
      throw queryErrors.notGrouped(f.field.name, c.text.at(o.field, 'ORDER'));
    return orderTerm(f, o.order, o.nulls, c);
  });
  const orderBy = order.length ? ` ORDER BY ${order.join(', ')}` : '';
  const limit = limitClause(c.ast, params);
  const sql = `SELECT ${exprs.join(', ')} FROM ${scope.fromSql()}${where}${groupBy}${orderBy}${limit}`;
  return {
    kind: 'aggregate',
    obj: c.obj,
    grouped: groups.length > 0,
    rows: { sql, params, named: viewerParams(c.options.viewer) },
    columns,
  };
}
