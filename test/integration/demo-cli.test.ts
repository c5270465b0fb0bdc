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
import { SECRET_FILE } from '../../sync-engine/src/service/secret';
import type { ServiceStatus } from '../../sync-engine/src/service/contract';
import { MAILBOX_CACHE_FILE } from '../../sync-engine/src/app/mailbox-token-cache';

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
      assert.match(out, /mailbox: +https:\/\/localhost:\d+\/v1\.0\/me/);
      // ann's mailbox is connected through msal-node against the local identity platform, the demo saying how.
      assert.match(out, /ann@demo\.example connected by a Microsoft sign-in \(msal-node, PKCE\): the demo filled/);
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
      // The service's status (with the secret the demo's sign-in made) names whose mailbox msal connected.
      const secret = fs.readFileSync(path.join(data, 'service', SECRET_FILE), 'utf8').trim();
      const status = (await (
        await fetch(`${service}/api/status`, { headers: { authorization: `Bearer ${secret}` } })
      ).json()) as ServiceStatus;
      assert.equal(status.mailbox?.signIn, 'microsoft');
      assert.equal(status.mailbox?.connectedAs, 'ann@demo.example');
      // msal's cache is what opens the mailbox: the seed's static token is nowhere in the service's files.
      const files = fs.readdirSync(path.join(data, 'service'), { recursive: true, encoding: 'utf8' });
      const caches = files.filter((f) => f.endsWith(MAILBOX_CACHE_FILE));
      assert.equal(caches.length, 1, files.join(', '));
      for (const f of files) {
        const file = path.join(data, 'service', f);
        if (fs.statSync(file).isFile())
          assert.ok(!fs.readFileSync(file).includes('demo-mailbox-token-ann'), `the static token in ${f}`);
      }
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
