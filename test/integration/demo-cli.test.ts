/**
 * `npm start` (sfo-compat demo) runs the main job: the local org and mailbox on the shipped demo seeds and the
 * sync engine for the demo user, whose first run must finish. Run through the built CLI, as a newcomer would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared';

describe('sfo-compat demo (what npm start runs)', function () {
  this.timeout(60_000);

  it('starts the org and the mailbox, syncs the demo user once, and stops cleanly on SIGINT', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-demo-'));
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'sfo-compat.js'), 'demo', '--port', '0', '--mailbox-port', '0', '--data', data],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no finished sync run within 45 s\n${out}\n${err}`)), 45_000);
        child.stdout.on('data', () => {
          if (/sync (done|stopped)/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`the demo exited early (${code})\n${out}\n${err}`)));
      });
      assert.match(out, /org: +http:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /mailbox: +http:\/\/127\.0\.0\.1:\d+\/v1\.0\/me/);
      assert.match(out, /bob@demo\.example .*blocked \(API_CURRENTLY_DISABLED\)/);
      assert.match(out, /sync done\. Salesforce: contacts \+\d+/, out);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
