/**
 * The pane's "Connect your Outlook mailbox" step in a real browser (Debian's Chromium, playwright-core), end to end:
 * the real service whose mailbox signs in with Microsoft, a local org, and the local mailbox over TLS with its
 * identity platform. The pane opens the Microsoft sign-in page in a window (the Office stand-in's dialog, a popup
 * outside Office), Chromium fills it as ann would, msal-node's loopback in the service finishes it; then the
 * revoked mailbox's reconnect state, closing the window, and "Disconnect". Every new state: axe-core clean, no
 * sideways scroll at 320 px (pane-checks.ts).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { DIST_DIR } from '../../sync-engine/src/addin-site/build';
import { paneBuilt } from '../helpers/pane-build';
import { AddinSite, startAddinSite } from '../../sync-engine/src/addin-site/site';
import { startLocalMailbox, LocalMailbox } from '../../sync-engine/src/local-mailbox';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { startServiceServer, RunningService } from '../../sync-engine/src/service/server';
import { serviceText } from '../../sync-engine/src/service/texts';
import { texts } from '../../addin/taskpane/texts';
import { startTestOrg, testSeed } from '../helpers/org';
import { ANN } from '../helpers/mailbox';
import { ANN_PASSWORD, CLIENT_ID, TENANT_ID, identitySeed, request } from '../helpers/identity';
import { serviceCaller } from '../helpers/service';
import { REPO_ROOT } from '../helpers/shared';
import { checkScreen } from './pane-checks';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

/** The little of the DOM that the page functions below use (this program is compiled without lib dom). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const sessionStorage: { clear(): void };

const OFFICE_STAND_IN = path.join(REPO_ROOT, 'test', 'browser', 'office-stand-in.js');
/** Access tokens this short make every run refresh through msal, so a revoke shows at the next run. */
const TOKEN_LIFETIME_SECONDS = 3;

describe('browser: the pane connects the Outlook mailbox with a Microsoft sign-in', function () {
  this.timeout(180_000);
  let dir: string;
  let site: AddinSite;
  let org: LocalOrg;
  let mb: LocalMailbox;
  let running: RunningService;
  let context: BrowserContext;
  let page: Page;

  const paneUrl = (extra = '') => `${site.origin}/taskpane.html?service=${encodeURIComponent(running.url)}${extra}`;
  const shot = (name: string) => checkScreen(page, name);
  const onMicrosoftPage = (url: URL) => url.href.startsWith(`${mb.url}/${TENANT_ID}/oauth2/v2.0/authorize?`);

  async function expectText(selector: string, expected: string, timeout = 20_000): Promise<void> {
    const reached = await page
      .waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected] as const, {
        timeout,
      })
      .then(
        () => true,
        () => false,
      );
    if (!reached) assert.equal(await page.textContent(selector), expected, `text of ${selector}`);
  }
  const stepState = () => page.getAttribute('#mailbox-step', 'data-state');

  async function signInAnn(): Promise<void> {
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.fill('#org-url', org.url);
    await page.selectOption('#product', 'salesforce-for-outlook');
    await page.fill('#username', 'ann@test.example');
    await page.fill('#password', 'Ann-pass-1');
    await page.press('#password', 'Enter');
    await page.waitForSelector('#status-view:not([hidden])');
  }

  /** Press "Connect your Outlook mailbox" from the keyboard; the Microsoft sign-in page it opens. */
  async function openConnectWindow(): Promise<Page> {
    await page.focus('#connect-mailbox');
    const [popup] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('Enter')]);
    // The dialog's first page is the add-in's oauth-start.html, which goes on to the identity platform's page.
    await popup.waitForURL(onMicrosoftPage);
    return popup;
  }

  /** Sign in on the Microsoft page as ann; the pane closes the window once the service has connected her. */
  async function signInOnMicrosoftPage(popup: Page): Promise<void> {
    await popup.fill('#login', ANN.user);
    await popup.fill('#passwd', ANN_PASSWORD);
    await Promise.all([popup.waitForEvent('close', { timeout: 30_000 }), popup.click('button[value="signin"]')]);
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-pane-mailbox-'));
    await paneBuilt();
    site = await startAddinSite({ root: DIST_DIR, port: 0, host: '127.0.0.1' });
    org = await startTestOrg(testSeed());
    mb = await startLocalMailbox({
      seed: identitySeed(TOKEN_LIFETIME_SECONDS),
      dataDir: ':memory:',
      port: 0,
      tls: true,
    });
    running = await startServiceServer({
      dataDir: path.join(dir, 'service'),
      port: 0,
      mailbox: { url: mb.url, token: '', microsoft: { clientId: CLIENT_ID, authority: `${mb.url}/${TENANT_ID}` } },
      addinOrigins: [site.origin],
      syncOnSignIn: false,
      tokenStore: { env: { SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key') } },
      engineDeps: { mailboxCa: mb.certificate!.pem, retrySleep: async () => {} },
    });
    context = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      // The local mailbox's certificate is self-signed (a user trusts it once, as docs/microsoft-sign-in.md says).
      ignoreHTTPSErrors: true,
      args: CHROMIUM_ARGS,
    });
    await context.route('**/appsforoffice.microsoft.com/**', (route) => route.abort());
    await context.route(`${'**'}/office.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: '/* Office is a stand-in in this test */' }),
    );
    await context.addInitScript({ path: OFFICE_STAND_IN });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await running?.close();
    await mb?.close();
    await org?.close();
    await site?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('after the Salesforce sign-in the step says the mailbox is not connected, with its button', async () => {
    await page.goto(paneUrl());
    await signInAnn();
    await expectText('#mailbox-state', texts.mailbox.notConnected);
    assert.equal(await stepState(), 'not-connected');
    assert.equal(await page.textContent('#connect-mailbox'), texts.mailbox.connectButton);
    assert.equal(await page.isVisible('#disconnect-mailbox'), false);
    // The service's stop text names this very button.
    assert.ok(serviceText('reconnectHow').includes(`"${texts.mailbox.connectButton}"`));
    await shot('mailbox-not-connected');
  });

  it('connect: "connecting…" while the Microsoft page is open, then whose mailbox is connected, and sync runs', async () => {
    const popup = await openConnectWindow();
    await expectText('#mailbox-state', texts.mailbox.connecting);
    assert.equal(await stepState(), 'connecting');
    assert.equal(running.service.status().mailbox?.connecting, true);
    await shot('mailbox-connecting');
    await signInOnMicrosoftPage(popup);
    await expectText('#mailbox-state', texts.mailbox.connected(ANN.user));
    assert.equal(await page.isVisible('#disconnect-mailbox'), true);
    assert.equal(await page.isVisible('#connect-mailbox'), false);
    await expectText('#state', 'Idle', 60_000);
    assert.equal(await page.isVisible('#stopped-message'), false);
    assert.equal(running.service.status().mailbox?.connectedAs, ANN.user);
    await shot('mailbox-connected');
  });

  it('the mailbox revokes us: Sync now shows the stop text and the reconnect state, never silently', async () => {
    const revoke = await request(`${mb.url}/_admin/revoke`, {
      method: 'POST',
      ca: mb.certificate!.pem,
      headers: { authorization: `Bearer ${ANN.token}` },
    });
    assert.equal(revoke.status, 200, revoke.text);
    await new Promise((resolve) => setTimeout(resolve, (TOKEN_LIFETIME_SECONDS + 1) * 1000));
    await page.click('#sync-now');
    await expectText('#state', 'Stopped', 60_000);
    const status = running.service.status();
    assert.equal(status.mailbox?.needsReconnect, true);
    assert.match(status.message!, /^Sync stopped: your Outlook mailbox ann@test\.example no longer accepts sfo-compat/);
    await expectText('#stopped-message', status.message!);
    await expectText('#mailbox-state', texts.mailbox.reconnect(ANN.user));
    assert.equal(await stepState(), 'reconnect');
    assert.equal(await page.isVisible('#connect-mailbox'), true);
    await shot('mailbox-reconnect');
  });

  it('reconnecting through the same step resumes the sync', async () => {
    await signInOnMicrosoftPage(await openConnectWindow());
    await expectText('#mailbox-state', texts.mailbox.connected(ANN.user));
    await expectText('#state', 'Idle', 60_000);
    assert.equal(await page.isVisible('#stopped-message'), false);
    assert.equal(running.service.status().mailbox?.needsReconnect, false);
  });

  it('the user closes the Microsoft window: the pane says so, the service stops waiting, the button works again', async () => {
    await page.click('#disconnect-mailbox');
    await expectText('#message', texts.mailbox.disconnected);
    await expectText('#mailbox-state', texts.mailbox.notConnected);
    assert.equal(running.service.status().mailbox?.connectedAs, null);
    const popup = await openConnectWindow();
    await popup.close();
    await expectText('#message', texts.mailbox.window.closedByUser);
    await expectText('#mailbox-state', texts.mailbox.notConnected);
    assert.equal(running.service.status().mailbox?.connecting, false);
    assert.equal(await page.isEnabled('#connect-mailbox'), true);
    await shot('mailbox-window-closed');
  });

  it('outside Office the Microsoft page opens in a popup, and connects the same way', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(paneUrl('&standin=none'));
    await signInAnn();
    await expectText('#mailbox-state', texts.mailbox.notConnected);
    await signInOnMicrosoftPage(await openConnectWindow());
    await expectText('#mailbox-state', texts.mailbox.connected(ANN.user));
    await expectText('#state', 'Idle', 60_000);
  });

  it('the service refuses the connect routes without the secret', async () => {
    const call = serviceCaller(running);
    for (const route of ['/api/mailbox/connect', '/api/mailbox/cancel-connect', '/api/mailbox/disconnect'])
      assert.equal((await call('POST', route, { secret: null })).status, 401, route);
  });
});
