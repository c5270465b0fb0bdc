/**
 * Another process on the machine cannot take over the signed-in account (issue 10, finding 1): replacing it with
 * another user needs the current secret, whether by password or through the org's login page, before and after a
 * restart; the first sign-in of a fresh install and a sign-in after sign-out stay open; the same user signing in
 * again is how a pane without the secret gets it. And another process cannot push out a started dialog sign-in
 * (finding 14).
 */
import assert from 'node:assert/strict';
import { startServiceWorld, ServiceWorld, serviceCaller } from '../../helpers/service';
import { loginThroughPage } from '../../../sync-engine/src/salesforce/page-login';
import { MAX_PENDING } from '../../../sync-engine/src/service/oauth-sign-in';

const ADDIN = 'https://localhost:3000';
const CALLBACK = `${ADDIN}/oauth-callback.html`;
const CY = { username: 'cy@test.example', password: 'Cy-pass-1' };

describe('service: another local process cannot take over the signed-in account', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  let annSecret: string;

  const signInAs = (who: { username: string; password: string }, secret?: string) =>
    w.call('POST', '/api/sign-in', {
      body: { orgUrl: w.org.url, product: 'salesforce-for-outlook', ...who },
      secret,
    });
  const start = (secret?: string) =>
    w.call('POST', '/api/oauth/start', {
      body: { orgUrl: w.org.url, product: 'salesforce-for-outlook', redirectUri: CALLBACK },
      headers: { Origin: ADDIN },
      secret,
    });
  const finish = (body: unknown, secret?: string) =>
    w.call('POST', '/api/oauth/finish', { body, headers: { Origin: ADDIN }, secret });
  /** The org's login page in the dialog, as `username`: the callback's parameters. */
  const loginInDialog = (authorizeUrl: string, who: { username: string; password: string }) =>
    loginThroughPage({ startUrl: authorizeUrl, ...who }, ({ url }) =>
      url.startsWith(CALLBACK) ? new URL(url).searchParams : undefined,
    );
  const cyRefreshTokens = () => {
    const db = w.org.ctx.store.db;
    const id = (db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = ?`).get(CY.username) as { Id: string }).Id;
    return (
      db.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND kind = 'refresh'`).get(id) as { n: number }
    ).n;
  };
  const whoIsSignedIn = async (secret: string) => {
    const res = await w.call('GET', '/api/status', { secret });
    assert.equal(res.status, 200, res.text);
    // Usernames are case-insensitive; the service shows the one typed at the last sign-in.
    return { username: String(res.body.username).toLowerCase(), orgUrl: res.body.orgUrl };
  };

  before(async () => {
    w = await startServiceWorld({ addinCallbackUrls: [CALLBACK], addinOrigins: [ADDIN] });
  });
  after(async () => {
    await w?.close();
  });

  it('the first sign-in of a fresh install needs no secret', async () => {
    const res = await signInAs({ username: 'ann@test.example', password: 'Ann-pass-1' });
    assert.equal(res.status, 200, res.text);
    annSecret = res.body.secret;
  });

  it('another user with a valid password and no secret is refused (403 ACCOUNT_IN_USE); ann stays signed in and her pane keeps working', async () => {
    const res = await signInAs(CY);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'ACCOUNT_IN_USE');
    assert.ok(!('secret' in res.body));
    assert.doesNotMatch(res.text, /ann@test\.example/, 'the refusal does not say who is signed in');
    assert.deepEqual(await whoIsSignedIn(annSecret), { username: 'ann@test.example', orgUrl: w.org.url });
    // A wrong secret is no better than none.
    const wrong = await signInAs(CY, 'x'.repeat(43));
    assert.equal(wrong.status, 403, wrong.text);
    assert.equal(wrong.body.error.code, 'ACCOUNT_IN_USE');
  });

  it("the product's own refusal is still answered first (it changes nothing): bob sees Salesforce for Outlook's text", async () => {
    const res = await signInAs({ username: 'bob@test.example', password: 'Bob-pass-1' });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'API_CURRENTLY_DISABLED');
    assert.equal((await whoIsSignedIn(annSecret)).username, 'ann@test.example');
  });

  it('the same user signing in again needs no secret and gets the current one (how a pane that lost it signs in)', async () => {
    const res = await signInAs({ username: 'ANN@test.example', password: 'Ann-pass-1' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.secret, annSecret);
  });

  it("through the org's login page: another user without the secret is refused after the code exchange, and the tokens just issued to it are revoked", async () => {
    const before = cyRefreshTokens();
    const { body } = await start();
    const callback = await loginInDialog(body.authorizeUrl, CY);
    const res = await finish({ state: callback.get('state'), code: callback.get('code') });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'ACCOUNT_IN_USE');
    assert.equal(cyRefreshTokens(), before, 'the refresh token issued for the refused sign-in is revoked');
    assert.equal((await whoIsSignedIn(annSecret)).username, 'ann@test.example');
  });

  it('after a restart (her password is gone) another user is still refused without the secret', async () => {
    await w.restart();
    assert.equal(w.running.service.status().state, 'signed-out', 'a password sign-in is not kept');
    const res = await signInAs(CY);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'ACCOUNT_IN_USE');
    const ann = await signInAs({ username: 'ann@test.example', password: 'Ann-pass-1' });
    assert.equal(ann.status, 200, ann.text);
    assert.equal(ann.body.secret, annSecret, "her pane's secret still works");
  });

  it("with the current secret (ann's pane) another user may replace her: a new secret, and hers goes stale", async () => {
    const res = await signInAs(CY, annSecret);
    assert.equal(res.status, 200, res.text);
    assert.notEqual(res.body.secret, annSecret);
    assert.equal((await w.call('GET', '/api/status', { secret: annSecret })).body.error.code, 'STALE_SECRET');
    assert.equal((await whoIsSignedIn(res.body.secret)).username, CY.username);
    // And back to ann, through the org's login page with cy's secret.
    const { body } = await start(res.body.secret);
    const callback = await loginInDialog(body.authorizeUrl, { username: 'ann@test.example', password: 'Ann-pass-1' });
    const back = await finish({ state: callback.get('state'), code: callback.get('code') }, res.body.secret);
    assert.equal(back.status, 200, back.text);
    annSecret = back.body.secret;
    assert.equal((await whoIsSignedIn(annSecret)).username, 'ann@test.example');
  });

  it('after sign-out from the pane anyone may sign in', async () => {
    assert.equal((await w.call('POST', '/api/sign-out', { secret: annSecret })).status, 200);
    const res = await signInAs(CY);
    assert.equal(res.status, 200, res.text);
    annSecret = res.body.secret;
  });

  it(`${MAX_PENDING + 8} unauthenticated starts never push out a started sign-in: beyond ${MAX_PENDING} open they are refused (429), and the pane's own start with the secret still works`, async () => {
    const users = await start(annSecret);
    assert.equal(users.status, 200, users.text);
    const first = await start();
    assert.equal(first.status, 200, first.text);
    const answers = [];
    for (let i = 0; i < MAX_PENDING + 8; i++) answers.push((await start()).status);
    assert.deepEqual(answers, [...Array(MAX_PENDING - 1).fill(200), ...Array(9).fill(429)]);
    const refused = await start();
    assert.equal(refused.body.error.code, 'TOO_MANY_SIGN_INS');
    // A secret that is not the current one counts as none.
    assert.equal(
      (
        await serviceCaller(w.running, { secret: 'y'.repeat(43) })('POST', '/api/oauth/start', {
          body: { orgUrl: w.org.url, product: 'salesforce-for-outlook', redirectUri: CALLBACK },
          headers: { Origin: ADDIN },
        })
      ).status,
      429,
    );
    // The first one started still finishes (as cy, the signed-in user), and so does the pane's.
    for (const started of [first, users]) {
      const callback = await loginInDialog(started.body.authorizeUrl, CY);
      const done = await finish({ state: callback.get('state'), code: callback.get('code') });
      assert.equal(done.status, 200, done.text);
    }
    assert.equal((await start(annSecret)).status, 200, "the secret's holder is never refused");
  });
});
