/** OAuth 2.0, the identity service and the browser login over real HTTP (WIRE.md 2, ACCESS.md 3). */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import jsforce from 'jsforce';
import { testSeed, userId } from '../../helpers/org';
import { LocalOrg, startLocalOrg } from '../../../sync-engine/src/local-org';
import { OrgSeed } from '../../../sync-engine/src/local-org/seed';

const LOGIN_FAILED =
  "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";
const IOS = { clientId: 'SfdcMobileChatteriOS', redirectUri: 'sfdc://success' };

/** The fixture without sample records: these flows need none. */
function seed(): OrgSeed {
  const s = testSeed();
  delete s.records;
  return s;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

/** The hidden fields of the login page, as a browser would post them back. */
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    out[m[1]] = m[2]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return out;
}

describe('local org: OAuth 2.0', () => {
  let org: LocalOrg;
  let now = Date.parse('2024-03-01T09:00:00Z');
  const token = (values: Record<string, string>) => call(`${org.url}/services/oauth2/token`, form(values));
  const history = (username: string) =>
    org.ctx.store.db
      .prepare(`SELECT * FROM sobj_LoginHistory WHERE "UserId" = ? ORDER BY "Id"`)
      .all(userId(org, username)) as Array<Record<string, unknown>>;

  /** GET the authorization page, post the form, and return the redirect. */
  async function authorize(username: string, password: string, extra: Record<string, string> = {}): Promise<Answer> {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: IOS.clientId,
      redirect_uri: IOS.redirectUri,
      state: 'st-1',
      ...extra,
    });
    const page = await call(`${org.url}/services/oauth2/authorize?${query}`);
    assert.equal(page.status, 200, page.text);
    return call(`${org.url}/services/oauth2/authorize`, form({ ...hiddenFields(page.text), username, pw: password }));
  }

  before(async () => {
    org = await startLocalOrg({ seed: seed(), dataDir: ':memory:', port: 0, clock: { now: () => new Date(now) } });
  });
  after(async () => org.close());

  describe('password grant', () => {
    it('issues a token with the fields, order and signature of WIRE.md 2.1', async () => {
      const answer = await token({
        grant_type: 'password',
        client_id: 'reporting-client',
        client_secret: 'reporting-secret',
        username: 'ann@test.example',
        password: 'Ann-pass-1',
      });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers.get('content-type'), 'application/json;charset=UTF-8');
      const body = answer.json<Record<string, string>>();
      assert.deepEqual(Object.keys(body), [
        'access_token',
        'signature',
        'scope',
        'instance_url',
        'id',
        'token_type',
        'issued_at',
      ]);
      assert.equal(body.instance_url, org.url);
      assert.equal(body.id, `${org.url}/id/${org.ctx.orgId()}/${userId(org, 'ann@test.example')}`);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.issued_at, String(now));
      assert.equal(
        body.signature,
        crypto
          .createHmac('sha256', 'reporting-secret')
          .update(body.id + body.issued_at)
          .digest('base64'),
      );
      assert.equal(org.ctx.sessions.findAccess(body.access_token)?.clientId, 'reporting-client');
      const row = history('ann@test.example').at(-1)!;
      assert.deepEqual(
        [row.Status, row.LoginType, row.Application],
        ['Success', 'Remote Access 2.0', 'Reporting Tool'],
      );
    });

    it('accepts the client credentials as HTTP Basic', async () => {
      const answer = await call(`${org.url}/services/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('reporting-client:reporting-secret').toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: 'ann@test.example',
          password: 'Ann-pass-1',
        }).toString(),
      });
      assert.equal(answer.status, 200, answer.text);
    });

    it("answers each mistake with Salesforce's error body", async () => {
      const ok = {
        grant_type: 'password',
        client_id: 'reporting-client',
        client_secret: 'reporting-secret',
        username: 'ann@test.example',
        password: 'Ann-pass-1',
      };
      const cases: Array<[Record<string, string>, { error: string; error_description: string }]> = [
        [
          { ...ok, password: 'wrong' },
          { error: 'invalid_grant', error_description: 'authentication failure' },
        ],
        [
          { ...ok, username: 'nobody@test.example' },
          { error: 'invalid_grant', error_description: 'authentication failure' },
        ],
        [
          { ...ok, username: 'old@test.example', password: 'Old-pass-1' },
          { error: 'invalid_grant', error_description: 'authentication failure' },
        ],
        [
          { ...ok, client_secret: 'guess' },
          { error: 'invalid_client', error_description: 'invalid client credentials' },
        ],
        [
          { ...ok, client_id: 'who' },
          { error: 'invalid_client_id', error_description: 'client identifier invalid' },
        ],
        [
          { ...ok, grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer' },
          { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
        ],
        [
          { client_id: 'reporting-client' },
          { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
        ],
      ];
      for (const [values, expected] of cases) {
        const answer = await token(values);
        assert.equal(answer.status, 400, JSON.stringify(values));
        assert.equal(answer.headers.get('content-type'), 'application/json;charset=UTF-8');
        assert.deepEqual(answer.json(), expected, JSON.stringify(values));
      }
    });

    it('answers malformed requests with invalid_request, never a 500', async () => {
      const duplicate = await call(`${org.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&grant_type=refresh_token',
      });
      assert.deepEqual(
        [duplicate.status, duplicate.json()],
        [400, { error: 'invalid_request', error_description: 'duplicate parameter: grant_type' }],
      );
      const badJson = await call(`${org.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      assert.equal(badJson.status, 400);
      assert.equal(badJson.json().error, 'invalid_request');
      const binary = await call(`${org.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: 'x',
      });
      assert.equal(binary.status, 400);
      assert.equal(binary.json().error, 'invalid_request');
    });

    it('issues tokens to a user the rule blocks; the first data call is refused (ACCESS.md 3)', async () => {
      const answer = await token({
        grant_type: 'password',
        client_id: 'reporting-client',
        client_secret: 'reporting-secret',
        username: 'bob@test.example',
        password: 'Bob-pass-1',
      });
      assert.equal(answer.status, 200);
      const data = await call(`${org.url}/services/data/v60.0/limits`, {
        headers: { authorization: `Bearer ${answer.json().access_token}` },
      });
      assert.equal(data.status, 403);
      assert.deepEqual(JSON.parse(data.text), [
        { message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' },
      ]);
    });

    it('logs jsforce in by the password grant', async () => {
      const conn = new jsforce.Connection({
        oauth2: { clientId: 'reporting-client', clientSecret: 'reporting-secret', loginUrl: org.url },
        version: '60.0',
      });
      const info = await conn.login('cy@test.example', 'Cy-pass-1');
      assert.equal(info.id, userId(org, 'cy@test.example'));
      assert.equal(info.organizationId, org.ctx.orgId());
      const resources = await conn.request<Record<string, string>>('/services/data/v60.0/');
      assert.equal(resources.identity, `${org.url}/id/${org.ctx.orgId()}/${info.id}`);
      const identity = await conn.identity();
      assert.equal(identity.username, 'cy@test.example');
    });
  });

  describe('web-server flow with PKCE', () => {
    it('renders an accessible, escaped login page carrying the OAuth parameters', async () => {
      const { challenge } = pkce();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        state: '"><script>x</script>',
        code_challenge: challenge,
      });
      const page = await call(`${org.url}/services/oauth2/authorize?${query}`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html;charset=UTF-8');
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.match(page.text, /<html lang="en">/);
      assert.match(page.text, /<label for="username">Username<\/label><input id="username" name="username"/);
      assert.match(page.text, /<label for="password">Password<\/label><input id="password" name="pw" type="password"/);
      assert.match(page.text, /<button type="submit"[^>]*>Log In<\/button>/);
      assert.ok(!page.text.includes('<script>'));
      assert.deepEqual(hiddenFields(page.text), {
        response_type: 'code',
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        state: '"><script>x</script>',
        code_challenge: challenge,
      });
    });

    it('runs the whole flow: page, form, redirect with code and state, exchange, refresh, revoke', async () => {
      const { verifier, challenge } = pkce();
      const redirect = await authorize('ann@test.example', 'Ann-pass-1', {
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      assert.equal(redirect.status, 302);
      const location = new URL(redirect.headers.get('location')!);
      assert.equal(`${location.protocol}//${location.host}`, IOS.redirectUri);
      assert.equal(location.searchParams.get('state'), 'st-1');
      const code = location.searchParams.get('code')!;
      assert.ok(code);

      const answer = await token({
        grant_type: 'authorization_code',
        code,
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        code_verifier: verifier,
      });
      assert.equal(answer.status, 200, answer.text);
      const tokens = answer.json<Record<string, string>>();
      assert.deepEqual(Object.keys(tokens), [
        'access_token',
        'refresh_token',
        'signature',
        'scope',
        'instance_url',
        'id',
        'token_type',
        'issued_at',
      ]);
      assert.equal(tokens.scope, 'api refresh_token');
      const data = await call(`${org.url}/services/data/v60.0/`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(data.status, 200);

      const refreshed = await token({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: IOS.clientId,
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      const again = refreshed.json<Record<string, string>>();
      assert.equal(again.refresh_token, undefined);
      assert.equal(again.scope, 'api refresh_token');
      assert.notEqual(again.access_token, tokens.access_token);

      const revoked = await call(`${org.url}/services/oauth2/revoke`, form({ token: tokens.refresh_token }));
      assert.deepEqual([revoked.status, revoked.text], [200, '']);
      const after = await call(`${org.url}/services/data/v60.0/`, {
        headers: { authorization: `Bearer ${again.access_token}` },
      });
      assert.equal(after.status, 401);
      const dead = await token({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: IOS.clientId,
      });
      assert.deepEqual(dead.json(), { error: 'invalid_grant', error_description: 'expired access/refresh token' });
      const unknown = await call(`${org.url}/services/oauth2/revoke?token=nothing`);
      assert.equal(unknown.status, 400);
    });

    it('refuses a wrong verifier, and a code is spent by its first use', async () => {
      const { verifier, challenge } = pkce();
      const code = new URL(
        (await authorize('ann@test.example', 'Ann-pass-1', { code_challenge: challenge })).headers.get('location')!,
      ).searchParams.get('code')!;
      const wrong = await token({
        grant_type: 'authorization_code',
        code,
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        code_verifier: pkce().verifier,
      });
      assert.deepEqual(
        [wrong.status, wrong.json()],
        [400, { error: 'invalid_grant', error_description: 'invalid code verifier' }],
      );
      const reuse = await token({
        grant_type: 'authorization_code',
        code,
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        code_verifier: verifier,
      });
      assert.deepEqual(reuse.json(), { error: 'invalid_grant', error_description: 'invalid authorization code' });
    });

    it('refuses a missing verifier, a different redirect_uri and an expired code', async () => {
      const { verifier, challenge } = pkce();
      const codeFor = async () =>
        new URL(
          (await authorize('ann@test.example', 'Ann-pass-1', { code_challenge: challenge })).headers.get('location')!,
        ).searchParams.get('code')!;
      const noVerifier = await token({
        grant_type: 'authorization_code',
        code: await codeFor(),
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
      });
      assert.deepEqual(noVerifier.json(), { error: 'invalid_grant', error_description: 'invalid code verifier' });
      const otherUri = await token({
        grant_type: 'authorization_code',
        code: await codeFor(),
        client_id: IOS.clientId,
        redirect_uri: 'sfdc://other',
        code_verifier: verifier,
      });
      assert.deepEqual(otherUri.json(), {
        error: 'redirect_uri_mismatch',
        error_description: 'redirect_uri must match configuration',
      });
      const late = await codeFor();
      now += 15 * 60_000;
      const expired = await token({
        grant_type: 'authorization_code',
        code: late,
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        code_verifier: verifier,
      });
      assert.deepEqual(expired.json(), { error: 'invalid_grant', error_description: 'authorization code expired' });
    });

    it("re-renders the page with Salesforce's text on a bad password", async () => {
      const answer = await authorize('ann@test.example', 'wrong');
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('location'), null);
      assert.ok(answer.text.includes(`<div id="error" role="alert">${LOGIN_FAILED.replace("'", '&#39;')}</div>`));
      assert.ok(answer.text.includes('value="ann@test.example"'));
      assert.equal(hiddenFields(answer.text).client_id, IOS.clientId);
    });

    it('never redirects to an unregistered URI, and refuses an unknown client on a page', async () => {
      const evil = await call(
        `${org.url}/services/oauth2/authorize?response_type=code&client_id=${IOS.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      );
      assert.equal(evil.status, 400);
      assert.equal(evil.headers.get('location'), null);
      assert.ok(evil.text.includes('error=redirect_uri_mismatch'));
      const posted = await call(
        `${org.url}/services/oauth2/authorize`,
        form({
          response_type: 'code',
          client_id: IOS.clientId,
          redirect_uri: 'https://evil.example/cb',
          username: 'ann@test.example',
          pw: 'Ann-pass-1',
        }),
      );
      assert.equal(posted.status, 400);
      assert.equal(posted.headers.get('location'), null);
      const unknown = await call(
        `${org.url}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=sfdc%3A%2F%2Fsuccess`,
      );
      assert.equal(unknown.status, 400);
      assert.ok(unknown.text.includes('error=invalid_client_id'));
    });

    it('sends request errors back to the registered URI with the state', async () => {
      const answer = await call(
        `${org.url}/services/oauth2/authorize?response_type=token&client_id=${IOS.clientId}&redirect_uri=sfdc%3A%2F%2Fsuccess&state=s9`,
      );
      assert.equal(answer.status, 302);
      assert.equal(
        answer.headers.get('location'),
        'sfdc://success?error=unsupported_response_type&error_description=response+type+not+supported&state=s9',
      );
      const plain = await call(
        `${org.url}/services/oauth2/authorize?response_type=code&client_id=${IOS.clientId}&redirect_uri=sfdc%3A%2F%2Fsuccess&code_challenge=abc&code_challenge_method=plain`,
      );
      assert.match(plain.headers.get('location')!, /^sfdc:\/\/success\?error=invalid_request&/);
    });

    it('sends a Chatter External user of a blocked allowlisted app back to the login page with error=access_denied', async () => {
      const answer = await authorize('eve@test.example', 'Eve-pass-1', { code_challenge: pkce().challenge });
      assert.equal(answer.status, 302);
      const location = new URL(answer.headers.get('location')!);
      assert.equal(`${location.origin}${location.pathname}`, `${org.url}/services/oauth2/authorize`);
      assert.equal(location.searchParams.get('error'), 'access_denied');
      assert.equal(location.searchParams.get('code'), null);
      assert.equal(history('eve@test.example').at(-1)?.Status, 'API Currently Disabled');
      const page = await call(location.href);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes('role="alert"'), 'no message: back to the login page');
    });

    it('gives a Chatter Free user a code and tokens; her first data call is refused', async () => {
      const { verifier, challenge } = pkce();
      const redirect = await authorize('dee@test.example', 'Dee-pass-1', { code_challenge: challenge });
      assert.equal(redirect.status, 302);
      const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
      const answer = await token({
        grant_type: 'authorization_code',
        code,
        client_id: IOS.clientId,
        redirect_uri: IOS.redirectUri,
        code_verifier: verifier,
      });
      assert.equal(answer.status, 200);
      assert.equal(history('dee@test.example').at(-1)?.Status, 'Success');
      const data = await call(`${org.url}/services/data/v60.0/limits`, {
        headers: { authorization: `Bearer ${answer.json().access_token}` },
      });
      assert.equal(data.status, 403);
      assert.deepEqual(JSON.parse(data.text), [
        { message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' },
      ]);
    });
  });

  describe('identity service', () => {
    const sessionOf = async (username: string, password: string) =>
      (
        await token({
          grant_type: 'password',
          client_id: 'reporting-client',
          client_secret: 'reporting-secret',
          username,
          password,
        })
      ).json<Record<string, string>>();

    it('answers userinfo with STANDARD or CSN_ONLY', async () => {
      const ann = await sessionOf('ann@test.example', 'Ann-pass-1');
      const info = await call(`${org.url}/services/oauth2/userinfo`, {
        headers: { authorization: `Bearer ${ann.access_token}` },
      });
      assert.equal(info.status, 200);
      assert.equal(info.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.deepEqual(
        (({ sub, user_id, organization_id, preferred_username, name, user_type, active }) => ({
          sub,
          user_id,
          organization_id,
          preferred_username,
          name,
          user_type,
          active,
        }))(info.json()),
        {
          sub: ann.id,
          user_id: userId(org, 'ann@test.example'),
          organization_id: org.ctx.orgId(),
          preferred_username: 'ann@test.example',
          name: 'Ann Lee',
          user_type: 'STANDARD',
          active: true,
        },
      );
      const dee = await sessionOf('dee@test.example', 'Dee-pass-1');
      const deeInfo = await call(
        `${org.url}/services/oauth2/userinfo?oauth_token=${encodeURIComponent(dee.access_token)}`,
        { method: 'POST' },
      );
      assert.equal(deeInfo.json().user_type, 'CSN_ONLY');
    });

    it('serves the identity URL with a Bearer header or oauth_token', async () => {
      const ann = await sessionOf('ann@test.example', 'Ann-pass-1');
      const byHeader = await call(`${ann.id}?format=json`, {
        headers: { authorization: `Bearer ${ann.access_token}` },
      });
      assert.equal(byHeader.status, 200);
      const body = byHeader.json<Record<string, unknown>>();
      assert.equal(body.id, ann.id);
      assert.equal(body.user_type, 'STANDARD');
      assert.equal(body.utcOffset, -28800000);
      assert.equal((body.urls as Record<string, string>).rest, `${org.url}/services/data/v{version}/`);
      const byQuery = await call(`${ann.id}?version=60.0&oauth_token=${encodeURIComponent(ann.access_token)}`);
      assert.equal((byQuery.json().urls as Record<string, string>).rest, `${org.url}/services/data/v60.0/`);
    });

    it("answers identity failures with Salesforce's codes", async () => {
      const ann = await sessionOf('ann@test.example', 'Ann-pass-1');
      const bobUrl = `${org.url}/id/${org.ctx.orgId()}/${userId(org, 'bob@test.example')}`;
      const cases: Array<[string, RequestInit, number, string]> = [
        [ann.id, {}, 403, 'Missing_OAuth_Token'],
        [`${ann.id}?oauth_token=bogus`, {}, 403, 'Bad_OAuth_Token'],
        [bobUrl, { headers: { authorization: `Bearer ${ann.access_token}` } }, 404, 'Bad_Id'],
        [
          `${org.url}/id/00D000000000000AAA/${userId(org, 'ann@test.example')}`,
          { headers: { authorization: `Bearer ${ann.access_token}` } },
          403,
          'Wrong_Org',
        ],
        [`${ann.id}?version=x`, { headers: { authorization: `Bearer ${ann.access_token}` } }, 406, 'Invalid_Version'],
      ];
      for (const [url, init, status, text] of cases) {
        const answer = await call(url, init);
        assert.deepEqual([answer.status, answer.text], [status, text], url);
      }
    });
  });
});

describe('local org: browser login', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startLocalOrg({ seed: seed(), dataDir: ':memory:', port: 0 });
  });
  after(async () => org.close());

  it('renders the login page at /', async () => {
    const page = await call(`${org.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<form method="post" action="\/"/);
    assert.match(page.text, /name="pw" type="password"/);
  });

  it("re-renders with Salesforce's text on failure", async () => {
    const answer = await call(`${org.url}/`, form({ username: 'bob@test.example', pw: 'nope' }));
    assert.equal(answer.status, 200);
    assert.ok(answer.text.includes(LOGIN_FAILED.replace("'", '&#39;')));
  });

  it('logs a user without API Enabled in: the rule never applies to the web UI', async () => {
    const answer = await call(`${org.url}/`, form({ username: 'bob@test.example', pw: 'Bob-pass-1' }));
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.get('location'), '/home/home.jsp');
    const cookie = answer.headers.get('set-cookie')!;
    assert.match(cookie, /^sid=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const home = await call(`${org.url}/home/home.jsp`, { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(home.status, 200);
    assert.ok(home.text.includes('Bob Ray'));
    const row = org.ctx.store.db
      .prepare(`SELECT * FROM sobj_LoginHistory WHERE "UserId" = ? ORDER BY "Id" DESC`)
      .get(userId(org, 'bob@test.example')) as Record<string, unknown>;
    assert.deepEqual(
      [row.Status, row.LoginType, row.Application, row.ApiType],
      ['Success', 'Application', 'Browser', null],
    );
  });

  it("answers an unreadable form with the page, not the REST API's JSON", async () => {
    const answer = await call(`${org.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{x',
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('content-type'), 'text/html;charset=UTF-8');
    assert.match(answer.text, /role="alert">The login form could not be read/);
  });

  it('sends a visitor without a session back to the login page', async () => {
    const answer = await call(`${org.url}/home/home.jsp`, { headers: { cookie: 'sid=forged' } });
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.get('location'), '/?ec=302&startURL=%2Fhome%2Fhome.jsp');
  });
});
