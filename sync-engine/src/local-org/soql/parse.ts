/**
 * SOQL text -> the parser's AST (@jetstreamapp/soql-parser-js), with its errors turned into Salesforce's
 * MALFORMED_QUERY. The parser's errors lose the token position, so it is recovered by re-parsing prefixes.
 */
import type { Query } from '@jetstreamapp/soql-parser-js';

/**
 * The parser, loaded at the first query: building its grammar takes about 200 ms, which every command of the CLI
 * would otherwise pay at start, most of them never parsing SOQL.
 */
let parser: typeof import('@jetstreamapp/soql-parser-js') | undefined;
function parseQuery(soql: string): Query {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= require('@jetstreamapp/soql-parser-js') as typeof import('@jetstreamapp/soql-parser-js');
  return parser.parseQuery(soql);
}
import { QueryText } from './query-text';
import { queryErrors } from './query-errors';
import { SalesforceRestError } from '../errors';

const EOF = '<EOF>';

/** Parse SOQL or throw Salesforce's MALFORMED_QUERY. */
export function parseSoql(text: QueryText): Query {
  try {
    return parseQuery(text.soql);
  } catch (err) {
    throw malformedFrom(text, err);
  }
}

function malformedFrom(text: QueryText, err: unknown): SalesforceRestError {
  const e = err as Error;
  if (e.name === 'LexingError') {
    const m = /->([\s\S])<- at offset: (\d+)/.exec(e.message);
    return m
      ? queryErrors.unexpectedToken(m[1], text.pointer(Number(m[2])))
      : queryErrors.malformed('unexpected token');
  }
  const found = foundToken(e.message ?? '');
  // Salesforce gives no pointer when the query ends too early or does not start with SELECT.
  if (found === EOF) return queryErrors.unexpectedToken(EOF);
  const offset = failingOffset(text);
  if (offset === undefined || offset === text.tokens[0]?.start) return queryErrors.unexpectedToken(found);
  return queryErrors.unexpectedToken(found, text.pointer(offset));
}

/** The token the parser stopped at, as it reports it ('<EOF>' at the end of the input). */
function foundToken(message: string): string {
  const m =
    /but found --> '([\s\S]*)' <--\s*$/.exec(message) ??
    /but found: '([\s\S]*)'\s*$/.exec(message) ??
    /Redundant input, expecting EOF but found: ([\s\S]*)$/.exec(message);
  if (!m || m[1] === '') return EOF;
  return m[1];
}

/** Whether the SOQL cut after this token already fails at a real token (not merely by ending early). */
function failsAtToken(soql: string): boolean | undefined {
  try {
    parseQuery(soql);
    return false;
  } catch (err) {
    const e = err as Error;
    if (e.name === 'LexingError') return undefined;
    return foundToken(e.message ?? '') !== EOF;
  }
}

/**
 * Start offset of the first token at which parsing fails. Once a prefix contains the bad token every longer
 * prefix fails at it too, so a binary search over prefixes finds it in a few parses.
 */
function failingOffset(text: QueryText): number | undefined {
  const tokens = text.tokens;
  let lo = 0;
  let hi = tokens.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const fails = failsAtToken(text.soql.slice(0, tokens[mid].end));
    if (fails === undefined) return undefined;
    if (fails) {
      found = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  return found === undefined ? undefined : tokens[found].start;
}
