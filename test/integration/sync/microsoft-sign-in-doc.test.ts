/**
 * `docs/microsoft-sign-in.md`, section 4, followed to the letter (issue 13's acceptance): its commands and its
 * configuration file, read from the page itself, run against the local org and the local mailbox's identity platform
 * (`mailbox serve --tls`). The one change: free ports for 8700 and 8711, and a temp folder for `.sfo-compat/`. The
 * interactive sign-in (`--connect-mailbox --no-browser`: authorization code with PKCE and msal-node's loopback) is
 * finished by a headless Chromium that opens the printed link and fills the local sign-in page as a user would.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, Browser } from 'playwright-core';
import { REPO_ROOT } from '../../helpers/shared';
import { freePort } from '../../helpers/loopback';
import { CliChild, startCli } from '../../helpers/cli-child';
import { runCli } from '../../helpers/sync-cli';
import { MAILBOX_CACHE_FILE } from '../../../sync-engine/src/app/mailbox-token-cache';
import { CHROMIUM, CHROMIUM_ARGS } from '../../helpers/chromium';

const DOC = path.join(REPO_ROOT, 'docs', 'microsoft-sign-in.md');

interface Step {
  env: Record<string, string>;
  args: string[];
}

/** Section 4 of the page: its shell lines (in order) and its JSON file. */
function readSection(): { commands: string[]; configName: string; config: string } {
  const text = fs.readFileSync(DOC, 'utf8');
  const start = text.indexOf('## 4. ');
  const next = text.indexOf('\n## ', start + 1);
  // Section 4 alone: the next section's commands are not its steps.
  const section = text.slice(start, next === -1 ? undefined : next);
  assert.ok(section.startsWith('## 4. '), 'the page has its section 4');
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
  const commands = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.body.split('\n').filter(Boolean));
  const json = blocks.find((b) => b.lang === 'json');
  const configName = /Save this as `([^`]+)`/.exec(section)?.[1];
  assert.ok(json && configName, 'the section gives a configuration file and its name');
  return { commands, configName, config: json.body };
}

describe('docs/microsoft-sign-in.md, section 4, run as written against the local identity platform', function () {
  this.timeout(180_000);
  let dir: string;
  let browser: Browser;
  const servers: CliChild[] = [];
  let change: (s: string) => string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-msal-doc-'));
    const orgPort = String(await freePort());
    const mailboxPort = String(await freePort());
    change = (s) => s.replaceAll('8700', orgPort).replaceAll('8711', mailboxPort).replaceAll('.sfo-compat/', `${dir}/`);
    env = {
      PATH: process.env.PATH,
      HOME: path.join(dir, 'home'),
      SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key'),
    };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves, connects in the browser, syncs and disconnects, as the page says', async () => {
    const { commands, configName, config } = readSection();
    const configFile = path.join(dir, configName);
    fs.writeFileSync(configFile, change(config));
    const steps: Step[] = commands.map((line) => {
      const words = change(line).trim().split(/\s+/);
      const stepEnv: Record<string, string> = {};
      if (words[0] === 'export') {
        const [k, v] = words[1].split('=');
        return { env: { [k]: v }, args: [] };
      }
      while (/^[A-Z_]+=/.test(words[0])) {
        const [k, ...v] = words.shift()!.split('=');
        stepEnv[k] = v.join('=');
      }
      assert.deepEqual(words.slice(0, 2), ['npx', 'sfo-compat'], `a command of the page: ${line}`);
      return { env: stepEnv, args: words.slice(2).map((w) => (w === configName ? configFile : w)) };
    });
    assert.equal(steps.length, 6, commands.join('\n'));
    const resolvePaths = (args: string[]) => args.map((a) => (a.startsWith('demo/') ? path.join(REPO_ROOT, a) : a));

    // The two servers, each in its own process (its own terminal on the page).
    for (const s of steps.slice(0, 2)) {
      const child = startCli(resolvePaths(s.args), { ...process.env, ...s.env });
      servers.push(child);
      await child.waitFor(/Ctrl-C stops it|Ctrl\+C|listening|Local org/i);
    }
    await servers[1].waitFor(/Ctrl-C stops it/);
    // export NODE_EXTRA_CA_CERTS=...: the page's relative path, from the repository's folder (where it says to run).
    const exported = steps[2].env;
    for (const [k, v] of Object.entries(exported)) env[k] = path.resolve(REPO_ROOT, v);
    assert.ok(fs.existsSync(env.NODE_EXTRA_CA_CERTS!), 'the exported certificate path is where mailbox serve put it');

    // Connect: the printed link opened in a browser, ann signs in on the local sign-in page.
    const connect = startCli(steps[3].args, { ...env, ...steps[3].env });
    const [, link] = await connect.waitFor(/\n {2}(https:\/\/\S+)\n/);
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.fill('#login', 'ann@demo.example');
    await page.fill('#passwd', 'Demo-Ann-1');
    await page.click('button[value="signin"]');
    await page.waitForSelector('text=Your Outlook mailbox is connected to sfo-compat');
    await context.close();
    assert.equal(await connect.exited(), 0, connect.stderr());
    assert.match(connect.stdout(), /Connected the Outlook mailbox of ann@demo\.example/);
    const dataDir = path.join(dir, 'try-sync');
    assert.ok(fs.existsSync(path.join(dataDir, MAILBOX_CACHE_FILE)));

    // Sync once.
    const sync = await runCli(steps[4].args, 60_000, { ...env, ...steps[4].env });
    assert.equal(sync.code, 0, sync.stdout + sync.stderr);
    assert.match(sync.stdout, /^Outlook: contacts \+\d+/m);

    // Disconnect.
    const disconnect = await runCli(steps[5].args, 30_000, { ...env, ...steps[5].env });
    assert.equal(disconnect.code, 0, disconnect.stderr);
    assert.match(disconnect.stdout, /Disconnected the Outlook mailbox of ann@demo\.example: deleted /);
    assert.equal(fs.existsSync(path.join(dataDir, MAILBOX_CACHE_FILE)), false);
    const after = await runCli(steps[4].args, 30_000, { ...env, ...steps[4].env });
    assert.equal(after.code, 2);
    assert.match(after.stderr, /--connect-mailbox/);
  });
});
