/**
 * The service's sign-in over real HTTP against a local org: the product's own outcome and exact text, the secret
 * handed out only on success, and a precise 4xx JSON error for every bad input (never a blank or a stack trace).
 */
import assert from 'node:assert/strict';
import { freePort } from '../../helpers/loopback';
import fs from 'node:fs';
import path from 'node:path';
import { startServiceWorld, ServiceWorld, ServiceAnswer } from '../../helpers/service';
import { sharedMessages } from '../../helpers/shared';
import { SECRET_FILE } from '../../../sync-engine/src/service/secret';
import { BODY_SHAPE } from '../../../sync-engine/src/service/server';

/** An error answer: status, exactly `{error:{code,message[,field]}}` (plus members named in `extra`), JSON. */
function assertError(
  res: ServiceAnswer,
  status: number,
  code: string,
  message?: string | RegExp,
  extra: string[] = [],
): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body).sort(), ['error', ...extra].sort(), res.text);
  assert.equal(res.body.error.code, code, res.text);
  if (typeof message === 'string') assert.equal(res.body.error.message, message);
  else if (message) assert.match(res.body.error.message, message);
  assert.doesNotMatch(res.text, /\bat .+\.js:\d+/, 'no stack trace');
}

describe('service: sign-in', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  const messages = sharedMessages();
  const signIn = (body: unknown) => w.call('POST', '/api/sign-in', { body });
  const as = (product: string, username: string, password: string, extra: Record<string, unknown> = {}) =>
    signIn({ orgUrl: w.org.url, product, username, password, ...extra });

  before(async () => {
    w = await startServiceWorld();
  });
  after(async () => {
    await w?.close();
  });

  it('listens on 127.0.0.1 only', () => {
    assert.equal(w.running.address.address, '127.0.0.1');
    assert.equal(w.running.address.family, 'IPv4');
    assert.match(w.running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers health without a secret', async () => {
    const res = await w.call('GET', '/api/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true, service: 'sfo-compat' });
  });

  it('a user without API Enabled signing in as Salesforce for Outlook gets 403 with exactly sfo.login, and no secret', async () => {
    const res = await as('salesforce-for-outlook', 'bob@test.example', 'Bob-pass-1');
    assertError(res, 403, 'API_CURRENTLY_DISABLED', messages['sfo.login'], [
      'ok',
      'outcome',
      'message',
      'errorCode',
      'product',
    ]);
    assert.deepEqual(res.body, {
      ok: false,
      outcome: 'blocked',
      message: messages['sfo.login'],
      errorCode: 'API_CURRENTLY_DISABLED',
      product: { id: 'salesforce-for-outlook', name: 'Salesforce for Outlook', version: '2.9.3' },
      error: { code: 'API_CURRENTLY_DISABLED', message: messages['sfo.login'] },
    });
    assert.ok(!('secret' in res.body));
    assert.doesNotMatch(res.text, new RegExp(fs.readFileSync(path.join(w.dataDir, SECRET_FILE), 'utf8').trim()));
  });

  it('each desktop product shows its own blocked text', async () => {
    const outlook = await as('connect-for-outlook', 'bob@test.example', 'Bob-pass-1');
    assert.equal(outlook.status, 403);
    assert.equal(outlook.body.message, messages['connectOutlook.login']);
    const office = await as('connect-for-office', 'bob@test.example', 'Bob-pass-1');
    assert.equal(office.status, 403);
    assert.equal(office.body.message, `${messages['connectOffice.login']}\nURL: ${w.org.url}/services/Soap/u/60.0`);
  });

  it('Salesforce for Outlook before 2.3.0 is refused as unsupported, naming productVersion', async () => {
    const res = await as('salesforce-for-outlook', 'ann@test.example', 'Ann-pass-1', { productVersion: '2.2.9' });
    assertError(res, 400, 'UNSUPPORTED_VERSION', messages['sfo.unsupportedVersion'].replace('{version}', '2.2.9'), [
      'ok',
      'outcome',
      'message',
      'errorCode',
      'product',
    ]);
    assert.equal(res.body.error.field, 'productVersion');
  });

  it('ann signs in: the secret (32 bytes, base64url) stored 0600 in the data dir, the outcome and the product', async () => {
    const res = await as('salesforce-for-outlook', 'ann@test.example', 'Ann-pass-1', { productVersion: '2.9.3' });
    assert.equal(res.status, 200, res.text);
    assert.match(res.body.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(res.body.secret, 'base64url').length, 32);
    const file = path.join(w.dataDir, SECRET_FILE);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), res.body.secret);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(
      { ...res.body, secret: '' },
      {
        ok: true,
        secret: '',
        outcome: 'logged-in',
        username: 'ann@test.example',
        orgUrl: w.org.url,
        product: { id: 'salesforce-for-outlook', name: 'Salesforce for Outlook', version: '2.9.3' },
      },
    );
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const status = await w.call('GET', '/api/status', { secret: res.body.secret });
    assert.equal(status.status, 200);
    assert.equal(status.body.username, 'ann@test.example');
  });

  describe('bad input: a precise 4xx JSON error naming the field', () => {
    const good = () => ({
      orgUrl: w.org.url,
      product: 'salesforce-for-outlook',
      username: 'ann@test.example',
      password: 'Ann-pass-1',
    });
    const cases: Array<[string, (g: Record<string, unknown>) => unknown, string, RegExp]> = [
      [
        'empty org URL',
        (g) => ({ ...g, orgUrl: '' }),
        'orgUrl',
        /^orgUrl: is empty: enter the address of your Salesforce org/,
      ],
      ['blank org URL', (g) => ({ ...g, orgUrl: '   ' }), 'orgUrl', /^orgUrl: is empty/],
      ['missing org URL', (g) => ({ ...g, orgUrl: undefined }), 'orgUrl', /^orgUrl: required/],
      [
        'ftp:// org URL',
        (g) => ({ ...g, orgUrl: 'ftp://login.salesforce.com' }),
        'orgUrl',
        /^orgUrl: "ftp:\/\/login\.salesforce\.com" uses ftp: Salesforce is reached over https:\/\//,
      ],
      ['not a URL', (g) => ({ ...g, orgUrl: 'not a url' }), 'orgUrl', /^orgUrl: "not a url" is not a web address/],
      [
        'a host without https://',
        (g) => ({ ...g, orgUrl: 'login.salesforce.com' }),
        'orgUrl',
        /^orgUrl: "login\.salesforce\.com" has no https:\/\/ in front: enter https:\/\/login\.salesforce\.com$/,
      ],
      [
        'plain http to a remote host',
        (g) => ({ ...g, orgUrl: 'http://login.salesforce.com' }),
        'orgUrl',
        /^orgUrl: "http:\/\/login\.salesforce\.com" must use https:\/\//,
      ],
      [
        'credentials in the URL',
        (g) => ({ ...g, orgUrl: 'https://ann:pw@login.salesforce.com' }),
        'orgUrl',
        /^orgUrl: must not contain a user name or password/,
      ],
      ['org URL not text', (g) => ({ ...g, orgUrl: 42 }), 'orgUrl', /^orgUrl: must be a text address/],
      [
        'missing product',
        (g) => ({ ...g, product: undefined }),
        'product',
        /^product: required: one of salesforce-for-outlook, connect-for-outlook, connect-for-office$/,
      ],
      [
        'unknown product',
        (g) => ({ ...g, product: 'lotus-notes' }),
        'product',
        /^product: must be one of .* \(got "lotus-notes"\)$/,
      ],
      [
        'a mobile product',
        (g) => ({ ...g, product: 'salesforce-ios' }),
        'product',
        /^product: Salesforce downloadable app for iOS does not sync Outlook data/,
      ],
      [
        'malformed version',
        (g) => ({ ...g, productVersion: 'two' }),
        'productVersion',
        /^productVersion: must be a version like "2\.9\.3" \(got "two"\)$/,
      ],
      ['missing username', (g) => ({ ...g, username: undefined }), 'username', /^username: required/],
      ['missing password', (g) => ({ ...g, password: undefined }), 'password', /^password: required/],
      ['empty password', (g) => ({ ...g, password: '' }), 'password', /^password: required/],
    ];
    for (const [what, change, field, message] of cases) {
      it(what, async () => {
        const res = await signIn(change(good()));
        assertError(res, 400, 'INVALID_INPUT', message);
        assert.equal(res.body.error.field, field);
      });
    }

    it("a wrong password: 401 with Salesforce's own message", async () => {
      const res = await as('salesforce-for-outlook', 'ann@test.example', 'wrong');
      assertError(
        res,
        401,
        'INVALID_LOGIN',
        'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
        ['ok', 'outcome', 'message', 'errorCode', 'product'],
      );
      assert.equal(res.body.outcome, 'login-failed');
    });

    it("an org that cannot be reached: 502 with the product's network text", async () => {
      const port = await freePort();
      const res = await signIn({ ...good(), orgUrl: `http://127.0.0.1:${port}` });
      // The product's text (products/outcome.ts), naming the URL once (regression: the reason repeated it).
      assertError(
        res,
        502,
        'ORG_UNREACHABLE',
        new RegExp(
          `^Could not connect to Salesforce at http://127\\.0\\.0\\.1:${port}/services/Soap/u/60\\.0: connection refused$`,
        ),
        ['ok', 'outcome', 'message', 'errorCode', 'product'],
      );
      assert.equal(res.body.message, res.body.error.message);
      assert.equal(res.body.outcome, 'network-error');
      assert.equal(res.body.errorCode, 'ECONNREFUSED');
    });

    it('bad JSON: 400 BAD_JSON', async () => {
      const res = await w.call('POST', '/api/sign-in', { raw: '{"orgUrl": ' });
      assertError(res, 400, 'BAD_JSON', /^The request body is not valid JSON: /);
    });

    it('a body of more JSON values than any request needs: 413 JSON_TOO_COMPLEX, refused before it is parsed', async () => {
      const res = await w.call('POST', '/api/sign-in', { raw: `[${'0,'.repeat(BODY_SHAPE.values + 1)}0]` });
      assertError(res, 413, 'JSON_TOO_COMPLEX', /^The request body holds more than 60000 JSON values: send fewer rows/);
      const nested = await w.call('POST', '/api/sign-in', { raw: `${'['.repeat(3000)}${']'.repeat(3000)}` });
      assertError(nested, 413, 'JSON_TOO_COMPLEX', /more than 2000 JSON objects and arrays/);
    });

    it('no body: 400 BODY_REQUIRED', async () => {
      assertError(await w.call('POST', '/api/sign-in'), 400, 'BODY_REQUIRED', 'This request needs a JSON object body.');
      assertError(await w.call('POST', '/api/sign-in', { raw: '[]' }), 400, 'BODY_REQUIRED');
    });

    it('a body that is not JSON: 415', async () => {
      const res = await w.call('POST', '/api/sign-in', {
        raw: 'orgUrl=x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assertError(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Content-Type "application/x-www-form-urlencoded" is not accepted: send application/json.',
      );
    });

    it('an unknown route: 404 JSON', async () => {
      assertError(
        await w.call('GET', '/api/nothing?x=1'),
        404,
        'NOT_FOUND',
        'There is no GET /api/nothing in the service API.',
      );
      assertError(await w.call('GET', '/'), 404, 'NOT_FOUND');
    });
  });
});
