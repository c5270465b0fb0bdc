/**
 * The task pane in a real browser (Debian's Chromium, driven by playwright-core) against the real service, a
 * local org and a local mailbox. dist/ is built offline once and served on loopback; Office is a stand-in
 * injected before the page's scripts, and no request may reach Microsoft's CDN.
 */
import assert from 'node:assert/strict';
import { freePort } from '../helpers/loopback';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios, { AxiosInstance } from 'axios';
import { DIST_DIR } from '../../sync-engine/src/addin-site/build';
import { paneBuilt } from '../helpers/pane-build';
import { AddinSite, startAddinSite } from '../../sync-engine/src/addin-site/site';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { startServiceWorld, ServiceWorld } from '../helpers/service';
import { sessionFor } from '../helpers/org';
import { REPO_ROOT, sharedMessages } from '../helpers/shared';
import { sharedTexts } from '../../addin/shared/texts';
import { texts } from '../../addin/taskpane/texts';
import { userKeyOf } from '../../sync-engine/src/service/account';
import { ARTIFACTS, checkScreen } from './pane-checks';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

/** The little of the DOM that the page functions below use (this program is compiled without lib dom). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const localStorage: { setItem(key: string, value: string): void };
declare const sessionStorage: { clear(): void };
interface Cell {
  textContent: string | null;
}
interface Row {
  dataset: Record<string, string | undefined>;
  querySelectorAll(selector: string): Iterable<Cell>;
}

/** Office as Outlook gives it to the pane (a plain browser script, run before the page's own). */
const OFFICE_STAND_IN = path.join(REPO_ROOT, 'test', 'browser', 'office-stand-in.js');

describe('browser: the task pane against the service', function () {
  this.timeout(120_000);
  const messages = sharedMessages();
  let site: AddinSite;
  let w: ServiceWorld;
  let sf: AxiosInstance;
  let profileId: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const cdnRequests: string[] = [];

  const paneUrl = (service = w.running.url, extra = '') =>
    `${site.origin}/taskpane.html?service=${encodeURIComponent(service)}${extra}`;
  /** Every screen: axe-core and the 320 px fit in light and dark, and its screenshots at 320 and 450 px. */
  const shot = (name: string) => checkScreen(page, name);

  /** Wait until the element's text is `expected`; fail with the text it has. */
  async function expectText(selector: string, expected: string): Promise<void> {
    const reached = await page
      .waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected] as const, {
        timeout: 15_000,
      })
      .then(
        () => true,
        () => false,
      );
    if (!reached) assert.equal(await page.textContent(selector), expected, `text of ${selector}`);
  }
  async function setApiEnabled(on: boolean): Promise<void> {
    const res = await sf.patch(`/sobjects/Profile/${profileId}`, { PermissionsApiEnabled: on });
    assert.equal(res.status, 204, JSON.stringify(res.data));
  }
  async function signIn(username: string, password: string, orgUrl = w.org.url): Promise<void> {
    await page.fill('#org-url', orgUrl);
    await page.selectOption('#product', 'salesforce-for-outlook');
    await page.fill('#username', username);
    await page.fill('#password', password);
    // Submitted from the keyboard, as a user without a mouse would.
    await page.focus('#password');
    await page.keyboard.press('Enter');
  }

  /**
   * Press "Sign in with Salesforce" (from the keyboard) and answer the org's login page in the window it opens; the
   * window closes itself once the pane has the org's answer. `popupShot` names a screenshot of the login page.
   */
  const onAuthorizePage = (url: URL) => url.href.startsWith(`${w.org.url}/services/oauth2/authorize?`);
  async function signInWithSalesforce(username: string, password: string, popupShot?: string): Promise<void> {
    await page.fill('#org-url', w.org.url);
    await page.selectOption('#product', 'salesforce-for-outlook');
    await page.focus('#oauth-sign-in');
    const [popup] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('Enter')]);
    // The dialog's first page is the add-in's oauth-start.html, which goes on to the org's authorize page.
    await popup.waitForURL(onAuthorizePage);
    await popup.fill('#username', username);
    await popup.fill('#password', password);
    if (popupShot) await popup.screenshot({ path: path.join(ARTIFACTS, `pane-${popupShot}.png`), fullPage: true });
    await Promise.all([popup.waitForEvent('close'), popup.press('#password', 'Enter', { noWaitAfter: true })]);
  }

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // Built from the current sources every time (the OFFLINE variant: office.js from the package), served on loopback.
    await paneBuilt();
    site = await startAddinSite({ root: DIST_DIR, port: 0, host: '127.0.0.1' });
    // The org's desktop apps list the pane's callback page, as an admin registers it for "Sign in with Salesforce".
    w = await startServiceWorld({
      addinOrigins: [site.origin],
      addinCallbackUrls: [`${site.origin}/oauth-callback.html`],
    });
    sf = axios.create({
      baseURL: `${w.org.url}/services/data/v60.0`,
      headers: { authorization: `Bearer ${sessionFor(w.org, 'admin@test.example')}` },
      validateStatus: () => true,
    });
    profileId = (await sf.get('/query', { params: { q: "SELECT Id FROM Profile WHERE Name = 'Standard User'" } })).data
      .records[0].Id;
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    await context.route('**/appsforoffice.microsoft.com/**', (route) => {
      cdnRequests.push(route.request().url());
      return route.abort();
    });
    // The offline build's office.js would replace the stand-in: serve an empty script in its place.
    await context.route(`${'**'}/office.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: '/* Office is a stand-in in this test */' }),
    );
    await context.addInitScript({ path: OFFICE_STAND_IN });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await w?.close();
    await site?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('an empty org URL gets a message naming the field', async () => {
    await page.goto(paneUrl());
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.click('#sign-in-button');
    await expectText('#message', sharedTexts.orgUrlMissing);
    assert.equal(await page.getAttribute('#message', 'aria-live'), 'polite');
    assert.equal(await page.getAttribute('#org-url', 'aria-invalid'), 'true');
    assert.equal(
      await page.evaluate(() => document.querySelector(':focus') === document.querySelector('#org-url')),
      true,
      'the wrong field has the focus',
    );
    await shot('empty-org-url');
  });

  it("a field's error clears once the field is fixed, and only then", async () => {
    await page.fill('#org-url', 'notaurl');
    await expectText('#message', sharedTexts.orgUrlMissing);
    assert.equal(await page.getAttribute('#org-url', 'aria-invalid'), 'true', 'still wrong: still marked');
    await page.fill('#org-url', w.org.url);
    await expectText('#message', '');
    assert.equal(await page.getAttribute('#org-url', 'aria-invalid'), null);
    await page.click('#sign-in-button');
    await expectText('#message', sharedTexts.usernameMissing);
    assert.equal(await page.getAttribute('#username', 'aria-invalid'), 'true');
    await page.fill('#username', 'ann@test.example');
    await expectText('#message', '');
    await page.fill('#org-url', '');
  });

  it("a user without API Enabled (bob) sees Salesforce for Outlook's exact sign-in text", async () => {
    await signIn('bob@test.example', 'Bob-pass-1');
    await expectText('#message', messages['sfo.login']);
    assert.equal(await page.isVisible('#sign-in'), true);
    await shot('blocked-sign-in');
  });

  it("a wrong password gets the service's message", async () => {
    await signIn('ann@test.example', 'not-her-password');
    const direct = await w.call('POST', '/api/sign-in', {
      body: {
        orgUrl: w.org.url,
        product: 'salesforce-for-outlook',
        username: 'ann@test.example',
        password: 'not-her-password',
      },
    });
    assert.equal(direct.status, 401);
    await expectText('#message', direct.body.message || direct.body.error.message);
    await shot('wrong-password');
  });

  it('ann signs in and sees the counts per object and side after Sync now', async () => {
    await signIn('ann@test.example', 'Ann-pass-1');
    await page.waitForSelector('#status-view:not([hidden])');
    await page.click('#sync-now');
    await page.waitForSelector('#counts:not([hidden])');
    await expectText('#state', 'Idle');
    // Who the service is signed in as, and where.
    await expectText('#account', sharedTexts.account('ann@test.example', 'Salesforce for Outlook'));
    await expectText('#org', w.org.url);
    const counts = w.running.service.status().counts!;
    const rows = await page.$$eval('#counts tbody tr', (trs) =>
      (trs as unknown as Row[]).map((tr) => ({
        object: tr.dataset.object,
        side: tr.dataset.side,
        cells: Array.from(tr.querySelectorAll('td')).map((td) => Number(td.textContent)),
      })),
    );
    assert.equal(rows.length, 6);
    for (const r of rows) {
      const c = (counts as any)[r.side!][r.object!];
      assert.deepEqual(r.cells, [c.created, c.updated, c.deleted], `${r.object} in ${r.side}`);
    }
    assert.ok(
      rows.some((r) => r.cells.some((n) => n > 0)),
      'the first sync changed something',
    );
    await shot('synced');
  });

  it('the admin removes API Enabled: Sync now shows sfo.syncStopped exactly, Settings shows sfo.settingsUnavailable', async () => {
    await setApiEnabled(false);
    await page.click('#sync-now');
    await expectText('#stopped-message', messages['sfo.syncStopped']);
    await expectText('#state', 'Stopped');
    await shot('sync-stopped');
    await page.click('#settings-button');
    await expectText('#message', messages['sfo.settingsUnavailable']);
    assert.equal(await page.isVisible('#settings'), false);
    await shot('settings-unavailable');
  });

  it('API Enabled restored: Sync now brings the state back to idle', async () => {
    await setApiEnabled(true);
    await page.click('#sync-now');
    await expectText('#state', 'Idle');
    assert.equal(await page.isVisible('#stopped-message'), false);
    await page.click('#settings-button');
    await page.waitForSelector('#settings:not([hidden])');
    assert.equal(await page.inputValue('#contacts-direction'), 'both');
    await shot('restored-settings');
  });

  it("Add Email on a message from grace@navy.example creates the Task on Grace's Contact", async () => {
    await page.click('#add-email');
    await expectText('#message', texts.addedEmail);
    const [grace] = (
      await sf.get('/query', { params: { q: "SELECT Id FROM Contact WHERE Email = 'grace@navy.example'" } })
    ).data.records;
    const tasks = (
      await sf.get('/query', { params: { q: `SELECT Subject, Description FROM Task WHERE WhoId = '${grace.Id}'` } })
    ).data.records;
    assert.deepEqual(
      tasks.map((t: any) => [t.Subject, t.Description]),
      [['Email: COBOL', 'See you at the conference.\nGrace']],
    );
    await shot('email-added');
  });

  it('the pane opened by the Add Email button adds the open message by itself, and adding it again makes no second Task', async () => {
    await page.goto(paneUrl(w.running.url, '&action=add-email'));
    await expectText('#message', texts.addedEmail);
    const [grace] = (
      await sf.get('/query', { params: { q: "SELECT Id FROM Contact WHERE Email = 'grace@navy.example'" } })
    ).data.records;
    const tasks = (await sf.get('/query', { params: { q: `SELECT Id FROM Task WHERE WhoId = '${grace.Id}'` } })).data
      .records;
    assert.equal(tasks.length, 1);
  });

  it('a secret the service no longer takes sends the pane back to sign in, with a message', async () => {
    // The key a pane kept from before the service rotated it (another sign-in, a reinstall).
    await page.evaluate(() => localStorage.setItem('roaming:sfoCompatSecret', JSON.stringify('an-older-secret')));
    await page.goto(paneUrl());
    await expectText('#message', sharedTexts.staleSecret);
    await page.waitForSelector('#sign-in:not([hidden])');
    assert.equal(await page.isVisible('#status-view'), false);
    await shot('stale-secret');
  });

  it('outside Outlook the pane says Add Email is unavailable and still shows status', async () => {
    await page.goto(paneUrl(w.running.url, '&standin=none'));
    await expectText('#host-note', texts.notInOutlook);
    assert.equal(await page.isVisible('#add-email'), false);
    await signIn('ann@test.example', 'Ann-pass-1');
    await page.waitForSelector('#status-view:not([hidden])');
    await expectText('#state', 'Idle');
    await shot('outside-outlook');
  });

  it('the service down gets a clear message', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    await page.goto(paneUrl(down));
    await page.waitForSelector('#sign-in:not([hidden])');
    await signIn('ann@test.example', 'Ann-pass-1');
    await expectText('#message', sharedTexts.serviceDown(down));
    await shot('service-down');
  });

  it('a real org\'s URL leaves "Sign in with Salesforce" the only way in; a local org offers both, each reached from the keyboard', async () => {
    await page.goto(paneUrl());
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.fill('#org-url', 'https://acme.my.salesforce.com');
    assert.equal(await page.isVisible('#username'), false);
    assert.equal(await page.isVisible('#password'), false);
    assert.equal(await page.isVisible('#sign-in-button'), false);
    assert.equal(await page.isVisible('#oauth-sign-in'), true);
    await page.focus('#product');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.querySelector(':focus') === document.querySelector('#oauth-sign-in')),
      true,
    );
    assert.equal(await page.textContent('#oauth-sign-in'), 'Sign in with Salesforce');
    await shot('oauth-remote-org');
    await page.fill('#org-url', 'notaurl');
    await page.click('#oauth-sign-in');
    await expectText('#message', sharedTexts.orgUrlInvalid);
    await page.fill('#org-url', '');
    await page.click('#oauth-sign-in');
    await expectText('#message', sharedTexts.orgUrlMissing);
    await page.fill('#org-url', w.org.url);
    assert.equal(await page.isVisible('#password'), true);
    assert.equal(await page.isVisible('#oauth-sign-in'), true);
  });

  it("bob (no API Enabled) signs in with Salesforce and sees Salesforce for Outlook's exact sign-in text", async () => {
    await signInWithSalesforce('bob@test.example', 'Bob-pass-1');
    await expectText('#message', messages['sfo.login']);
    assert.equal(await page.isVisible('#sign-in'), true);
    assert.equal(await page.isVisible('#status-view'), false);
    await shot('oauth-blocked');
  });

  it('the user closes the sign-in window: the pane says so, and the button works again', async () => {
    await page.fill('#org-url', w.org.url);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#oauth-sign-in')]);
    await popup.waitForURL(onAuthorizePage);
    assert.equal(await page.isDisabled('#oauth-sign-in'), true);
    await popup.close();
    await expectText('#message', sharedTexts.signInWindow('Outlook').closedByUser);
    assert.equal(await page.isEnabled('#oauth-sign-in'), true);
    assert.equal(await page.isVisible('#sign-in'), true);
    await shot('oauth-window-closed');
  });

  it("ann signs in with Salesforce on the org's login page and the pane shows her signed in", async () => {
    await signInWithSalesforce('ann@test.example', 'Ann-pass-1', 'oauth-login-page');
    await page.waitForSelector('#status-view:not([hidden])');
    await expectText('#message', sharedTexts.signedIn('ann@test.example', 'Salesforce for Outlook'));
    assert.equal(w.running.service.status().username, 'ann@test.example');
    await shot('oauth-signed-in');
  });

  it('outside Office the sign-in window is a popup: closing it says so, and ann signs in the same way', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(paneUrl(w.running.url, '&standin=none'));
    await expectText('#host-note', texts.notInOutlook);
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.fill('#org-url', w.org.url);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#oauth-sign-in')]);
    await popup.waitForURL(onAuthorizePage);
    await popup.close();
    await expectText('#message', sharedTexts.signInWindow('Outlook').closedByUser);
    await signInWithSalesforce('ann@test.example', 'Ann-pass-1');
    await page.waitForSelector('#status-view:not([hidden])');
    await expectText('#message', sharedTexts.signedIn('ann@test.example', 'Salesforce for Outlook'));
    await shot('oauth-outside-office');
  });

  it('oauth-start.html opens nothing but an authorize page', async () => {
    await page.goto(`${site.origin}/oauth-start.html?to=${encodeURIComponent('https://evil.example/phish')}`);
    await expectText('#message', sharedTexts.notAnAuthorizePage);
    assert.equal(page.url().startsWith(site.origin), true);
  });

  it('a damaged sync state: the pane names the file and offers "Start over", which syncs again', async () => {
    const stateDir = path.join(w.dataDir, 'users', userKeyOf(w.org.url, 'ann@test.example'));
    await w.restart();
    const file = path.join(stateDir, 'state.sqlite');
    // Not a database any more, and no good copy to restore.
    fs.writeFileSync(file, 'not a database '.repeat(400));
    for (const f of fs.readdirSync(stateDir).filter((n) => /^state\.(sqlite-(wal|shm)|last-good\.sqlite)$/.test(n)))
      fs.rmSync(path.join(stateDir, f));
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(paneUrl(w.running.url, '&standin=none'));
    await signIn('ann@test.example', 'Ann-pass-1');
    await page.waitForSelector('#start-over:not([hidden])');
    assert.ok((await page.textContent('#stopped-message'))!.includes(`The sync state file ${file} is damaged`));
    await shot('state-damaged');
    await page.click('#start-over');
    await expectText('#state', 'Idle');
    assert.equal(await page.isVisible('#start-over'), false);
  });

  it('no request went to the CDN', () => {
    assert.deepEqual(cdnRequests, []);
  });
});
