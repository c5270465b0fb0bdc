/**
 * The OAuth flows integrations use without a person (issue 15): client credentials (a connected app's run-as user,
 * `clientCredentialsUser` in the seed) and JWT bearer (RS256 assertions verified with the app's `certificate`), over
 * real HTTP; the tokens then drive jsforce 3.10.16 unchanged; the access rule applies to their data calls as to
 * any login's; bad assertions get Salesforce's errors; the seed keys are checked.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { validateSeed } from '../../../sync-engine/src/local-org/seed';
import { startTestOrg, testSeed } from '../../helpers/org';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('local org: OAuth client credentials and JWT bearer flows', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

  const token = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${org.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const jwt = (claims: Record<string, unknown>, key: crypto.KeyObject = privateKey, alg = 'RS256') => {
    const head = `${b64({ alg })}.${b64(claims)}`;
    return `${head}.${crypto.sign('RSA-SHA256', Buffer.from(head), key).toString('base64url')}`;
  };
  const claims = (over: Record<string, unknown> = {}) => ({
    iss: 'jwt-client',
    sub: 'ann@test.example',
    aud: org.url,
    exp: Math.floor(Date.now() / 1000) + 300,
    ...over,
  });

  before(async () => {
    const seed = testSeed();
    seed.connectedApps!.push(
      {
        name: 'Nightly Integration',
        clientId: 'cc-client',
        clientSecret: 'cc-secret',
        allowlisted: false,
        clientCredentialsUser: 'ann@test.example',
      },
      {
        name: 'Blocked Integration',
        clientId: 'cc-bob',
        clientSecret: 'bob-secret',
        allowlisted: false,
        clientCredentialsUser: 'bob@test.example',
      },
      {
        name: 'CI',
        clientId: 'jwt-client',
        allowlisted: false,
        certificate: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      },
    );
    org = await startTestOrg(seed);
  });
  after(async () => org.close());

  it('client credentials: a token for the run-as user that jsforce uses unchanged, and a LoginHistory row', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'cc-client', client_secret: 'cc-secret' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body), [
      'access_token',
      'signature',
      'scope',
      'instance_url',
      'id',
      'token_type',
      'issued_at',
    ]);
    const conn = new jsforce.Connection({
      instanceUrl: res.body.instance_url,
      accessToken: res.body.access_token,
      version: '60.0',
    });
    assert.equal((await conn.identity()).username, 'ann@test.example');
    assert.equal((await conn.query('SELECT Id FROM Contact')).totalSize, 1);
    const history = await conn.query<{ Application: string; LoginType: string }>(
      "SELECT Application, LoginType FROM LoginHistory WHERE Application = 'Nightly Integration'",
    );
    assert.equal(history.totalSize, 1);
    assert.equal(history.records[0].LoginType, 'Remote Access 2.0');

    const basic = Buffer.from('cc-client:cc-secret').toString('base64');
    assert.equal((await token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` })).status, 200);
  });

  it('client credentials: a wrong secret, a public client and an app without a run-as user are refused', async () => {
    const wrong = await token({ grant_type: 'client_credentials', client_id: 'cc-client', client_secret: 'nope' });
    assert.deepEqual([wrong.status, wrong.body.error], [400, 'invalid_client']);
    const publicClient = await token({ grant_type: 'client_credentials', client_id: 'SfdcSalesforceForOutlook' });
    assert.equal(publicClient.body.error, 'invalid_client');
    const noUser = await token({
      grant_type: 'client_credentials',
      client_id: 'reporting-client',
      client_secret: 'reporting-secret',
    });
    assert.deepEqual(noUser.body, { error: 'invalid_grant', error_description: 'no client credentials user enabled' });
  });

  it('JWT bearer: a signed assertion for a user gives a token jsforce uses unchanged', async () => {
    const res = await token({ grant_type: JWT_BEARER, assertion: jwt(claims()) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.refresh_token, undefined);
    const conn = new jsforce.Connection({
      instanceUrl: res.body.instance_url,
      accessToken: res.body.access_token,
      version: '60.0',
    });
    assert.equal((await conn.identity()).username, 'ann@test.example');
    // sf sends the login host it was given: Salesforce's own login URL is accepted as the audience too.
    const sfAud = await token({
      grant_type: JWT_BEARER,
      assertion: jwt(claims({ aud: 'https://login.salesforce.com' })),
    });
    assert.equal(sfAud.status, 200);
  });

  it('JWT bearer: a wrong key, alg, audience, issuer, user or an expired assertion is refused', async () => {
    const cases: Array<[string, string, string]> = [
      [jwt(claims(), other.privateKey), 'invalid_grant', 'invalid assertion'],
      [jwt(claims(), privateKey, 'none'), 'invalid_grant', 'invalid assertion'],
      [jwt(claims({ aud: 'https://evil.example' })), 'invalid_grant', 'audience is invalid'],
      [jwt(claims({ exp: Math.floor(Date.now() / 1000) - 600 })), 'invalid_grant', 'expired assertion'],
      [jwt(claims({ iss: 'nobody' })), 'invalid_client_id', 'client identifier invalid'],
      [jwt(claims({ sub: 'ghost@test.example' })), 'invalid_grant', 'user not found'],
      [jwt(claims({ sub: 'old@test.example' })), 'invalid_grant', 'inactive user'],
      ['not.a.jwt', 'invalid_grant', 'invalid assertion'],
      ['x'.repeat(9000), 'invalid_grant', 'invalid assertion'],
    ];
    for (const [assertion, error, description] of cases) {
      const res = await token({ grant_type: JWT_BEARER, assertion });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error, error_description: description }, assertion.slice(0, 60));
    }
    const noCert = await token({ grant_type: JWT_BEARER, assertion: jwt(claims({ iss: 'cc-client' })) });
    assert.match(noCert.body.error_description, /^invalid assertion: the connected app has no certificate/);
  });

  it('applies the access rule to the data calls of both flows: a user without API access gets API_CURRENTLY_DISABLED', async () => {
    const cc = await token({ grant_type: 'client_credentials', client_id: 'cc-bob', client_secret: 'bob-secret' });
    const bearer = await token({ grant_type: JWT_BEARER, assertion: jwt(claims({ sub: 'bob@test.example' })) });
    for (const t of [cc.body.access_token, bearer.body.access_token]) {
      assert.ok(t);
      const res = await fetch(`${org.url}/services/data/v60.0/query?q=SELECT+Id+FROM+Contact`, {
        headers: { authorization: `Bearer ${t}` },
      });
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as Array<{ errorCode: string }>)[0].errorCode, 'API_CURRENTLY_DISABLED');
    }
  });

  it('checks the seed keys: a run-as user who exists, with a secret; a certificate that is one', () => {
    const seed = testSeed();
    seed.connectedApps!.push(
      { name: 'A', clientId: 'a', allowlisted: false, clientCredentialsUser: 'nobody@test.example' },
      { name: 'B', clientId: 'b', allowlisted: false, certificate: 'not a certificate' },
    );
    assert.deepEqual(validateSeed(seed), [
      'connectedApps[6].clientCredentialsUser: "nobody@test.example" is none of the users\' usernames',
      'connectedApps[6].clientCredentialsUser: the client credentials flow needs a clientSecret too',
      'connectedApps[7].certificate: not a PEM certificate or RSA public key (-----BEGIN CERTIFICATE-----...)',
    ]);
  });
});
