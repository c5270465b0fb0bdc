import assert from 'node:assert/strict';
import { findLoginForm, fillLoginForm, pageError, CookieJar } from '../../../sync-engine/src/salesforce/login-page';
import { pkceChallenge, createPkce, authorizeUrl } from '../../../sync-engine/src/salesforce/oauth';

const PAGE = `<!DOCTYPE html><html><body><div id="error" role="alert">Please check your username and password. If you still can&#39;t log in, contact your Salesforce administrator.</div>
<form method="post" action="/services/oauth2/authorize"><input type="hidden" name="client_id" value="a&amp;b"><input type="hidden" name="state" value="s1">
<input id="username" name="username" type="email" value=""><input id="password" name="pw" type="password"><button type="submit">Log In</button></form></body></html>`;

describe('salesforce/login-page and PKCE', () => {
  it('finds the login form, its hidden fields and where to type', () => {
    const form = findLoginForm(PAGE, 'http://127.0.0.1:8700/services/oauth2/authorize?x=1')!;
    assert.equal(form.action, 'http://127.0.0.1:8700/services/oauth2/authorize');
    assert.equal(form.method, 'POST');
    assert.deepEqual([form.usernameField, form.passwordField], ['username', 'pw']);
    assert.deepEqual(fillLoginForm(form, 'u@example.com', 'secret'), {
      client_id: 'a&b',
      state: 's1',
      username: 'u@example.com',
      pw: 'secret',
    });
  });

  it('reads the error the page shows', () => {
    assert.equal(
      pageError(PAGE),
      "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
    );
    assert.equal(pageError('<html><body><form></form></body></html>'), undefined);
  });

  it('has no form on a page without a password field', () => {
    assert.equal(findLoginForm('<form action="/x"><input name="q"></form>', 'http://h/'), undefined);
  });

  it('keeps cookies and drops expired ones', () => {
    const jar = new CookieJar();
    jar.store(['sid=abc; Path=/; HttpOnly', 'other=1']);
    assert.equal(jar.header(), 'sid=abc; other=1');
    jar.store('other=; Max-Age=0');
    assert.equal(jar.header(), 'sid=abc');
  });

  it('computes the S256 challenge of RFC 7636, appendix B', () => {
    assert.equal(
      pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const pair = createPkce(() => Buffer.alloc(32, 7));
    assert.equal(pair.challenge, pkceChallenge(pair.verifier));
    assert.equal(pair.verifier.length, 43);
  });

  it('builds the authorize URL with the challenge', () => {
    const url = new URL(
      authorizeUrl({
        loginUrl: 'http://h:1',
        clientId: 'c',
        redirectUri: 'sfdc://success',
        codeChallenge: 'X',
        state: 's',
      }),
    );
    assert.equal(url.pathname, '/services/oauth2/authorize');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      response_type: 'code',
      client_id: 'c',
      redirect_uri: 'sfdc://success',
      state: 's',
      code_challenge: 'X',
      code_challenge_method: 'S256',
    });
  });
});
