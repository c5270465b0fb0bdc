/// <reference types="office-js" />
/**
 * Excel's three actions on a Salesforce sheet: fill it from a query, refresh it in place (never over unsaved edits
 * without the user's word), and "Save to Salesforce" (the changed rows' changed fields and the new rows, 200 of
 * each per service call, so each call is one Collections PATCH and one POST; each row's result beside it).
 * When a save stops (API access turned off), the rows not saved keep their edits and stay unsaved, so the next
 * save sends them; nothing is marked saved that Salesforce did not confirm.
 */
import type { OfficeCell, OfficeQueryRequest, OfficeSaveAnswer } from '../../../sync-engine/src/service/contract';
import { PaneProblem } from '../../shared/pane-problem';
import { isProductRefusal } from '../../shared/failure-text';
import { OfficeDocsApi } from '../shared/office-docs-api';
import { officeDocsTexts as t } from '../shared/texts';
import { ID_COLUMN, RowChange, SheetBaseline, sheetChanges, unsavedRows } from './sheet-changes';
import { SheetState, SheetStateStore } from './sheet-state';
import { readTable, writeResults, writeTable } from './sheet-table';

/** `Excel.run`, or a test's stand-in for it. */
export type ExcelRun = <T>(batch: (ctx: Excel.RequestContext) => Promise<T>) => Promise<T>;

export interface SheetDeps {
  run: ExcelRun;
  api: OfficeDocsApi;
  store: SheetStateStore;
}

/** Rows of each kind one service call saves (the service's limit: one Collections call each). */
export const SAVE_BATCH = 200;

/** The table of an object's sheet (Excel table names take letters, digits and underscores). */
export const tableNameOf = (object: string): string => `SF_${object.replace(/[^A-Za-z0-9_]/g, '_')}`;

export interface Filled {
  tableName: string;
  object: string;
  rows: number;
  /** False when the org holds more rows than the sheet got. */
  complete: boolean;
}

/** Fill (or fill again) the object's sheet with what `query` reads; its baseline is what was read. */
export async function fillSheet(d: SheetDeps, query: OfficeQueryRequest): Promise<Filled> {
  const answer = await d.api.query(query);
  const described = await d.api.objectFields(answer.object);
  const types = Object.fromEntries(described.fields.map((f) => [f.name, f.type]));
  const tableName = tableNameOf(answer.object);
  const rows = answer.records.map((r) => answer.fields.map((f) => r[f] ?? null));
  await d.run((ctx) => writeTable(ctx, { sheetName: answer.object, tableName, columns: answer.fields, types, rows }));
  const baseline: SheetBaseline = {
    columns: answer.fields,
    rows: Object.fromEntries(rows.map((r, i) => [String(answer.records[i][ID_COLUMN]), r])),
    updateable: described.fields.filter((f) => f.updateable).map((f) => f.name),
    createable: described.fields.filter((f) => f.createable).map((f) => f.name),
  };
  await d.store.set(tableName, { object: answer.object, query, types, baseline });
  return { tableName, object: answer.object, rows: rows.length, complete: answer.complete };
}

export type RefreshOutcome = ({ kind: 'refreshed' } & Filled) | { kind: 'unsaved'; rows: number };

/** The object a query reads: its `object`, or the FROM of its SOQL. */
export function objectOf(query: OfficeQueryRequest): string | null {
  if ('object' in query) return query.object;
  return /\bFROM\s+([A-Za-z][A-Za-z0-9_]*)/i.exec(query.soql)?.[1] ?? null;
}

/**
 * "Fill sheet": like a refresh, it would replace the object's sheet, so it never drops that sheet's unsaved edits
 * without `discardEdits` (the user said so).
 */
export async function fillOrAsk(
  d: SheetDeps,
  query: OfficeQueryRequest,
  o: { discardEdits?: boolean } = {},
): Promise<RefreshOutcome> {
  const object = objectOf(query);
  if (!o.discardEdits && object) {
    const unsaved = await unsavedIn(d, tableNameOf(object));
    if (unsaved > 0) return { kind: 'unsaved', rows: unsaved };
  }
  return { kind: 'refreshed', ...(await fillSheet(d, query)) };
}

/** How many rows of a filled sheet hold edits Salesforce has not got (0 for a sheet never filled or gone). */
async function unsavedIn(d: SheetDeps, tableName: string): Promise<number> {
  const state = d.store.get(tableName);
  if (!state) return 0;
  const contents = await d.run((ctx) => readTable(ctx, tableName));
  return contents ? unsavedRows(sheetChanges(contents.header, contents.rows, state.baseline)) : 0;
}

/** Read the sheet's query again into it; with unsaved edits, only when `discardEdits` (the user said so). */
export async function refreshSheet(
  d: SheetDeps,
  tableName: string,
  o: { discardEdits?: boolean } = {},
): Promise<RefreshOutcome> {
  const state = stateOf(d, tableName);
  if (!o.discardEdits) {
    const unsaved = await unsavedIn(d, tableName);
    if (unsaved > 0) return { kind: 'unsaved', rows: unsaved };
  }
  return { kind: 'refreshed', ...(await fillSheet(d, state.query)) };
}

export interface Saved {
  updated: number;
  created: number;
  failed: number;
  /** Rows still holding edits Salesforce has not got. */
  unsaved: number;
  /** Why the save stopped before every row was sent (the product's text for lost API access), else null. */
  stopped: string | null;
}

/** "Save to Salesforce": the sheet's changed and new rows, each row's result written beside it. */
export async function saveSheet(d: SheetDeps, tableName: string): Promise<Saved> {
  const state = stateOf(d, tableName);
  const contents = await d.run((ctx) => readTable(ctx, tableName));
  if (!contents) throw new PaneProblem(t.sheetGone(tableName));
  const changes = sheetChanges(contents.header, contents.rows, state.baseline);
  const results = new Map<number, { text: string; createdId?: string }>();
  const out: Saved = { updated: 0, created: 0, failed: 0, unsaved: 0, stopped: null };
  let failure: { err: unknown } | null = null;
  const batches = Math.ceil(Math.max(changes.updates.length, changes.creates.length) / SAVE_BATCH);
  for (let b = 0; b < batches && out.stopped === null && !failure; b++) {
    const batch = [
      ...changes.updates.slice(b * SAVE_BATCH, (b + 1) * SAVE_BATCH),
      ...changes.creates.slice(b * SAVE_BATCH, (b + 1) * SAVE_BATCH),
    ];
    let answer: OfficeSaveAnswer;
    try {
      answer = await d.api.save({
        object: state.object,
        rows: batch.map((c) => ({ row: c.row, id: c.id, values: c.values })),
      });
    } catch (err) {
      // Nothing of this batch was written: its rows keep their edits for the next save. The product's refusal is the
      // save's stop, shown as the product's text; anything else (the service down, a refused secret) is the pane's to
      // show, once what earlier batches saved is written beside their rows.
      if (isProductRefusal(err)) out.stopped = err.message;
      else failure = { err };
      break;
    }
    const byRow = new Map(batch.map((c) => [c.row, c]));
    for (const r of answer.results) {
      const change = byRow.get(r.row);
      if (!change) continue;
      if (!r.success) {
        out.failed++;
        results.set(r.row, { text: t.rowFailed(r.errors) });
        continue;
      }
      const id = r.id ?? change.id!;
      state.baseline.rows[id] = savedRow(state.baseline, contents.header, contents.rows[r.row], change, id);
      if (r.created) out.created++;
      else out.updated++;
      const note = change.readOnly.length > 0 ? ` ${t.readOnlyNotSaved(change.readOnly)}` : '';
      results.set(r.row, r.created ? { text: t.rowCreated + note, createdId: id } : { text: t.rowSaved + note });
    }
    if (answer.stopped) out.stopped = answer.stopped.message;
  }
  for (const c of changes.readOnlyOnly) results.set(c.row, { text: t.readOnlyNotSaved(c.readOnly) });
  const notSent = [...changes.updates, ...changes.creates].filter((c) => !results.has(c.row));
  if (out.stopped) for (const c of notSent) results.set(c.row, { text: t.rowNotSaved(out.stopped) });
  await d.run((ctx) => writeResults(ctx, tableName, results));
  await d.store.set(tableName, state);
  out.unsaved = out.failed + notSent.length + changes.readOnlyOnly.length;
  if (failure) throw failure.err;
  return out;
}

/**
 * The baseline's row once Salesforce confirmed a save: the sent fields as they are now; every other column as it
 * was read (a read-only edit stays an edit), and for a new row, null.
 */
function savedRow(
  baseline: SheetBaseline,
  header: string[],
  cells: OfficeCell[],
  change: RowChange,
  id: string,
): OfficeCell[] {
  const before = change.id ? baseline.rows[change.id] : undefined;
  return baseline.columns.map((column, i) => {
    if (column in change.values) return cells[header.indexOf(column)] ?? null;
    if (column === ID_COLUMN) return id;
    return before ? before[i] : null;
  });
}

function stateOf(d: SheetDeps, tableName: string): SheetState {
  const state = d.store.get(tableName);
  if (!state) throw new PaneProblem(t.notASalesforceSheet);
  return state;
}
