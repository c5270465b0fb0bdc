/**
 * The parser hands WHERE over as a flat, right-leaning list whose parentheses are counts on the conditions.
 * This rebuilds the tree Salesforce evaluates, with its rule that AND, OR and NOT never mix without
 * parentheses (`a AND b OR c` is `unexpected token: 'OR'`).
 */
import { ConditionWithValueQuery, WhereClause } from '@jetstreamapp/soql-parser-js';
import { queryErrors } from './query-errors';

export type CondNode =
  | { kind: 'cond'; cond: ConditionWithValueQuery }
  | { kind: 'and' | 'or'; items: CondNode[] }
  | { kind: 'not'; item: CondNode };

type Piece = '(' | ')' | 'AND' | 'OR' | 'NOT' | { cond: ConditionWithValueQuery };

/** A logical operator that breaks the rule; `occurrence` counts that operator's appearances (1-based). */
export class MixedOperatorError extends Error {
  constructor(
    readonly operator: string,
    readonly occurrence: number,
  ) {
    super(`unexpected token: '${operator}'`);
  }
}

/**
 * Build the condition tree, or throw MixedOperatorError / MALFORMED_QUERY. `notsInText`, when known, is how
 * many NOTs the WHERE text holds: the parser drops a NOT directly inside another (`NOT (NOT (NOT x))`), and
 * a dropped NOT must be an error, never a silently inverted filter.
 */
export function conditionTree(where: WhereClause, notsInText?: number): CondNode {
  const pieces = flatten(where);
  if (notsInText !== undefined && pieces.filter((p) => p === 'NOT').length !== notsInText) {
    throw queryErrors.unsupported('NOT directly inside NOT');
  }
  const parser = new TreeParser(pieces);
  const tree = parser.expression();
  if (parser.pos !== pieces.length) throw queryErrors.malformed('unexpected token');
  return tree;
}

function isCondition(left: unknown): left is ConditionWithValueQuery {
  return !!left && typeof left === 'object' && ('field' in left || 'fn' in left);
}

function flatten(where: WhereClause): Piece[] {
  const out: Piece[] = [];
  let node: WhereClause | undefined = where;
  while (node) {
    const left: unknown = node.left;
    const operator = 'operator' in node ? node.operator : undefined;
    const parens = (left as { openParen?: number } | null)?.openParen ?? 0;
    for (let i = 0; i < parens; i++) out.push('(');
    if (!isCondition(left)) {
      // A negation: `{left: null | {openParen}, operator: 'NOT', right}`.
      out.push('NOT');
    } else {
      out.push({ cond: left });
      const closing = (left as { closeParen?: number }).closeParen ?? 0;
      for (let i = 0; i < closing; i++) out.push(')');
      if (operator) out.push(operator);
    }
    node = 'right' in node ? node.right : undefined;
  }
  return out;
}

/**
 * expression := NOT simple | simple (AND simple)* | simple (OR simple)*
 * simple     := '(' expression ')' | condition
 */
class TreeParser {
  pos = 0;
  private readonly seen = new Map<string, number>();

  constructor(private readonly pieces: Piece[]) {}

  private next(): Piece | undefined {
    const p = this.pieces[this.pos++];
    if (typeof p === 'string' && p !== '(' && p !== ')') this.seen.set(p, (this.seen.get(p) ?? 0) + 1);
    return p;
  }

  private peek(): Piece | undefined {
    return this.pieces[this.pos];
  }

  private reject(): never {
    const p = this.next();
    if (p === 'AND' || p === 'OR' || p === 'NOT') throw new MixedOperatorError(p, this.seen.get(p)!);
    throw queryErrors.malformed('unexpected token');
  }

  expression(): CondNode {
    if (this.peek() === 'NOT') {
      this.next();
      const item: CondNode = { kind: 'not', item: this.simple() };
      if (this.peek() === 'AND' || this.peek() === 'OR' || this.peek() === 'NOT') this.reject();
      return item;
    }
    const first = this.simple();
    const op = this.peek();
    if (op !== 'AND' && op !== 'OR') {
      if (op === 'NOT') this.reject();
      return first;
    }
    const items = [first];
    while (this.peek() === op) {
      this.next();
      if (this.peek() === 'NOT') this.reject();
      items.push(this.simple());
    }
    const after = this.peek();
    if (after === 'AND' || after === 'OR' || after === 'NOT') this.reject();
    return { kind: op === 'AND' ? 'and' : 'or', items };
  }

  private simple(): CondNode {
    const p = this.peek();
    if (p === '(') {
      this.next();
      const inner = this.expression();
      if (this.next() !== ')') throw queryErrors.malformed('unexpected token');
      return inner;
    }
    if (p && typeof p === 'object') {
      this.next();
      return { kind: 'cond', cond: p.cond };
    }
    return this.reject();
  }
}
