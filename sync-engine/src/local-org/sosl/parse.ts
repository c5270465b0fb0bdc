/**
 * A SOSL statement: `FIND {term} [IN ALL|NAME|EMAIL|PHONE|SIDEBAR FIELDS] [RETURNING Object[(fields [WHERE ...]
 * [ORDER BY ...] [LIMIT n] [OFFSET n])], ...] [LIMIT n]`. No npm package parses SOSL (the SOQL parser the org uses
 * does not), so this reads the statement's frame itself; each RETURNING clause's fields, WHERE and ORDER BY are SOQL
 * and go to the SOQL compiler (search.ts).
 */
import { MAX_SOSL_CHARS, searchErrors } from './search-errors';

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

export interface Returning {
  object: string;
  /** The select list as written; '' when the clause names no fields (Id only). */
  fields: string;
  where: string;
  orderBy: string;
  limit?: number;
  offset?: number;
}

export interface SoslStatement {
  term: string;
  scope: SearchScope;
  /** Empty: every object a search covers by default. */
  returning: Returning[];
  limit?: number;
}

/** The closing brace of a term, skipping backslash escapes. */
function termEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '}') return i;
  }
  return -1;
}

/** Positions of keywords at depth 0 outside string literals. */
function topLevel(text: string, keywords: RegExp): Array<{ at: number; word: string }> {
  const found: Array<{ at: number; word: string }> = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      for (i += 1; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i += 1;
      continue;
    }
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (depth === 0 && (i === 0 || /[\s,)]/.test(text[i - 1]))) {
      keywords.lastIndex = i;
      const m = keywords.exec(text);
      if (m && m.index === i) found.push({ at: i, word: m[1].toUpperCase().replace(/\s+/g, ' ') });
    }
  }
  return found;
}

function count(text: string, what: string): number {
  const m = /^\s*(\d{1,9})\s*$/.exec(text);
  if (!m) throw searchErrors.malformed(`${what} must be followed by a number: ${text.trim()}`);
  return Number(m[1]);
}

function parseReturningItem(text: string): Returning {
  const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(text);
  if (!m) throw searchErrors.malformed(`RETURNING expects an object name and an optional field list: ${text.trim()}`);
  const item: Returning = { object: m[1], fields: '', where: '', orderBy: '' };
  const inner = m[2] ?? '';
  const marks = topLevel(inner, /(WHERE|ORDER\s+BY|LIMIT|OFFSET|USING\s+LISTVIEW|WITH)\b/iy);
  item.fields = inner.slice(0, marks[0]?.at ?? inner.length).trim();
  marks.forEach((mark, k) => {
    const rest = inner
      .slice(mark.at, marks[k + 1]?.at ?? inner.length)
      .replace(/^\s*(WHERE|ORDER\s+BY|LIMIT|OFFSET)\s*/i, '');
    if (mark.word === 'WHERE') item.where = rest.trim();
    else if (mark.word === 'ORDER BY') item.orderBy = rest.trim();
    else if (mark.word === 'LIMIT') item.limit = count(rest, 'LIMIT');
    else if (mark.word === 'OFFSET') item.offset = count(rest, 'OFFSET');
    else throw searchErrors.unsupported(mark.word);
  });
  if (item.where === '' && marks.some((x) => x.word === 'WHERE'))
    throw searchErrors.malformed('WHERE needs a condition');
  return item;
}

/** Split at top-level commas. */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      for (i += 1; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i += 1;
    } else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}

/** Parse a SOSL statement, or throw Salesforce's MALFORMED_SEARCH. */
export function parseSosl(text: string): SoslStatement {
  if (text.length > MAX_SOSL_CHARS) throw searchErrors.tooLong(text.length);
  const find = /^\s*FIND\s*\{/i.exec(text);
  if (!find) throw searchErrors.noTerm();
  const end = termEnd(text, find[0].length);
  if (end === -1) throw searchErrors.noTerm();
  const statement: SoslStatement = { term: text.slice(find[0].length, end), scope: 'ALL', returning: [] };
  let rest = text.slice(end + 1);
  const scope = /^\s*IN\s+(ALL|NAME|EMAIL|PHONE|SIDEBAR)\s+FIELDS\b/i.exec(rest);
  if (scope) {
    const s = scope[1].toUpperCase();
    statement.scope = s === 'SIDEBAR' ? 'ALL' : (s as SearchScope);
    rest = rest.slice(scope[0].length);
  }
  const marks = topLevel(rest, /(RETURNING|LIMIT|WITH|UPDATE)\b/iy);
  if (marks.length === 0 && rest.trim() !== '')
    throw searchErrors.malformed(`unexpected token: ${rest.trim().split(/\s+/)[0]}`);
  if (marks.length && rest.slice(0, marks[0].at).trim() !== '')
    throw searchErrors.malformed(`unexpected token: ${rest.slice(0, marks[0].at).trim().split(/\s+/)[0]}`);
  marks.forEach((mark, k) => {
    const body = rest.slice(mark.at + mark.word.length, marks[k + 1]?.at ?? rest.length);
    if (mark.word === 'RETURNING') statement.returning = splitItems(body).map(parseReturningItem);
    else if (mark.word === 'LIMIT') statement.limit = count(body, 'LIMIT');
    else throw searchErrors.unsupported(`${mark.word} in a search`);
  });
  return statement;
}
