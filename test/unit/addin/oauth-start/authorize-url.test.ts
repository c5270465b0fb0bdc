/** oauth-start.html goes on only to an org's authorize page (addin/oauth-start/authorize-url.ts): no open redirect. */
import assert from 'node:assert/strict';
import { isAuthorizeUrl } from '../../../../addin/oauth-start/authorize-url';

describe('addin/oauth-start/authorize-url', () => {
  it('takes an org, My Domain or Experience Cloud authorize page over https, and a local org over http', () => {
    for (const url of [
      'https://login.salesforce.com/services/oauth2/authorize?client_id=x&state=s',
      'https://acme.my.salesforce.com/services/oauth2/authorize',
      'https://acme.my.site.com/partners/services/oauth2/authorize?x=1',
      'http://127.0.0.1:8700/services/oauth2/authorize?client_id=x',
    ])
      assert.equal(isAuthorizeUrl(url), true, url);
  });

  it("takes the Microsoft identity platform's authorize page (the mailbox's sign-in), a local one on this machine too", () => {
    for (const url of [
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x',
      'https://login.microsoftonline.us/5d0c5a4e-3f2b-4c1d-9e8f-7a6b5c4d3e2f/oauth2/v2.0/authorize',
      'https://localhost:8711/5d0c5a4e-3f2b-4c1d-9e8f-7a6b5c4d3e2f/oauth2/v2.0/authorize?x=1',
    ])
      assert.equal(isAuthorizeUrl(url), true, url);
  });

  it('refuses any other page, scheme, plain http elsewhere, credentials in the URL, or no URL at all', () => {
    for (const url of [
      'https://evil.example/',
      'https://login.salesforce.com/services/oauth2/authorize/../../phish',
      'https://login.salesforce.com/services/oauth2/token',
      'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      'https://login.microsoftonline.com/common/oauth2/authorize',
      'http://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      'https://evil.example/x?next=/services/oauth2/authorize',
      'https://evil.example/#/services/oauth2/authorize',
      'javascript:alert(1)//services/oauth2/authorize',
      'data:text/html,/services/oauth2/authorize',
      'http://login.salesforce.com/services/oauth2/authorize',
      'https://user:pw@login.salesforce.com/services/oauth2/authorize',
      '/services/oauth2/authorize',
      '',
    ])
      assert.equal(isAuthorizeUrl(url), false, url);
  });
});
