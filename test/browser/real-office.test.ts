/**
 * The pane as a new user meets it: `npm start` (the demo, through the built CLI), then the pane URL it prints, in
 * headless Chromium with only loopback reachable, with the real office.js from @microsoft/office-js, unchanged (no
 * stand-in). Outside Office, Office.onReady resolves with no host and the pane works; sideloaded in Outlook, the
 * same loader finds every file it asks the pane's site for.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { RunningDemo, startDemo } from '../helpers/demo';
import { sharedTexts } from '../../addin/shared/texts';
import { texts } from '../../addin/taskpane/texts';
import { officeDocsTexts } from '../../addin/office-docs/shared/texts';
import { checkScreen, seriousViolations, sidewaysOverflow } from './pane-checks';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

/** The little of the DOM and Office the page functions below use (this program is compiled without lib dom). */
declare const document: {
  activeElement: { id: string } | null;
  querySelector(s: string): { textContent: string | null } | null;
};
declare const Office: { onReady(): Promise<{ host: unknown; platform: unknown }> };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DEMO_ANN = { username: 'ann@demo.example', password: 'Demo-Ann-1' };

describe('browser: the pane from npm start, with the real office.js and only loopback reachable', function () {
  this.timeout(180_000);
  let data: string;
  let demo: RunningDemo;
  let pane: { url: string; orgUrl: string };
  let site: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every answer of the pane's site, and what went elsewhere (refused). */
  let siteAnswers: Array<{ url: string; status: number }>;
  let outside: string[];
  let scriptErrors: string[];

  before(async () => {
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-demo-office-'));
    demo = startDemo(data);
    const printed = await demo.waitFor(
      /org: +(http:\/\/127\.0\.0\.1:\d+)[\s\S]*add-in: +(https?:\/\/localhost:\d+\/taskpane\.html\S*)/,
      'the pane URL',
    );
    pane = { url: printed[2], orgUrl: printed[1] };
    site = new URL(pane.url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
  });

  beforeEach(async () => {
    siteAnswers = [];
    outside = [];
    scriptErrors = [];
    context = await browser.newContext({ viewport: { width: 320, height: 900 } });
    // Only loopback: anything else is refused, as on a machine with no network.
    await context.route(
      (url) => !LOOPBACK.has(url.hostname),
      (route) => {
        outside.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    page = await context.newPage();
    page.on('response', (res) => {
      if (res.url().startsWith(site)) siteAnswers.push({ url: res.url().slice(site.length), status: res.status() });
    });
    page.on('pageerror', (err) => scriptErrors.push(err.message));
  });

  afterEach(async () => {
    await context?.close();
  });

  after(async () => {
    await browser?.close();
    if (demo?.child.exitCode === null) {
      const exited = new Promise((resolve) => demo.child.once('exit', resolve));
      demo.child.kill('SIGINT');
      await exited;
    }
    if (data) fs.rmSync(data, { recursive: true, force: true });
  });

  it('the printed pane URL shows the sign-in form within 10 s: Office.onReady with no host, the "not in Outlook" note, nothing 4xx/5xx, no script error, no sideways scroll at 320 px, no serious axe violation', async () => {
    await page.goto(pane.url);
    await page.waitForSelector('#sign-in:not([hidden])', { timeout: 10_000 });
    const ready = await page.evaluate(() =>
      Office.onReady().then((info) => ({ host: info.host ?? null, platform: info.platform ?? null })),
    );
    assert.deepEqual(ready, { host: null, platform: null });
    assert.equal(await page.textContent('#host-note'), texts.notInOutlook);
    assert.equal(await page.isVisible('#host-note'), true);
    // The real loader, from the pane's site: office.js and the file it loads when there is no host.
    const loaded = siteAnswers.map((a) => a.url);
    for (const file of [
      '/office.js',
      '/o15apptofilemappingtable.js',
      '/taskpane.js',
      '/fluent-theme.css',
      '/taskpane.css',
    ]) {
      assert.ok(loaded.includes(file), `${file} loaded from the site (loaded: ${loaded.join(', ')})`);
    }
    assert.deepEqual(
      siteAnswers.filter((a) => a.status >= 400),
      [],
      "no request to the pane's site answered 4xx or 5xx",
    );
    assert.deepEqual(scriptErrors, [], 'no script error');
    assert.equal(await sidewaysOverflow(page), 0);
    assert.deepEqual(await seriousViolations(page), []);
    await checkScreen(page, 'real-office-sign-in');
  });

  it('Connect for Office\'s Word and Excel page with the real office.js outside Office: Office.onReady with no host, the sign-in form and the "not in Word or Excel" note, nothing 4xx/5xx, no script error, no serious axe violation', async () => {
    await page.goto(`${site}/office-docs.html`);
    await page.waitForSelector('#sign-in:not([hidden])', { timeout: 10_000 });
    const ready = await page.evaluate(() => Office.onReady().then((info) => info.host ?? null));
    assert.equal(ready, null);
    assert.equal(await page.textContent('#host-note'), officeDocsTexts.notInOffice);
    assert.equal(await page.isVisible('#host-note'), true);
    const loaded = siteAnswers.map((a) => a.url);
    for (const file of ['/office.js', '/office-docs.js', '/office-docs.css'])
      assert.ok(loaded.includes(file), `${file} loaded from the site (loaded: ${loaded.join(', ')})`);
    assert.deepEqual(
      siteAnswers.filter((a) => a.status >= 400),
      [],
      "no request to the page's site answered 4xx or 5xx",
    );
    assert.deepEqual(scriptErrors, [], 'no script error');
    assert.equal(await sidewaysOverflow(page), 0);
    assert.deepEqual(await seriousViolations(page), []);
  });

  for (const [host, hostFile, strings] of [
    ['Outlook$Web$16.01$en-US$$$$0', '/outlook-web-16.01.js', '/en-us/office_strings.js'],
    ['Outlook$Win32$16.02$de-DE$$$$0', '/outlook-win32-16.02.js', '/de-de/office_strings.js'],
    ['Outlook$Mac$16.00$fr-FR$$$$0', '/outlook-mac-16.00.js', '/fr-fr/office_strings.js'],
  ] as const) {
    it(`sideloaded in Outlook (${host.split('$').slice(0, 4).join(' ')}), the loader finds its host file and strings on the pane's site`, async () => {
      // Outlook opens the pane with its host info in the URL; the loader then asks the pane's folder for its files.
      const url = new URL(pane.url);
      url.searchParams.set('_host_Info', host);
      const stringsLoaded = page.waitForResponse((res) => res.url().startsWith(`${site}${strings}`), {
        timeout: 15_000,
      });
      await page.goto(url.toString());
      await stringsLoaded.catch(() =>
        assert.fail(`no ${strings} within 15 s (requested: ${siteAnswers.map((a) => a.url).join(', ')})`),
      );
      const loaded = siteAnswers.map((a) => a.url);
      assert.ok(loaded.includes(hostFile), `${hostFile} requested (requested: ${loaded.join(', ')})`);
      assert.deepEqual(
        siteAnswers.filter((a) => a.status >= 400),
        [],
        "no request to the pane's site answered 4xx or 5xx",
      );
      // What the loader fetches from elsewhere is Microsoft's own (its Ajax library, telemetry), never our files.
      for (const u of outside)
        assert.match(new URL(u).hostname, /(^|\.)(aspnetcdn\.com|microsoft\.com|oaspapps\.com|office\.net)$/, u);
    });
  }

  it('the keyboard alone signs in, syncs now and signs out, and each status change is announced', async () => {
    await page.goto(pane.url);
    await page.waitForSelector('#sign-in:not([hidden])', { timeout: 10_000 });
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    /** Tab forward until `id` has the focus; fails when it is not reachable by Tab. */
    const tabTo = async (id: string) => {
      for (let i = 0; i < 25; i++) {
        if ((await focused()) === id) return;
        await page.keyboard.press('Tab');
      }
      assert.equal(await focused(), id, `#${id} is reachable with Tab`);
    };
    const announced = async (text: string) => {
      await page
        .waitForFunction((t) => document.querySelector('#message')?.textContent === t, text, { timeout: 60_000 })
        .catch(async () => assert.equal(await page.textContent('#message'), text));
    };
    await tabTo('org-url');
    await page.keyboard.type(pane.orgUrl);
    await tabTo('username');
    await page.keyboard.type(DEMO_ANN.username);
    await tabTo('password');
    await page.keyboard.type(DEMO_ANN.password);
    await page.keyboard.press('Enter');
    await announced(sharedTexts.signedIn(DEMO_ANN.username, 'Salesforce for Outlook'));
    assert.equal(await page.isVisible('#status-view'), true);
    assert.equal(await focused(), 'status-heading', 'the keyboard lands on the new view');
    await checkScreen(page, 'real-office-signed-in');

    await tabTo('sync-now');
    await page.keyboard.press('Enter');
    await announced(texts.stateChanged(texts.states.idle));
    assert.equal(await page.getAttribute('#message', 'role'), 'status');
    assert.equal(await page.textContent('#state'), texts.states.idle);

    await tabTo('sign-out');
    await page.keyboard.press('Enter');
    await announced(sharedTexts.signedOut);
    assert.equal(await page.isVisible('#sign-in'), true);
    assert.equal(await focused(), 'sign-in-heading');
    assert.deepEqual(scriptErrors, []);
    assert.deepEqual(
      siteAnswers.filter((a) => a.status >= 400),
      [],
    );
  });
});
