/**
 * The local identity platform's endpoints over the wire, each error path in Microsoft's shape: discovery, the
 * authorization endpoint (pages for what cannot be redirected, redirects for the rest), the sign-in form (no leak
 * of which users exist, bound to its page and browser), the token endpoint's grants and their refusals, device
 * codes, body limits, and the /users alias of Graph.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, BOB } from '../../helpers/mailbox';
import {
  ANN_PASSWORD,
  CLIENT_ID,
  GRAPH_SCOPES,
  MovableClock,
  OTHER_CLIENT_ID,
  RawAnswer,
  TENANT_ID,
  approveDeviceCode,
  graphGet,
  identitySeed,
  pageState,
  postForm,
  request,
} from '../../helpers/identity';

const SCOPE = ['openid', 'profile', ...GRAPH_SCOPES].join(' ');
const REDIRECT = 'http://localhost:53682';

function pkce(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

function json(res: RawAnswer): any {
  assert.match(String(res.headers['content-type']), /^application\/json/, res.text);
  return JSON.parse(res.text);
}

/** Entra's error body: the code, AADSTS number, and every member msal reads. */
function assertEntraError(res: RawAnswer, status: number, error: string, aadsts: number, suberror?: string): any {
  assert.equal(res.status, status, res.text);
  const body = json(res);
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [aadsts]);
  assert.match(
    body.error_description,
    new RegExp(
      `^AADSTS${aadsts}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: \\S+ Timestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
    ),
  );
  assert.match(body.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
  assert.ok(body.correlation_id);
  assert.equal(body.error_uri, `https://login.microsoftonline.com/error?code=${aadsts}`);
  assert.equal(body.suberror, suberror);
  return body;
}

describe('local mailbox: the identity platform endpoints', function () {
  this.timeout(30_000);
  let mb: LocalMailbox;
  const clock = new MovableClock();
  let base: string;

  before(async () => {
    mb = await startLocalMailbox({
      seed: identitySeed(),
      dataDir: ':memory:',
      port: 0,
      clock,
      options: { deviceCodeIntervalSeconds: 1 },
    });
    base = `${mb.url}/${TENANT_ID}`;
  });
  after(() => mb.close());

  function authorizeUrl(over: Record<string, string | undefined> = {}): string {
    const { challenge } = pkce();
    const params: Record<string, string | undefined> = {
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      response_type: 'code',
      response_mode: 'form_post',
      scope: SCOPE,
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      client_info: '1',
      ...over,
    };
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
    return `${base}/oauth2/v2.0/authorize?${q}`;
  }

  /** Open the sign-in page and post the form; the answer to the app (a form_post page or a 302). */
  async function signIn(url: string, login = ANN.user, password = ANN_PASSWORD): Promise<RawAnswer> {
    const page = await request(url);
    assert.equal(page.status, 200, page.text);
    const { flow, cookie } = pageState(page);
    const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1];
    return postForm(`${mb.url}${action}`, { flow, login, passwd: password, action: 'signin' }, { headers: { cookie } });
  }

  function formFields(page: RawAnswer): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]] = m[2];
    return out;
  }

  /** A code for ann through the form_post page, with its verifier. */
  async function codeFor(
    over: Record<string, string | undefined> = {},
  ): Promise<{ code: string; verifier: string; fields: Record<string, string> }> {
    const { verifier, challenge } = pkce();
    const answer = await signIn(authorizeUrl({ code_challenge: challenge, ...over }));
    assert.equal(answer.status, 200, answer.text);
    const fields = formFields(answer);
    return { code: fields.code, verifier, fields };
  }

  const redeem = (code: string, verifier: string, over: Record<string, string> = {}) =>
    postForm(`${base}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      scope: SCOPE,
      client_info: '1',
      ...over,
    });

  describe('discovery', () => {
    it('openid-configuration has what msal-node requires, on the request own origin; common keeps {tenantid} in its issuer', async () => {
      const named = json(await request(`${base}/v2.0/.well-known/openid-configuration`));
      assert.equal(named.issuer, `${mb.url}/${TENANT_ID}/v2.0`);
      assert.equal(named.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
      assert.equal(named.token_endpoint, `${base}/oauth2/v2.0/token`);
      assert.equal(named.device_authorization_endpoint, `${base}/oauth2/v2.0/devicecode`);
      assert.equal(named.jwks_uri, `${base}/discovery/v2.0/keys`);
      const common = json(await request(`${mb.url}/common/v2.0/.well-known/openid-configuration`));
      assert.equal(common.issuer, `${mb.url}/{tenantid}/v2.0`);
      assert.equal(common.token_endpoint, `${mb.url}/common/oauth2/v2.0/token`);
      const keys = json(await request(named.jwks_uri));
      assert.equal(keys.keys[0].kty, 'RSA');
      const instance = json(
        await request(
          `${mb.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(named.authorization_endpoint)}`,
        ),
      );
      assert.equal(instance.tenant_discovery_endpoint, `${base}/v2.0/.well-known/openid-configuration`);
    });

    it('an unknown tenant is AADSTS90002 in Entra shape', async () => {
      const res = await request(`${mb.url}/contoso.example/v2.0/.well-known/openid-configuration`);
      assertEntraError(res, 400, 'invalid_tenant', 90002);
    });

    it('the access token is a JWT signed by the published key, with the claims Graph tokens carry', async () => {
      const { code, verifier } = await codeFor();
      const answer = json(await redeem(code, verifier));
      const keys = json(await request(`${base}/discovery/v2.0/keys`));
      const [h, p, sig] = answer.access_token.split('.');
      const key = crypto.createPublicKey({ key: keys.keys[0], format: 'jwk' });
      assert.ok(crypto.verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url')));
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      assert.equal(claims.aud, '00000003-0000-0000-c000-000000000000');
      assert.equal(claims.tid, TENANT_ID);
      assert.equal(claims.upn, ANN.user);
    });
  });

  describe('authorization endpoint', () => {
    it('an unknown client or an unregistered redirect URI gets a page, never a redirect', async () => {
      const unknown = await request(authorizeUrl({ client_id: '11111111-2222-4333-8444-555555555555' }));
      assert.equal(unknown.status, 400);
      assert.equal(unknown.headers.location, undefined);
      assert.match(
        unknown.text,
        /AADSTS700016: Application with identifier &#39;11111111-2222-4333-8444-555555555555&#39; was not found/,
      );
      const evil = await request(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }));
      assert.equal(evil.status, 400);
      assert.equal(evil.headers.location, undefined);
      assert.match(
        evil.text,
        /AADSTS50011: The redirect URI &#39;https:\/\/evil\.example\/cb&#39; specified in the request does not match/,
      );
      // Loopback: any port of the registered http://localhost, but not another path or host.
      assert.equal((await request(authorizeUrl({ redirect_uri: 'http://localhost:1/' }))).status, 200);
      assert.equal((await request(authorizeUrl({ redirect_uri: 'http://localhost:8080/other' }))).status, 400);
      assert.equal((await request(authorizeUrl({ redirect_uri: 'http://127.0.0.1:8080' }))).status, 400);
    });

    it('PKCE S256 only: a missing or plain challenge goes back to the app as invalid_request, with its state', async () => {
      for (const over of [
        { code_challenge: undefined },
        { code_challenge_method: 'plain' },
        { code_challenge_method: undefined },
      ]) {
        const res = await request(authorizeUrl({ ...over, response_mode: 'query' }));
        assert.equal(res.status, 302, JSON.stringify(over));
        const to = new URL(String(res.headers.location));
        assert.equal(`${to.protocol}//${to.host}`, REDIRECT);
        assert.equal(to.searchParams.get('error'), 'invalid_request');
        assert.match(to.searchParams.get('error_description')!, /^AADSTS(9002325|50149): /);
        assert.equal(to.searchParams.get('state'), 'st-1');
      }
    });

    it('form_post answers with an auto-submitting form to the redirect URI; query mode with a 302', async () => {
      const posted = await signIn(authorizeUrl());
      assert.match(posted.text, new RegExp(`<form method="post" action="${REDIRECT}">`));
      assert.match(String(posted.headers['content-security-policy']), new RegExp(`form-action ${REDIRECT}`));
      assert.match(String(posted.headers['content-security-policy']), /frame-ancestors 'none'/);
      const fields = formFields(posted);
      assert.equal(fields.state, 'st-1');
      assert.deepEqual(JSON.parse(Buffer.from(fields.client_info, 'base64url').toString()), {
        uid: (await graphGet(mb.url, '/me', ANN.token)).body.id,
        utid: TENANT_ID,
      });
      const redirected = await signIn(authorizeUrl({ response_mode: 'query' }));
      assert.equal(redirected.status, 302);
      const to = new URL(String(redirected.headers.location));
      assert.ok(to.searchParams.get('code'));
      assert.equal(to.searchParams.get('state'), 'st-1');
    });

    it('the sign-in page tells no one which users exist: unknown, passwordless and wrong-password get the same page', async () => {
      const texts: string[] = [];
      for (const [login, password] of [
        [ANN.user, 'wrong-password'],
        ['nobody@test.example', ANN_PASSWORD],
        [BOB.user, ANN_PASSWORD],
      ]) {
        const res = await signIn(authorizeUrl(), login, password);
        assert.equal(res.status, 200);
        texts.push(
          res.text
            .replace(/name="flow" value="[^"]+"/, '')
            .replace(/name="login" type="email" autocomplete="username" required value="[^"]*"/, ''),
        );
        assert.match(res.text, /role="alert"[^>]*>Your account or password is incorrect/);
      }
      assert.equal(texts[0], texts[1]);
      assert.equal(texts[1], texts[2]);
    });

    it('the sign-in form works only with its page cookie, once (CSRF, replay)', async () => {
      const page = await request(authorizeUrl());
      const { flow, cookie } = pageState(page);
      const action = `${base}/oauth2/v2.0/authorize/signin`;
      const fields = { flow, login: ANN.user, passwd: ANN_PASSWORD, action: 'signin' };
      const noCookie = await postForm(action, fields);
      assert.equal(noCookie.status, 400);
      assert.match(noCookie.text, /This sign-in page has expired/);
      const other = pageState(await request(authorizeUrl()));
      assert.equal((await postForm(action, fields, { headers: { cookie: other.cookie } })).status, 400);
      assert.equal((await postForm(action, fields, { headers: { cookie } })).status, 200);
      assert.equal((await postForm(action, fields, { headers: { cookie } })).status, 400);
    });

    it('a nonce goes into the id_token only when the request sent one', async () => {
      const withNonce = await codeFor({ nonce: 'n-123' });
      const idWith = json(await redeem(withNonce.code, withNonce.verifier)).id_token.split('.')[1];
      assert.equal(JSON.parse(Buffer.from(idWith, 'base64url').toString()).nonce, 'n-123');
      const without = await codeFor();
      const idWithout = JSON.parse(
        Buffer.from(json(await redeem(without.code, without.verifier)).id_token.split('.')[1], 'base64url').toString(),
      );
      assert.equal('nonce' in idWithout, false);
      assert.equal(idWithout.preferred_username, ANN.user);
      assert.equal(idWithout.aud, CLIENT_ID);
    });
  });

  describe('token endpoint', () => {
    it('a wrong code_verifier is AADSTS501481, and spends the code', async () => {
      const { code, verifier } = await codeFor();
      assertEntraError(await redeem(code, pkce().verifier), 400, 'invalid_grant', 501481);
      assertEntraError(await redeem(code, verifier), 400, 'invalid_grant', 54005);
    });

    it('a reused code is AADSTS54005 and revokes the tokens the code gave', async () => {
      const { code, verifier } = await codeFor();
      const first = json(await redeem(code, verifier));
      assert.equal((await graphGet(mb.url, '/me', first.access_token)).status, 200);
      assertEntraError(await redeem(code, verifier), 400, 'invalid_grant', 54005);
      assert.equal((await graphGet(mb.url, '/me', first.access_token)).status, 401);
      const refresh = await postForm(`${base}/oauth2/v2.0/token`, {
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        refresh_token: first.refresh_token,
      });
      assertEntraError(refresh, 400, 'invalid_grant', 70000, 'bad_token');
    });

    it('an expired code is AADSTS70008; another redirect_uri AADSTS50011; a missing verifier AADSTS900144', async () => {
      const late = await codeFor();
      clock.advance(11 * 60);
      assertEntraError(await redeem(late.code, late.verifier), 400, 'invalid_grant', 70008);
      const other = await codeFor();
      assertEntraError(
        await redeem(other.code, other.verifier, { redirect_uri: 'http://localhost:1' }),
        400,
        'invalid_grant',
        50011,
      );
      const third = await codeFor();
      const res = await postForm(`${base}/oauth2/v2.0/token`, {
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        code: third.code,
        redirect_uri: REDIRECT,
      });
      const body = assertEntraError(res, 400, 'invalid_request', 900144);
      assert.match(body.error_description, /'code_verifier'/);
    });

    it('an unknown client, another app, an unknown grant type, a JSON body and a huge body, each in Entra shape', async () => {
      const { code, verifier } = await codeFor();
      assertEntraError(
        await redeem(code, verifier, { client_id: '99999999-2222-4333-8444-555555555555' }),
        400,
        'unauthorized_client',
        700016,
      );
      assertEntraError(
        await redeem(code, verifier, { client_id: OTHER_CLIENT_ID }),
        400,
        'invalid_grant',
        70000,
        'client_mismatch',
      );
      assertEntraError(await redeem(code, verifier, { grant_type: 'password' }), 400, 'unsupported_grant_type', 70003);
      const asJson = await request(`${base}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'refresh_token' }),
      });
      assertEntraError(asJson, 415, 'invalid_request', 90014);
      const huge = await postForm(`${base}/oauth2/v2.0/token`, {
        grant_type: 'refresh_token',
        refresh_token: 'x'.repeat(100_000),
      });
      assertEntraError(huge, 413, 'invalid_request', 90014);
      const repeated = await request(`${base}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&grant_type=authorization_code&client_id=${CLIENT_ID}`,
      });
      assertEntraError(repeated, 400, 'invalid_request', 90015);
    });

    it('device code: pending, declined, expired, unknown; approved once', async () => {
      const start = async () =>
        json(await postForm(`${base}/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE }));
      const poll = (deviceCode: string) =>
        postForm(`${base}/oauth2/v2.0/token`, {
          grant_type: 'device_code',
          client_id: CLIENT_ID,
          device_code: deviceCode,
        });
      const d = await start();
      assert.equal(d.interval, 1);
      assert.equal(d.expires_in, 900);
      assert.match(d.user_code, /^[A-Z2-9]{8}$/);
      assertEntraError(await poll(d.device_code), 400, 'authorization_pending', 70016);
      const wrong = await approveDeviceCode(d.verification_uri, d.user_code, ANN.user, 'wrong-password');
      assert.match(wrong.text, /Your account or password is incorrect/);
      assertEntraError(await poll(d.device_code), 400, 'authorization_pending', 70016);
      const ok = await approveDeviceCode(d.verification_uri, d.user_code.toLowerCase(), ANN.user, ANN_PASSWORD);
      assert.equal(ok.status, 200);
      const tokens = json(await poll(d.device_code));
      assert.equal((await graphGet(mb.url, '/me', tokens.access_token)).status, 200);
      assertEntraError(await poll(d.device_code), 400, 'invalid_grant', 54005);

      const declined = await start();
      const page = await request(declined.verification_uri);
      const { flow, cookie } = pageState(page);
      await postForm(
        declined.verification_uri,
        { flow, otc: declined.user_code, action: 'deny' },
        { headers: { cookie } },
      );
      assertEntraError(await poll(declined.device_code), 400, 'authorization_declined', 70019);

      const late = await start();
      clock.advance(901);
      assertEntraError(await poll(late.device_code), 400, 'expired_token', 70020);
      const tooLate = await approveDeviceCode(late.verification_uri, late.user_code, ANN.user, ANN_PASSWORD);
      assert.match(tooLate.text, /That code didn&#39;t work/);
      assertEntraError(await poll('not-a-device-code'), 400, 'bad_verification_code', 70000);
    });
  });

  describe('Graph under /users/{id | userPrincipalName}', () => {
    it('aliases every /me path for the token own mailbox, by id or address in any case; 403 for another user', async () => {
      const me = (await graphGet(mb.url, '/me', ANN.token)).body;
      for (const who of [me.id, me.id.toUpperCase(), ANN.user, ANN.user.toUpperCase()]) {
        const user = (await graphGet(mb.url, `/users/${encodeURIComponent(who)}`, ANN.token)).body;
        assert.equal(user.id, me.id);
        for (const p of ['/contacts', '/contacts/delta', '/todo/lists', '/mailboxSettings', '/calendars', '/events']) {
          const res = await graphGet(mb.url, `/users/${encodeURIComponent(who)}${p}`, ANN.token);
          assert.equal(res.status, 200, `${who}${p}: ${JSON.stringify(res.body)}`);
        }
      }
      const view = await graphGet(
        mb.url,
        `/users/${me.id}/calendarView?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-03-31T00:00:00Z`,
        ANN.token,
      );
      assert.equal(view.status, 200);
      for (const p of [
        `/users/${BOB.user}/contacts`,
        `/users/${encodeURIComponent(BOB.user)}`,
        '/users/nobody@test.example/todo/lists',
      ]) {
        const res = await graphGet(mb.url, p, ANN.token);
        assert.equal(res.status, 403, p);
        assert.equal(res.body.error.code, 'ErrorAccessDenied');
        assert.equal(res.body.error.message, 'Access is denied. Check credentials and try again.');
      }
      const none = await graphGet(mb.url, `/users/${me.id}/contacts`, 'not-a-token');
      assert.equal(none.status, 401);
    });
  });
});
