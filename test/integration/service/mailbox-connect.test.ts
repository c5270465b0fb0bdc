/**
 * "Connect your Outlook mailbox" in the service (issue 13, item 4): after the Salesforce sign-in, a service whose
 * mailbox signs in with Microsoft says the mailbox is not connected; `POST /api/mailbox/connect` (with the secret
 * only) answers the Microsoft sign-in page, which the user fills (here over HTTP as the browser would, the form_post
 * included), and msal-node's loopback in the service finishes it; the status then names whose mailbox is connected,
 * and sync runs. `POST /api/mailbox/disconnect` forgets it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startServiceServer, RunningService } from '../../../sync-engine/src/service/server';
import { startTestOrg, testSeed } from '../../helpers/org';
import { serviceCaller, ServiceCaller } from '../../helpers/service';
import { ANN } from '../../helpers/mailbox';
import { ANN_PASSWORD, CLIENT_ID, TENANT_ID, identitySeed, pageState, postForm, request } from '../../helpers/identity';

/** What a browser does with the local sign-in page: fill it, then let its auto-submitting form_post go. */
async function signInOnPage(authorizeUrl: string, ca: string): Promise<number> {
  const page = await request(authorizeUrl, { ca });
  const { flow, cookie } = pageState(page);
  const action = new URL(
    /<form method="post" action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&'),
    authorizeUrl,
  );
  const answer = await postForm(
    action.toString(),
    { flow, login: ANN.user, passwd: ANN_PASSWORD, action: 'signin' },
    { ca, headers: { cookie } },
  );
  const form = /<form method="post" action="([^"]+)"/.exec(answer.text);
  assert.ok(form, `a form_post answer: ${answer.status} ${answer.text.slice(0, 300)}`);
  const fields = Object.fromEntries(
    [...answer.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );
  const back = await postForm(form[1], fields);
  return back.status;
}

describe('service: "Connect your Outlook mailbox" with msal-node, run by the service', function () {
  this.timeout(120_000);
  let dir: string;
  let org: LocalOrg;
  let mb: LocalMailbox;
  let ca: string;
  let running: RunningService;
  let call: ServiceCaller;
  let secret: string;
  /** Sync now; a run the connect started may be in progress (409): then wait for it and ask again. */
  const syncNow = async () => {
    for (let i = 0; i < 100; i++) {
      const res = await call('POST', '/api/sync-now', { secret });
      if (res.status !== 409) return res;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('a sync stayed in progress');
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-service-msal-'));
    org = await startTestOrg(testSeed());
    mb = await startLocalMailbox({ seed: identitySeed(), dataDir: ':memory:', port: 0, tls: true });
    ca = mb.certificate!.pem;
    running = await startServiceServer({
      dataDir: path.join(dir, 'service'),
      port: 0,
      mailbox: { url: mb.url, token: '', microsoft: { clientId: CLIENT_ID, authority: `${mb.url}/${TENANT_ID}` } },
      syncOnSignIn: false,
      tokenStore: { env: { SFO_TOKEN_KEY_FILE: path.join(dir, 'keys', 'token.key') } },
      engineDeps: { mailboxCa: ca, retrySleep: async () => {} },
    });
    call = serviceCaller(running);
    const res = await call('POST', '/api/sign-in', {
      body: {
        orgUrl: org.url,
        product: 'salesforce-for-outlook',
        username: 'ann@test.example',
        password: 'Ann-pass-1',
      },
    });
    assert.equal(res.status, 200, res.text);
    secret = res.body.secret;
  });
  after(async () => {
    await running?.close();
    await mb?.close();
    await org?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('after the Salesforce sign-in the mailbox is not connected, and a sync stops saying to connect it', async () => {
    const status = await call('GET', '/api/status', { secret });
    assert.deepEqual(status.body.mailbox, {
      signIn: 'microsoft',
      connectedAs: null,
      connecting: false,
      connectError: null,
      needsReconnect: false,
    });
    const run = await call('POST', '/api/sync-now', { secret });
    assert.equal(run.body.state, 'stopped');
    assert.match(
      run.body.message,
      /Reconnect your Outlook mailbox: select "Connect your Outlook mailbox" in the add-in\./,
    );
    // Never connected: the step says "not connected", not "reconnect" (the stop text still says what to do).
    assert.equal(run.body.mailbox.needsReconnect, false);
  });

  it('a connect the user gives up (cancel-connect, with the secret) no longer says connecting', async () => {
    assert.equal((await call('POST', '/api/mailbox/cancel-connect', { secret: null })).status, 401);
    const res = await call('POST', '/api/mailbox/connect', { secret });
    assert.equal(res.status, 200, res.text);
    assert.equal((await call('GET', '/api/status', { secret })).body.mailbox.connecting, true);
    const cancelled = await call('POST', '/api/mailbox/cancel-connect', { secret });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.mailbox.connecting, false);
    assert.equal(cancelled.body.mailbox.connectError, null, 'giving up is not a failure');
    assert.equal(cancelled.body.mailbox.connectedAs, null);
  });

  it('connecting needs the secret', async () => {
    const res = await call('POST', '/api/mailbox/connect', { secret: null });
    assert.equal(res.status, 401, res.text);
  });

  it('connect: the sign-in page, filled by the user, connects ann; the status names her and sync runs', async () => {
    const res = await call('POST', '/api/mailbox/connect', { secret });
    assert.equal(res.status, 200, res.text);
    const authorizeUrl = new URL(res.body.authorizeUrl);
    assert.equal(authorizeUrl.origin, mb.url);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorizeUrl.searchParams.get('redirect_uri')!, /^http:\/\/localhost:\d+$/);
    assert.equal((await call('GET', '/api/status', { secret })).body.mailbox.connecting, true);
    assert.equal(await signInOnPage(res.body.authorizeUrl, ca), 200);
    let status;
    for (let i = 0; i < 50; i++) {
      status = (await call('GET', '/api/status', { secret })).body;
      if (!status.mailbox.connecting) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status.mailbox.connectedAs, ANN.user);
    assert.equal(status.mailbox.connecting, false);
    assert.equal(status.mailbox.connectError, null);
    assert.equal(status.mailbox.needsReconnect, false, 'connected since the stop: no longer shown as needing it');
    const run = await syncNow();
    assert.equal(run.body.state, 'idle', run.text);
    assert.equal(run.body.mailbox.needsReconnect, false);
  });

  it('disconnect forgets the mailbox; the next sync stops saying to connect it again', async () => {
    const res = await call('POST', '/api/mailbox/disconnect', { secret });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.mailbox.connectedAs, null);
    const run = await syncNow();
    assert.equal(run.body.state, 'stopped', run.text);
    assert.match(run.body.message, /Connect your Outlook mailbox/);
    assert.equal(run.body.mailbox.needsReconnect, false, 'disconnected on purpose: not connected, not "reconnect"');
  });
});
