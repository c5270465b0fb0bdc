/**
 * SOQL literals turned into what the store holds for a field: ids in their 18-character form, booleans 0/1,
 * datetimes as ISO `...Z` instants (so string comparison is instant comparison), date literals as ranges.
 * A literal of the wrong kind for the field is Salesforce's INVALID_FIELD, as a real org answers.
 */
import { LiteralType } from '@jetstreamapp/soql-parser-js';
import { FieldDef } from '../schema';
import { normalizeId } from '../ids';
import { parseSalesforceDateTime } from '../../common/clock';
import { dateLiteralRange } from './date-literals';
import { isText } from './field-paths';
import { queryErrors } from './query-errors';

/** The type names Salesforce's messages use. */
const SOAP_TYPES: Partial<Record<FieldDef['type'], string>> = {
  id: 'id',
  reference: 'id',
  boolean: 'boolean',
  int: 'integer',
  double: 'double',
  currency: 'double',
  percent: 'double',
  date: 'date',
  datetime: 'dateTime',
};

export type SqlValue = string | number;

export type Operand =
  { kind: 'null' } | { kind: 'value'; value: SqlValue } | { kind: 'range'; start: SqlValue; end: SqlValue };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** The characters of a quoted SOQL string; `keepLike` leaves `\%` and `\_` escaped for a LIKE pattern. */
export function unquote(raw: string, keepLike = false): string {
  const body = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    const mapped = ESCAPES[e.toLowerCase()] ?? ESCAPES[e];
    if (mapped !== undefined) out += keepLike && mapped === '\\' ? '\\\\' : mapped;
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      const ch = String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      out += keepLike && ch === '\\' ? '\\\\' : ch;
      i += 4;
    } else if (keepLike && (e === '%' || e === '_')) out += `\\${e}`;
    else
      throw queryErrors.malformed(
        `Invalid string literal '${body}'. Illegal character sequence '\\${e}' in string literal.`,
      );
  }
  return out;
}

/** A SOQL LIKE pattern as SQLite's `LIKE ? ESCAPE '\'` pattern. */
export function likePattern(raw: string): string {
  // unquote(keepLike) leaves `\%`, `\_` and `\\` escaped and everything else literal, which is SQLite's form.
  return unquote(raw, true);
}

function isDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00.000Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** One literal of a condition as the operand the SQL compares the field's column with. */
export function operandFor(
  field: FieldDef,
  raw: string,
  type: LiteralType | undefined,
  now: Date,
  pointer: () => string,
): Operand {
  if (type === 'NULL') return { kind: 'null' };
  const quoted = isText(field) || field.type === 'id' || field.type === 'reference';
  const wrongKind = () =>
    queryErrors.filterType(field.name, isText(field) ? 'string' : SOAP_TYPES[field.type]!, quoted, pointer());
  if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') {
    if (field.type !== 'date' && field.type !== 'datetime') throw wrongKind();
    const range = dateLiteralRange(raw, now);
    if (!range) throw queryErrors.unexpectedToken(raw, pointer());
    const form = (d: Date) => (field.type === 'date' ? d.toISOString().slice(0, 10) : d.toISOString());
    return { kind: 'range', start: form(range.start), end: form(range.end) };
  }
  switch (field.type) {
    case 'id':
    case 'reference': {
      if (type !== 'STRING') throw wrongKind();
      const text = unquote(raw);
      if (text === '') return { kind: 'null' };
      const id = normalizeId(text);
      if (!id) throw queryErrors.invalidId(text, pointer());
      return { kind: 'value', value: id };
    }
    case 'boolean':
      if (type !== 'BOOLEAN') throw wrongKind();
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' ? 1 : 0 };
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      if (type !== 'INTEGER' && type !== 'DECIMAL') throw wrongKind();
      const n = Number(raw);
      if (!Number.isFinite(n)) throw queryErrors.unexpectedToken(raw, pointer());
      return { kind: 'value', value: n };
    }
    case 'date':
      if (type !== 'DATE' || !isDate(raw)) throw wrongKind();
      return { kind: 'value', value: raw };
    case 'datetime': {
      const instant = type === 'DATETIME' ? parseSalesforceDateTime(raw) : undefined;
      if (!instant || instant.getUTCFullYear() > 9999) throw wrongKind();
      return { kind: 'value', value: instant.toISOString() };
    }
    default:
      if (type !== 'STRING') throw wrongKind();
      return { kind: 'value', value: unquote(raw) };
  }
}
