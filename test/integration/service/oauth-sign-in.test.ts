/**
 * Sign-in through the org's login page (the OAuth web-server flow with PKCE the pane runs in an Office dialog),
 * over real HTTP against a local org whose desktop apps list the pane's callback page. The dialog's part (the
 * login form, the redirects to the callback) is played by the same page driver the mobile logins use.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { userKeyOf } from '../../../sync-engine/src/service/account';
import { TOKEN_FILE } from '../../../sync-engine/src/app/token-store';
import { adminOf, startServiceWorld, ServiceWorld, serviceCaller } from '../../helpers/service';
import { sharedMessages } from '../../helpers/shared';
import { loginThroughPage } from '../../../sync-engine/src/salesforce/page-login';
import { eventually } from '../../helpers/eventually';

const ADDIN = 'https://localhost:3000';
const CALLBACK = `${ADDIN}/oauth-callback.html`;

describe("service: sign-in through the org's login page (OAuth, for a real org)", function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  const messages = sharedMessages();

  before(async () => {
    w = await startServiceWorld({ addinCallbackUrls: [CALLBACK], addinOrigins: [ADDIN], syncOnSignIn: true });
  });
  after(async () => {
    await w?.close();
  });

  const start = (product = 'salesforce-for-outlook', extra: Record<string, unknown> = {}) =>
    w.call('POST', '/api/oauth/start', {
      body: { orgUrl: w.org.url, product, redirectUri: CALLBACK, ...extra },
      headers: { Origin: ADDIN },
    });
  const finish = (body: unknown) => w.call('POST', '/api/oauth/finish', { body, headers: { Origin: ADDIN } });

  /** What the dialog does: the login form, then the redirects up to the callback page; returns the callback's parameters. */
  async function loginInDialog(authorizeUrl: string, username: string, password: string): Promise<URLSearchParams> {
    return loginThroughPage({ startUrl: authorizeUrl, username, password }, ({ url }) =>
      url.startsWith(CALLBACK) ? new URL(url).searchParams : undefined,
    );
  }

  it("start answers the org's authorize URL for the product's app, the callback page, PKCE S256 and a fresh state", async () => {
    const a = await start();
    const b = await start();
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(Object.keys(a.body).sort(), ['authorizeUrl', 'state']);
    const url = new URL(a.body.authorizeUrl);
    assert.equal(`${url.origin}${url.pathname}`, `${w.org.url}/services/oauth2/authorize`);
    assert.equal(url.searchParams.get('client_id'), 'SfdcSalesforceForOutlook');
    assert.equal(url.searchParams.get('redirect_uri'), CALLBACK);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(url.searchParams.get('state'), a.body.state);
    assert.match(url.searchParams.get('scope') ?? '', /\brefresh_token\b/);
    assert.notEqual(a.body.state, b.body.state);
    assert.equal(new URL(b.body.authorizeUrl).searchParams.get('client_id'), 'SfdcSalesforceForOutlook');
  });

  it('a user without API Enabled is issued tokens, and finish answers 403 with exactly sfo.login, no secret; the tokens are revoked', async () => {
    const db = w.org.ctx.store.db;
    const bobId = (
      db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = 'bob@test.example'`).get() as { Id: string }
    ).Id;
    const bobSessions = () =>
      (db.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?`).get(bobId) as { n: number }).n;
    const before = bobSessions();
    const { body } = await start();
    const callback = await loginInDialog(body.authorizeUrl, 'bob@test.example', 'Bob-pass-1');
    assert.ok(callback.get('code'), 'OAuth issues a code to a blocked user (ACCESS.md 3)');
    const res = await finish({ state: callback.get('state'), code: callback.get('code') });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'API_CURRENTLY_DISABLED');
    assert.equal(res.body.error.message, messages['sfo.login']);
    assert.equal(res.body.message, messages['sfo.login']);
    assert.ok(!('secret' in res.body));
    assert.equal(bobSessions(), before, 'the access and refresh tokens issued to the refused sign-in are gone');
  });

  it('each desktop product shows its own blocked text through the dialog too', async () => {
    for (const [product, key] of [
      ['connect-for-outlook', 'connectOutlook.login'],
      ['connect-for-office', 'connectOffice.login'],
    ] as const) {
      const { body } = await start(product);
      const callback = await loginInDialog(body.authorizeUrl, 'bob@test.example', 'Bob-pass-1');
      const res = await finish({ state: callback.get('state'), code: callback.get('code') });
      assert.equal(res.status, 403, res.text);
      if (product === 'connect-for-outlook') assert.equal(res.body.message, messages[key]);
      else assert.equal(res.body.message, `${messages[key]}\nURL: ${w.org.url}/services/data/v60.0/query`);
    }
  });

  it("ann signs in: the secret, her username from the identity URL, and her first sync on the sign-in's session, later ones on the refresh token", async () => {
    const { body } = await start();
    const callback = await loginInDialog(body.authorizeUrl, 'ann@test.example', 'Ann-pass-1');
    const res = await finish({ state: callback.get('state'), code: callback.get('code') });
    assert.equal(res.status, 200, res.text);
    assert.match(res.body.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.username, 'ann@test.example');
    assert.deepEqual(res.body.product, {
      id: 'salesforce-for-outlook',
      name: 'Salesforce for Outlook',
      version: '2.9.3',
    });
    const call = serviceCaller(w.running, { secret: res.body.secret });
    // The first run uses the session of the sign-in (no second login); it must finish with ann's counts.
    const status = await eventually(async () => {
      const s = (await call('GET', '/api/status')).body;
      assert.ok(s.lastRun !== null && s.state !== 'syncing', JSON.stringify(s));
      return s;
    }, 'the first run after the OAuth sign-in');
    assert.equal(status.state, 'idle', JSON.stringify(status));
    assert.equal(status.username, 'ann@test.example');
    assert.ok(
      status.counts.salesforce.contacts.created + status.counts.outlook.contacts.updated > 0,
      JSON.stringify(status.counts),
    );

    // Access removed: the session is dropped. Restored: the engine signs in again with the refresh token (the
    // service never had a password for this account) and syncs.
    const admin = await adminOf(w);
    await admin.setApiEnabled(false);
    try {
      const stopped = await call('POST', '/api/sync-now');
      assert.equal(stopped.body.state, 'stopped', stopped.text);
      assert.equal(stopped.body.message, messages['sfo.syncStopped']);
    } finally {
      await admin.setApiEnabled(true);
    }
    const back = await call('POST', '/api/sync-now');
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.state, 'idle', back.text);
    assert.equal(back.body.lastError, null);
  });

  it("a restarted service signs the OAuth user in again by itself (the kept, encrypted refresh token) and her pane's key still works", async () => {
    const { body } = await start();
    const callback = await loginInDialog(body.authorizeUrl, 'ann@test.example', 'Ann-pass-1');
    const signedIn = await finish({ state: callback.get('state'), code: callback.get('code') });
    assert.equal(signedIn.status, 200, signedIn.text);
    const tokenFile = path.join(w.dataDir, 'users', userKeyOf(w.org.url, 'ann@test.example'), TOKEN_FILE);
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
    assert.doesNotMatch(fs.readFileSync(tokenFile, 'utf8'), /refresh_token|!/, 'no token in clear');

    await w.restart();
    const call = serviceCaller(w.running, { secret: signedIn.body.secret });
    const status = await eventually(async () => {
      const s = (await call('GET', '/api/status')).body;
      assert.notEqual(s.state, 'signed-out', JSON.stringify(s));
      return s;
    }, 'the kept sign-in is back after the restart');
    assert.equal(status.username, 'ann@test.example', JSON.stringify(status));
    assert.notEqual(status.state, 'signed-out');

    // While her API access is off, a restart waits and tries again; restored, she is signed in.
    const admin = await adminOf(w);
    await admin.setApiEnabled(false);
    try {
      await w.restart();
      assert.equal(await w.running.service.resumeKeptSignIn(), 'waiting');
      assert.equal(w.running.service.status().state, 'signed-out');
    } finally {
      await admin.setApiEnabled(true);
    }
    assert.equal(await w.running.service.resumeKeptSignIn(), 'resumed');
    assert.equal(w.running.service.status().username, 'ann@test.example');

    // Signing out forgets it: the file goes, and the next start stays signed out.
    assert.equal(
      (await serviceCaller(w.running, { secret: signedIn.body.secret })('POST', '/api/sign-out')).status,
      200,
    );
    assert.ok(!fs.existsSync(tokenFile));
    await w.restart();
    assert.equal(await w.running.service.resumeKeptSignIn(), 'none');
    assert.equal(w.running.service.status().state, 'signed-out');
  });

  it('a password sign-in is never kept: after a restart the pane signs in again; the kept OAuth one it replaces is ended at the org', async () => {
    const db = w.org.ctx.store.db;
    const annId = (
      db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = 'ann@test.example'`).get() as { Id: string }
    ).Id;
    const refreshTokens = () =>
      (
        db.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND kind = 'refresh'`).get(annId) as {
          n: number;
        }
      ).n;
    const signInWithSalesforce = async () => {
      const { body } = await start();
      const callback = await loginInDialog(body.authorizeUrl, 'ann@test.example', 'Ann-pass-1');
      assert.equal((await finish({ state: callback.get('state'), code: callback.get('code') })).status, 200);
    };
    await signInWithSalesforce();
    const kept = refreshTokens();
    await signInWithSalesforce();
    assert.equal(refreshTokens(), kept, 'signing in again ends the refresh token it replaces');
    await w.signInAnn();
    assert.equal(refreshTokens(), kept - 1, 'a password sign-in ends the kept one');
    await w.restart();
    assert.equal(await w.running.service.resumeKeptSignIn(), 'none');
    assert.equal(w.running.service.status().state, 'signed-out');
  });

  it('a state is good once: the same code sent again is refused, naming state', async () => {
    const { body } = await start();
    const callback = await loginInDialog(body.authorizeUrl, 'ann@test.example', 'Ann-pass-1');
    assert.equal((await finish({ state: callback.get('state'), code: callback.get('code') })).status, 200);
    const again = await finish({ state: callback.get('state'), code: callback.get('code') });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'SIGN_IN_EXPIRED');
    assert.equal(again.body.error.field, 'state');
  });

  it("the org's error in the callback (the user denied access) is said as the org said it", async () => {
    const { body } = await start();
    const res = await finish({
      state: body.state,
      error: 'access_denied',
      errorDescription: 'end-user denied authorization',
    });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.error.code, 'SIGN_IN_REFUSED');
    assert.equal(
      res.body.error.message,
      'Salesforce did not sign you in: end-user denied authorization (access_denied).',
    );
  });

  it("bad input: each field named, and a callback page off the add-in's origin refused", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ orgUrl: '', product: 'salesforce-for-outlook', redirectUri: CALLBACK }, 'orgUrl'],
      [{ orgUrl: w.org.url, product: 'salesforce-ios', redirectUri: CALLBACK }, 'product'],
      [{ orgUrl: w.org.url, product: 'salesforce-for-outlook' }, 'redirectUri'],
      [
        {
          orgUrl: w.org.url,
          product: 'salesforce-for-outlook',
          redirectUri: 'https://evil.example/oauth-callback.html',
        },
        'redirectUri',
      ],
      [{ orgUrl: w.org.url, product: 'salesforce-for-outlook', redirectUri: `${CALLBACK}?x=1` }, 'redirectUri'],
    ];
    for (const [body, field] of cases) {
      const res = await w.call('POST', '/api/oauth/start', { body, headers: { Origin: ADDIN } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.field, field, res.text);
    }
    for (const [body, field] of [
      [{}, 'state'],
      [{ state: 'x' }, 'code'],
      [{ state: 'not-started-here', code: 'abc' }, 'state'],
    ] as const) {
      const res = await finish(body);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.field, field, res.text);
    }
  });

  it("a code that is not the org's: the org's refusal, as a failed sign-in (never a 500)", async () => {
    const { body } = await start();
    const res = await finish({ state: body.state, code: 'made-up-code' });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.outcome, 'login-failed');
    assert.ok(!('secret' in res.body));
  });
});
