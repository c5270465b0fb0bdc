/**
 * The SOQL text as tokens with offsets. The parser's AST carries no positions, so errors that Salesforce
 * points at (`ERROR at Row:1:Column:12`) find their token here.
 */

export interface Token {
  text: string;
  start: number;
  end: number;
  /** Parenthesis depth: 0 outside any parentheses, so subqueries' clauses are told from the outer ones. */
  depth: number;
  kind: 'word' | 'string' | 'number' | 'punct';
}

const PATTERNS: Array<[Token['kind'], RegExp]> = [
  ['string', /'(?:\\[\s\S]|[^'\\])*'?/y],
  ['word', /[A-Za-z_][A-Za-z0-9_.]*/y],
  ['number', /[0-9][0-9A-Za-z.:+-]*/y],
  ['punct', /!=|<>|<=|>=|[\s\S]/y],
];

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < soql.length) {
    if (/\s/.test(soql[i])) {
      i += 1;
      continue;
    }
    for (const [kind, re] of PATTERNS) {
      re.lastIndex = i;
      const m = re.exec(soql);
      if (!m) continue;
      if (m[0] === ')') depth = Math.max(0, depth - 1);
      tokens.push({ text: m[0], start: i, end: i + m[0].length, depth, kind });
      if (m[0] === '(') depth += 1;
      i += m[0].length;
      break;
    }
  }
  return tokens;
}

export class QueryText {
  readonly tokens: Token[];

  constructor(readonly soql: string) {
    this.tokens = tokenize(soql);
  }

  /** Salesforce's `\n<line>\n   ^\nERROR at Row:r:Column:c\n` prefix, or '' when the offset is unknown. */
  pointer(offset: number | undefined): string {
    if (offset === undefined) return '';
    const before = this.soql.slice(0, offset);
    const row = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = this.soql.indexOf('\n', offset);
    const line = this.soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    const column = offset - lineStart + 1;
    return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n`;
  }

  /** Offset of the first word equal to `text` (any case) at or after `from`. */
  find(text: string, from = 0): number | undefined {
    const lower = text.toLowerCase();
    return this.tokens.find((t) => t.start >= from && t.kind === 'word' && t.text.toLowerCase() === lower)?.start;
  }

  /** Offset of a top-level clause keyword (`FROM`, `WHERE`, `ORDER`, `GROUP`), or 0 when absent. */
  clause(keyword: string): number {
    const upper = keyword.toUpperCase();
    return this.tokens.find((t) => t.depth === 0 && t.kind === 'word' && t.text.toUpperCase() === upper)?.start ?? 0;
  }

  /** The token after a top-level clause keyword (`LIMIT 5` -> `5`). */
  after(keyword: string): Token | undefined {
    const i = this.tokens.findIndex(
      (t) => t.depth === 0 && t.kind === 'word' && t.text.toUpperCase() === keyword.toUpperCase(),
    );
    return i < 0 ? undefined : this.tokens[i + 1];
  }

  /** Pointer at the first `text` at or after a clause: the usual way an error finds its place. */
  at(text: string, clause?: string): string {
    return this.pointer(this.find(text, clause ? this.clause(clause) : 0));
  }
}

/**
 * Offsets of the logical operator `word` (AND, OR, NOT) after `from`, leaving out those inside subqueries and
 * the NOT of `NOT IN`.
 */
export function logicalOperators(text: QueryText, word: string, from: number): number[] {
  const tokens = text.tokens;
  const found: number[] = [];
  let subqueryDepth: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.start < from) continue;
    if (subqueryDepth !== undefined) {
      if (t.text === ')' && t.depth === subqueryDepth) subqueryDepth = undefined;
      continue;
    }
    if (t.text === '(' && tokens[i + 1]?.text.toUpperCase() === 'SELECT') {
      subqueryDepth = t.depth;
      continue;
    }
    if (t.kind !== 'word' || t.text.toUpperCase() !== word) continue;
    if (word === 'NOT' && tokens[i + 1]?.text.toUpperCase() === 'IN') continue;
    found.push(t.start);
  }
  return found;
}
