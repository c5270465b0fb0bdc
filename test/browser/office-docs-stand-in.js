/*
 * A stand-in for office.js in Word and Excel, for the Word and Excel pane's browser test, following the documented
 * APIs: Office.onReady with the host (from the page's `?host=excel` or `?host=word`), Office.context.document.settings
 * (get, set, saveAsync), Excel.run and Word.run. As in Office.js, every call in a batch is queued and runs at
 * context.sync() (and when the batch ends), and a property can be read only after it was loaded and synced: reading
 * it before throws PropertyNotLoaded. A ClientResult's value is there after the sync.
 *
 * Excel: workbook.worksheets (getItemOrNullObject, add), workbook.tables (getItemOrNullObject, getItem), a
 * worksheet's getRange, getRangeByIndexes, tables.add, activate; a table's getHeaderRowRange, getDataBodyRange,
 * getRange, columns.getItem(name).getDataBodyRange, name, delete; a range's values, numberFormat, address, clear.
 * Word: document.getSelection().insertContentControl(), a content control's tag, title, text and insertText,
 * document.body.contentControls (items), body.getOoxml and insertOoxml, application.createDocument() and open().
 *
 * The test drives the user's side through window.__officeDocs: typing into cells and under a table, typing in the
 * document, and reading the workbook, the document and the documents a merge opened.
 *
 * Failing as Office does: a batch's failure rejects with OfficeExtension.Error (name "RichApi.Error", a string code,
 * Office's message); `excel.cellEditMode(true)` makes every Excel batch fail as Excel does while the user edits a
 * cell (InvalidOperationInCellEditMode); `excel.failSettingsSave(true)` makes settings.saveAsync answer an error
 * result (4001, "The settings could not be saved."). A page opened with `&dialogError=<code>` gets
 * Office.context.ui, whose displayDialogAsync answers an error result with that code and Office's message for it.
 * Office's messages are the en-us ones of @microsoft/office-js.
 */
(() => {
  const host = new URLSearchParams(location.search).get('host');
  if (host !== 'excel' && host !== 'word') return;

  const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

  /** OfficeExtension.Error, as office.js makes it from a host's refusal. */
  class RichApiError extends Error {
    constructor(code, message) {
      super(message);
      this.name = 'RichApi.Error';
      this.code = code;
      this.traceMessages = [];
      this.innerError = null;
      this.debugInfo = { code, message };
    }
  }
  const notLoaded = (name) =>
    new RichApiError(
      'PropertyNotLoaded',
      `The property '${name}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`,
    );
  const CELL_EDIT_MODE =
    'Excel is in cell-editing mode. Please exit the edit mode by pressing ENTER or TAB or selecting another cell, and then try again.';
  const failures = { cellEditMode: false, settingsSave: false };

  class RequestContext {
    constructor() {
      this.queue = [];
    }
    enqueue(op) {
      this.queue.push(op);
    }
    async sync() {
      const ops = this.queue;
      this.queue = [];
      // Excel refuses the whole batch while the user edits a cell: none of it runs.
      if (host === 'excel' && failures.cellEditMode) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        throw new RichApiError('InvalidOperationInCellEditMode', CELL_EDIT_MODE);
      }
      for (const op of ops) op();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /**
   * An API object: `resolve()` finds what it stands for when the queue runs; `props` maps each loadable property to
   * its reader (and writer, for settable ones). Loads and writes are queued; reads need a load and a sync.
   */
  function apiObject(ctx, resolve, props, methods = {}) {
    const loaded = new Map();
    const obj = {
      load(arg) {
        const names =
          arg === undefined
            ? Object.keys(props)
            : (Array.isArray(arg) ? arg : String(arg).split(',')).map((s) => s.trim());
        ctx.enqueue(() => {
          const target = resolve();
          for (const name of names) {
            if (!props[name]) throw new RichApiError('PropertyNotFound', `'${name}' is not a property of this object`);
            loaded.set(name, clone(props[name].get(target)));
          }
        });
        return obj;
      },
    };
    /** Load now, inside a queued operation (a collection's load loads its items). */
    Object.defineProperty(obj, '__loadNow', {
      value: () => {
        const target = resolve();
        for (const [name, p] of Object.entries(props)) loaded.set(name, clone(p.get(target)));
      },
    });
    for (const [name, p] of Object.entries(props)) {
      Object.defineProperty(obj, name, {
        enumerable: true,
        get() {
          if (!loaded.has(name)) throw notLoaded(name);
          return loaded.get(name);
        },
        set(value) {
          if (!p.set) throw new RichApiError('InvalidOperation', `'${name}' is read-only`);
          const v = clone(value);
          ctx.enqueue(() => p.set(resolve(), v));
          loaded.set(name, v);
        },
      });
    }
    return Object.assign(obj, methods);
  }

  function clientResult(ctx, compute) {
    let done = false;
    let value;
    ctx.enqueue(() => {
      value = compute();
      done = true;
    });
    return {
      get value() {
        if (!done) throw notLoaded('value');
        return value;
      },
    };
  }

  const failed = (code, name, message) => ({ status: 'failed', value: undefined, error: { code, name, message } });

  let settingsStore = {};
  const settings = {
    get: (name) => (name in settingsStore ? clone(settingsStore[name]) : null),
    set: (name, value) => {
      settingsStore[name] = clone(value);
    },
    remove: (name) => delete settingsStore[name],
    saveAsync(options, callback) {
      const cb = typeof options === 'function' ? options : callback;
      const result = failures.settingsSave
        ? failed(4001, 'Save Settings Error', 'The settings could not be saved.')
        : { status: 'succeeded', value: undefined };
      if (cb) setTimeout(() => cb(result), 0);
    },
  };

  // ---- Excel ----
  const book = { sheets: new Map(), tables: new Map(), activeSheet: null, tableCount: 0 };

  function column(n) {
    let s = '';
    for (let x = n + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
    return s;
  }
  function block(area) {
    const { sheet, row, col, rows, cols } = area;
    const grid = (from, empty) =>
      Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => from[row + i]?.[col + j] ?? empty));
    return {
      values: grid(sheet.cells, ''),
      numberFormat: grid(sheet.formats, 'General'),
      address: `${sheet.name}!${column(col)}${row + 1}:${column(col + cols - 1)}${row + rows}`,
    };
  }
  function writeGrid(area, into, grid) {
    if (
      !Array.isArray(grid) ||
      grid.length !== area.rows ||
      grid.some((r) => !Array.isArray(r) || r.length !== area.cols)
    )
      throw new RichApiError(
        'InvalidArgument',
        `the range is ${area.rows}x${area.cols}; the value given does not match its size`,
      );
    const target = area.sheet[into];
    grid.forEach((r, i) => {
      target[area.row + i] ??= [];
      r.forEach((v, j) => (target[area.row + i][area.col + j] = v));
    });
  }
  function rangeObject(ctx, resolveArea) {
    return apiObject(
      ctx,
      resolveArea,
      {
        values: { get: (a) => block(a).values, set: (a, v) => writeGrid(a, 'cells', v) },
        numberFormat: { get: (a) => block(a).numberFormat, set: (a, v) => writeGrid(a, 'formats', v) },
        address: { get: (a) => block(a).address },
        rowCount: { get: (a) => a.rows },
      },
      {
        /** The area it stands for, for tables.add (Excel takes a Range there). */
        __area: resolveArea,
        clear() {
          ctx.enqueue(() => {
            const a = resolveArea();
            for (let i = 0; i < a.rows; i++) {
              if (a.sheet.cells[a.row + i]) a.sheet.cells[a.row + i].splice(a.col, a.cols);
              if (a.sheet.formats[a.row + i]) a.sheet.formats[a.row + i].splice(a.col, a.cols);
            }
          });
        },
      },
    );
  }
  const existing = (thing, what) => {
    if (!thing) throw new RichApiError('ItemNotFound', `the requested ${what} does not exist`);
    return thing;
  };
  function tableObject(ctx, resolveTable) {
    const t = () => existing(resolveTable(), 'table');
    const headerOf = (table) => table.sheet.cells[table.row].slice(table.col, table.col + table.cols).map(String);
    return apiObject(
      ctx,
      resolveTable,
      {
        isNullObject: { get: (table) => !table },
        name: {
          get: (table) => existing(table, 'table').name,
          set: (table, name) => {
            book.tables.delete(table.name);
            table.name = name;
            book.tables.set(name, table);
          },
        },
      },
      {
        getHeaderRowRange: () => rangeObject(ctx, () => ({ ...t(), rows: 1 })),
        getDataBodyRange: () => rangeObject(ctx, () => ({ ...t(), row: t().row + 1, rows: t().rows - 1 })),
        getRange: () => rangeObject(ctx, () => t()),
        delete() {
          ctx.enqueue(() => book.tables.delete(t().name));
        },
        columns: {
          getItem: (name) => ({
            getDataBodyRange: () =>
              rangeObject(ctx, () => {
                const table = t();
                const at = headerOf(table).indexOf(name);
                if (at === -1) throw new RichApiError('ItemNotFound', `the table has no column ${name}`);
                return { ...table, row: table.row + 1, rows: table.rows - 1, col: table.col + at, cols: 1 };
              }),
          }),
        },
      },
    );
  }
  function sheetObject(ctx, resolveSheet) {
    const s = () => existing(resolveSheet(), 'worksheet');
    return apiObject(
      ctx,
      resolveSheet,
      { isNullObject: { get: (sheet) => !sheet }, name: { get: (sheet) => existing(sheet, 'worksheet').name } },
      {
        getRange: (address) => {
          if (address !== undefined) throw new Error('this stand-in takes getRange() for the whole sheet only');
          return rangeObject(ctx, () => ({
            sheet: s(),
            row: 0,
            col: 0,
            rows: Math.max(s().cells.length, 1),
            cols: 16384,
          }));
        },
        getRangeByIndexes: (row, col, rows, cols) => rangeObject(ctx, () => ({ sheet: s(), row, col, rows, cols })),
        activate() {
          ctx.enqueue(() => (book.activeSheet = s().name));
        },
        tables: {
          add(range, hasHeaders) {
            if (hasHeaders !== true) throw new Error('this stand-in makes tables with a header row only');
            let made = null;
            ctx.enqueue(() => {
              const area = range.__area();
              const overlapping = [...book.tables.values()].find((x) => x.sheet === area.sheet);
              if (overlapping)
                throw new RichApiError('InvalidArgument', `the range overlaps the table ${overlapping.name}`);
              made = {
                name: `Table${++book.tableCount}`,
                sheet: area.sheet,
                row: area.row,
                col: area.col,
                rows: area.rows,
                cols: area.cols,
              };
              book.tables.set(made.name, made);
            });
            return tableObject(ctx, () => made);
          },
        },
      },
    );
  }

  function excelContext() {
    const ctx = new RequestContext();
    return Object.assign(ctx, {
      workbook: {
        worksheets: {
          getItemOrNullObject: (name) => sheetObject(ctx, () => book.sheets.get(name) ?? null),
          add(name) {
            ctx.enqueue(() => {
              if (book.sheets.has(name))
                throw new RichApiError('ItemAlreadyExists', `a worksheet named ${name} exists`);
              book.sheets.set(name, { name, cells: [], formats: [] });
            });
            return sheetObject(ctx, () => book.sheets.get(name));
          },
        },
        tables: {
          getItemOrNullObject: (name) => tableObject(ctx, () => book.tables.get(name) ?? null),
          getItem: (name) => tableObject(ctx, () => existing(book.tables.get(name), `table ${name}`)),
        },
      },
    });
  }
  async function run(makeContext, batch) {
    const ctx = makeContext();
    const result = await batch(ctx);
    await ctx.sync();
    return result;
  }

  // ---- Word ----
  const newDocument = () => ({ parts: [] });
  const word = { doc: newDocument(), opened: [] };
  const controlsOf = (doc) => doc.parts.filter((p) => p.kind === 'control');
  function controlObject(ctx, resolvePart) {
    return apiObject(
      ctx,
      resolvePart,
      {
        tag: { get: (p) => p.tag, set: (p, v) => (p.tag = v) },
        title: { get: (p) => p.title, set: (p, v) => (p.title = v) },
        text: { get: (p) => p.text },
      },
      {
        insertText(text, where) {
          if (where !== 'Replace') throw new Error(`this stand-in inserts text with "Replace" only (got ${where})`);
          ctx.enqueue(() => (resolvePart().text = String(text)));
        },
      },
    );
  }
  function bodyObject(ctx, resolveDoc) {
    const body = {
      getOoxml: () => clientResult(ctx, () => JSON.stringify({ sfoStandInDocument: resolveDoc().parts })),
      insertOoxml(ooxml, where) {
        if (where !== 'Replace') throw new Error(`this stand-in inserts OOXML with "Replace" only (got ${where})`);
        ctx.enqueue(() => (resolveDoc().parts = clone(JSON.parse(ooxml).sfoStandInDocument)));
      },
      get contentControls() {
        let items = null;
        return {
          load() {
            ctx.enqueue(() => {
              items = controlsOf(resolveDoc()).map((part) => {
                const c = controlObject(ctx, () => part);
                // Loading the collection loads its items' properties.
                c.__loadNow();
                return c;
              });
            });
            return this;
          },
          get items() {
            if (items === null) throw notLoaded('items');
            return items;
          },
        };
      },
    };
    return body;
  }
  function wordContext() {
    const ctx = new RequestContext();
    return Object.assign(ctx, {
      document: {
        body: bodyObject(ctx, () => word.doc),
        getSelection: () => ({
          insertContentControl() {
            const part = { kind: 'control', tag: '', title: '', text: '' };
            ctx.enqueue(() => word.doc.parts.push(part));
            return controlObject(ctx, () => part);
          },
        }),
      },
      application: {
        createDocument() {
          const doc = newDocument();
          return {
            body: bodyObject(ctx, () => doc),
            open() {
              ctx.enqueue(() => word.opened.push(doc));
            },
          };
        },
      },
    });
  }

  const textOf = (doc) => doc.parts.map((p) => p.text).join('');
  window.__officeDocs = {
    excel: {
      table(name) {
        const t = book.tables.get(name);
        if (!t) return null;
        const grid = t.sheet.cells.slice(t.row, t.row + t.rows).map((r) => (r ?? []).slice(t.col, t.col + t.cols));
        return { header: grid[0], rows: grid.slice(1) };
      },
      edit(tableName, row, columnName, value) {
        const t = book.tables.get(tableName);
        const at = t.sheet.cells[t.row].indexOf(columnName);
        if (at === -1) throw new Error(`no column ${columnName}`);
        t.sheet.cells[t.row + 1 + row][t.col + at] = value;
      },
      /** Typing in the row under a table makes it one row longer, as Excel's table AutoExpansion does. */
      addRow(tableName, values) {
        const t = book.tables.get(tableName);
        const header = t.sheet.cells[t.row].slice(t.col, t.col + t.cols);
        t.sheet.cells[t.row + t.rows] = header.map((h) => values[h] ?? '');
        t.rows++;
      },
      tableNames: () => [...book.tables.keys()],
      settings: () => clone(settingsStore),
      /** The user is (or is no longer) editing a cell: answers the message Excel refuses every batch with. */
      cellEditMode(on) {
        failures.cellEditMode = on;
        return CELL_EDIT_MODE;
      },
      /** settings.saveAsync fails (or no longer does): answers Office's message for it. */
      failSettingsSave(on) {
        failures.settingsSave = on;
        return 'The settings could not be saved.';
      },
    },
    word: {
      type(text) {
        word.doc.parts.push({ kind: 'text', text });
      },
      text: () => textOf(word.doc),
      controls: () => clone(controlsOf(word.doc)),
      opened: () => word.opened.map((d) => ({ text: textOf(d), controls: clone(controlsOf(d)) })),
    },
  };

  const HostType = { Word: 'Word', Excel: 'Excel' };
  window.Office = {
    HostType,
    onReady(callback) {
      const info = { host: host === 'excel' ? HostType.Excel : HostType.Word, platform: 'PC' };
      return new Promise((resolve) =>
        setTimeout(() => {
          if (callback) callback(info);
          resolve(info);
        }, 0),
      );
    },
    context: { document: { settings }, requirements: { isSetSupported: () => true } },
  };
  window.OfficeExtension = { Error: RichApiError };
  const dialogError = Number(new URLSearchParams(location.search).get('dialogError'));
  if (dialogError) {
    /** Office's name and message for the dialog codes a test asks for (office.js, en-us). */
    const DIALOG_ERRORS = {
      12004:
        'The domain of the URL is not included in the AppDomains element in the manifest, and is not subdomain of source location.',
      12005: 'The HTTP protocol is not supported. Use HTTPS instead',
      12007: 'The operation failed because this add-in already has an active dialog.',
    };
    if (!DIALOG_ERRORS[dialogError]) throw new Error(`office-docs-stand-in: no message for dialog code ${dialogError}`);
    window.Office.context.ui = {
      displayDialogAsync(_url, options, callback) {
        const cb = typeof options === 'function' ? options : callback;
        const result = failed(dialogError, 'Display Dialog Error', DIALOG_ERRORS[dialogError]);
        if (cb) setTimeout(() => cb(result), 0);
      },
    };
  }
  if (host === 'excel') window.Excel = { run: (batch) => run(excelContext, batch) };
  else window.Word = { run: (batch) => run(wordContext, batch) };
})();
