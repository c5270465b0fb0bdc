/**
 * The engine with a mailbox connected by msal-node (issue 13, item 3), in process against the local identity
 * platform over https: an access token Graph calls expired while msal still holds it as good (the mailbox's clock moved
 * past its lifetime) is refreshed once on the 401 and the run goes on; sessions revoked make the refresh fail and the
 * run stop with the mailbox's text, keeping what it read; the same engine resumes by itself once the mailbox is
 * connected again, and sends what waited.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { RECONNECT_CHECK_MS, SyncEngine } from '../../../sync-engine/src/app/engine';
import { readSyncConfig } from '../../../sync-engine/src/app/config';
import { MailboxTokenSource } from '../../../sync-engine/src/app/mailbox-token-source';
import { startTestOrg, testSeed } from '../../helpers/org';
import { ANN } from '../../helpers/mailbox';
import {
  ANN_PASSWORD,
  CLIENT_ID,
  MovableClock,
  TENANT_ID,
  approveDeviceCode,
  graphGet,
  identitySeed,
  request,
} from '../../helpers/identity';

/** Above msal-node's five minutes of margin, so msal hands out its cached token until Graph refuses it. */
const LIFETIME_SECONDS = 900;

describe('sync engine: a mailbox signed in with msal-node, refreshed on 401, stopped when revoked, resumed', function () {
  this.timeout(120_000);
  let dir: string;
  let org: LocalOrg;
  let mb: LocalMailbox;
  let ca: string;
  let engine: SyncEngine;
  let tokens: MailboxTokenSource;
  const clock = new MovableClock();

  const connect = async () => {
    let approval: Promise<unknown> = Promise.resolve();
    await tokens.signIn.deviceCode({
      onMessage: (message) => {
        const [, page, code] = /open the page (\S+) and enter the code (\S+) /.exec(message)!;
        approval = approveDeviceCode(page, code, ANN.user, ANN_PASSWORD, ca);
      },
    });
    await approval;
  };
  const cachedAccessToken = () => {
    const json = JSON.parse(tokens.cache.load()!) as { AccessToken: Record<string, { secret: string }> };
    return Object.values(json.AccessToken)[0]?.secret;
  };
  const addOutlookContact = async (email: string) => {
    const res = await request(`${mb.url}/v1.0/me/contacts`, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${ANN.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ givenName: 'T', surname: email, emailAddresses: [{ address: email }] }),
    });
    assert.equal(res.status, 201);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-msal-engine-'));
    org = await startTestOrg(testSeed());
    const seed = identitySeed(LIFETIME_SECONDS);
    seed.mailboxes = [{ ...seed.mailboxes[0], contacts: [] }];
    mb = await startLocalMailbox({
      seed,
      dataDir: ':memory:',
      port: 0,
      tls: true,
      clock,
      options: { deviceCodeIntervalSeconds: 1 },
    });
    ca = mb.certificate!.pem;
    const configFile = path.join(dir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        product: 'salesforce-for-outlook',
        org: { loginUrl: org.url, username: 'ann@test.example', password: 'Ann-pass-1' },
        mailbox: { url: mb.url, clientId: CLIENT_ID, authority: `${mb.url}/${TENANT_ID}` },
        objects: { events: { direction: 'none' }, tasks: { direction: 'none' } },
        dataDir: 'state',
      }),
    );
    const config = readSyncConfig(configFile);
    tokens = new MailboxTokenSource(config.dataDir, config.mailbox.microsoft!, {
      ca,
      env: { SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key') },
    });
    engine = new SyncEngine(config, {
      mailboxTokens: tokens,
      mailboxCa: ca,
      retrySleep: async () => {},
      howToReconnect: 'choose "Connect your Outlook mailbox"',
    });
  });
  after(async () => {
    engine?.close();
    await mb?.close();
    await org?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('before the mailbox is connected, a run stops with the text that says to connect it', async () => {
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.match(String(run.status.message), /Reconnect your Outlook mailbox: choose "Connect your Outlook mailbox"\./);
  });

  it('connected: the run syncs with a token from msal', async () => {
    await connect();
    await addOutlookContact('first@outlook.example');
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    assert.equal(run.result!.report.counts.salesforce.contacts.created, 1);
  });

  it('a token Graph calls expired (msal still holds it as good) is refreshed once on the 401, and the run goes on', async () => {
    const before = cachedAccessToken();
    clock.advance(LIFETIME_SECONDS + 1);
    assert.equal((await graphGet(mb.url, '/me', before, ca)).status, 401, 'Graph refuses the cached token');
    await addOutlookContact('second@outlook.example');
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    assert.equal(run.result!.report.counts.salesforce.contacts.created, 1);
    assert.notEqual(cachedAccessToken(), before, 'msal got a new token');
  });

  it('sessions revoked: the 401 refresh is refused and the run stops naming the mailbox; changes wait', async () => {
    const revoke = await request(`${mb.url}/_admin/revoke`, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${ANN.token}` },
    });
    assert.equal(revoke.status, 200, revoke.text);
    await addOutlookContact('meanwhile@outlook.example');
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.status.stopReason?.kind, 'authFailed');
    const text = String(run.status.message);
    assert.match(text, new RegExp(`^Sync stopped: your Outlook mailbox ${ANN.user} no longer accepts sfo-compat \\(`));
    assert.match(text, /AADSTS50173/);
    assert.match(text, /Nothing read or queued is lost; sync resumes by itself once the mailbox is connected again\.$/);
    assert.equal(engine.status().message, text);
  });

  it('connected again: the same engine resumes by itself and sends what waited, once', async () => {
    await connect();
    const run = await engine.runOnce();
    assert.equal(run.status.state, 'idle', String(run.status.message));
    assert.equal(run.result!.report.counts.salesforce.contacts.created, 1);
    const quiet = await engine.runOnce();
    assert.equal(quiet.status.state, 'idle');
    assert.deepEqual(quiet.result!.report.counts.salesforce.contacts, { created: 0, updated: 0, deleted: 0 });
  });

  it('sync (not --once), stopped for the mailbox, resumes within seconds of a connect made elsewhere, not at the next interval', async () => {
    const revoke = await request(`${mb.url}/_admin/revoke`, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${ANN.token}` },
    });
    assert.equal(revoke.status, 200, revoke.text);
    clock.advance(LIFETIME_SECONDS + 1);
    // Its own msal and cache on the same data dir, as a running `sfo-compat sync` beside `--connect-mailbox` has.
    const config = engine.config;
    const sleeps: number[] = [];
    const states: string[] = [];
    const controller = new AbortController();
    const looping = new SyncEngine(config, {
      mailboxTokens: new MailboxTokenSource(config.dataDir, config.mailbox.microsoft!, {
        ca,
        env: { SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key') },
      }),
      mailboxCa: ca,
      retrySleep: async () => {},
      sleep: async (ms) => {
        sleeps.push(ms);
        // The user reconnects in another process during the second look.
        if (sleeps.length === 2) await connect();
        if (sleeps.length > 10) controller.abort();
      },
    });
    try {
      await looping.runForever(controller.signal, {
        onRun: (run) => {
          states.push(run.status.state);
          if (run.status.state === 'idle') controller.abort();
        },
      });
    } finally {
      looping.close();
    }
    assert.deepEqual(states, ['stopped', 'idle']);
    assert.deepEqual(sleeps, [RECONNECT_CHECK_MS, RECONNECT_CHECK_MS], 'two looks at the cache file, then the run');
    assert.ok(config.intervalSeconds * 1000 > 2 * RECONNECT_CHECK_MS, 'sooner than the interval');
  });
});
