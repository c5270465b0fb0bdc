/**
 * Issue 13's acceptance, through the CLI as a user runs it: `mailbox serve --tls` with the identity platform (a short
 * access-token lifetime), `sync --connect-mailbox --device-code` signing in with msal-node (the user approves the
 * code on the printed page), sync; the access token expires and the next sync runs with no prompt; the sessions are
 * revoked (`/_admin/revoke`) and the next sync stops with the text naming the mailbox and the fix, while changes made
 * meanwhile wait; reconnecting sends them, nothing lost or duplicated. No token or password appears in the output,
 * the data dir's files or the command lines, and every file there is 0600 in a 0700 folder.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { MailboxTokenCache } from '../../../sync-engine/src/app/mailbox-token-cache';
import { startTestOrg, sessionFor, testSeed } from '../../helpers/org';
import { ANN } from '../../helpers/mailbox';
import { ANN_PASSWORD, CLIENT_ID, TENANT_ID, approveDeviceCode, identitySeed, request } from '../../helpers/identity';
import { freePort } from '../../helpers/loopback';
import { CliChild, startCli } from '../../helpers/cli-child';
import { runCli } from '../../helpers/sync-cli';

const LIFETIME_SECONDS = 3;
const ORG_PASSWORD = 'Ann-pass-1';

describe('acceptance (issue 13): a mailbox connected with msal-node through the CLI, refreshed, revoked, reconnected', function () {
  this.timeout(180_000);
  let dir: string;
  let org: LocalOrg;
  let mailbox: CliChild;
  let url: string;
  let ca: string;
  let configFile: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  /** Every command line run, and everything the commands printed. */
  const argvs: string[][] = [];
  const printed: string[] = [];
  /** Every token the engine's cache held at some point. */
  const secrets = new Set<string>([ORG_PASSWORD, ANN_PASSWORD]);

  const cli = async (args: string[]) => {
    argvs.push(args);
    const r = await runCli(args, 60_000, env);
    printed.push(r.stdout, r.stderr);
    return r;
  };
  const noteSecrets = () => {
    const cache = new MailboxTokenCache(dataDir, { clientId: CLIENT_ID, authority: `${url}/${TENANT_ID}` }, { env });
    const text = cache.load();
    if (!text) return;
    const json = JSON.parse(text) as Record<string, Record<string, { secret?: string }>>;
    for (const kind of ['AccessToken', 'RefreshToken', 'IdToken'])
      for (const entry of Object.values(json[kind] ?? {})) if (entry.secret) secrets.add(entry.secret);
  };
  /** `--connect-mailbox --device-code`, the user approving the printed code on the printed page. */
  const connectWithDeviceCode = async () => {
    const args = ['sync', '--config', configFile, '--connect-mailbox', '--device-code'];
    argvs.push(args);
    const child = startCli(args, env);
    const [, page, code] = await child.waitFor(/open the page (\S+) and enter the code (\S+) /);
    const approved = await approveDeviceCode(page, code, ANN.user, ANN_PASSWORD, ca);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(await child.exited(), 0, child.stderr());
    printed.push(child.stdout(), child.stderr());
    assert.match(child.stdout(), new RegExp(`Connected the Outlook mailbox of ${ANN.user} \\(${url}/${TENANT_ID}\\)`));
    noteSecrets();
  };
  const graph = async (method: string, p: string, body?: unknown) => {
    const res = await request(`${url}/v1.0${p}`, {
      method,
      ca,
      headers: { authorization: `Bearer ${ANN.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
  };
  const sfContacts = async (): Promise<{ Email: string | null }[]> => {
    const admin = sessionFor(org, 'admin@test.example');
    const res = await fetch(
      `${org.url}/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, Email FROM Contact WHERE Owner.Username = 'ann@test.example'")}`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    return ((await res.json()) as { records: { Email: string | null }[] }).records;
  };
  const outlookEmails = async (): Promise<string[]> =>
    ((await graph('GET', '/me/contacts?$top=999')).body.value as { emailAddresses: { address: string }[] }[]).map(
      (c) => c.emailAddresses[0]?.address ?? '',
    );
  const syncOnce = async () => {
    const r = await cli(['sync', '--config', configFile, '--once', '--json']);
    noteSecrets();
    return r;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-msal-cli-'));
    org = await startTestOrg(testSeed());
    const seedFile = path.join(dir, 'mailbox-seed.json');
    const seed = identitySeed(LIFETIME_SECONDS);
    seed.mailboxes = [{ ...seed.mailboxes[0], contacts: [] }];
    fs.writeFileSync(seedFile, JSON.stringify(seed));
    const port = await freePort();
    mailbox = startCli(
      ['mailbox', 'serve', '--seed', seedFile, '--port', String(port), '--data', path.join(dir, 'mailbox'), '--tls'],
      process.env,
    );
    const [, cert] = await mailbox.waitFor(/TLS certificate \(self-signed, for localhost\): (\S+)/);
    await mailbox.waitFor(/Ctrl-C stops it/);
    ca = fs.readFileSync(cert, 'utf8');
    url = `https://localhost:${port}`;
    dataDir = path.join(dir, 'state');
    configFile = path.join(dir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        product: 'salesforce-for-outlook',
        org: { loginUrl: org.url, username: 'ann@test.example', passwordEnv: 'SFO_TEST_ORG_PASSWORD' },
        mailbox: { url, clientId: CLIENT_ID, authority: `${url}/${TENANT_ID}` },
        objects: { events: { direction: 'none' }, tasks: { direction: 'none' } },
        dataDir: 'state',
      }),
    );
    env = {
      PATH: process.env.PATH,
      HOME: path.join(dir, 'home'),
      NODE_EXTRA_CA_CERTS: cert,
      SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key'),
      SFO_TEST_ORG_PASSWORD: ORG_PASSWORD,
    };
  });
  after(async () => {
    await mailbox?.stop();
    await org?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('before the mailbox is connected, sync says to run --connect-mailbox (exit 2)', async () => {
    const r = await cli(['sync', '--config', configFile, '--once']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `mailbox\\.clientId: no Outlook mailbox is connected in ${dataDir.replace(/[.\\/]/g, '\\$&')}: connect it once with: sfo-compat sync --config ${configFile.replace(/[.\\/]/g, '\\$&')} --connect-mailbox`,
      ),
    );
    // status says so too, from local files only (no key or password needed).
    const status = await cli(['status', '--config', configFile]);
    assert.equal(status.code, 0, status.stderr);
    assert.ok(
      status.stdout.includes(`mailbox: not connected: run sfo-compat sync --config ${configFile} --connect-mailbox\n`),
      status.stdout,
    );
  });

  it('connects with the device code, and the first sync copies both ways', async () => {
    await connectWithDeviceCode();
    assert.equal(
      (
        await graph('POST', '/me/contacts', {
          givenName: 'Olive',
          surname: 'Outlook',
          emailAddresses: [{ address: 'olive@outlook.example' }],
        })
      ).status,
      201,
    );
    const r = await syncOnce();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.state, 'idle');
    assert.equal(r.json.report.counts.salesforce.contacts.created, 1);
    assert.ok(r.json.report.counts.outlook.contacts.created >= 1, JSON.stringify(r.json.report.counts));
    const status = await cli(['status', '--config', configFile]);
    assert.ok(status.stdout.includes(`mailbox: ${ANN.user} connected (Microsoft sign-in)\n`), status.stdout);
  });

  it('after the access token expired, the next sync runs with no prompt', async () => {
    await new Promise((resolve) => setTimeout(resolve, (LIFETIME_SECONDS + 1) * 1000));
    await graph('POST', '/me/contacts', {
      givenName: 'Otto',
      surname: 'Later',
      emailAddresses: [{ address: 'otto@outlook.example' }],
    });
    const r = await syncOnce();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.state, 'idle');
    assert.equal(r.json.report.counts.salesforce.contacts.created, 1);
  });

  it('revoked: the sync stops with the text naming the mailbox and the fix; status shows it; changes wait', async () => {
    const revoke = await request(`${url}/_admin/revoke`, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${ANN.token}` },
    });
    assert.equal(revoke.status, 200, revoke.text);
    await new Promise((resolve) => setTimeout(resolve, (LIFETIME_SECONDS + 1) * 1000));
    await graph('POST', '/me/contacts', {
      givenName: 'Ona',
      surname: 'Meanwhile',
      emailAddresses: [{ address: 'ona@outlook.example' }],
    });
    const admin = sessionFor(org, 'admin@test.example');
    const created = await fetch(`${org.url}/services/data/v60.0/sobjects/Contact`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        LastName: 'Meanwhile',
        FirstName: 'Sal',
        Email: 'sal@salesforce.example',
        OwnerId: (
          (await fetch(
            `${org.url}/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id FROM User WHERE Username = 'ann@test.example'")}`,
            { headers: { authorization: `Bearer ${admin}` } },
          ).then((res) => res.json())) as { records: { Id: string }[] }
        ).records[0].Id,
      }),
    });
    assert.equal(created.status, 201);

    const r = await syncOnce();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.json.state, 'stopped');
    const text = r.json.message as string;
    assert.match(text, new RegExp(`^Sync stopped: your Outlook mailbox ${ANN.user} no longer accepts sfo-compat \\(`));
    assert.match(text, /AADSTS50173/);
    assert.ok(
      text.includes(`Reconnect your Outlook mailbox: run sfo-compat sync --config ${configFile} --connect-mailbox.`),
      text,
    );
    const status = await cli(['status', '--config', configFile, '--json']);
    assert.equal(status.json.state, 'stopped');
    assert.equal(status.json.message, text);
    assert.deepEqual(status.json.mailbox, { signIn: 'microsoft', connectedAs: ANN.user, needsReconnect: true });
    const line = await cli(['status', '--config', configFile]);
    assert.ok(
      line.stdout.includes(
        `mailbox: ${ANN.user} needs reconnecting (it no longer accepts sfo-compat): run sfo-compat sync --config ${configFile} --connect-mailbox\n`,
      ),
      line.stdout,
    );
  });

  it('reconnected: the changes made meanwhile arrive, nothing lost or duplicated', async () => {
    await connectWithDeviceCode();
    // Before any run: the stop is older than the sign-in, so status no longer says to reconnect.
    const status = await cli(['status', '--config', configFile, '--json']);
    assert.deepEqual(status.json.mailbox, { signIn: 'microsoft', connectedAs: ANN.user, needsReconnect: false });
    const r = await syncOnce();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.state, 'idle');
    const sf = (await sfContacts()).map((c) => c.Email ?? '').sort();
    const outlook = (await outlookEmails()).sort();
    assert.deepEqual(outlook, sf, 'both sides hold the same contacts');
    for (const email of [
      'olive@outlook.example',
      'otto@outlook.example',
      'ona@outlook.example',
      'sal@salesforce.example',
    ])
      assert.equal(sf.filter((e) => e === email).length, 1, `${email} once on each side`);
    const again = await syncOnce();
    assert.equal(again.json.state, 'idle');
    assert.deepEqual(again.json.report.counts.salesforce.contacts, { created: 0, updated: 0, deleted: 0 });
  });

  it('no token or password in the output, the command lines or the data dir; files 0600 in 0700', () => {
    assert.ok(secrets.size > 4, 'the cache held tokens to look for');
    const files: string[] = [];
    const walk = (d: string) => {
      if (process.platform !== 'win32') assert.equal(fs.statSync(d).mode & 0o777, 0o700, d);
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(dataDir);
    assert.ok(files.some((f) => f.endsWith('mailbox-token-cache.json')) && files.some((f) => f.endsWith('sync.log')));
    for (const f of files) {
      if (process.platform !== 'win32') assert.equal(fs.statSync(f).mode & 0o777, 0o600, f);
      const content = fs.readFileSync(f).toString('latin1');
      for (const s of secrets) assert.ok(!content.includes(s), `${f} holds a secret`);
    }
    for (const text of [...printed, ...argvs.map((a) => a.join(' '))])
      for (const s of secrets) assert.ok(!text.includes(s), `a secret was printed or passed on a command line`);
  });
});
