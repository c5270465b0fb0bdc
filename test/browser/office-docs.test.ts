/**
 * Connect for Office's pane in Word and Excel, in a real browser (Debian's Chromium, driven by playwright-core)
 * against the real service and a local org. Word and Excel are a stand-in (office-docs-stand-in.js) following the
 * documented Excel and Word APIs, injected before the page's scripts; no request may reach Microsoft's CDN.
 * The acceptance: a blocked sign-in's two lines; 500 rows filled, 20 edited and saved in one Collections
 * request counted at the org; API access removed (the exact sync text, edits kept, nothing written) and restored
 * (saved); a merge of a 3-record query makes 3 documents whose fields match the records read through jsforce.
 * Office's own refusals (Excel in cell-editing mode, settings that cannot be saved, a sign-in dialog Office will not
 * open) show the sign-in glue's texts, the ones the Outlook pane shows, naming Word or Excel. A partial save (a new
 * row the org refuses) saves again, fixed, with only that row sent.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxiosInstance } from 'axios';
import jsforce from 'jsforce';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { DIST_DIR } from '../../sync-engine/src/addin-site/build';
import { paneBuilt } from '../helpers/pane-build';
import { AddinSite, startAddinSite } from '../../sync-engine/src/addin-site/site';
import { adminOf, startServiceWorld, ServiceWorld } from '../helpers/service';
import { sessionFor } from '../helpers/org';
import { requestCounter, seedContacts } from '../helpers/office-docs';
import { REPO_ROOT, sharedMessages } from '../helpers/shared';
import { officeDocsTexts } from '../../addin/office-docs/shared/texts';
import { sharedTexts } from '../../addin/shared/texts';
import { checkScreen } from './pane-checks';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

/** The little of the page this program reads (it is compiled without lib dom). */
declare const document: { querySelector(selector: string): { textContent: string | null; hidden?: boolean } | null };
interface StandIn {
  excel: {
    table(name: string): { header: unknown[]; rows: unknown[][] } | null;
    edit(table: string, row: number, column: string, value: unknown): void;
    addRow(table: string, values: Record<string, unknown>): void;
    settings(): Record<string, unknown>;
    cellEditMode(on: boolean): string;
    failSettingsSave(on: boolean): string;
  };
  word: {
    type(text: string): void;
    text(): string;
    controls(): Array<{ tag: string; title: string; text: string }>;
    opened(): Array<{ text: string; controls: Array<{ tag: string; text: string }> }>;
  };
}
declare const window: { __officeDocs: StandIn };
declare const sessionStorage: { getItem(key: string): string | null };

const STAND_IN = path.join(REPO_ROOT, 'test', 'browser', 'office-docs-stand-in.js');
const TABLE = 'SF_Contact';
const DEPT = 'Sheet';

describe('browser: Connect for Office in Word and Excel against the service', function () {
  this.timeout(180_000);
  const messages = sharedMessages();
  let site: AddinSite;
  let w: ServiceWorld;
  let sf: AxiosInstance;
  let setApiEnabled: (on: boolean) => Promise<void>;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let ids: string[];
  const cdnRequests: string[] = [];

  const paneUrl = (host: 'excel' | 'word') =>
    `${site.origin}/office-docs.html?host=${host}&service=${encodeURIComponent(w.running.url)}`;
  const shot = (name: string) => checkScreen(page, `office-${name}`);
  const table = () => page.evaluate((name) => window.__officeDocs.excel.table(name), TABLE);

  async function expectText(selector: string, expected: string): Promise<void> {
    const reached = await page
      .waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected] as const, {
        timeout: 30_000,
      })
      .then(
        () => true,
        () => false,
      );
    if (!reached) assert.equal(await page.textContent(selector), expected, `text of ${selector}`);
  }
  async function signIn(username: string, password: string): Promise<void> {
    await page.fill('#org-url', w.org.url);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.focus('#password');
    await page.keyboard.press('Enter');
  }
  /** Edit Title in `count` rows from `first`, every `step` rows, as the user typing in Excel. */
  async function editTitles(first: number, count: number, step: number, prefix: string): Promise<number[]> {
    const rows = Array.from({ length: count }, (_, i) => first + i * step);
    await page.evaluate(
      ([t, r, p]) => r.forEach((row) => window.__officeDocs.excel.edit(t, row, 'Title', `${p} ${row}`)),
      [TABLE, rows, prefix] as const,
    );
    return rows;
  }
  /** Each row's Id and Title, as the sheet holds them. */
  async function idsAndTitles(rows: number[]): Promise<Array<[string, string]>> {
    const t = (await table())!;
    const idAt = t.header.indexOf('Id');
    const titleAt = t.header.indexOf('Title');
    return rows.map((r) => [String(t.rows[r][idAt]), String(t.rows[r][titleAt])]);
  }
  async function orgTitles(recordIds: string[]): Promise<string[]> {
    const q = `SELECT Id, Title FROM Contact WHERE Id IN ('${recordIds.join("','")}')`;
    const res = await sf.get('/query', { params: { q } });
    const byId = new Map((res.data.records as Array<{ Id: string; Title: string }>).map((r) => [r.Id, r.Title]));
    return recordIds.map((id) => byId.get(id) ?? '');
  }

  before(async () => {
    await paneBuilt();
    site = await startAddinSite({ root: DIST_DIR, port: 0, host: '127.0.0.1' });
    // The desktop apps accept the pane's callback page, as an admin registers it for "Sign in with Salesforce".
    w = await startServiceWorld({
      addinOrigins: [site.origin],
      addinCallbackUrls: [`${site.origin}/oauth-callback.html`],
    });
    ({ sf, setApiEnabled } = await adminOf(w));
    ids = await seedContacts(w, sf, { count: 500, dept: DEPT, withAccount: 3 });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-chromium-office-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    await context.route('**/appsforoffice.microsoft.com/**', (route) => {
      cdnRequests.push(route.request().url());
      return route.abort();
    });
    await context.route('**/office.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: '/* Word and Excel are a stand-in in this test */' }),
    );
    await context.addInitScript({ path: STAND_IN });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await w?.close();
    await site?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    assert.deepEqual(cdnRequests, [], 'no request reached the CDN');
  });

  it("a blocked sign-in shows Connect for Office's two lines, exactly", async () => {
    await page.goto(paneUrl('excel'));
    await page.waitForSelector('#sign-in:not([hidden])');
    await shot('sign-in');
    await signIn('bob@test.example', 'Bob-pass-1');
    await expectText('#product-text', `${messages['connectOffice.login']}\nURL: ${w.org.url}/services/Soap/u/60.0`);
    assert.equal(await page.getAttribute('#product-text', 'role'), 'alert');
    await shot('sign-in-blocked');
  });

  it('Excel: fills a sheet with 500 rows as a table with a header row', async () => {
    await signIn('ann@test.example', 'Ann-pass-1');
    await page.waitForSelector('#signed-in:not([hidden])');
    assert.equal(await page.isHidden('#product-text'), true, 'the refusal is gone once signed in');
    await page.click('#load-fields');
    await page.waitForSelector('#fields option[value="Title"]', { state: 'attached' });
    await page.selectOption('#fields', ['LastName', 'Email', 'Title']);
    await page.fill('#where', `Department = '${DEPT}'`);
    await page.click('#fill');
    await expectText('#message', officeDocsTexts.filled(500, 'Contact', true));
    const t = (await table())!;
    // The columns in the order the fields list shows them (the object's own order), Id first.
    assert.deepEqual(t.header, ['Id', 'LastName', 'Title', 'Email', 'Save result']);
    assert.equal(t.rows.length, 500);
    assert.deepEqual(new Set(t.rows.map((r) => r[0])), new Set(ids));
    // The workbook keeps the sheet's query and what was read (it travels with the file), never the service's secret.
    const kept = await page.evaluate(() => window.__officeDocs.excel.settings());
    assert.deepEqual(Object.keys(kept), [`sfoSheet:${TABLE}`]);
    const secret = await page.evaluate(() => sessionStorage.getItem('sfoCompatSecret'));
    assert.ok(secret && !JSON.stringify(kept).includes(secret), 'the secret is not in the document');
    await shot('excel-filled');
  });

  it('Excel: 20 edited rows are saved with 20 updates in one Collections request', async () => {
    const requests = requestCounter(w);
    const rows = await editTitles(0, 20, 25, 'Saved');
    const before = await idsAndTitles(rows);
    await page.click('#save');
    await expectText('#message', officeDocsTexts.saved(20, 0, 0));
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1 });
    assert.deepEqual(
      await orgTitles(before.map(([id]) => id)),
      before.map(([, title]) => title),
    );
    const t = (await table())!;
    const resultAt = t.header.indexOf('Save result');
    assert.deepEqual(
      rows.map((r) => t.rows[r][resultAt]),
      rows.map(() => 'Saved'),
    );
    await shot('excel-saved');
  });

  it('Excel: API access removed: the exact sync text, edits kept, nothing written; refresh asks first', async () => {
    const rows = await editTitles(1, 20, 20, 'Offline');
    const edited = await idsAndTitles(rows);
    const orgBefore = await orgTitles(edited.map(([id]) => id));
    await setApiEnabled(false);
    await page.click('#save');
    await expectText('#product-text', messages['connectOffice.syncStopped']);
    assert.deepEqual(await idsAndTitles(rows), edited, 'the edits are still in the sheet');
    assert.deepEqual(await orgTitles(edited.map(([id]) => id)), orgBefore, 'nothing was written');
    await shot('excel-access-off');
    await page.click('#refresh');
    await expectText('#confirm-refresh-text', officeDocsTexts.refreshUnsaved(20));
    await shot('excel-refresh-asks');
    await page.click('#refresh-cancel');
    assert.deepEqual(await idsAndTitles(rows), edited, 'cancelled: the edits stay');
    await page.click('#refresh');
    await page.click('#refresh-anyway');
    await expectText('#product-text', messages['connectOffice.syncStopped']);
    assert.deepEqual(await idsAndTitles(rows), edited, 'a refresh the org refused leaves the sheet as it was');
  });

  it('Excel: API access restored: the kept edits are saved', async () => {
    await setApiEnabled(true);
    const rows = Array.from({ length: 20 }, (_, i) => 1 + i * 20);
    const edited = await idsAndTitles(rows);
    const requests = requestCounter(w);
    await page.click('#save');
    await expectText('#message', officeDocsTexts.saved(20, 0, 0));
    assert.equal(await page.isHidden('#product-text'), true);
    assert.equal(requests()['PATCH composite/sobjects'], 1);
    assert.deepEqual(
      await orgTitles(edited.map(([id]) => id)),
      edited.map(([, title]) => title),
    );
  });

  it("Excel: Office's refusals show the pane's text naming Excel, not Office's bare message", async () => {
    const before = await table();
    const cellEditing = await page.evaluate(() => window.__officeDocs.excel.cellEditMode(true));
    await page.click('#refresh');
    await expectText('#message', sharedTexts.officeFailed('Excel', cellEditing));
    assert.deepEqual(await table(), before, 'the batch Excel refused changed nothing');
    await shot('excel-cell-editing');
    await page.evaluate(() => window.__officeDocs.excel.cellEditMode(false));
    const notSaved = await page.evaluate(() => window.__officeDocs.excel.failSettingsSave(true));
    await page.click('#refresh');
    await expectText('#message', sharedTexts.officeFailed('Excel', notSaved));
    await page.evaluate(() => window.__officeDocs.excel.failSettingsSave(false));
    await page.click('#refresh');
    await expectText('#message', officeDocsTexts.filled(500, 'Contact', true));
  });

  it('Excel: a partial save (updates written, a new row refused): fixed, it saves once and nothing is written twice', async () => {
    const rows = await editTitles(2, 3, 30, 'Partial');
    const edited = await idsAndTitles(rows);
    await page.evaluate((name) => {
      window.__officeDocs.excel.addRow(name, { Title: 'No last name' });
      window.__officeDocs.excel.addRow(name, { LastName: 'Partial New', Title: 'Fine' });
    }, TABLE);
    const requests = requestCounter(w);
    await page.click('#save');
    await expectText('#message', officeDocsTexts.saved(3, 1, 1));
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1, 'POST composite/sobjects': 1 });
    assert.deepEqual(
      await orgTitles(edited.map(([id]) => id)),
      edited.map(([, title]) => title),
    );
    let t = (await table())!;
    const [idAt, lastAt, resultAt] = ['Id', 'LastName', 'Save result'].map((c) => t.header.indexOf(c));
    const [refused, made] = t.rows.slice(500);
    assert.match(String(refused[resultAt]), /^Not saved: .*\(LastName\)$/);
    assert.equal(refused[idAt], '', 'the refused row has no record');
    assert.equal(made[resultAt], officeDocsTexts.rowCreated);
    assert.match(String(made[idAt]), /^003/);
    await shot('excel-partial-save');

    await page.evaluate((name) => window.__officeDocs.excel.edit(name, 500, 'LastName', 'Partial Fixed'), TABLE);
    requests();
    await page.click('#save');
    await expectText('#message', officeDocsTexts.saved(0, 1, 0));
    assert.deepEqual(requests(), { 'POST composite/sobjects': 1 }, 'only the fixed row is sent');
    t = (await table())!;
    assert.equal(t.rows[500][resultAt], officeDocsTexts.rowCreated);
    assert.equal(t.rows[500][lastAt], 'Partial Fixed');
    const q = "SELECT Id, LastName FROM Contact WHERE LastName IN ('Partial New', 'Partial Fixed') ORDER BY LastName";
    const res = await sf.get('/query', { params: { q } });
    assert.deepEqual(
      res.data.records.map((r: { Id: string; LastName: string }) => [r.Id, r.LastName]),
      [
        [t.rows[500][idAt], 'Partial Fixed'],
        [made[idAt], 'Partial New'],
      ],
      'one record each, no copy',
    );
  });

  it('Word: "Sign in with Salesforce" on the org\'s login page, as Connect for Office (refused, then signed in)', async () => {
    await page.goto(paneUrl('word'));
    await page.waitForSelector('#signed-in:not([hidden])');
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    const onAuthorizePage = (url: URL) => url.href.startsWith(`${w.org.url}/services/oauth2/authorize?`);
    const viaLoginPage = async (username: string, password: string) => {
      await page.fill('#org-url', w.org.url);
      const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#oauth-sign-in')]);
      await popup.waitForURL(onAuthorizePage);
      assert.equal(new URL(popup.url()).searchParams.get('client_id'), 'SfdcConnectForOffice');
      await popup.fill('#username', username);
      await popup.fill('#password', password);
      await Promise.all([popup.waitForEvent('close'), popup.press('#password', 'Enter', { noWaitAfter: true })]);
    };
    await viaLoginPage('bob@test.example', 'Bob-pass-1');
    await expectText(
      '#product-text',
      `${messages['connectOffice.login']}\nURL: ${w.org.url}/services/data/v60.0/query`,
    );
    await viaLoginPage('ann@test.example', 'Ann-pass-1');
    await page.waitForSelector('#signed-in:not([hidden])');
    await expectText('#account', 'ann@test.example (Connect for Office)');
  });

  it('Word: a merge of a 3-record query makes 3 documents whose fields match the records read through jsforce', async () => {
    await page.waitForSelector('#merge-field option[value="Account.Name"]', { state: 'attached' });
    await shot('word-signed-in');
    const insert = async (field: string) => {
      await page.selectOption('#merge-field', field);
      await page.click('#insert-field');
      await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('Inserted'));
    };
    await page.evaluate(() => window.__officeDocs.word.type('Dear '));
    await insert('FirstName');
    await page.evaluate(() => window.__officeDocs.word.type(' '));
    await insert('LastName');
    await page.evaluate(() => window.__officeDocs.word.type(', of '));
    await insert('Account.Name');
    await page.evaluate(() => window.__officeDocs.word.type('.'));
    const template = await page.evaluate(() => window.__officeDocs.word.text());
    assert.equal(template, 'Dear «FirstName» «LastName», of «Account.Name».');

    const where = `Department = '${DEPT}' AND AccountId != null`;
    await page.fill('#merge-where', where);
    await page.click('#find-records');
    await expectText('#message', officeDocsTexts.found(3));
    await page.click('#merge-all');
    await expectText('#message', officeDocsTexts.merged(3));

    const conn = new jsforce.Connection({
      instanceUrl: w.org.url,
      accessToken: sessionFor(w.org, 'ann@test.example'),
      version: '60.0',
    });
    const read = await conn.query<{ FirstName: string; LastName: string; Account: { Name: string } }>(
      `SELECT FirstName, LastName, Account.Name FROM Contact WHERE ${where} ORDER BY Id`,
    );
    assert.equal(read.records.length, 3);
    const opened = await page.evaluate(() => window.__officeDocs.word.opened());
    assert.deepEqual(
      opened.map((d) => d.controls.map((c) => [c.tag, c.text])),
      read.records.map((r) => [
        ['sfo-merge:Contact:FirstName', r.FirstName],
        ['sfo-merge:Contact:LastName', r.LastName],
        ['sfo-merge:Contact:Account.Name', r.Account.Name],
      ]),
    );
    assert.deepEqual(
      opened.map((d) => d.text),
      read.records.map((r) => `Dear ${r.FirstName} ${r.LastName}, of ${r.Account.Name}.`),
    );
    assert.equal(await page.evaluate(() => window.__officeDocs.word.text()), template, 'the template keeps its fields');
    await shot('word-merged');
  });

  it('Word: fills the document for a chosen record, and the template keeps its fields', async () => {
    await page.selectOption('#merge-record', { index: 1 });
    const chosen = await page.$eval('#merge-record', (s) => (s as unknown as { value: string }).value);
    await page.click('#fill-document');
    await page.waitForFunction(() =>
      document.querySelector('#message')?.textContent?.startsWith('Filled the document'),
    );
    const record = (await sf.get(`/sobjects/Contact/${chosen}`)).data as { FirstName: string; LastName: string };
    const text = await page.evaluate(() => window.__officeDocs.word.text());
    assert.ok(text.startsWith(`Dear ${record.FirstName} ${record.LastName}, of `), text);
    const controls = await page.evaluate(() => window.__officeDocs.word.controls());
    assert.equal(controls.length, 3, 'the merge fields are still there');
  });

  it("Word: Office will not open the sign-in dialog (12004): the pane's text for that code, naming Word", async () => {
    await page.goto(`${paneUrl('word')}&dialogError=12004`);
    await page.waitForSelector('#signed-in:not([hidden])');
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.fill('#org-url', w.org.url);
    await page.click('#oauth-sign-in');
    await expectText('#message', sharedTexts.signInWindow('Word').domainNotTrusted);
    await shot('word-dialog-refused');
  });
});
