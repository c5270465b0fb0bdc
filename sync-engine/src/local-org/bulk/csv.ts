/**
 * CSV as Bulk API 2.0 reads and writes it (RFC 4180): fields separated by the job's `columnDelimiter`, records by
 * LF or CRLF, a field with the delimiter, a quote or a line break enclosed in double quotes and its quotes doubled.
 * Written values are always quoted, as Salesforce writes its result files.
 */

export const DELIMITERS: Record<string, string> = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
};

/** Largest field Salesforce takes (a long text area's 131,072 characters). */
export const MAX_FIELD_CHARS = 131_072;

export class CsvError extends Error {}

/** All the records of a CSV text (csvRecords, at once). */
export function parseCsv(text: string, delimiter: string): string[][] {
  return [...csvRecords(text, delimiter)];
}

/**
 * The records of a CSV text one at a time, each an array of fields, so a caller can stop between chunks; a blank
 * line is no record. Throws CsvError naming the line (1-based) for an unterminated quote, a quote inside an
 * unquoted field, or a field over the limit.
 */
export function* csvRecords(text: string, delimiter: string): Generator<string[]> {
  let record: string[] = [];
  let field = '';
  let line = 1;
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  const endField = () => {
    if (field.length > MAX_FIELD_CHARS)
      throw new CsvError(`line ${line}: a field is longer than ${MAX_FIELD_CHARS} characters`);
    record.push(field);
    field = '';
    fieldStart = true;
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r')
          throw new CsvError(`line ${line}: a closing quote must end its field`);
        continue;
      }
      if (c === '\n') line += 1;
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      i += 1;
      continue;
    }
    if (c === '"') throw new CsvError(`line ${line}: a quote inside an unquoted field`);
    if (c === delimiter) {
      endField();
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endField();
      if (!(record.length === 1 && record[0] === '')) yield record;
      record = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      continue;
    }
    field += c;
    fieldStart = false;
    i += 1;
  }
  if (quoted) throw new CsvError(`line ${line}: a quoted field is not closed`);
  if (!fieldStart || record.length > 0) {
    endField();
    yield record;
  }
}

/** One CSV line (without its line ending), every value quoted; null is an empty field. */
export function csvLine(values: ReadonlyArray<string | null>, delimiter: string): string {
  return values.map((v) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`)).join(delimiter);
}
