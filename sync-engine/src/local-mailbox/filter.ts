/**
 * A small `$filter`: `eq`/`ne` comparisons joined by `and`/`or`, with parentheses and lambda `any` over a
 * collection (`emailAddresses/any(a:a/address eq 'grace@navy.example')`), checked against the entity's properties.
 *
 * A filter is text a client controls, so it is measured before it is parsed: longer than FILTER_MAX_LENGTH, or
 * nesting parentheses and lambdas deeper than FILTER_MAX_DEPTH, it is refused with Graph's 400 (nested 5,000 deep
 * it overflowed the parser's stack). Runs of `and`/`or` become one node each, so the tree is as deep as the
 * nesting, however many comparisons a filter chains, and evaluating it stays as shallow.
 */
import { graphErrors } from './errors';
import { Obj } from './properties';

/** The longest `$filter` taken, in characters (ours: Graph documents none; a long `or` list of addresses fits). */
export const FILTER_MAX_LENGTH = 4096;
/**
 * The deepest nesting of parentheses and lambdas taken: about what OData's parser, in front of Graph, allows
 * (its recursion limit of 800 is spent some eight levels a parenthesis).
 */
export const FILTER_MAX_DEPTH = 100;

export type Literal = string | number | boolean | null;
export type Filter =
  | { op: 'and' | 'or'; terms: Filter[] }
  | { op: 'eq' | 'ne'; path: string[]; value: Literal }
  | { op: 'any'; path: string[]; inner: Filter };

const TOKEN =
  /\s*(?:(\()|(\))|(:)|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)(?![\w/])|([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*))/y;
/** How much of a broken filter an error message quotes. */
const QUOTED = 200;

/** Parse a `$filter` expression; names are checked against the entity's properties. */
export function parseFilter(
  text: string | undefined,
  known: readonly string[],
  entityType: string,
): Filter | undefined {
  if (text === undefined) return undefined;
  if (text.length > FILTER_MAX_LENGTH)
    throw graphErrors.badRequest(`Invalid filter clause: the filter is longer than ${FILTER_MAX_LENGTH} characters.`);
  const tokens = tokenize(text);
  checkDepth(tokens);
  return new Parser(tokens, text, known, entityType).parse();
}

function tokenize(text: string): string[] {
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
  return tokens;
}

/** Refuse nesting past the cap before the recursive parser sees it (a lambda opens a parenthesis too). */
function checkDepth(tokens: string[]): void {
  let depth = 0;
  for (const t of tokens) {
    if (t === '(') depth += 1;
    else if (t === ')') depth -= 1;
    if (depth > FILTER_MAX_DEPTH) {
      throw graphErrors.badRequest(
        `Invalid filter clause: the filter nests parentheses or lambdas more than ${FILTER_MAX_DEPTH} deep.`,
      );
    }
  }
}

class Parser {
  private i = 0;
  private readonly byLower: Map<string, string>;

  constructor(
    private readonly tokens: string[],
    private readonly text: string,
    known: readonly string[],
    private readonly entityType: string,
  ) {
    this.byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  }

  parse(): Filter {
    const f = this.or();
    if (this.i !== this.tokens.length) throw invalid(this.text);
    return f;
  }

  private peek(): string | undefined {
    return this.tokens[this.i];
  }

  private take(expected?: string): string {
    const t = this.tokens[this.i++];
    if (t === undefined || (expected !== undefined && t.toLowerCase() !== expected)) throw invalid(this.text);
    return t;
  }

  private or(lambdaVar?: string): Filter {
    return this.joined('or', () => this.and(lambdaVar));
  }

  private and(lambdaVar?: string): Filter {
    return this.joined('and', () => this.primary(lambdaVar));
  }

  /** `a op b op c` as one node with terms [a, b, c]. */
  private joined(op: 'and' | 'or', term: () => Filter): Filter {
    const terms = [term()];
    while (this.peek()?.toLowerCase() === op) {
      this.take();
      terms.push(term());
    }
    return terms.length === 1 ? terms[0] : { op, terms };
  }

  private primary(lambdaVar?: string): Filter {
    if (this.peek() === '(') {
      this.take('(');
      const f = this.or(lambdaVar);
      this.take(')');
      return f;
    }
    return this.comparison(lambdaVar);
  }

  private comparison(lambdaVar?: string): Filter {
    const path = this.take();
    if (!/^[A-Za-z_]/.test(path)) throw invalid(this.text);
    if (/\/any$/i.test(path) && lambdaVar === undefined) {
      const collection = this.property(path.slice(0, -4));
      this.take('(');
      const v = this.take();
      this.take(':');
      const inner = this.or(v);
      this.take(')');
      return { op: 'any', path: collection, inner };
    }
    const op = this.take().toLowerCase();
    if (op !== 'eq' && op !== 'ne')
      throw graphErrors.badRequest(
        `Invalid filter clause: the local mailbox supports eq and ne comparisons only (got '${op.slice(0, 40)}').`,
      );
    return { op, path: this.property(path, lambdaVar), value: this.literal() };
  }

  private literal(): Literal {
    const t = this.take();
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (/^-?\d/.test(t)) return Number(t);
    throw invalid(this.text);
  }

  private property(path: string, lambdaVar?: string): string[] {
    const parts = path.split('/');
    if (lambdaVar !== undefined) {
      if (parts[0] !== lambdaVar) throw invalid(this.text);
      return parts.slice(1);
    }
    const found = this.byLower.get(parts[0].toLowerCase());
    if (!found)
      throw graphErrors.badRequest(
        `Could not find a property named '${parts[0].slice(0, 100)}' on type 'microsoft.graph.${this.entityType}'.`,
      );
    return [found, ...parts.slice(1)];
  }
}

function invalid(text: string) {
  return graphErrors.badRequest(
    `Invalid filter clause: ${text.length > QUOTED ? `${text.slice(0, QUOTED)}...` : text}`,
  );
}

/** The value at a property path of an entity (undefined where the path leads nowhere). */
export function resolvePath(value: unknown, path: string[]): unknown {
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
      return f.terms.every((t) => matches(entity, t));
    case 'or':
      return f.terms.some((t) => matches(entity, t));
    case 'eq':
      return equal(resolvePath(entity, f.path), f.value);
    case 'ne':
      return !equal(resolvePath(entity, f.path), f.value);
    case 'any': {
      const list = resolvePath(entity, f.path);
      return Array.isArray(list) && list.some((item) => matches(item, f.inner));
    }
  }
}
