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
import { staleReason } from '../../sync-engine/src/addin-site/build';
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

  it('builds only when dist/ is missing, loads office.js from the CDN, or is older than a source file', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'addin', 'taskpane'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'webpack.config.js'), '');
    fs.writeFileSync(path.join(repo, 'addin', 'taskpane', 'taskpane.ts'), '');
    assert.equal(staleReason(repo), 'dist/ is not built');
    fs.mkdirSync(path.join(repo, 'dist'));
    fs.writeFileSync(path.join(repo, 'dist', 'taskpane.html'), '');
    assert.equal(staleReason(repo), 'dist/ loads office.js from the CDN');
    fs.writeFileSync(path.join(repo, 'dist', 'office.js'), '');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(repo, 'addin', 'taskpane', 'taskpane.ts'), past, past);
    fs.utimesSync(path.join(repo, 'webpack.config.js'), past, past);
    assert.equal(staleReason(repo), null);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(repo, 'addin', 'taskpane', 'taskpane.ts'), later, later);
    assert.equal(staleReason(repo), `${path.join('addin', 'taskpane', 'taskpane.ts')} changed`);
  });
});
