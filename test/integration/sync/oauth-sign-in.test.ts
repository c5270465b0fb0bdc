/**
 * A real org's sign-in for `sfo-compat sync`, through main() against a local org over real HTTP: `--sign-in` runs
 * the OAuth web-server flow with PKCE (this test plays the user's browser on the printed link with
 * loginThroughPage), stores the refresh token encrypted (0600, key elsewhere), and `sync` runs without a password
 * use it. The access rule's refusal shows the product's exact text (exit 5, nothing stored); a tampered token file,
 * a token for someone else, or no credential at all stop before any run (exit 2); a token the org no longer accepts
 * stops the run (exit 1) and loses nothing; `--sign-out` revokes it at the org. Also the callback server's
 * refusals and timeout, and when a browser is opened.
 */
import assert from 'node:assert/strict';
import { freePort } from '../../helpers/loopback';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../sync-engine/src/cli/main';
import { CallbackServer } from '../../../sync-engine/src/cli/oauth-callback-server';
import { browserOpener } from '../../../sync-engine/src/cli/open-browser';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { LocalMailbox, startLocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { loginThroughPage } from '../../../sync-engine/src/salesforce/page-login';
import { refreshTokenGrant, revoke } from '../../../sync-engine/src/salesforce/oauth';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';
import { TOKEN_FILE, TokenStore } from '../../../sync-engine/src/app/token-store';
import { sessionFor, startTestOrg, testSeed } from '../../helpers/org';
import { sharedMessages } from '../../helpers/shared';
import { eventually } from '../../helpers/eventually';

const CLIENT_ID = 'SfdcSalesforceForOutlook';
const MAILBOX_TOKEN = 'ann-oauth-mailbox-token';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** main() with stdout and stderr captured; `stdout()` reads what was printed so far, while it still runs. */
function startCli(args: string[]): { done: Promise<Run>; stdout: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const { write: outWrite } = process.stdout;
  const { write: errWrite } = process.stderr;
  process.stdout.write = ((s: string | Uint8Array) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => err.push(String(s)) > 0) as typeof process.stderr.write;
  const done = main(args)
    .finally(() => {
      process.stdout.write = outWrite;
      process.stderr.write = errWrite;
    })
    .then((code) => {
      const stdout = out.join('');
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      return { code, stdout, stderr: err.join(''), json };
    });
  return { done, stdout: () => out.join('') };
}

const cli = (args: string[]) => startCli(args).done;

/** A GET as the browser does it (`localhost` is this machine's 127.0.0.1, where the callback listens). */
async function browserGet(url: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url.replace('//localhost:', '//127.0.0.1:'), { redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const AUTHORIZE_LINK = /^ {2}(http:\/\/\S+\/services\/oauth2\/authorize\?\S+)$/m;

describe("sfo-compat sync --sign-in: a real org's OAuth sign-in, stored encrypted", function () {
  this.timeout(60_000);
  const messages = sharedMessages();
  let org: LocalOrg;
  let mailbox: LocalMailbox;
  let dir: string;
  let port: number;
  let redirectUri: string;
  let keyFile: string;
  let savedKeyEnv: string | undefined;
  let adminSession: string;

  const writeConfig = (name: string, org_: Record<string, unknown>, dataDir: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          product: 'salesforce-for-outlook',
          productVersion: '2.9.3',
          org: { loginUrl: org.url, ...org_ },
          mailbox: { url: mailbox.url, token: MAILBOX_TOKEN },
          objects: { contacts: { direction: 'both' }, events: { direction: 'none' }, tasks: { direction: 'none' } },
          dataDir,
        },
        null,
        2,
      ),
    );
    return file;
  };
  let annConfig: string;
  const annData = () => path.join(dir, 'ann-state');
  const annStore = () => new TokenStore(annData());
  const signInArgs = (config: string, p = port) => [
    'sync',
    '--config',
    config,
    '--sign-in',
    '--callback-port',
    String(p),
    '--no-browser',
  ];

  /**
   * `sync --sign-in` while playing the user's browser: open the printed link, log in on the org's page, and follow
   * the org's redirect to the callback. `beforeLogin` runs once the link is printed.
   */
  async function signInAs(config: string, username: string, password: string, beforeLogin?: () => Promise<void>) {
    const cliRun = startCli(signInArgs(config));
    try {
      const link = await eventually(() => AUTHORIZE_LINK.exec(cliRun.stdout())?.[1], 'the sign-in link');
      await beforeLogin?.();
      const callback = await loginThroughPage({ startUrl: link, username, password }, ({ url }) =>
        url.startsWith(redirectUri) ? url : undefined,
      );
      const page = await browserGet(callback);
      return { run: await cliRun.done, link, callback, page };
    } catch (err) {
      // A failed step must not leave the command waiting five minutes on the port: Ctrl+C.
      process.emit('SIGINT');
      await cliRun.done;
      throw err;
    }
  }

  const storedToken = () => annStore().load()!.refreshToken;
  const refused = async (token: string) => {
    try {
      await refreshTokenGrant({ loginUrl: org.url, clientId: CLIENT_ID, refreshToken: token });
      return 'accepted';
    } catch (err) {
      return (err as SalesforceApiError).errorCode;
    }
  };
  const sfContacts = async (): Promise<string[]> => {
    const res = await fetch(
      `${org.url}/services/data/v60.0/query?q=${encodeURIComponent("SELECT LastName FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName")}`,
      { headers: { authorization: `Bearer ${adminSession}` } },
    );
    return ((await res.json()) as { records: Array<{ LastName: string }> }).records.map((r) => r.LastName);
  };
  /** Every file under the data dir (and the config folder), as text, for "the token is nowhere in clear". */
  const filesUnder = (root: string): string[] =>
    fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));

  before(async () => {
    port = await freePort();
    redirectUri = `http://localhost:${port}/OauthRedirect`;
    const seed = testSeed();
    // A copy of the seed whose Salesforce for Outlook app lists this test's callback (a real org's own app would).
    seed.connectedApps = seed.connectedApps!.map((a) =>
      a.clientId === CLIENT_ID ? { ...a, callbackUrls: [redirectUri] } : a,
    );
    org = await startTestOrg(seed);
    adminSession = sessionFor(org, 'admin@test.example');
    mailbox = await startLocalMailbox({
      seed: {
        mailboxes: [
          {
            user: 'ann@test.example',
            token: MAILBOX_TOKEN,
            timeZone: 'America/New_York',
            contacts: [{ givenName: 'Linus', surname: 'Torvalds' }],
            events: [],
            taskLists: [{ displayName: 'Tasks', tasks: [] }],
          },
        ],
      },
      dataDir: ':memory:',
      port: 0,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-oauth-sign-in-'));
    keyFile = path.join(dir, 'user-config', 'sfo-compat', 'token.key');
    savedKeyEnv = process.env.SFO_TOKEN_KEY_FILE;
    process.env.SFO_TOKEN_KEY_FILE = keyFile;
    annConfig = writeConfig('ann.json', { username: 'ann@test.example' }, 'ann-state');
  });
  after(async () => {
    if (savedKeyEnv === undefined) delete process.env.SFO_TOKEN_KEY_FILE;
    else process.env.SFO_TOKEN_KEY_FILE = savedKeyEnv;
    await mailbox?.close();
    await org?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('no password and no stored sign-in: sync exits 2 with one problem naming org.password and --sign-in; nothing runs', async () => {
    const r = await cli(['sync', '--config', annConfig, '--once', '--json']);
    assert.equal(r.code, 2, r.stderr);
    // --json: one object on stdout all the same (issue 10, finding 8), with what stderr says.
    assert.equal(r.json.state, 'stopped');
    assert.equal(r.json.message, r.stderr.trimEnd());
    assert.deepEqual(r.json.error, {
      code: 'BAD_CONFIG',
      file: annConfig,
      fix: 'Fix each problem listed, then run again.',
    });
    assert.equal(
      r.stderr,
      `${annConfig}: the sync configuration has 1 problem:\n` +
        `  - org.password: no password and no stored sign-in in ${annData()}: give org.password or org.passwordEnv (a local org),` +
        ` or sign in to a real org once with: sfo-compat sync --config ${annConfig} --sign-in\n`,
    );
    assert.equal(fs.existsSync(annData()), false, 'no state made');
    // status needs no credential.
    assert.equal((await cli(['status', '--config', annConfig, '--json'])).code, 0);
  });

  it('a callback URL the connected app does not list: refused at once, naming the URL and the connected app; nothing waits', async () => {
    const other = await freePort();
    const r = await cli(signInArgs(annConfig, other));
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '', 'no link printed: the org would only show an error page');
    assert.match(
      r.stderr,
      /^Salesforce refused the sign-in: redirect_uri must match configuration \(redirect_uri_mismatch\)\.\n/,
    );
    assert.ok(
      r.stderr.includes(
        `The connected app with client id ${CLIENT_ID} does not list the callback URL http://localhost:${other}/OauthRedirect.`,
      ),
      r.stderr,
    );
    assert.ok(r.stderr.includes('A real org needs its own connected app'), r.stderr);
    assert.equal(annStore().exists(), false);
    // The one-shot server is gone: the port is free again.
    const s = net.createServer();
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(other, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('--sign-in as ann: the printed link is the PKCE web-server flow; the token is stored encrypted, 0600, key elsewhere 0600', async () => {
    const { run, link, page } = await signInAs(annConfig, 'ann@test.example', 'Ann-pass-1');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const q = new URL(link).searchParams;
    assert.equal(link.split('?')[0], `${org.url}/services/oauth2/authorize`);
    assert.deepEqual(
      [
        q.get('response_type'),
        q.get('client_id'),
        q.get('redirect_uri'),
        q.get('code_challenge_method'),
        q.get('scope'),
        q.get('login_hint'),
      ],
      ['code', CLIENT_ID, redirectUri, 'S256', 'api refresh_token', 'ann@test.example'],
    );
    assert.match(q.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('state')!, /^[A-Za-z0-9_-]{32}$/);
    assert.ok(
      run.stdout.includes(
        `The browser comes back to ${redirectUri}: the org's connected app (client id ${CLIENT_ID}, org.clientId) must list this callback URL.` +
          ' A real org needs its own connected app for that.',
      ),
      run.stdout,
    );
    assert.ok(
      run.stdout.endsWith(
        `Signed in to ${org.url} as ann@test.example with Salesforce for Outlook 2.9.3.\n` +
          `The sign-in is stored, encrypted, in ${path.join(annData(), TOKEN_FILE)} (key: ${keyFile}); sfo-compat sync --config ${annConfig} uses it.\n`,
      ),
      run.stdout,
    );
    assert.equal(page.status, 200);
    assert.match(page.text, /Signed in to Salesforce as ann@test\.example\. You can close this window\./);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');

    const token = storedToken();
    assert.match(token, /^5Aep/);
    const file = path.join(annData(), TOKEN_FILE);
    assert.equal(fs.statSync(annData()).mode & 0o777, 0o700, 'the data dir, made by the sign-in');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(keyFile)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(keyFile).size, 32);
    assert.ok(!keyFile.startsWith(annData()), 'the key is not in the data dir');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual([stored.loginUrl, stored.clientId, stored.username], [org.url, CLIENT_ID, 'ann@test.example']);
    assert.ok(!fs.readFileSync(file, 'utf8').includes(token), 'no refresh token in clear');
    assert.ok(!run.stdout.includes(token) && !page.text.includes(token), 'never printed');
    assert.equal(await refused(token), 'accepted', 'the org issued it');
  });

  it('sync --once --json without a password signs in with the stored token and syncs (exit 0); the token is in no file in clear', async () => {
    const r = await cli(['sync', '--config', annConfig, '--once', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.state, 'idle');
    assert.deepEqual(r.json.report.counts.salesforce.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.deepEqual(r.json.report.counts.outlook.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.deepEqual(await sfContacts(), ['Hopper', 'Torvalds']);
    const token = storedToken();
    for (const f of [...filesUnder(annData()), ...filesUnder(path.dirname(keyFile))]) {
      assert.ok(!fs.readFileSync(f).includes(token), `${f} holds the token in clear`);
      if (path.basename(f) !== 'sync.log' && !f.endsWith(TOKEN_FILE) && f !== keyFile) continue;
      assert.equal(fs.statSync(f).mode & 0o077, 0, `${f} is readable by others`);
    }
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token));
  });

  it('a callback with another state is refused (and the wait goes on); signing in again replaces the token and revokes the old one', async () => {
    const before = storedToken();
    let refusedPage: { status: number; text: string } | undefined;
    const { run, page } = await signInAs(annConfig, 'ann@test.example', 'Ann-pass-1', async () => {
      refusedPage = await browserGet(`${redirectUri}?code=aPrx-forged-code&state=not-the-state`);
      // Without a state at all, and on another path: refused too.
      assert.equal((await browserGet(`${redirectUri}?code=aPrx-forged-code`)).status, 400);
      assert.equal((await browserGet(`http://localhost:${port}/favicon.ico`)).status, 404);
    });
    assert.equal(refusedPage!.status, 400);
    assert.match(
      refusedPage!.text,
      /does not belong to the sign-in sfo-compat is waiting for \(its state does not match\)/,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stderr,
      'Ignored a callback with another state than this sign-in sent on the callback port (not this sign-in); still waiting.\n' +
        'Ignored a callback without a state on the callback port (not this sign-in); still waiting.\n',
    );
    assert.equal(page.status, 200);
    const after = storedToken();
    assert.notEqual(after, before);
    assert.equal(await refused(before), 'invalid_grant', 'the replaced token was revoked');
    assert.equal(await refused(after), 'accepted');
  });

  it('bob (no API Enabled) signing in: the exact sfo.login text on stderr and in the browser, exit 5, no token file', async () => {
    const bobConfig = writeConfig('bob.json', { username: 'bob@test.example' }, 'bob-state');
    const { run, page } = await signInAs(bobConfig, 'bob@test.example', 'Bob-pass-1');
    assert.equal(run.code, 5);
    assert.equal(run.stderr, `${messages['sfo.login']}\n`);
    assert.ok(!run.stdout.includes('Signed in'), run.stdout);
    assert.equal(page.status, 403);
    assert.equal(fs.existsSync(path.join(dir, 'bob-state', TOKEN_FILE)), false);
  });

  it('signing in as someone else than org.username stores nothing (exit 1)', async () => {
    const cyConfig = writeConfig('cy.json', { username: 'cy@test.example' }, 'cy-state');
    const { run } = await signInAs(cyConfig, 'ann@test.example', 'Ann-pass-1');
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `You signed in as ann@test.example, but ${cyConfig} names cy@test.example (org.username). Nothing was stored:` +
        ' sign in as that user, or change org.username.\n',
    );
    assert.equal(fs.existsSync(path.join(dir, 'cy-state', TOKEN_FILE)), false);
  });

  it('a tampered token file, or one for another user: exit 2 with a clear message and no stack; nothing runs', async () => {
    // Exit 2, as for a missing credential: found before anything ran, and the fix is the user's (sign in again).
    const tampered = writeConfig('tampered.json', { username: 'ann@test.example' }, 'tampered-state');
    fs.mkdirSync(path.join(dir, 'tampered-state'), { mode: 0o700 });
    const f = JSON.parse(fs.readFileSync(path.join(annData(), TOKEN_FILE), 'utf8'));
    const c = Buffer.from(f.encryptedRefreshToken, 'base64');
    c[3] ^= 0x20;
    fs.writeFileSync(
      path.join(dir, 'tampered-state', TOKEN_FILE),
      JSON.stringify({ ...f, encryptedRefreshToken: c.toString('base64') }),
      { mode: 0o600 },
    );
    const r = await cli(['sync', '--config', tampered, '--once', '--json']);
    assert.equal(r.code, 2);
    assert.equal(r.json.message, r.stderr.trimEnd());
    assert.equal(r.json.error.code, 'NO_CREDENTIAL');
    assert.equal(r.json.report, null);
    assert.equal(
      r.stderr,
      `The stored Salesforce sign-in in ${path.join(dir, 'tampered-state', TOKEN_FILE)} cannot be used: it does not decrypt with the key in` +
        ` ${keyFile} (the key changed, or the file was altered).\nSign in again with: sfo-compat sync --config ${tampered} --sign-in\n`,
    );

    const dee = writeConfig('dee.json', { username: 'dee@test.example' }, 'dee-state');
    fs.mkdirSync(path.join(dir, 'dee-state'), { mode: 0o700 });
    fs.copyFileSync(path.join(annData(), TOKEN_FILE), path.join(dir, 'dee-state', TOKEN_FILE));
    const d = await cli(['sync', '--config', dee, '--once', '--json']);
    assert.equal(d.code, 2);
    assert.match(
      d.stderr,
      new RegExp(
        `is for ann@test\\.example at ${org.url.replace(/[.]/g, '\\.')} \\(client id ${CLIENT_ID}\\), not for dee@test\\.example`,
      ),
    );
    assert.ok(!/\n\s+at /.test(r.stderr + d.stderr), 'no stack trace');
  });

  it('a stored token the org no longer accepts: the run stops with "sign in again with --sign-in", exit 1, and nothing is lost', async () => {
    await revoke(org.url, storedToken());
    const status = async () => (await cli(['status', '--config', annConfig, '--json'])).json;
    const before = await status();
    // Made while sync is stopped: must reach Salesforce once the user signs in again.
    const graph = await fetch(`${mailbox.url}/v1.0/me/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MAILBOX_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ givenName: 'Ada', surname: 'Lovelace' }),
    });
    assert.equal(graph.status, 201);

    const r = await cli(['sync', '--config', annConfig, '--once', '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.state, 'stopped');
    assert.equal(
      r.json.message,
      'Sync stopped: Salesforce did not accept the sign-in (expired access/refresh token: the org no longer accepts the stored sign-in;' +
        ` sign in again with sfo-compat sync --config ${annConfig} --sign-in). Sign in again, or check the credentials in the configuration; nothing queued is lost.`,
    );
    const after = await status();
    assert.equal(after.lastRun, before.lastRun, 'no run happened');
    assert.equal(after.pending, before.pending, 'the queue is as it was');
    assert.deepEqual(after.counts, before.counts);
    assert.ok(annStore().exists(), 'the token file stays until the user signs in again');

    assert.equal((await signInAs(annConfig, 'ann@test.example', 'Ann-pass-1')).run.code, 0);
    const again = await cli(['sync', '--config', annConfig, '--once', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json.report.counts.salesforce.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.deepEqual(await sfContacts(), ['Hopper', 'Lovelace', 'Torvalds']);
  });

  it('--sign-out revokes the token at the org and deletes the file; a second one has nothing to do', async () => {
    const token = storedToken();
    const r = await cli(['sync', '--config', annConfig, '--sign-out']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      `Signed out ann@test.example: deleted ${path.join(annData(), TOKEN_FILE)}. The org (${org.url}) no longer accepts it.\n`,
    );
    assert.equal(annStore().exists(), false);
    assert.equal(await refused(token), 'invalid_grant');
    assert.ok(fs.existsSync(keyFile), 'the key stays for other data dirs');
    const again = await cli(['sync', '--config', annConfig, '--sign-out']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, `No stored sign-in in ${path.join(annData(), TOKEN_FILE)}: nothing to sign out.\n`);
    assert.equal((await cli(['sync', '--config', annConfig, '--once', '--json'])).code, 2, 'no credential again');
  });

  it('usage: --sign-in with --once, or --callback-port without --sign-in, or port 0: exit 2', async () => {
    const runs = [
      await cli(['sync', '--config', annConfig, '--sign-in', '--once']),
      await cli(['sync', '--config', annConfig, '--sign-in', '--sign-out']),
      await cli(['sync', '--config', annConfig, '--once', '--callback-port', '1717']),
      await cli(['sync', '--config', annConfig, '--sign-in', '--callback-port', '0']),
      await cli(['sync', '--config', annConfig, '--sign-in', '--callback-port', 'http']),
    ];
    assert.deepEqual(
      runs.map((r) => r.code),
      [2, 2, 2, 2, 2],
      runs.map((r) => r.stderr).join('\n'),
    );
    assert.match(runs[2].stderr, /--callback-port and --no-browser go with --sign-in/);
    assert.match(runs[4].stderr, /--callback-port: "http" is not a port number/);
  });
});

describe('the sign-in callback server', () => {
  it("takes only its own state; a callback before anyone waits is kept; then the page is the caller's", async () => {
    const refusedWhy: string[] = [];
    const server = await CallbackServer.start({
      port: await freePort(),
      state: 'the-state',
      onRefused: (why) => refusedWhy.push(why),
    });
    try {
      const base = `http://127.0.0.1:${server.port}/OauthRedirect`;
      assert.equal((await browserGet(`${base}?code=c&state=other`)).status, 400);
      assert.equal((await fetch(`${base}?code=c&state=the-state`, { method: 'POST' })).status, 405);
      const browser = browserGet(`${base}?code=the-code&state=the-state`);
      await new Promise((r) => setTimeout(r, 50));
      const got = await server.wait({ timeoutMs: 5000 });
      assert.equal(got.kind, 'code');
      if (got.kind !== 'code') return;
      assert.equal(got.code, 'the-code');
      await got.reply({ status: 200, title: 'Done <here>', text: 'line one\nline "two"' });
      const page = await browser;
      assert.equal(page.status, 200);
      assert.match(page.text, /<h1>Done &lt;here&gt;<\/h1><p>line one<\/p><p>line &quot;two&quot;<\/p>/);
      assert.equal((await browserGet(`${base}?code=again&state=the-state`)).status, 410, 'one-shot');
      assert.deepEqual(refusedWhy, ['a callback with another state than this sign-in sent']);
    } finally {
      await server.close();
    }
  });

  it("the org's error comes back as an error; waiting ends on the timeout or on Ctrl+C", async () => {
    const server = await CallbackServer.start({ port: await freePort(), state: 's' });
    try {
      assert.deepEqual(await server.wait({ timeoutMs: 20 }), { kind: 'timeout' });
      const controller = new AbortController();
      const waiting = server.wait({ timeoutMs: 5000, signal: controller.signal });
      controller.abort();
      assert.deepEqual(await waiting, { kind: 'aborted' });
      const browser = browserGet(
        `http://127.0.0.1:${server.port}/OauthRedirect?error=access_denied&error_description=end-user+denied+authorization&state=s`,
      );
      const got = await server.wait({ timeoutMs: 5000 });
      assert.equal(got.kind, 'error');
      if (got.kind !== 'error') return;
      assert.deepEqual([got.error, got.description], ['access_denied', 'end-user denied authorization']);
      await got.reply({ status: 400, title: 'Not signed in', text: 'no' });
      assert.equal((await browser).status, 400);
    } finally {
      await server.close();
    }
  });

  it('a port in use is a clear error', async () => {
    const server = await CallbackServer.start({ port: await freePort(), state: 's' });
    try {
      await assert.rejects(CallbackServer.start({ port: server.port, state: 's' }), {
        code: 'PORT_IN_USE',
        message: `port ${server.port} on 127.0.0.1 is in use (another sign-in still waiting?)`,
      });
    } finally {
      await server.close();
    }
  });
});

describe('opening the sign-in link in a browser', () => {
  const url = 'https://login.example/services/oauth2/authorize?a=1&b=2';
  const host = (o: { platform: NodeJS.Platform; isTTY?: boolean; env?: NodeJS.ProcessEnv; has?: string[] }) => ({
    platform: o.platform,
    isTTY: o.isTTY ?? true,
    env: o.env ?? {},
    onPath: (name: string) => (o.has ?? []).includes(name),
  });

  it('only at a terminal, and only with a known opener; never xdg-open without a display', () => {
    assert.deepEqual(browserOpener(url, host({ platform: 'darwin', has: ['open'] })), { command: 'open', args: [url] });
    assert.deepEqual(browserOpener(url, host({ platform: 'linux', env: { DISPLAY: ':0' }, has: ['xdg-open'] })), {
      command: 'xdg-open',
      args: [url],
    });
    assert.deepEqual(browserOpener(url, host({ platform: 'win32' })), {
      command: 'cmd.exe',
      args: ['/d', '/s', '/c', `start "" "${url}"`],
      windowsVerbatimArguments: true,
    });
    assert.equal(browserOpener(url, host({ platform: 'darwin', isTTY: false, has: ['open'] })), null, 'not a TTY');
    assert.equal(browserOpener(url, host({ platform: 'linux', has: ['xdg-open'] })), null, 'no display (ssh)');
    assert.equal(
      browserOpener(url, host({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } })),
      null,
      'no xdg-open',
    );
  });
});
