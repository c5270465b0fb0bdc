/**
 * WHERE as parameterized SQL. Every comparison compiles to a two-valued expression (never SQL NULL), so NOT
 * and NOT IN behave as in SOQL, where `Name != 'x'` also matches records whose Name is empty.
 */
import { Condition, LiteralType, Query, ValueQueryCondition, WhereClause } from '@jetstreamapp/soql-parser-js';
import { findSObject } from '../schema';
import { QueryText, logicalOperators } from './query-text';
import { CondNode, MixedOperatorError, conditionTree } from './conditions';
import { Aliases, ResolvedField, Scope, isLongText, isText } from './field-paths';
import { Operand, SqlValue, likePattern, operandFor } from './literals';
import { queryErrors } from './query-errors';
import { VisibleRows } from '../visibility';

export interface FilterContext {
  text: QueryText;
  now: Date;
  aliases: Aliases;
  /** The reader's visibility: a subquery reads only records they may see, as the outer query does. */
  visible: VisibleRows;
  /** Parameters in the order their `?` appear in the SQL being built. */
  params: SqlValue[];
}

/** `t0."IsDeleted" = 0` for objects with a recycle bin; null for those without (LoginHistory). */
export function notDeleted(scope: Scope): string | null {
  return scope.obj.fields.some((f) => f.name === 'IsDeleted') ? `${scope.alias}."IsDeleted" = 0` : null;
}

/** The SQL of a WHERE clause over the scope; `outer` for the statement's own WHERE, not a subquery's. */
export function whereSql(where: WhereClause, scope: Scope, ctx: FilterContext, outer = false): string {
  return nodeSql(tree(where, ctx.text, outer), scope, ctx);
}

function tree(where: WhereClause, text: QueryText, outer: boolean): CondNode {
  const from = text.clause('WHERE');
  try {
    // Only the outer WHERE's operators can be told apart in the text; a subquery's are skipped there.
    return conditionTree(where, outer ? logicalOperators(text, 'NOT', from).length : undefined);
  } catch (err) {
    if (!(err instanceof MixedOperatorError)) throw err;
    const offset = outer ? logicalOperators(text, err.operator, from)[err.occurrence - 1] : undefined;
    throw queryErrors.unexpectedToken(err.operator, text.pointer(offset));
  }
}

function nodeSql(node: CondNode, scope: Scope, ctx: FilterContext): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.items.map((n) => nodeSql(n, scope, ctx)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${nodeSql(node.item, scope, ctx)})`;
    case 'cond':
      if ('valueQuery' in node.cond && node.cond.valueQuery) return semiJoinSql(node.cond, scope, ctx);
      return conditionSql(node.cond as Condition, scope, ctx);
  }
}

function conditionSql(cond: Condition, scope: Scope, ctx: FilterContext): string {
  if (!('field' in cond)) {
    const fn = 'fn' in cond ? (cond.fn.functionName ?? 'function') : 'condition';
    throw queryErrors.unsupported(`${fn}() in WHERE`, ctx.text.at(fn, 'WHERE'));
  }
  const pointer = () => ctx.text.at(cond.field, 'WHERE');
  const f = scope.resolve(cond.field, pointer);
  if (isLongText(f.field)) throw queryErrors.notFilterable(f.field.name, pointer());
  const operator = cond.operator.toUpperCase().replace(/\s+/g, ' ');
  const values = Array.isArray(cond.value) ? cond.value : [cond.value];
  const types: Array<LiteralType | undefined> = Array.isArray(cond.literalType)
    ? cond.literalType
    : values.map(() => cond.literalType as LiteralType | undefined);
  const list = operator === 'IN' || operator === 'NOT IN';
  if (!list && values.length !== 1) throw queryErrors.malformed("unexpected token: '('", pointer());
  if (operator === 'LIKE') return likeSql(f, values[0], types[0], ctx.params, pointer);
  if (operator === 'INCLUDES' || operator === 'EXCLUDES')
    throw queryErrors.invalidOperator(operator.toLowerCase(), f.field.name, pointer());
  const operands = values.map((v, i) => operandFor(f.field, v, types[i], ctx.now, pointer));
  const c = new Comparison(f, ctx.params);
  switch (operator) {
    case '=':
      return c.equals(operands[0]);
    case '!=':
    case '<>':
      return `(NOT ${c.equals(operands[0])})`;
    case '<':
    case '<=':
    case '>':
    case '>=':
      return c.order(operator, operands[0]);
    case 'IN':
      return c.anyOf(operands);
    case 'NOT IN':
      return `(NOT ${c.anyOf(operands)})`;
  }
  throw queryErrors.unexpectedToken(cond.operator, pointer());
}

/** Builds the SQL comparing one column, pushing parameters as it goes. */
class Comparison {
  private readonly col: string;
  /** The column as compared: text compares case-insensitively in SOQL. */
  private readonly cmp: string;

  constructor(
    f: ResolvedField,
    private readonly params: SqlValue[],
  ) {
    this.col = f.column;
    this.cmp = isText(f.field) ? `${f.column} COLLATE NOCASE` : f.column;
  }

  private p(v: SqlValue): string {
    this.params.push(v);
    return '?';
  }

  equals(o: Operand): string {
    if (o.kind === 'null') return `(${this.col} IS NULL)`;
    if (o.kind === 'range')
      return `(${this.col} IS NOT NULL AND ${this.col} >= ${this.p(o.start)} AND ${this.col} < ${this.p(o.end)})`;
    return `(${this.col} IS NOT NULL AND ${this.cmp} = ${this.p(o.value)})`;
  }

  /** A date literal is a range: `< TODAY` is before its start, `> TODAY` from its end. */
  order(op: '<' | '<=' | '>' | '>=', o: Operand): string {
    if (o.kind === 'null') return '(0)';
    if (o.kind === 'range') {
      const bound = op === '<' || op === '>=' ? o.start : o.end;
      const sqlOp = op === '<' || op === '<=' ? '<' : '>=';
      return `(${this.col} IS NOT NULL AND ${this.col} ${sqlOp} ${this.p(bound)})`;
    }
    return `(${this.col} IS NOT NULL AND ${this.cmp} ${op} ${this.p(o.value)})`;
  }

  anyOf(operands: Operand[]): string {
    const parts: string[] = [];
    if (operands.some((o) => o.kind === 'null')) parts.push(`${this.col} IS NULL`);
    const values = operands.flatMap((o) => (o.kind === 'value' ? [o.value] : []));
    if (values.length)
      parts.push(`(${this.col} IS NOT NULL AND ${this.cmp} IN (${values.map((v) => this.p(v)).join(', ')}))`);
    for (const o of operands) if (o.kind === 'range') parts.push(this.equals(o));
    return `(${parts.join(' OR ')})`;
  }
}

function likeSql(f: ResolvedField, raw: string, type: unknown, params: SqlValue[], pointer: () => string): string {
  if (!isText(f.field) && f.field.type !== 'id' && f.field.type !== 'reference') {
    throw queryErrors.invalidOperator('like', f.field.name, pointer());
  }
  if (type !== 'STRING') throw queryErrors.filterType(f.field.name, 'string', true, pointer());
  params.push(likePattern(raw));
  return `(${f.column} IS NOT NULL AND ${f.column} LIKE ? ESCAPE '\\')`;
}

/** The objects an id or reference field points at (several for `WhoId`), for matching a semi-join's two sides. */
function pointsAt(f: ResolvedField): string[] {
  if (f.field.type === 'id') return [f.obj.name];
  if (f.field.type === 'reference') return (f.field.referenceTo ?? []).filter((n) => findSObject(n));
  return [];
}

/** `Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE ...)` as an SQL subquery. */
function semiJoinSql(cond: ValueQueryCondition, scope: Scope, ctx: FilterContext): string {
  const pointer = () => ctx.text.at(cond.field, 'WHERE');
  const outer = scope.resolve(cond.field, pointer);
  const operator = cond.operator.toUpperCase().replace(/\s+/g, ' ');
  if (operator !== 'IN' && operator !== 'NOT IN') throw queryErrors.unexpectedToken('(', pointer());
  const q: Query = cond.valueQuery;
  const obj = ctx.aliases.schema.find(q.sObject ?? '');
  if (!obj) throw queryErrors.invalidType(q.sObject ?? '', ctx.text.at(q.sObject ?? '', 'WHERE'));
  const selected = q.fields?.length === 1 && q.fields[0].type === 'Field' ? q.fields[0].field : undefined;
  if (!selected)
    throw queryErrors.malformed('The inner select field must be a single Id or reference field', pointer());
  const inner = new Scope(obj, ctx.aliases, ctx.visible, q.sObjectAlias);
  const innerField = inner.resolve(selected, () => ctx.text.at(selected, 'WHERE'));
  // `WhoId IN (SELECT Id FROM Lead)`: the inner side names one of the outer reference's targets.
  const outerTargets = pointsAt(outer);
  if (!pointsAt(innerField).some((t) => outerTargets.includes(t))) {
    throw queryErrors.semiJoinMismatch(innerField.field.name, outer.field.name, pointer());
  }
  const conditions = [`${innerField.column} IS NOT NULL`];
  const deleted = notDeleted(inner);
  if (deleted) conditions.push(deleted);
  // Without this, `Id IN (SELECT OwnerId FROM Contact WHERE Email = ...)` answers yes/no about others' records.
  const visible = inner.visibleSql();
  if (visible) conditions.push(visible);
  if (q.where) conditions.push(whereSql(q.where, inner, ctx));
  const sub = `SELECT ${innerField.column} FROM ${inner.fromSql()} WHERE ${conditions.join(' AND ')}`;
  const test = `(${outer.column} IS NOT NULL AND ${outer.column} IN (${sub}))`;
  return operator === 'IN' ? test : `(NOT ${test})`;
}
