/// <reference types="office-js" />
/**
 * A Salesforce sheet in Excel: one worksheet holding one table whose header row names the fields (Id first) and
 * whose last column is "Save result". Every function takes the `Excel.run` batch's context, so a test drives it
 * with office-addin-mock, and loads before it reads (`load`, then `sync`), as Office.js requires.
 */
import type { OfficeCell } from '../../../sync-engine/src/service/contract';
import { ID_COLUMN, RESULT_COLUMN } from './sheet-changes';

/** Field types Excel keeps as numbers or booleans; every other column is text, so Excel never turns "00123" into 123. */
const NUMERIC_TYPES = new Set(['int', 'double', 'currency', 'percent', 'long', 'boolean']);
const TEXT_FORMAT = '@';
const GENERAL_FORMAT = 'General';

export interface TableContents {
  header: string[];
  rows: OfficeCell[][];
}

/** The table named `tableName`, or null when the workbook has none by that name. */
export async function readTable(ctx: Excel.RequestContext, tableName: string): Promise<TableContents | null> {
  const table = ctx.workbook.tables.getItemOrNullObject(tableName);
  table.load('isNullObject');
  await ctx.sync();
  if (table.isNullObject) return null;
  const header = table.getHeaderRowRange().load('values');
  const body = table.getDataBodyRange().load('values');
  await ctx.sync();
  // Blank rows stay (an empty table has one): row numbers are the table's own, and a blank row holds no change.
  return { header: (header.values[0] ?? []).map(String), rows: body.values as OfficeCell[][] };
}

/**
 * Fill the worksheet `sheetName` (added if missing, emptied if not) with a table `tableName`: the header row, then
 * one row per record, then the result column; text columns formatted as text. Answers the table's address.
 */
export async function writeTable(
  ctx: Excel.RequestContext,
  o: { sheetName: string; tableName: string; columns: string[]; types: Record<string, string>; rows: OfficeCell[][] },
): Promise<string> {
  const sheets = ctx.workbook.worksheets;
  const found = sheets.getItemOrNullObject(o.sheetName);
  const old = ctx.workbook.tables.getItemOrNullObject(o.tableName);
  found.load('isNullObject');
  old.load('isNullObject');
  await ctx.sync();
  if (!old.isNullObject) old.delete();
  const sheet = found.isNullObject ? sheets.add(o.sheetName) : found;
  if (!found.isNullObject) sheet.getRange().clear();
  const header = [...o.columns, RESULT_COLUMN];
  const values: OfficeCell[][] = [header, ...o.rows.map((r) => [...r, ''])];
  // A table needs a data row: an empty query gives one blank row.
  if (o.rows.length === 0) values.push(header.map(() => ''));
  const range = sheet.getRangeByIndexes(0, 0, values.length, header.length);
  range.numberFormat = values.map(() =>
    header.map((c) => (NUMERIC_TYPES.has(o.types[c] ?? '') ? GENERAL_FORMAT : TEXT_FORMAT)),
  );
  range.values = values as (string | number | boolean)[][];
  const table = sheet.tables.add(range, true);
  table.name = o.tableName;
  range.load('address');
  sheet.activate();
  await ctx.sync();
  return range.address;
}

/**
 * Write each row's result beside it (`results` by data-body row; other rows keep theirs) and the ids of records just
 * created into their Id cells: two column writes, one sync.
 */
export async function writeResults(
  ctx: Excel.RequestContext,
  tableName: string,
  results: Map<number, { text: string; createdId?: string }>,
): Promise<void> {
  const table = ctx.workbook.tables.getItem(tableName);
  const resultCells = table.columns.getItem(RESULT_COLUMN).getDataBodyRange().load('values');
  const idCells = table.columns.getItem(ID_COLUMN).getDataBodyRange().load('values');
  await ctx.sync();
  const resultValues = resultCells.values.map((r, i) => [results.get(i)?.text ?? r[0]]);
  const idValues = idCells.values.map((r, i) => [results.get(i)?.createdId ?? r[0]]);
  resultCells.values = resultValues;
  if ([...results.values()].some((r) => r.createdId)) idCells.values = idValues;
  await ctx.sync();
}
