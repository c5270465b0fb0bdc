/**
 * A reused authorization code (issue 10, finding 13): RFC 6749 section 4.1.2 says the server should revoke
 * the tokens issued from it, since one of the two callers holding the code is not the client.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startTestOrg } from '../../helpers/org';

const IOS = { client_id: 'SfdcMobileChatteriOS', redirect_uri: 'sfdc://success' };

interface Tokens {
  access_token: string;
  refresh_token: string;
}

function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

describe('local org: a reused authorization code', () => {
  let org: LocalOrg;

  before(async () => {
    org = await startTestOrg();
  });
  after(async () => org.close());

  /** ann through the login page of the web-server flow with PKCE: a code and its verifier. */
  async function codeForAnn(): Promise<{ code: string; verifier: string }> {
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const query = { response_type: 'code', ...IOS, code_challenge: challenge };
    const res = await fetch(`${org.url}/services/oauth2/authorize`, {
      ...form({ ...query, username: 'ann@test.example', pw: 'Ann-pass-1' }),
      redirect: 'manual',
    });
    assert.equal(res.status, 302, await res.text());
    return { code: new URL(res.headers.get('location')!).searchParams.get('code')!, verifier };
  }

  const exchange = async (c: { code: string; verifier: string }) => {
    const res = await fetch(
      `${org.url}/services/oauth2/token`,
      form({ grant_type: 'authorization_code', ...IOS, code: c.code, code_verifier: c.verifier }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const dataStatus = async (accessToken: string) =>
    (await fetch(`${org.url}/services/data/v60.0/limits`, { headers: { authorization: `Bearer ${accessToken}` } }))
      .status;
  const refresh = async (refreshToken: string) => {
    const res = await fetch(
      `${org.url}/services/oauth2/token`,
      form({ grant_type: 'refresh_token', client_id: IOS.client_id, refresh_token: refreshToken }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it('is refused, and every token issued from it stops working: the access token, the refresh token, and what it refreshed', async () => {
    const code = await codeForAnn();
    const first = await exchange(code);
    assert.equal(first.status, 200);
    const tokens = first.body as unknown as Tokens;
    const refreshed = await refresh(tokens.refresh_token);
    assert.equal(refreshed.status, 200);
    assert.equal(await dataStatus(tokens.access_token), 200);
    assert.equal(await dataStatus(refreshed.body.access_token), 200);

    const again = await exchange(code);
    assert.deepEqual(again, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid authorization code' },
    });
    assert.equal(await dataStatus(tokens.access_token), 401);
    assert.equal(await dataStatus(refreshed.body.access_token), 401);
    assert.deepEqual(await refresh(tokens.refresh_token), {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
  });

  it('leaves the tokens of other codes alone', async () => {
    const mine = await exchange(await codeForAnn());
    const stolen = await codeForAnn();
    assert.equal((await exchange(stolen)).status, 200);
    assert.equal((await exchange(stolen)).status, 400);
    assert.equal(await dataStatus(mine.body.access_token), 200);
    assert.equal((await refresh(mine.body.refresh_token)).status, 200);
  });
});
