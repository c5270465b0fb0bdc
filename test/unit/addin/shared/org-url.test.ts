/** The sign-in form's org URL (addin/shared/org-url.ts): its check, and which orgs take a password in the pane. */
import assert from 'node:assert/strict';
import { checkOrgUrl, isOnThisMachine, isRemoteOrg } from '../../../../addin/shared/org-url';
import { sharedTexts } from '../../../../addin/shared/texts';

describe('addin/shared/org-url', () => {
  it("checkOrgUrl: empty, not a URL, not http(s), each with the form's message", () => {
    assert.equal(checkOrgUrl(''), sharedTexts.orgUrlMissing);
    assert.equal(checkOrgUrl('login.salesforce.com'), sharedTexts.orgUrlInvalid);
    assert.equal(checkOrgUrl('ftp://login.salesforce.com'), sharedTexts.orgUrlInvalid);
    assert.equal(checkOrgUrl('https://login.salesforce.com'), null);
    assert.equal(checkOrgUrl('http://127.0.0.1:8700'), null);
  });

  it('isOnThisMachine: 127.0.0.1, localhost and [::1] over http or https, nothing else', () => {
    for (const url of ['http://127.0.0.1:8700', 'https://localhost', 'http://[::1]:8700/'])
      assert.equal(isOnThisMachine(url), true, url);
    for (const url of [
      'https://login.salesforce.com',
      'http://127.0.0.1.nip.io',
      'https://localhost.example',
      'ftp://localhost',
      '',
      'not a url',
    ]) {
      assert.equal(isOnThisMachine(url), false, url);
    }
  });

  it('isRemoteOrg: a valid org URL elsewhere; an empty or broken URL is neither (both ways stay offered)', () => {
    assert.equal(isRemoteOrg('https://acme.my.salesforce.com'), true);
    assert.equal(isRemoteOrg('http://127.0.0.1:8700'), false);
    assert.equal(isRemoteOrg(''), false);
    assert.equal(isRemoteOrg('https://'), false);
  });
});
