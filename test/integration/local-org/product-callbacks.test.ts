/**
 * A product's own connected app accepts that product's callback whatever the seed lists (issue 15): ORG-SEED.md makes
 * `callbackUrls` optional, and a seed leaving it out broke every mobile login with `redirect_uri must match
 * configuration`. In a real org these are Salesforce's managed apps, whose callbacks the admin does not set.
 */
import assert from 'node:assert/strict';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { loginAs } from '../../../sync-engine/src/sign-in/login-flow';
import { startTestOrg, testSeed } from '../../helpers/org';

describe('local org: product apps accept their own callback', function () {
  this.timeout(60_000);
  let org: LocalOrg;

  before(async () => {
    const seed = testSeed();
    delete seed.records;
    for (const app of seed.connectedApps ?? []) delete app.callbackUrls;
    org = await startTestOrg(seed);
  });
  after(async () => org.close());

  /** The authorize step's answer: 200 is the login page, 400 the redirect_uri error page. */
  async function authorize(clientId: string, redirectUri: string): Promise<{ status: number; text: string }> {
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri });
    const res = await fetch(`${org.url}/services/oauth2/authorize?${q}`, { redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  }

  for (const product of ['salesforce-ios', 'salesforce-android'] as const) {
    it(`logs in with ${product} against a seed that lists no callbackUrls`, async () => {
      const result = await loginAs(product, {
        username: 'ann@test.example',
        password: 'Ann-pass-1',
        loginUrl: org.url,
      });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.errorCode, null);
    });
  }

  it("accepts the add-in's callback page on a loopback origin for the desktop products' apps", async () => {
    for (const uri of ['http://127.0.0.1:3000/oauth-callback.html', 'https://localhost:3443/oauth-callback.html']) {
      const res = await authorize('SfdcSalesforceForOutlook', uri);
      assert.equal(res.status, 200, `${uri}: ${res.text.slice(0, 200)}`);
    }
  });

  it('still refuses any other callback, and every callback of an ordinary app that lists none', async () => {
    for (const [client, uri] of [
      ['SfdcMobileChatteriOS', 'https://evil.example/callback'],
      ['SfdcSalesforceForOutlook', 'https://evil.example/oauth-callback.html'],
      ['SfdcSalesforceForOutlook', 'http://127.0.0.1:3000/other.html'],
      ['SfdcSalesforceForOutlook', 'sfdc://success'],
      ['SfdcMobileChatteriOS', 'http://127.0.0.1:3000/oauth-callback.html'],
      ['reporting-client', 'http://localhost:1717/callback'],
    ]) {
      const res = await authorize(client, uri);
      assert.equal(res.status, 400, `${client} ${uri}`);
      assert.match(res.text, /redirect_uri must match configuration/);
    }
  });
});
