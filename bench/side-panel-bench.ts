/**
 * `pane.side-panel.ms`: how soon the side panel shows the people of the item just selected, in a real browser
 * (Debian's Chromium) with the Office stand-in, against the service and the demo org (demo/org-seed.json) on loopback:
 * the median of 20 item changes, each a message not seen before from a contact, cc a lead and an unknown address.
 * Beside it, the requests the org counted per item change (at most 2), and for an item seen before (1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Figure, repoRoot } from './figures';
import { startLocalOrg } from '../sync-engine/src/local-org';
import { OrgSeed } from '../sync-engine/src/local-org/seed';
import { requestsUsedToday } from '../sync-engine/src/local-org/rest-auth';
import { startServiceServer } from '../sync-engine/src/service/server';
import { buildPane, DIST_DIR } from '../sync-engine/src/addin-site/build';
import { startAddinSite } from '../sync-engine/src/addin-site/site';
import { CHROMIUM, CHROMIUM_ARGS, ItemDescription, selectItem } from '../test/browser/side-panel-items';

const CHANGES = 20;
const ANN = { username: 'ann@demo.example', password: 'Demo-Ann-1' };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function item(i: number): ItemDescription {
  return {
    itemType: 'message',
    internetMessageId: `<bench-${i}@navy.example>`,
    from: { emailAddress: 'grace@navy.example', displayName: 'Grace Hopper' },
    to: [{ emailAddress: ANN.username, displayName: 'Ann' }],
    cc: [
      { emailAddress: 'ada@engines.example', displayName: 'Ada Lovelace' },
      { emailAddress: `stranger-${i}@elsewhere.example`, displayName: `Stranger ${i}` },
    ],
    subject: `Fleet compilers, part ${i}`,
    dateTimeCreated: '2026-12-05T09:00:00Z',
    body: 'Can we meet next week?',
  };
}

export async function sidePanelBench(): Promise<Figure[]> {
  const root = repoRoot();
  const seed = JSON.parse(fs.readFileSync(path.join(root, 'demo', 'org-seed.json'), 'utf8')) as OrgSeed;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-bench-panel-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-bench-chromium-'));
  await buildPane();
  const site = await startAddinSite({ root: DIST_DIR, port: 0, host: '127.0.0.1' });
  const org = await startLocalOrg({ seed, dataDir: ':memory:', port: 0 });
  // No mailbox: no sync runs, so the org counts only the panel's requests.
  const service = await startServiceServer({
    dataDir,
    port: 0,
    mailbox: null,
    addinOrigins: [site.origin],
    tokenStore: { env: { SFO_TOKEN_KEY_FILE: path.join(dataDir, 'token.key') } },
  });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    await context.route('**/appsforoffice.microsoft.com/**', (route) => route.abort());
    await context.route(`${'**'}/office.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: '/* Office is a stand-in here */' }),
    );
    await context.addInitScript({ path: path.join(root, 'test', 'browser', 'office-stand-in.js') });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${site.origin}/taskpane.html?service=${encodeURIComponent(service.url)}`);
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.fill('#org-url', org.url);
    await page.fill('#username', ANN.username);
    await page.fill('#password', ANN.password);
    await page.click('#sign-in-button');
    await page.waitForSelector('#side-panel[data-state="shown"], #side-panel[data-state="empty"]');
    // One change first, so the figures are of a pane that has loaded its code.
    await selectItem(page, item(-1));
    const times: number[] = [];
    const requests: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const before = requestsUsedToday(org.ctx);
      times.push(await selectItem(page, item(i)));
      requests.push(requestsUsedToday(org.ctx) - before);
    }
    const before = requestsUsedToday(org.ctx);
    const revisit = await selectItem(page, item(0));
    const revisitRequests = requestsUsedToday(org.ctx) - before;
    return [
      {
        name: 'pane.side-panel.ms',
        value: median(times),
        unit: 'ms',
        note: `median of ${CHANGES} item changes (3 people each, 2 in Salesforce), from ItemChanged to the people on screen; target 1,000 ms; slowest ${Math.max(...times).toFixed(0)} ms`,
      },
      {
        name: 'pane.side-panel.requests',
        value: Math.max(...requests),
        unit: 'requests',
        note: 'most Salesforce requests the org counted for one item change (one SOSL search, one Composite call); target at most 2',
      },
      {
        name: 'pane.side-panel.revisit.requests',
        value: revisitRequests,
        unit: 'requests',
        note: `an item seen before: from the cache after one light request (${revisit.toFixed(0)} ms)`,
      },
    ];
  } finally {
    await context.close();
    await service.close();
    await org.close();
    await site.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Run alone: `node build/bench/side-panel-bench.js`. */
if (require.main === module) {
  sidePanelBench()
    .then((figures) => {
      for (const f of figures) process.stdout.write(`${f.name}: ${f.value} ${f.unit} (${f.note})\n`);
    })
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    });
}
