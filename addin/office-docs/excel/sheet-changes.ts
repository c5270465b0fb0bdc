/**
 * What a sheet holds that Salesforce does not: the rows changed since the sheet was filled (compared with what was
 * read then, the sheet's baseline) and the rows added to its table. Pure: the cells in, the save request's rows out.
 */
import type { OfficeCell } from '../../../sync-engine/src/service/contract';
import { PaneProblem } from '../../shared/pane-problem';
import { officeDocsTexts as t } from '../shared/texts';

/** The column the sheet keys rows by, and the one it writes each row's save result to (never sent). */
export const ID_COLUMN = 'Id';
export const RESULT_COLUMN = 'Save result';

/** What the sheet was filled with: each record's cells by its id, in the columns' order; and which columns can be written. */
export interface SheetBaseline {
  columns: string[];
  rows: Record<string, OfficeCell[]>;
  /** Columns a changed row may send (the object's updateable fields). */
  updateable: string[];
  /** Columns a new row may send (the object's createable fields). */
  createable: string[];
}

export interface RowChange {
  /** The row's index in the table's data body (0 is the first row under the header). */
  row: number;
  id: string | null;
  values: Record<string, OfficeCell>;
  /** Edited columns that cannot be written (a related record's field, a formula field): shown, not sent. */
  readOnly: string[];
}

export interface SheetChanges {
  updates: RowChange[];
  creates: RowChange[];
  /** Rows whose only edits are in read-only columns. */
  readOnlyOnly: RowChange[];
}

/** The same value to Salesforce: an empty cell is null, and text and number compare as Excel shows them. */
export function sameCell(a: OfficeCell | undefined, b: OfficeCell | undefined): boolean {
  const norm = (v: OfficeCell | undefined) => (v === null || v === undefined || v === '' ? '' : String(v));
  return norm(a) === norm(b);
}

/** A cell as Salesforce takes it: an empty cell is null; anything else exactly as the user typed it. */
export function toFieldValue(v: OfficeCell | undefined): OfficeCell {
  return v === undefined || v === '' ? null : v;
}

/** Compare the table's rows (`header` names the columns) with the baseline. */
export function sheetChanges(header: string[], rows: OfficeCell[][], baseline: SheetBaseline): SheetChanges {
  const idAt = header.indexOf(ID_COLUMN);
  if (idAt === -1) throw new PaneProblem(t.noIdColumn);
  const out: SheetChanges = { updates: [], creates: [], readOnlyOnly: [] };
  const updateable = new Set(baseline.updateable);
  const createable = new Set(baseline.createable);
  // Where each header column was in what was read, found once (not per cell).
  const baselineAt = header.map((column) => baseline.columns.indexOf(column));
  rows.forEach((cells, row) => {
    const id = typeof cells[idAt] === 'string' && cells[idAt] !== '' ? (cells[idAt] as string) : null;
    if (id === null) {
      const values: Record<string, OfficeCell> = {};
      const readOnly: string[] = [];
      header.forEach((column, c) => {
        if (column === ID_COLUMN || column === RESULT_COLUMN || sameCell(cells[c], null)) return;
        if (createable.has(column)) values[column] = toFieldValue(cells[c]);
        else readOnly.push(column);
      });
      if (Object.keys(values).length > 0) out.creates.push({ row, id: null, values, readOnly });
      return;
    }
    const before = baseline.rows[id];
    // A row pasted with an id the sheet never read: its cells are sent as they are.
    const was = (c: number) => (before ? before[baselineAt[c]] : undefined);
    const values: Record<string, OfficeCell> = {};
    const readOnly: string[] = [];
    header.forEach((column, c) => {
      if (column === ID_COLUMN || column === RESULT_COLUMN) return;
      if (before && sameCell(cells[c], was(c))) return;
      if (!before && sameCell(cells[c], null)) return;
      if (updateable.has(column)) values[column] = toFieldValue(cells[c]);
      else readOnly.push(column);
    });
    if (Object.keys(values).length > 0) out.updates.push({ row, id, values, readOnly });
    else if (readOnly.length > 0) out.readOnlyOnly.push({ row, id, values, readOnly });
  });
  return out;
}

/** How many rows hold edits not saved to Salesforce. */
export function unsavedRows(c: SheetChanges): number {
  return c.updates.length + c.creates.length + c.readOnlyOnly.length;
}
