/**
 * The small things a newcomer meets first (issue 12, finding 12), through the built CLI: --version, help on stdout
 * when no command is given, each default printed once in --help, and the demo's bad ports and intervals refused as
 * usage errors (exit 2) naming the option, like the other commands.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/sync-cli';
import { REPO_ROOT } from '../helpers/shared';

describe('sfo-compat: version, help and usage errors', function () {
  this.timeout(60_000);
  let data: string;
  before(() => {
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-cli-basics-'));
  });
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('no command: the help on stdout, exit 0, nothing on stderr', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: sfo-compat /);
    assert.match(r.stdout, /set-api-enabled|org/);
    assert.equal(r.stderr, '');
  });

  it('each default is printed once in --help', async () => {
    for (const cmd of [['org', 'serve'], ['mailbox', 'serve'], ['service']]) {
      const r = await runCli([...cmd, '--help']);
      assert.equal(r.code, 0, r.stderr);
      const port = /--port <n>[^\n]*(?:\n {10,}[^\n]*)*/.exec(r.stdout)![0];
      assert.equal((port.match(/default/g) ?? []).length, 1, `${cmd.join(' ')}: ${port}`);
    }
  });

  it('demo: a bad port or a short interval is a usage error (exit 2) naming the option', async () => {
    const port = await runCli(['demo', '--port', 'abc', '--data', data]);
    assert.deepEqual(
      [port.code, port.stderr.trim()],
      [2, 'sfo-compat demo: --port: "abc" is not a port number (0-65535)'],
    );
    const interval = await runCli(['demo', '--interval', '10', '--data', data]);
    assert.deepEqual(
      [interval.code, interval.stderr.trim()],
      [2, 'sfo-compat demo: --interval: "10" must be a whole number of seconds, at least 60'],
    );
  });
});
