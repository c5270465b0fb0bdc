/**
 * The add-in's pages as `npm start` serves them: over https with a certificate (what Outlook needs), on loopback
 * only, nothing outside the pane's folder; and the pane is rebuilt only when dist/ is missing, is the CDN variant,
 * or is older than a source file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAddinSite } from '../../sync-engine/src/addin-site/site';
import { REPO_DIR, staleReason } from '../../sync-engine/src/addin-site/build';
import { selfSignedCertificate } from '../../sync-engine/src/local-mailbox/tls';
import { httpsGet } from '../helpers/loopback';

const get = async (url: string, ca: string) => {
  const res = await httpsGet(url, ca);
  return { status: res.status, body: res.text };
};

describe('addin-site: the pages npm start serves', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-addin-site-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the built pane over https on localhost, and nothing outside its folder', async () => {
    const root = path.join(dir, 'dist');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'taskpane.html'), '<title>pane</title>');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the browser');
    const tls = selfSignedCertificate(path.join(dir, 'tls'));
    const site = await startAddinSite({ root, port: 0, tls });
    try {
      assert.match(site.origin, /^https:\/\/localhost:\d+$/);
      const page = await get(`${site.origin}/taskpane.html`, tls.cert);
      assert.deepEqual(page, { status: 200, body: '<title>pane</title>' });
      assert.equal((await get(`${site.origin}/../secret.txt`, tls.cert)).status, 404);
      assert.equal((await get(`${site.origin}/%2e%2e/secret.txt`, tls.cert)).status, 404);
      // Without the certificate trusted, the browser would refuse: the site is really https.
      await assert.rejects(get(`${site.origin}/taskpane.html`, ''), /self[- ]signed|certificate/i);
    } finally {
      await site.close();
    }
  });

  it('builds only when dist/ is missing, loads office.js from the CDN, lacks a file office.js or the pane loads, or is older than a source file', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'addin', 'taskpane'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'webpack.config.js'), '');
    fs.writeFileSync(path.join(repo, 'addin', 'taskpane', 'taskpane.ts'), '');
    assert.equal(staleReason(repo), 'dist/ is not built');
    fs.mkdirSync(path.join(repo, 'dist'));
    fs.writeFileSync(path.join(repo, 'dist', 'taskpane.html'), '');
    assert.equal(staleReason(repo), 'dist/ loads office.js from the CDN');
    fs.writeFileSync(path.join(repo, 'dist', 'office.js'), '');
    // A build from before office.js's own files were copied (only office.js) is built again.
    assert.equal(staleReason(repo), 'dist/ has no o15apptofilemappingtable.js');
    for (const file of ['o15apptofilemappingtable.js', 'outlook-web-16.01.js', 'en-us/outlook_strings.js']) {
      fs.mkdirSync(path.dirname(path.join(repo, 'dist', file)), { recursive: true });
      fs.writeFileSync(path.join(repo, 'dist', file), '');
    }
    assert.equal(staleReason(repo), 'dist/ has no fluent-theme.css');
    fs.writeFileSync(path.join(repo, 'dist', 'fluent-theme.css'), '');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(repo, 'addin', 'taskpane', 'taskpane.ts'), past, past);
    fs.utimesSync(path.join(repo, 'webpack.config.js'), past, past);
    assert.equal(staleReason(repo), null);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(repo, 'addin', 'taskpane', 'taskpane.ts'), later, later);
    assert.equal(staleReason(repo), `${path.join('addin', 'taskpane', 'taskpane.ts')} changed`);
  });

  /** Build the pane with webpack.config.js into `out` (not dist/, which other tests serve). */
  async function build(out: string, env: object, mode: 'development' | 'production'): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const webpack = require('webpack') as typeof import('webpack');
    type MakeConfig = (e: object, a: object) => import('webpack').Configuration;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const makeConfig = require(path.join(REPO_DIR, 'webpack.config.js')) as MakeConfig;
    const config = makeConfig(env, { mode });
    const compiler = webpack({ ...config, output: { ...config.output, path: out } });
    await new Promise<void>((resolve, reject) =>
      compiler.run((err, stats) => {
        compiler.close(() => undefined);
        if (err || stats?.hasErrors()) reject(err ?? new Error(stats!.toString('errors-only')));
        else resolve();
      }),
    );
  }
  const scriptsOf = (html: string) => [...html.matchAll(/<script[^>]*\ssrc="?([^">\s]+)/g)].map((m) => m[1]);

  it("the production build (npm run build:addin) loads office.js from Microsoft's CDN and ships none of it; the local one ships the loader's files", async function () {
    this.timeout(120_000);
    const production = path.join(dir, 'production');
    await build(production, {}, 'production');
    for (const page of ['taskpane.html', 'commands.html', 'oauth-start.html', 'oauth-callback.html']) {
      const html = fs.readFileSync(path.join(production, page), 'utf8');
      assert.deepEqual(
        scriptsOf(html).filter((src) => src.endsWith('office.js')),
        ['https://appsforoffice.microsoft.com/lib/1/hosted/office.js'],
        page,
      );
    }
    assert.equal(fs.existsSync(path.join(production, 'office.js')), false);
    assert.equal(fs.existsSync(path.join(production, 'o15apptofilemappingtable.js')), false);
    assert.match(
      fs.readFileSync(path.join(production, 'fluent-theme.css'), 'utf8'),
      /--colorBrandBackground: ?#0f6cbd;/,
    );

    const local = path.join(dir, 'local');
    await build(local, { offline: true }, 'development');
    assert.deepEqual(
      scriptsOf(fs.readFileSync(path.join(local, 'taskpane.html'), 'utf8')).filter((src) => src.endsWith('office.js')),
      ['office.js'],
    );
    for (const file of [
      'office.js',
      'o15apptofilemappingtable.js',
      'outlook-web-16.01.js',
      'outlook-win32-16.02.js',
      'outlook-mac-16.00.js',
      'en-us/office_strings.js',
      'en-us/outlook_strings.js',
      'de-de/office_strings.js',
      'telemetry/oteljs_agave.js',
      'ariatelemetry/aria-web-telemetry.js',
    ]) {
      assert.ok(fs.existsSync(path.join(local, file)), `the local build has ${file}`);
    }
    assert.deepEqual(
      fs
        .readdirSync(local, { recursive: true })
        .map(String)
        .filter((f) => f.includes('debug')),
      [],
      'no debug builds',
    );
  });
});
