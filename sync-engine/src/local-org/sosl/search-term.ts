/**
 * The search term of `FIND {...}`: words and "quoted phrases", joined by AND (also implied), OR and AND NOT, with
 * `*` (any letters) and `?` (one letter) and backslash escapes. A word matches a value where it stands as a whole
 * word, letter case aside: `ann` finds "Ann Lee" and "ann@x.example", not "Joann"; `ann*` finds "Anne" too; an email
 * address finds itself. Phone fields compare digits only, so `(555) 010-2000` finds "555-010-2000".
 */
import { searchErrors } from './search-errors';

type Part = { literal: string } | { wildcard: '*' | '?' };
interface Item {
  words: Part[][];
  negated: boolean;
}

/** A parsed term: any of its groups matches when every item of the group does (OR of ANDs). */
export interface SearchTerm {
  text: string;
  groups: Item[][];
  /** The term's digits, for phone fields. */
  digits: string;
}

const WORD = '[\\p{L}\\p{N}]';

/** Parse the text between the braces of `FIND {...}` (or `q` of parameterizedSearch). */
export function parseSearchTerm(text: string): SearchTerm {
  const tokens: Array<{ kind: 'word' | 'phrase'; words: Part[][] } | { kind: 'op'; op: string }> = [];
  let i = 0;
  let literalChars = 0;
  const readWord = (stopAtQuote: boolean): Part[] => {
    const parts: Part[] = [];
    while (i < text.length && !/\s/.test(text[i]) && !(stopAtQuote && text[i] === '"')) {
      const ch = text[i];
      if (ch === '\\' && i + 1 < text.length) {
        parts.push({ literal: text[i + 1] });
        literalChars += 1;
        i += 2;
      } else if (ch === '*' || ch === '?') {
        parts.push({ wildcard: ch });
        i += 1;
      } else if (ch === '(' || ch === ')') {
        throw searchErrors.unsupported('Parentheses in a search term');
      } else {
        parts.push({ literal: ch });
        literalChars += 1;
        i += 1;
      }
    }
    return parts;
  };
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i += 1;
      continue;
    }
    if (text[i] === '"') {
      i += 1;
      const words: Part[][] = [];
      while (i < text.length && text[i] !== '"') {
        if (/\s/.test(text[i])) i += 1;
        else words.push(readWord(true));
      }
      if (text[i] !== '"') throw searchErrors.malformed(`Unbalanced quotes in the search term: ${text}`);
      i += 1;
      if (words.length) tokens.push({ kind: 'phrase', words });
      continue;
    }
    const start = i;
    const word = readWord(false);
    const raw = text.slice(start, i);
    if (/^(AND|OR|NOT)$/i.test(raw)) {
      literalChars -= raw.length;
      tokens.push({ kind: 'op', op: raw.toUpperCase() });
    } else if (word.length) tokens.push({ kind: 'word', words: [word] });
  }
  if (literalChars < 2) throw searchErrors.tooShort(text.trim());

  const groups: Item[][] = [[]];
  let negateNext = false;
  for (const t of tokens) {
    if (t.kind === 'op') {
      if (t.op === 'OR') groups.push([]);
      else if (t.op === 'NOT') negateNext = true;
      continue;
    }
    groups[groups.length - 1].push({ words: t.words, negated: negateNext });
    negateNext = false;
  }
  const kept = groups.filter((g) => g.some((item) => !item.negated));
  if (kept.length === 0) throw searchErrors.malformed(`The search term has nothing to find: ${text}`);
  return { text, groups: kept, digits: text.replace(/\D/g, '') };
}

function partsPattern(parts: Part[]): string {
  return parts
    .map((p) =>
      'literal' in p ? p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.wildcard === '*' ? `${WORD}*` : WORD,
    )
    .join('');
}

/** A regular expression finding an item as whole words. */
function itemRegex(item: Item): RegExp {
  const body = item.words.map(partsPattern).join(`[^\\p{L}\\p{N}]+`);
  return new RegExp(`(?<!${WORD})${body}(?!${WORD})`, 'iu');
}

/** A matcher over a record's searched values (`phone`: which of them are phone numbers). */
export function termMatcher(term: SearchTerm): (values: Array<{ value: string; phone: boolean }>) => boolean {
  const groups = term.groups.map((g) => g.map((item) => ({ negated: item.negated, regex: itemRegex(item) })));
  return (values) => {
    const hit = (regex: RegExp) =>
      values.some((v) =>
        v.phone ? term.digits.length >= 2 && v.value.replace(/\D/g, '').endsWith(term.digits) : regex.test(v.value),
      );
    return groups.some((g) => g.every((item) => hit(item.regex) !== item.negated));
  };
}
