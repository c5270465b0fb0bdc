/**
 * `npm start` (sfo-compat demo) runs the main job: the local org and mailbox on the shipped demo seeds, the
 * service with the demo user signed in (whose first sync run must finish), and the add-in's pages, whose origin
 * the service lets in. Run through the built CLI, as a newcomer would.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemo } from '../helpers/demo';

describe('sfo-compat demo (what npm start runs)', function () {
  // A clean clone builds the pane first (webpack, some seconds).
  this.timeout(120_000);

  it("starts the org, the mailbox, the service and the pane's site, syncs the demo user once, and stops cleanly on SIGINT", async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-demo-'));
    const demo = startDemo(data);
    const { child } = demo;
    try {
      await demo.waitFor(/sync (done|stopped)/, 'a finished sync run');
      const out = demo.output();
      assert.match(out, /org: +http:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /mailbox: +http:\/\/127\.0\.0\.1:\d+\/v1\.0\/me/);
      assert.match(out, /bob@demo\.example .*blocked \(API_CURRENTLY_DISABLED\)/);
      assert.match(out, /sync done\. Salesforce: contacts \+\d+/, out);

      // The pane's site serves the built pane, with office.js from the package (no CDN).
      const pane = /add-in: +(http:\/\/localhost:\d+)\/taskpane\.html\?service=(\S+)/.exec(out);
      assert.ok(pane, out);
      const [, site, service] = [pane[0], pane[1], decodeURIComponent(pane[2])];
      const html = await fetch(`${site}/taskpane.html`);
      assert.equal(html.status, 200);
      const page = await html.text();
      assert.match(page, /<script[^>]+src="office\.js"/);
      assert.doesNotMatch(page, /appsforoffice\.microsoft\.com/);
      assert.equal((await fetch(`${site}/office.js`)).status, 200);
      assert.match(out, new RegExp(`service: +${service.replace(/[.]/g, '\\.')} `));
      // The service lets that origin in, and ann is signed in (the status needs the secret the pane gets at sign-in).
      const health = await fetch(`${service}/api/health`, { headers: { Origin: site } });
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('access-control-allow-origin'), site);
      assert.equal((await fetch(`${service}/api/status`)).status, 401);
      // The org's desktop apps accept the pane's callback page on this origin: "Sign in with Salesforce" can come back.
      const orgUrl = /org: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      const authorize = await fetch(
        `${orgUrl}/services/oauth2/authorize?response_type=code&client_id=SfdcSalesforceForOutlook` +
          `&redirect_uri=${encodeURIComponent(`${site}/oauth-callback.html`)}`,
      );
      assert.equal(authorize.status, 200, await authorize.text());
      // A manifest for where the pages are, since the port is not manifest.xml's.
      const manifest = fs.readFileSync(path.join(data, 'manifest.xml'), 'utf8');
      assert.ok(
        manifest.includes(`${site.replace('http:', 'https:')}/taskpane.html`) && !manifest.includes('localhost:3000'),
        'https, on the port the pages are on',
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(
        demo.output(),
        /stopping: the service, the add-in's pages, the mailbox and the org\.\.\.\nstopped\. Everything is kept in /,
        'Ctrl+C says what it does',
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
