/**
 * `sfo-compat login` as a user runs it: the built CLI in a child process, against an org started here.
 * Exit codes: 0 logged in, 3 refused by the rule, 4 unreachable, 2 usage, 1 other failures.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { startTestOrg } from '../helpers/org';
import { closedPort } from '../unit/salesforce/fake-server';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const SPEC = JSON.parse(fs.readFileSync(path.join(ROOT, '..', 'shared', 'spec', 'messages.json'), 'utf8')) as {
  messages: Record<string, { text: string }>;
};
const text = (key: string) => SPEC.messages[key].text;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI asynchronously, so this process's org can answer it. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!('SFO_PASSWORD' in env)) delete childEnv.SFO_PASSWORD;
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'sfo-compat.js'), ...args],
      { env: childEnv, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr.replace(/^.*FSTDEP.*\n|^\(Use `node --trace-warnings.*\n/gm, '') });
      },
    );
  });
}

describe('sfo-compat login (the built CLI)', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg();
  });
  after(async () => {
    await org.close();
  });
  const login = (...args: string[]) => cli(['login', '--login-url', org.url, ...args]);

  it('exits 0 when the product logs in', async () => {
    const r = await login(
      '--product',
      'salesforce-for-outlook',
      '--username',
      'ann@test.example',
      '--password',
      'Ann-pass-1',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Logged in to .* as ann@test\.example with Salesforce for Outlook 2\.9\.3\.\n$/);
    assert.equal(r.stderr, '');
  });

  it("exits 3 with the product's exact text on stderr when the rule refuses", async () => {
    const sfo = await login(
      '--product',
      'salesforce-for-outlook',
      '--version',
      '2.3.0',
      '--username',
      'bob@test.example',
      '--password',
      'Bob-pass-1',
    );
    assert.deepEqual([sfo.code, sfo.stdout, sfo.stderr], [3, '', `${text('sfo.login')}\n`]);
    const office = await login(
      '--product',
      'connect-for-office',
      '--username',
      'bob@test.example',
      '--password',
      'Bob-pass-1',
    );
    assert.equal(office.code, 3);
    assert.equal(
      office.stderr,
      `${text('connectOffice.login')}\n${text('connectOffice.urlLine').replace('{url}', `${org.url}/services/Soap/u/60.0`)}\n`,
    );
  });

  it('--json prints the six fields, in order', async () => {
    const r = await login(
      '--product',
      'salesforce-android',
      '--username',
      'bob@test.example',
      '--password',
      'Bob-pass-1',
      '--json',
    );
    assert.equal(r.code, 3);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['ok', 'product', 'version', 'outcome', 'message', 'errorCode']);
    assert.deepEqual(out, {
      ok: false,
      product: 'salesforce-android',
      version: '6.1',
      outcome: 'blocked',
      message: text('mobile.android.noAccess'),
      errorCode: 'API_CURRENTLY_DISABLED',
    });
    const ok = JSON.parse(
      (
        await login(
          '--product',
          'connect-for-outlook',
          '--username',
          'ann@test.example',
          '--password',
          'Ann-pass-1',
          '--json',
        )
      ).stdout,
    ) as Record<string, unknown>;
    assert.deepEqual(ok, {
      ok: true,
      product: 'connect-for-outlook',
      version: '3.4',
      outcome: 'logged-in',
      message: null,
      errorCode: null,
    });
  });

  it('Chatter External on iOS: exit 3, back to the login page (null message in --json)', async () => {
    const r = await login(
      '--product',
      'salesforce-ios',
      '--username',
      'eve@test.example',
      '--password',
      'Eve-pass-1',
      '--json',
    );
    assert.equal(r.code, 3);
    assert.deepEqual(JSON.parse(r.stdout), {
      ok: false,
      product: 'salesforce-ios',
      version: '6.1',
      outcome: 'redirect-to-login',
      message: null,
      errorCode: 'access_denied',
    });
  });

  it('the mobile browser logs in and prints the notice', async () => {
    const r = await login('--product', 'mobile-browser', '--username', 'bob@test.example', '--password', 'Bob-pass-1');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Logged in .* with Mobile browser\.\nNote: .*phone's browser is not supported/);
  });

  it('exits 4 when the org cannot be reached', async () => {
    const url = await closedPort();
    const r = await cli([
      'login',
      '--product',
      'salesforce-ios',
      '--username',
      'a@b.example',
      '--password',
      'x',
      '--login-url',
      url,
    ]);
    assert.deepEqual([r.code, r.stderr], [4, `${text('mobile.networkError')}\n`]);
    const json = await cli([
      'login',
      '--product',
      'connect-for-outlook',
      '--username',
      'a@b.example',
      '--password',
      'x',
      '--login-url',
      url,
      '--json',
    ]);
    assert.equal(json.code, 4);
    assert.equal((JSON.parse(json.stdout) as { outcome: string }).outcome, 'network-error');
  });

  it('exits 1 for bad credentials (not a refusal by the rule)', async () => {
    const r = await login(
      '--product',
      'salesforce-for-outlook',
      '--username',
      'bob@test.example',
      '--password',
      'wrong',
      '--json',
    );
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), {
      ok: false,
      product: 'salesforce-for-outlook',
      version: '2.9.3',
      outcome: 'login-failed',
      message: 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
      errorCode: 'INVALID_LOGIN',
    });
  });

  it('exits 1 for Salesforce for Outlook before 2.3.0, naming 2.3.0', async () => {
    const r = await login(
      '--product',
      'salesforce-for-outlook',
      '--version',
      '2.2.0',
      '--username',
      'ann@test.example',
      '--password',
      'Ann-pass-1',
    );
    assert.deepEqual([r.code, r.stderr], [1, `${text('sfo.unsupportedVersion').replace('{version}', '2.2.0')}\n`]);
  });

  it('takes the password from SFO_PASSWORD and never prints it', async () => {
    const r = await cli(
      ['login', '--login-url', org.url, '--product', 'salesforce-android', '--username', 'ann@test.example'],
      { SFO_PASSWORD: 'Ann-pass-1' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /Ann-pass-1/);
  });

  it("--client-id overrides the product's default client id", async () => {
    // An ordinary client is refused for a user without API Enabled, like the allowlisted one in an enterprise org.
    const r = await login(
      '--product',
      'connect-for-outlook',
      '--client-id',
      'reporting-client',
      '--username',
      'bob@test.example',
      '--password',
      'Bob-pass-1',
      '--json',
    );
    assert.equal(r.code, 3);
    assert.equal((JSON.parse(r.stdout) as { errorCode: string }).errorCode, 'API_CURRENTLY_DISABLED');
  });

  describe('usage errors exit 2 and name the option', () => {
    const cases: Array<[string, string[], RegExp]> = [
      [
        'unknown product',
        ['--product', 'lotus-notes', '--username', 'u@x.example', '--password', 'p'],
        /--product: unknown product "lotus-notes"/,
      ],
      ['missing product', ['--username', 'u@x.example', '--password', 'p'], /--product is required/],
      [
        'bad version',
        ['--product', 'salesforce-ios', '--version', 'six', '--username', 'u@x.example', '--password', 'p'],
        /--version: "six" is not a version/,
      ],
      ['missing username', ['--product', 'salesforce-ios', '--password', 'p'], /--username is required/],
      [
        'missing password',
        ['--product', 'salesforce-ios', '--username', 'u@x.example'],
        /--password is required \(or set SFO_PASSWORD\)/,
      ],
      [
        'bad login URL',
        ['--product', 'salesforce-ios', '--username', 'u@x.example', '--password', 'p', '--login-url', 'not a url'],
        /--login-url: "not a url" is not a URL/,
      ],
      ['unknown option', ['--product', 'salesforce-ios', '--colour', 'red'], /--colour/],
    ];
    for (const [name, args, expected] of cases) {
      it(name, async () => {
        const r = await cli(['login', ...args]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, expected);
        assert.equal(r.stdout, '');
      });
    }
  });
});
