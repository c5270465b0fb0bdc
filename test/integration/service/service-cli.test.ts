/** `sfo-compat service`: usage errors name the option (exit 2); a started service listens on 127.0.0.1 and says where. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import {
  TOKEN_ON_ARGV,
  serviceCommand,
  registerServiceCommand,
  ServiceCommandOptions,
} from '../../../sync-engine/src/cli/service-command';
import { eventually } from '../../helpers/eventually';
import { startLocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { startTestOrg, testSeed } from '../../helpers/org';
import { serviceCaller } from '../../helpers/service';
import { REPO_ROOT } from '../../helpers/shared';
import { CLIENT_ID, TENANT_ID, identitySeed } from '../../helpers/identity';

const CLIENT = '11111111-2222-3333-4444-555555555555';
const PACKAGE_JSON = path.join(REPO_ROOT, 'package.json');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

describe('sfo-compat service', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-service-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const opts = (o: Partial<ServiceCommandOptions> = {}): ServiceCommandOptions => ({
    port: '0',
    data: dir,
    interval: '600',
    ...o,
  });

  const usage: Array<[string, Partial<ServiceCommandOptions>, NodeJS.ProcessEnv, string]> = [
    [
      'a token without a URL',
      {},
      { SFO_MAILBOX_TOKEN: 't' },
      'sfo-compat service: a mailbox token (SFO_MAILBOX_TOKEN or --mailbox-token) needs --mailbox-url (the mailbox to sync with)\n',
    ],
    [
      'a URL without a token',
      { mailboxUrl: 'http://127.0.0.1:8701' },
      {},
      "sfo-compat service: --mailbox-url needs the mailbox's bearer token in SFO_MAILBOX_TOKEN, or --mailbox-client-id for a Microsoft sign-in\n",
    ],
    [
      'a mailbox URL that is not one',
      { mailboxUrl: 'mailbox', mailboxToken: 't' },
      {},
      'sfo-compat service: --mailbox-url: "mailbox" is not a URL: use https://graph.microsoft.com or a local mailbox such as http://127.0.0.1:8701\n',
    ],
    [
      'plain http to a remote mailbox',
      { mailboxUrl: 'http://graph.microsoft.com', mailboxToken: 't' },
      {},
      'sfo-compat service: --mailbox-url: "http://graph.microsoft.com" must use https (plain http only for a local mailbox on this machine)\n',
    ],
    [
      'a bad origin',
      { addinOrigin: ['localhost:3000'] },
      {},
      'sfo-compat service: --addin-origin: "localhost:3000" is not an http(s) origin such as https://localhost:3000\n',
    ],
    [
      'a short interval',
      { interval: '5' },
      {},
      'sfo-compat service: --interval: "5" must be a whole number of seconds, at least 60\n',
    ],
    ['a bad port', { port: 'http' }, {}, 'sfo-compat service: --port: "http" is not a port number (0-65535)\n'],
    [
      'a client id that is not a GUID',
      { mailboxClientId: 'sfo-compat' },
      {},
      'sfo-compat service: --mailbox-client-id: must be the Application (client) ID of your app registration in Entra ID, a GUID like 11111111-2222-3333-4444-555555555555 (got "sfo-compat")\n',
    ],
    [
      'a tenant without a client id',
      { mailboxTenant: 'contoso.onmicrosoft.com' },
      {},
      'sfo-compat service: --mailbox-client-id: required with --mailbox-tenant or --mailbox-authority: the Application (client) ID of your app registration in Entra ID (docs/microsoft-sign-in.md)\n',
    ],
    [
      'both a tenant and an authority',
      { mailboxClientId: CLIENT, mailboxTenant: 'common', mailboxAuthority: 'https://localhost:8711/common' },
      {},
      'sfo-compat service: --mailbox-authority: give either tenant or authority (which names its tenant), not both\n',
    ],
    [
      'an http authority',
      { mailboxClientId: CLIENT, mailboxAuthority: 'http://localhost:8711/common' },
      {},
      'sfo-compat service: --mailbox-authority: "http://localhost:8711/common" must use https (Microsoft\'s library signs in at https authorities only; serve a local mailbox with --tls)\n',
    ],
    [
      'a token and a Microsoft sign-in',
      { mailboxClientId: CLIENT },
      { SFO_MAILBOX_TOKEN: 't' },
      'sfo-compat service: give either a mailbox token (SFO_MAILBOX_TOKEN) or a Microsoft sign-in (--mailbox-client-id), not both\n',
    ],
    [
      'a CA file that is missing',
      { mailboxClientId: CLIENT, mailboxCa: '/nonexistent/cert.pem' },
      {},
      'sfo-compat service: --mailbox-ca: /nonexistent/cert.pem cannot be read (ENOENT)\n',
    ],
    [
      'a CA without a mailbox',
      // This file holds the PEM marker (in the next case's text), so only the missing mailbox is wrong.
      { mailboxCa: __filename },
      {},
      'sfo-compat service: --mailbox-ca needs a mailbox (--mailbox-url, or --mailbox-client-id)\n',
    ],
    [
      'a CA file that is not a certificate',
      { mailboxClientId: CLIENT, mailboxCa: PACKAGE_JSON },
      {},
      `sfo-compat service: --mailbox-ca: ${PACKAGE_JSON} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----"): give the mailbox's cert.pem\n`,
    ],
  ];
  for (const [what, o, env, text] of usage) {
    it(`usage: ${what}`, async () => {
      const t = io();
      assert.equal(await serviceCommand(opts(o), env, t.io, async () => undefined), 2);
      assert.deepEqual(t.err, [text]);
    });
  }

  it('serves on 127.0.0.1 until told to stop, and says where (the token from SFO_MAILBOX_TOKEN)', async () => {
    const t = io();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const done = serviceCommand(
      opts({ mailboxUrl: 'http://127.0.0.1:8701/', addinOrigin: ['https://addin.example:8443/taskpane.html'] }),
      { SFO_MAILBOX_TOKEN: 'tok' },
      t.io,
      () => until,
    );
    await eventually(() => (t.out.length ? true : undefined), 'the service says it is listening');
    const text = t.out.join('');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+) \(127\.0\.0\.1 only\)/.exec(text)?.[1];
    assert.ok(url, text);
    assert.match(text, /add-in origins: https:\/\/addin\.example:8443\n/);
    assert.match(text, /mailbox: http:\/\/127\.0\.0\.1:8701, syncing every 600s after sign-in/);
    assert.doesNotMatch(text, /tok/);
    const health = await fetch(`${url}/api/health`, { headers: { Origin: 'https://addin.example:8443' } });
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('access-control-allow-origin'), 'https://addin.example:8443');
    assert.equal(
      (await fetch(`${url}/api/health`, { headers: { Origin: 'https://localhost:3000' } })).status,
      403,
      'a configured origin replaces the defaults',
    );
    stop();
    assert.equal(await done, 0);
    assert.ok(fs.existsSync(path.join(dir, 'service-secret')));
  });

  it('a token on the command line works, with a warning that ps shows it (and the token itself is never printed)', async () => {
    const t = io();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const done = serviceCommand(
      opts({ mailboxUrl: 'http://127.0.0.1:8701', mailboxToken: 'secret-token-on-argv' }),
      {},
      t.io,
      () => until,
    );
    await eventually(() => (t.out.length ? true : undefined), 'the service says it is listening');
    assert.deepEqual(t.err, [`${TOKEN_ON_ARGV}\n`]);
    assert.match(t.out.join(''), /mailbox: http:\/\/127\.0\.0\.1:8701, syncing/);
    assert.doesNotMatch(t.out.join('') + t.err.join(''), /secret-token-on-argv/);
    stop();
    assert.equal(await done, 0);
  });

  it('a port in use: exit 2 with what to do', async () => {
    const t1 = io();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const first = serviceCommand(opts(), {}, t1.io, () => until);
    await eventually(() => (t1.out.length ? true : undefined), 'the first service says it is listening');
    const port = /127\.0\.0\.1:(\d+)/.exec(t1.out.join(''))![1];
    const t2 = io();
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-service-cli-'));
    assert.equal(await serviceCommand(opts({ port, data: dir2 }), {}, t2.io, async () => undefined), 2);
    assert.match(
      t2.err.join(''),
      new RegExp(`port ${port} is in use \\(is the service already running\\?\\): choose another with --port N`),
    );
    fs.rmSync(dir2, { recursive: true, force: true });
    stop();
    assert.equal(await first, 0);
  });

  it("a Microsoft sign-in from the options: the pane's connect reaches the local authority through --mailbox-ca", async () => {
    const mb = await startLocalMailbox({
      seed: identitySeed(),
      dataDir: path.join(dir, 'mailbox'),
      port: 0,
      tls: true,
    });
    const org = await startTestOrg(testSeed());
    const serve = async (ca: boolean) => {
      const t = io();
      let stop!: () => void;
      const until = new Promise<void>((r) => (stop = r));
      const data = path.join(dir, ca ? 'with-ca' : 'without-ca');
      const done = serviceCommand(
        opts({
          data,
          mailboxUrl: mb.url,
          mailboxClientId: CLIENT_ID,
          mailboxAuthority: `${mb.url}/${TENANT_ID}`,
          ...(ca ? { mailboxCa: mb.certificate!.path } : {}),
        }),
        // The kept sign-ins' key outside the data dir, never in the home folder of whoever runs the tests.
        { SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key') },
        t.io,
        () => until,
      );
      for (let i = 0; i < 100 && t.out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const text = t.out.join('');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
      const call = serviceCaller({ url });
      const signedIn = await call('POST', '/api/sign-in', {
        body: {
          orgUrl: org.url,
          product: 'salesforce-for-outlook',
          username: 'ann@test.example',
          password: 'Ann-pass-1',
        },
      });
      assert.equal(signedIn.status, 200, signedIn.text);
      const connect = await call('POST', '/api/mailbox/connect', { secret: signedIn.body.secret });
      await call('POST', '/api/mailbox/cancel-connect', { secret: signedIn.body.secret });
      stop();
      assert.equal(await done, 0);
      return { text, connect };
    };
    try {
      const trusted = await serve(true);
      assert.match(
        trusted.text,
        new RegExp(
          `mailbox: ${mb.url}, opened by a Microsoft sign-in \\(app ${CLIENT_ID} at ${mb.url}/${TENANT_ID}, trusting ${mb.certificate!.path}\\): after the Salesforce sign-in the user selects "Connect your Outlook mailbox" in the pane`,
        ),
      );
      assert.equal(trusted.connect.status, 200, trusted.connect.text);
      assert.equal(new URL(trusted.connect.body.authorizeUrl).origin, mb.url);
      // Without the certificate msal cannot reach the local authority: the connect says so instead.
      const untrusted = await serve(false);
      assert.notEqual(untrusted.connect.status, 200, untrusted.connect.text);
      assert.match(untrusted.connect.body.error.message, /^The Outlook mailbox was not connected: /);
    } finally {
      await mb.close();
      await org.close();
    }
  });

  it('registers `service` with its options', () => {
    const program = new Command('sfo-compat');
    registerServiceCommand(program, () => undefined);
    const cmd = program.commands.find((c) => c.name() === 'service')!;
    assert.deepEqual(
      cmd.options.map((o) => o.long),
      [
        '--port',
        '--data',
        '--mailbox-url',
        '--mailbox-token',
        '--addin-origin',
        '--mailbox-client-id',
        '--mailbox-tenant',
        '--mailbox-authority',
        '--mailbox-ca',
        '--interval',
      ],
    );
  });
});
