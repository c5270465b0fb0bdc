/**
 * msal-node, unchanged, signs in against the local mailbox's identity platform over https (the mailbox's
 * self-signed certificate trusted through msal's `system.networkClient`): device code, silent refresh once the
 * access token expired, rotation (the old refresh token is spent), revoke (interaction required), and Graph
 * opened by each token until it expires.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, BrowserContext } from 'playwright-core';
import {
  AccountInfo,
  AuthenticationResult,
  InteractionRequiredAuthError,
  PublicClientApplication,
} from '@azure/msal-node';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN } from '../../helpers/mailbox';
import {
  ANN_PASSWORD,
  CLIENT_ID,
  GRAPH_SCOPES,
  MovableClock,
  TENANT_ID,
  approveDeviceCode,
  graphGet,
  identitySeed,
  postForm,
  refreshTokensIn,
  request,
  trustingNetworkClient,
} from '../../helpers/identity';
import { CHROMIUM, CHROMIUM_ARGS } from '../../helpers/chromium';

/** Under msal-node's 5 minutes of renewal margin: it refreshes on every silent call, as after an expiry. */
const SHORT_LIFETIME = 120;

describe('local mailbox: msal-node signs in against the local identity platform (https)', function () {
  this.timeout(60_000);
  let mb: LocalMailbox;
  let ca: string;
  const clock = new MovableClock();

  before(async () => {
    mb = await startLocalMailbox({
      seed: identitySeed(SHORT_LIFETIME),
      dataDir: ':memory:',
      port: 0,
      tls: true,
      clock,
      options: { deviceCodeIntervalSeconds: 1 },
    });
    ca = mb.certificate!.pem;
  });
  after(() => mb.close());

  function msal(): PublicClientApplication {
    return new PublicClientApplication({
      auth: { clientId: CLIENT_ID, authority: `${mb.url}/${TENANT_ID}`, knownAuthorities: [new URL(mb.url).host] },
      system: { networkClient: trustingNetworkClient(ca) },
    });
  }

  async function deviceCodeSignIn(pca: PublicClientApplication): Promise<AuthenticationResult> {
    let approval: Promise<unknown> = Promise.resolve();
    const result = await pca.acquireTokenByDeviceCode({
      scopes: GRAPH_SCOPES,
      deviceCodeCallback: (r) => {
        assert.equal(r.verificationUri, `${mb.url}/devicelogin`);
        assert.match(r.message, new RegExp(`open the page ${mb.url}/devicelogin and enter the code ${r.userCode} `));
        approval = approveDeviceCode(r.verificationUri, r.userCode, ANN.user.toUpperCase(), ANN_PASSWORD, ca);
      },
    });
    const page = (await approval) as { status: number; text: string };
    assert.equal(page.status, 200);
    assert.match(page.text, /You have signed in to the <strong>Sync test app<\/strong> application on your device/);
    return result!;
  }

  it('interactive: acquireTokenInteractive opens the sign-in page in Chromium, the user signs in, form_post reaches msal', async () => {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-chromium-identity-'));
    let browser: BrowserContext | undefined;
    try {
      browser = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        // The mailbox's certificate is self-signed; this throwaway browser is told to accept it.
        ignoreHTTPSErrors: true,
        args: CHROMIUM_ARGS,
      });
      const page = await browser.newPage();
      const seen: string[] = [];
      const pca = msal();
      const result = await pca.acquireTokenInteractive({
        scopes: GRAPH_SCOPES,
        openBrowser: async (url) => {
          seen.push(url);
          await page.goto(url);
          // A wrong password first: the page says so and keeps the address.
          await page.getByLabel('Email address').fill(ANN.user);
          await page.getByLabel('Password').fill('not-the-password');
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByRole('alert').waitFor();
          assert.match(await page.getByRole('alert').innerText(), /Your account or password is incorrect/);
          assert.equal(await page.getByLabel('Email address').inputValue(), ANN.user);
          await page.getByLabel('Password').fill(ANN_PASSWORD);
          await page.getByRole('button', { name: 'Sign in' }).click();
        },
      });
      await page.waitForURL(/^http:\/\/localhost:\d+\/?$/);
      assert.match(await page.content(), /successfully acquired/);
      const authorize = new URL(seen[0]);
      assert.equal(authorize.searchParams.get('response_mode'), 'form_post');
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(result.account?.username, ANN.user);
      assert.equal((await graphGet(mb.url, '/me/calendars', result.accessToken, ca)).status, 200);
      const silent = await pca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES });
      assert.equal((await graphGet(mb.url, '/me', silent.accessToken, ca)).status, 200);
    } finally {
      await browser?.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  it('device code: the user approves on the page, msal gets tokens keyed by client_info, Graph opens with them', async () => {
    const pca = msal();
    const result = await deviceCodeSignIn(pca);
    const account = result.account as AccountInfo;
    assert.equal(account.username, ANN.user);
    assert.equal(account.tenantId, TENANT_ID);
    assert.equal(account.environment, new URL(mb.url).host);
    const me = await graphGet(mb.url, '/me', ANN.token, ca);
    assert.equal(account.localAccountId, me.body.id);
    assert.equal(account.homeAccountId, `${me.body.id}.${TENANT_ID}`);
    assert.equal(result.idTokenClaims && (result.idTokenClaims as { nonce?: string }).nonce, undefined);
    assert.deepEqual(
      [...result.scopes].sort(),
      ['Calendars.ReadWrite', 'Contacts.ReadWrite', 'Tasks.ReadWrite', 'User.Read', 'openid', 'profile'].sort(),
    );
    const contacts = await graphGet(mb.url, '/me/contacts?$top=1', result.accessToken, ca);
    assert.equal(contacts.status, 200);
    const viaUsers = await graphGet(
      mb.url,
      `/users/${encodeURIComponent(ANN.user)}/contacts?$top=1`,
      result.accessToken,
      ca,
    );
    assert.deepEqual(viaUsers.body.value, contacts.body.value);
  });

  it('after the access token expired: Graph says so, acquireTokenSilent refreshes with no prompt, the old refresh token is spent', async () => {
    const pca = msal();
    const first = await deviceCodeSignIn(pca);
    const [oldRefresh] = refreshTokensIn(pca.getTokenCache().serialize());
    assert.ok(oldRefresh);

    clock.advance(SHORT_LIFETIME + 1);
    const expired = await graphGet(mb.url, '/me', first.accessToken, ca);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'InvalidAuthenticationToken');
    assert.equal(expired.body.error.message, 'Lifetime validation failed, the token is expired.');

    const second = await pca.acquireTokenSilent({ account: first.account!, scopes: GRAPH_SCOPES });
    assert.equal(second.fromCache, false);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal((await graphGet(mb.url, '/me', second.accessToken, ca)).status, 200);
    const [newRefresh] = refreshTokensIn(pca.getTokenCache().serialize());
    assert.ok(newRefresh && newRefresh !== oldRefresh);

    // The spent refresh token: reusing it is taken for theft, and revokes the whole sign-in.
    const reuse = await postForm(
      `${mb.url}/${TENANT_ID}/oauth2/v2.0/token`,
      { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: oldRefresh, scope: GRAPH_SCOPES.join(' ') },
      { ca },
    );
    assert.equal(reuse.status, 400);
    const body = JSON.parse(reuse.text);
    assert.equal(body.error, 'invalid_grant');
    assert.equal(body.suberror, 'bad_token');
    assert.deepEqual(body.error_codes, [70000]);
    assert.equal((await graphGet(mb.url, '/me', second.accessToken, ca)).status, 401);
    await assert.rejects(
      pca.acquireTokenSilent({ account: first.account!, scopes: GRAPH_SCOPES }),
      (e: unknown) => e instanceof InteractionRequiredAuthError && e.subError === 'bad_token',
    );
  });

  it('after /_admin/revoke with the static token, acquireTokenSilent needs interaction and Graph refuses the access token', async () => {
    const pca = msal();
    const first = await deviceCodeSignIn(pca);
    const silent = await pca.acquireTokenSilent({ account: first.account!, scopes: GRAPH_SCOPES });
    assert.equal((await graphGet(mb.url, '/me/todo/lists', silent.accessToken, ca)).status, 200);

    const byAccessToken = await request(`${mb.url}/_admin/revoke`, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${silent.accessToken}` },
    });
    assert.equal(byAccessToken.status, 403);
    const revoke = await request(`${mb.url}/_admin/revoke`, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${ANN.token}` },
    });
    assert.equal(revoke.status, 200, revoke.text);
    const counts = JSON.parse(revoke.text);
    assert.equal(counts.user, ANN.user);
    assert.ok(counts.refreshTokens >= 1 && counts.accessTokens >= 1, revoke.text);

    const refused = await graphGet(mb.url, '/me', silent.accessToken, ca);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'InvalidAuthenticationToken');
    await assert.rejects(
      pca.acquireTokenSilent({ account: first.account!, scopes: GRAPH_SCOPES }),
      (e: unknown) =>
        e instanceof InteractionRequiredAuthError && e.subError === 'bad_token' && /AADSTS50173/.test(e.errorMessage),
    );
    // The static token still opens the mailbox, and a new sign-in works.
    assert.equal((await graphGet(mb.url, '/me', ANN.token, ca)).status, 200);
    const again = await deviceCodeSignIn(msal());
    assert.equal((await graphGet(mb.url, '/me', again.accessToken, ca)).status, 200);
  });
});
