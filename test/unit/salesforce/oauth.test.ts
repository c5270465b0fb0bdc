import assert from 'node:assert/strict';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startTestOrg } from '../../helpers/org';
import {
  passwordGrant,
  loginWithAuthorizationCode,
  refreshTokenGrant,
  revoke,
} from '../../../sync-engine/src/salesforce/oauth';
import { identity } from '../../../sync-engine/src/salesforce/identity';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import { query } from '../../../sync-engine/src/salesforce/query';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';

describe('salesforce/oauth against the local org', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg();
  });
  after(async () => {
    await org.close();
  });

  it('password grant: tokens and the ids from the identity URL', async () => {
    const t = await passwordGrant({
      loginUrl: org.url,
      clientId: 'reporting-client',
      clientSecret: 'reporting-secret',
      username: 'ann@test.example',
      password: 'Ann-pass-1',
    });
    assert.equal(t.instanceUrl, org.url);
    assert.match(t.userId, /^005/);
    assert.match(t.organizationId, /^00D/);
    assert.equal(t.refreshToken, null);
    const who = await identity(t.identityUrl, t.accessToken);
    assert.deepEqual([who.userId, who.userType, who.username], [t.userId, 'STANDARD', 'ann@test.example']);
  });

  it('password grant with a bad password: invalid_grant', async () => {
    await assert.rejects(
      passwordGrant({
        loginUrl: org.url,
        clientId: 'reporting-client',
        clientSecret: 'reporting-secret',
        username: 'ann@test.example',
        password: 'nope',
      }),
      (err: SalesforceApiError) => err.errorCode === 'invalid_grant' && err.status === 400,
    );
  });

  it('web-server flow with PKCE through the login page, then refresh, then revoke', async () => {
    const client = { loginUrl: org.url, clientId: 'SfdcMobileChatteriOS' };
    const t = await loginWithAuthorizationCode({
      ...client,
      redirectUri: 'sfdc://success',
      username: 'ann@test.example',
      password: 'Ann-pass-1',
    });
    assert.ok(t.refreshToken);
    const conn = new Connection({ instanceUrl: t.instanceUrl, accessToken: t.accessToken });
    assert.equal((await query(conn, `SELECT Id FROM User WHERE Id = '${t.userId}'`)).records.length, 1);
    const again = await refreshTokenGrant({ ...client, refreshToken: t.refreshToken! });
    assert.notEqual(again.accessToken, t.accessToken);
    assert.equal(again.refreshToken, t.refreshToken);
    await revoke(org.url, t.refreshToken!);
    await assert.rejects(refreshTokenGrant({ ...client, refreshToken: t.refreshToken! }), {
      errorCode: 'invalid_grant',
    });
  });

  it("the login page coming back is INVALID_LOGIN with the page's text", async () => {
    await assert.rejects(
      loginWithAuthorizationCode({
        loginUrl: org.url,
        clientId: 'SfdcMobileChatteriOS',
        redirectUri: 'sfdc://success',
        username: 'ann@test.example',
        password: 'wrong',
      }),
      (err: SalesforceApiError) =>
        err.errorCode === 'INVALID_LOGIN' && /check your username and password/.test(err.message),
    );
  });
});
