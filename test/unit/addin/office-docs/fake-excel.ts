/**
 * A workbook for the Excel glue's tests, built from office-addin-mock objects: every object the glue gets
 * (tables, worksheets, ranges, columns) is an OfficeMockObject, so reading a property it did not `load` and `sync`
 * gives office-addin-mock's error instead of a value. Writes (`values`, `numberFormat`, a table's `name`) land in
 * the cells at `context.sync()`, as in Excel.
 */
/// <reference types="office-js" />
import { OfficeMockObject } from 'office-addin-mock';
import type { OfficeCell } from '../../../../sync-engine/src/service/contract';

type Grid = OfficeCell[][];

interface FakeSheet {
  name: string;
  cells: Grid;
  formats: string[][];
}
interface FakeTable {
  name: string;
  sheet: FakeSheet;
  /** Rows including the header. */
  rows: number;
  cols: number;
}

interface PendingRange {
  mock: { values?: unknown; numberFormat?: unknown };
  sheet: FakeSheet;
  row: number;
  col: number;
  rows: number;
  cols: number;
  initialValues: unknown;
  initialFormat: unknown;
}

/** Whether the glue assigned a property (a `load` turns office-addin-mock's "not loaded" into "not synced": no write). */
function assigned(now: unknown, initial: unknown): boolean {
  return now !== initial && !(typeof now === 'string' && now.startsWith('Error, '));
}

export class FakeWorkbook {
  readonly sheets = new Map<string, FakeSheet>();
  readonly tables = new Map<string, FakeTable>();
  syncs = 0;
  private mocks: OfficeMockObject[] = [];
  private pending: PendingRange[] = [];
  private pendingNames: Array<{ mock: { name?: unknown }; table: FakeTable }> = [];

  /** The context an `Excel.run` batch gets. */
  context(): Excel.RequestContext {
    const ctx = new OfficeMockObject({
      host: 'excel',
      workbook: {
        tables: {
          getItemOrNullObject: (name: string) => this.tableMock(this.tables.get(name) ?? null),
          getItem: (name: string) => {
            const table = this.tables.get(name);
            if (!table) throw new Error(`ItemNotFound: no table ${name}`);
            return this.tableMock(table);
          },
        },
        worksheets: {
          getItemOrNullObject: (name: string) => this.sheetMock(this.sheets.get(name) ?? null),
          add: (name: string) => {
            const sheet: FakeSheet = { name, cells: [], formats: [] };
            this.sheets.set(name, sheet);
            return this.sheetMock(sheet);
          },
        },
      },
      sync: () => this.sync(),
    });
    return ctx as unknown as Excel.RequestContext;
  }

  /** `Excel.run` over this workbook. */
  readonly run = <T>(batch: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> => batch(this.context());

  /** A table's header and data rows as Excel holds them. */
  table(name: string): { header: OfficeCell[]; rows: Grid } {
    const t = this.tables.get(name)!;
    const grid = t.sheet.cells.slice(0, t.rows).map((r) => r.slice(0, t.cols));
    return { header: grid[0], rows: grid.slice(1) };
  }

  /** The user types into a data cell (row 0 is the first under the header). */
  edit(tableName: string, row: number, column: string, value: OfficeCell): void {
    const t = this.tables.get(tableName)!;
    const col = t.sheet.cells[0].indexOf(column);
    if (col === -1) throw new Error(`no column ${column}`);
    t.sheet.cells[row + 1][col] = value;
  }

  /** The user types a new row under the table, which grows to hold it. */
  addRow(tableName: string, values: Record<string, OfficeCell>): void {
    const t = this.tables.get(tableName)!;
    const header = t.sheet.cells[0];
    t.sheet.cells[t.rows] = header.slice(0, t.cols).map((h) => values[String(h)] ?? '');
    t.rows++;
  }

  private async sync(): Promise<void> {
    this.syncs++;
    for (const p of this.pending) {
      if (assigned(p.mock.values, p.initialValues)) this.write(p, p.mock.values as Grid, 'cells');
      if (assigned(p.mock.numberFormat, p.initialFormat)) this.write(p, p.mock.numberFormat as Grid, 'formats');
      // A range stays usable after a sync: what is assigned to it later is written at the next one.
      p.initialValues = p.mock.values;
      p.initialFormat = p.mock.numberFormat;
    }
    for (const n of this.pendingNames) {
      if (typeof n.mock.name === 'string' && !n.mock.name.startsWith('Error, ') && n.mock.name !== n.table.name) {
        this.tables.delete(n.table.name);
        n.table.name = n.mock.name;
        this.tables.set(n.table.name, n.table);
      }
    }
    const mocks = this.mocks;
    this.mocks = [];
    for (const m of mocks) await m.sync();
  }

  private write(p: PendingRange, grid: Grid | string[][], into: 'cells' | 'formats'): void {
    if (!Array.isArray(grid) || grid.length !== p.rows || grid.some((r) => !Array.isArray(r) || r.length !== p.cols))
      throw new Error(`InvalidArgument: a ${p.rows}x${p.cols} range was given ${JSON.stringify(grid).slice(0, 80)}`);
    const target = p.sheet[into] as unknown[][];
    grid.forEach((r, i) => {
      target[p.row + i] ??= [];
      r.forEach((v, j) => (target[p.row + i][p.col + j] = v));
    });
  }

  private track<T extends OfficeMockObject>(m: T): T {
    this.mocks.push(m);
    return m;
  }

  private rangeMock(sheet: FakeSheet, row: number, col: number, rows: number, cols: number): OfficeMockObject {
    const values = Array.from({ length: rows }, (_, i) =>
      Array.from({ length: cols }, (_, j) => sheet.cells[row + i]?.[col + j] ?? ''),
    );
    const colName = (c: number) => String.fromCharCode(65 + c);
    const m = this.track(
      new OfficeMockObject({
        host: 'excel',
        values,
        numberFormat: values.map((r) => r.map(() => 'General')),
        address: `${sheet.name}!${colName(col)}${row + 1}:${colName(col + cols - 1)}${row + rows}`,
        clear: () => {
          sheet.cells = [];
          sheet.formats = [];
        },
      }),
    );
    const initialValues = m.values;
    const initialFormat = m.numberFormat;
    this.pending.push({
      mock: m as unknown as PendingRange['mock'],
      sheet,
      row,
      col,
      rows,
      cols,
      initialValues,
      initialFormat,
    });
    (m as unknown as { __fake: object }).__fake = { sheet, row, col, rows, cols };
    return m;
  }

  private sheetMock(sheet: FakeSheet | null): OfficeMockObject {
    if (!sheet) return this.track(new OfficeMockObject({ host: 'excel', isNullObject: true }));
    return this.track(
      new OfficeMockObject({
        host: 'excel',
        isNullObject: false,
        name: sheet.name,
        getRange: () => this.rangeMock(sheet, 0, 0, Math.max(sheet.cells.length, 1), 1),
        getRangeByIndexes: (r: number, c: number, rows: number, cols: number) =>
          this.rangeMock(sheet, r, c, rows, cols),
        activate: () => undefined,
        tables: {
          add: (
            range: { __fake: { sheet: FakeSheet; row: number; col: number; rows: number; cols: number } },
            hasHeaders: boolean,
          ) => {
            if (!hasHeaders) throw new Error('this workbook makes tables with headers only');
            const f = range.__fake;
            const table: FakeTable = {
              name: `Table${this.tables.size + 1}`,
              sheet: f.sheet,
              rows: f.rows,
              cols: f.cols,
            };
            this.tables.set(table.name, table);
            const m = this.tableMock(table);
            this.pendingNames.push({ mock: m as unknown as { name?: unknown }, table });
            return m;
          },
        },
      }),
    );
  }

  private tableMock(table: FakeTable | null): OfficeMockObject {
    if (!table) return this.track(new OfficeMockObject({ host: 'excel', isNullObject: true }));
    const header = () => table.sheet.cells[0].slice(0, table.cols).map(String);
    return this.track(
      new OfficeMockObject({
        host: 'excel',
        isNullObject: false,
        getHeaderRowRange: () => this.rangeMock(table.sheet, 0, 0, 1, table.cols),
        getDataBodyRange: () => this.rangeMock(table.sheet, 1, 0, table.rows - 1, table.cols),
        getRange: () => this.rangeMock(table.sheet, 0, 0, table.rows, table.cols),
        delete: () => this.tables.delete(table.name),
        columns: {
          getItem: (name: string) => {
            const col = header().indexOf(name);
            if (col === -1) throw new Error(`ItemNotFound: no column ${name}`);
            return this.track(
              new OfficeMockObject({
                host: 'excel',
                getDataBodyRange: () => this.rangeMock(table.sheet, 1, col, table.rows - 1, 1),
              }),
            );
          },
        },
      }),
    );
  }
}
