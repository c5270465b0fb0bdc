/**
 * The Excel glue (addin/office-docs/excel/) driven through office-addin-mock objects (fake-excel.ts): fill a sheet
 * as a table, find the edits against what was read, save only changed rows and fields, results beside the rows,
 * refresh that never drops unsaved edits unasked, and a save stopped by lost API access that keeps the edits.
 */
import assert from 'node:assert/strict';
import type {
  OfficeFields,
  OfficeQueryAnswer,
  OfficeQueryRequest,
  OfficeSaveAnswer,
  OfficeSaveRequest,
} from '../../../../sync-engine/src/service/contract';
import { OfficeDocsApi } from '../../../../addin/office-docs/shared/office-docs-api';
import { ServiceFailure } from '../../../../addin/api/service-failure';
import { officeDocsTexts } from '../../../../addin/office-docs/shared/texts';
import {
  fillOrAsk,
  fillSheet,
  objectOf,
  refreshSheet,
  saveSheet,
  SheetDeps,
} from '../../../../addin/office-docs/excel/sheet-sync';
import { RESULT_COLUMN, sheetChanges } from '../../../../addin/office-docs/excel/sheet-changes';
import { memoryStateStore } from '../../../../addin/office-docs/excel/sheet-state';
import { FakeWorkbook } from './fake-excel';

const FIELDS: OfficeFields = {
  object: 'Contact',
  label: 'Contact',
  fields: [
    { name: 'Id', label: 'Contact ID', type: 'id', updateable: false, createable: false, relationshipName: null },
    {
      name: 'LastName',
      label: 'Last Name',
      type: 'string',
      updateable: true,
      createable: true,
      relationshipName: null,
    },
    { name: 'Title', label: 'Title', type: 'string', updateable: true, createable: true, relationshipName: null },
    {
      name: 'NumberOfPets__c',
      label: 'Pets',
      type: 'double',
      updateable: true,
      createable: true,
      relationshipName: null,
    },
    { name: 'Name', label: 'Full Name', type: 'string', updateable: false, createable: false, relationshipName: null },
  ],
};
const ACCESS_OFF = "Connect for Office couldn't sync with Salesforce.com: API access is disabled for your user.";

/** The service as the glue sees it, over records in memory; `accessOff` makes every call fail as the service does. */
class FakeApi implements OfficeDocsApi {
  records = new Map<string, Record<string, string | number | null>>();
  saves: OfficeSaveRequest[] = [];
  queries: OfficeQueryRequest[] = [];
  accessOff = false;
  private nextId = 1;
  constructor(rows: number) {
    for (let i = 1; i <= rows; i++)
      this.add({ LastName: `Row ${String(i).padStart(4, '0')}`, Title: 'Engineer', NumberOfPets__c: i % 3 });
  }
  add(values: Record<string, string | number | null>): string {
    const id = `003${String(this.nextId++).padStart(15, '0')}`;
    this.records.set(id, { Id: id, ...values, Name: values.LastName });
    return id;
  }
  private check(): void {
    // As the service client fails: the service's 403 with the product's text.
    if (this.accessOff) throw new ServiceFailure('API_CURRENTLY_DISABLED', ACCESS_OFF, 403);
  }
  async objectFields(): Promise<OfficeFields> {
    this.check();
    return FIELDS;
  }
  async mergeFields(): Promise<OfficeFields> {
    throw new Error('not for Excel');
  }
  async query(q: OfficeQueryRequest): Promise<OfficeQueryAnswer> {
    this.check();
    this.queries.push(q);
    const fields = ['Id', ...('fields' in q ? q.fields : [])];
    const records = [...this.records.values()].map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));
    return { object: 'Contact', fields, records, totalSize: records.length, complete: true };
  }
  async save(s: OfficeSaveRequest): Promise<OfficeSaveAnswer> {
    this.check();
    this.saves.push(structuredClone(s));
    const results = s.rows.map((r) => {
      if (r.values.LastName === null) {
        return {
          row: r.row,
          id: r.id,
          success: false,
          created: false,
          errors: [
            {
              code: 'REQUIRED_FIELD_MISSING',
              message: 'Required fields are missing: [LastName]',
              fields: ['LastName'],
            },
          ],
        };
      }
      if (r.id) {
        Object.assign(this.records.get(r.id)!, r.values);
        return { row: r.row, id: r.id, success: true, created: false, errors: [] };
      }
      const id = this.add(r.values as Record<string, string>);
      return { row: r.row, id, success: true, created: true, errors: [] };
    });
    const ok = results.filter((r) => r.success);
    return {
      results,
      updated: ok.filter((r) => !r.created).length,
      created: ok.filter((r) => r.created).length,
      failed: results.length - ok.length,
      stopped: null,
    };
  }
}

describe('addin: Excel sheets filled from Salesforce (office-addin-mock)', () => {
  let book: FakeWorkbook;
  let api: FakeApi;
  let deps: SheetDeps;
  const TABLE = 'SF_Contact';
  const QUERY: OfficeQueryRequest = { object: 'Contact', fields: ['LastName', 'Title', 'NumberOfPets__c', 'Name'] };

  beforeEach(() => {
    book = new FakeWorkbook();
    api = new FakeApi(500);
    deps = { run: book.run, api, store: memoryStateStore() };
  });

  it('fills a sheet as a table: header row of fields, Id first, one row per record, a result column', async () => {
    const filled = await fillSheet(deps, QUERY);
    assert.deepEqual(filled, { tableName: TABLE, object: 'Contact', rows: 500, complete: true });
    const { header, rows } = book.table(TABLE);
    assert.deepEqual(header, ['Id', 'LastName', 'Title', 'NumberOfPets__c', 'Name', RESULT_COLUMN]);
    assert.equal(rows.length, 500);
    assert.deepEqual(rows[0], ['003000000000000001', 'Row 0001', 'Engineer', 1, 'Row 0001', '']);
    const formats = book.sheets.get('Contact')!.formats;
    assert.equal(formats[1][1], '@', 'text columns are text, so Excel keeps what Salesforce holds');
    assert.equal(formats[1][3], 'General', 'number columns stay numbers');
  });

  it('saves 20 edited rows of 500 in one call, their changed fields only, "Saved" beside each', async () => {
    await fillSheet(deps, QUERY);
    for (let i = 0; i < 20; i++) book.edit(TABLE, i * 25, 'Title', `Lead ${i}`);
    book.edit(TABLE, 25, 'NumberOfPets__c', 7);
    const saved = await saveSheet(deps, TABLE);
    assert.deepEqual(saved, { updated: 20, created: 0, failed: 0, unsaved: 0, stopped: null });
    assert.equal(api.saves.length, 1);
    assert.equal(api.saves[0].rows.length, 20);
    assert.deepEqual(api.saves[0].rows[0], { row: 0, id: '003000000000000001', values: { Title: 'Lead 0' } });
    assert.deepEqual(api.saves[0].rows[1], {
      row: 25,
      id: '003000000000000026',
      values: { Title: 'Lead 1', NumberOfPets__c: 7 },
    });
    const { rows } = book.table(TABLE);
    assert.equal(rows[25][5], 'Saved');
    assert.equal(rows[1][5], '', 'an unchanged row gets no result');
    assert.deepEqual(await saveSheet(deps, TABLE), { updated: 0, created: 0, failed: 0, unsaved: 0, stopped: null });
    assert.equal(api.saves.length, 1, 'nothing is sent again once saved');
  });

  it('creates a row typed under the table and writes its new id into the Id cell', async () => {
    await fillSheet(deps, QUERY);
    book.addRow(TABLE, { LastName: 'Typed', Title: 'New' });
    const saved = await saveSheet(deps, TABLE);
    assert.equal(saved.created, 1);
    assert.deepEqual(api.saves[0].rows, [{ row: 500, id: null, values: { LastName: 'Typed', Title: 'New' } }]);
    const { rows } = book.table(TABLE);
    assert.equal(rows[500][0], '003000000000000501');
    assert.equal(rows[500][5], 'Created');
    assert.equal((await saveSheet(deps, TABLE)).updated, 0, 'the created row is not sent again');
    assert.deepEqual(deps.store.get(TABLE)!.baseline.rows['003000000000000501'].slice(0, 3), [
      '003000000000000501',
      'Typed',
      'New',
    ]);
  });

  it("writes a row's own failure beside it and keeps the edit unsaved; read-only columns are not sent", async () => {
    await fillSheet(deps, QUERY);
    book.edit(TABLE, 3, 'LastName', '');
    book.edit(TABLE, 4, 'Name', 'Renamed');
    const saved = await saveSheet(deps, TABLE);
    assert.deepEqual(saved, { updated: 0, created: 0, failed: 1, unsaved: 2, stopped: null });
    assert.deepEqual(api.saves[0].rows, [{ row: 3, id: '003000000000000004', values: { LastName: null } }]);
    const { rows } = book.table(TABLE);
    assert.equal(rows[3][5], 'Not saved: Required fields are missing: [LastName] (LastName)');
    assert.match(String(rows[4][5]), /^Name cannot be changed from this sheet/);
  });

  it('refresh with unsaved edits asks first and changes nothing; told to, it reads again', async () => {
    await fillSheet(deps, QUERY);
    book.edit(TABLE, 2, 'Title', 'Mine');
    const asked = await refreshSheet(deps, TABLE);
    assert.deepEqual(asked, { kind: 'unsaved', rows: 1 });
    assert.equal(api.queries.length, 1, 'no query before the user answers');
    assert.equal(book.table(TABLE).rows[2][2], 'Mine');
    api.records.get('003000000000000010')!.Title = 'Changed in Salesforce';
    const done = await refreshSheet(deps, TABLE, { discardEdits: true });
    assert.equal(done.kind, 'refreshed');
    assert.equal(book.table(TABLE).rows[2][2], 'Engineer');
    assert.equal(book.table(TABLE).rows[9][2], 'Changed in Salesforce');
  });

  it('filling the same sheet again asks first when it holds unsaved edits', async () => {
    await fillSheet(deps, QUERY);
    book.edit(TABLE, 0, 'Title', 'Mine');
    assert.deepEqual(await fillOrAsk(deps, { soql: 'SELECT Id, Title FROM Contact' }), { kind: 'unsaved', rows: 1 });
    assert.equal(api.queries.length, 1, 'nothing read, nothing replaced');
    assert.equal(book.table(TABLE).rows[0][2], 'Mine');
    const done = await fillOrAsk(deps, { object: 'Contact', fields: ['Title'] }, { discardEdits: true });
    assert.equal(done.kind, 'refreshed');
    assert.deepEqual(book.table(TABLE).header, ['Id', 'Title', RESULT_COLUMN]);
  });

  it("finds a query's object in its fields form or its SOQL", () => {
    assert.equal(objectOf({ object: 'Lead', fields: ['Company'] }), 'Lead');
    assert.equal(objectOf({ soql: 'select Id from Account where Name != null' }), 'Account');
  });

  it('refresh without edits reads again in place', async () => {
    await fillSheet(deps, QUERY);
    api.add({ LastName: 'Late', Title: 'x', NumberOfPets__c: 0 });
    const done = await refreshSheet(deps, TABLE);
    assert.equal(done.kind, 'refreshed');
    assert.equal(book.table(TABLE).rows.length, 501);
    assert.equal(book.tables.size, 1, 'one table, not a second');
  });

  it('a save stopped by lost API access shows the text, keeps every edit, and sends them once access returns', async () => {
    await fillSheet(deps, QUERY);
    for (let i = 0; i < 20; i++) book.edit(TABLE, i, 'Title', `Offline ${i}`);
    api.accessOff = true;
    const stopped = await saveSheet(deps, TABLE);
    assert.deepEqual(stopped, { updated: 0, created: 0, failed: 0, unsaved: 20, stopped: ACCESS_OFF });
    const { rows } = book.table(TABLE);
    assert.equal(rows[7][2], 'Offline 7', 'the edit is still in the sheet');
    assert.equal(rows[7][5], `Not saved yet: ${ACCESS_OFF}`);
    assert.deepEqual(await refreshSheet(deps, TABLE), { kind: 'unsaved', rows: 20 });
    api.accessOff = false;
    const saved = await saveSheet(deps, TABLE);
    assert.deepEqual(saved, { updated: 20, created: 0, failed: 0, unsaved: 0, stopped: null });
    assert.equal(api.saves.length, 1);
    assert.equal(api.records.get('003000000000000008')!.Title, 'Offline 7');
  });

  it('a save that loses the service part way is the pane failure, after the rows saved say so; not the product text', async () => {
    await fillSheet(deps, QUERY);
    for (let i = 0; i < 250; i++) book.edit(TABLE, i, 'Title', `Part ${i}`);
    const save = api.save.bind(api);
    let calls = 0;
    api.save = async (s) => {
      if (++calls === 2) throw new ServiceFailure('down', 'The sfo-compat service is not running.');
      return save(s);
    };
    await assert.rejects(
      saveSheet(deps, TABLE),
      (err: unknown) => err instanceof ServiceFailure && err.code === 'down',
    );
    const { rows } = book.table(TABLE);
    assert.equal(rows[0][5], officeDocsTexts.rowSaved, 'the first 200 say they were saved');
    assert.equal(rows[220][5] ?? '', '', 'the rest are not said to be stopped by the product');
    api.save = save;
    const saved = await saveSheet(deps, TABLE);
    assert.deepEqual(saved, { updated: 50, created: 0, failed: 0, unsaved: 0, stopped: null }, 'only the 50 go again');
  });

  it('sends more than 200 changed rows 200 at a time', async () => {
    await fillSheet(deps, QUERY);
    for (let i = 0; i < 450; i++) book.edit(TABLE, i, 'Title', `Bulk ${i}`);
    const saved = await saveSheet(deps, TABLE);
    assert.equal(saved.updated, 450);
    assert.deepEqual(
      api.saves.map((s) => s.rows.length),
      [200, 200, 50],
    );
  });
});

describe("addin: finding a sheet's edits", () => {
  const baseline = {
    columns: ['Id', 'LastName', 'Phone', 'Account.Name'],
    rows: { a1: ['a1', 'Lee', null, 'Acme'] },
    updateable: ['LastName', 'Phone'],
    createable: ['LastName', 'Phone'],
  };
  const header = ['Id', 'LastName', 'Phone', 'Account.Name', RESULT_COLUMN];

  it('an empty cell equals a null field, and the result column is never an edit', () => {
    const c = sheetChanges(header, [['a1', 'Lee', '', 'Acme', 'Saved']], baseline);
    assert.deepEqual(c, { updates: [], creates: [], readOnlyOnly: [] });
  });

  it('a cleared field is sent as null; a related field edit is read-only', () => {
    const c = sheetChanges(header, [['a1', '', '', 'Other', '']], baseline);
    assert.deepEqual(c.updates, [{ row: 0, id: 'a1', values: { LastName: null }, readOnly: ['Account.Name'] }]);
  });

  it('columns moved by the user still compare by name', () => {
    const moved = ['Phone', 'Id', 'LastName', 'Account.Name'];
    const c = sheetChanges(moved, [['555', 'a1', 'Lee', 'Acme']], baseline);
    assert.deepEqual(c.updates, [{ row: 0, id: 'a1', values: { Phone: '555' }, readOnly: [] }]);
  });

  it('a blank row is no new record', () => {
    assert.deepEqual(sheetChanges(header, [['', '', '', '', '']], baseline).creates, []);
  });
});
