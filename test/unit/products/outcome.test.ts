import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findProduct, Product, ProductId } from '../../../sync-engine/src/products/catalog';
import {
  isBelowMinimum,
  unsupportedVersion,
  loginFailure,
  blockedMessage,
} from '../../../sync-engine/src/products/outcome';
import { SalesforceApiError, SalesforceErrorKind } from '../../../sync-engine/src/salesforce/errors';
import { exitCodeFor } from '../../../sync-engine/src/cli/login-command';

/** The spec's texts, read from shared/spec beside the repository (tests run from build/test/...). */
function specText(key: string): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, '..', 'shared', 'spec', 'messages.json'), 'utf8')) as {
    messages: Record<string, { text: string }>;
  };
  return spec.messages[key].text;
}

const product = (id: ProductId): Product => findProduct(id)!;
const error = (errorCode: string, kind: SalesforceErrorKind, url = 'http://org.example/services/Soap/u/60.0') =>
  new SalesforceApiError({ errorCode, kind, status: 500, url, message: `${errorCode}: text from the org` });

describe('products/outcome: version comparison', () => {
  it('Salesforce for Outlook: 2.3.0 and later are covered, numerically', () => {
    const sfo = product('salesforce-for-outlook');
    assert.equal(isBelowMinimum(sfo, '2.2.9'), true);
    assert.equal(isBelowMinimum(sfo, '2.3'), false);
    assert.equal(isBelowMinimum(sfo, '2.3.0'), false);
    assert.equal(isBelowMinimum(sfo, '2.10.0'), false);
    assert.equal(isBelowMinimum(sfo, '1.99.99'), true);
  });

  it('mobile apps: 6.1 and later', () => {
    const ios = product('salesforce-ios');
    assert.equal(isBelowMinimum(ios, '6.0'), true);
    assert.equal(isBelowMinimum(ios, '6.0.9'), true);
    assert.equal(isBelowMinimum(ios, '6.1'), false);
    assert.equal(isBelowMinimum(ios, '6.1.1'), false);
    assert.equal(isBelowMinimum(ios, '10.0'), false);
  });

  it('Connect for Outlook and Office have no minimum', () => {
    assert.equal(isBelowMinimum(product('connect-for-outlook'), '0.1'), false);
    assert.equal(isBelowMinimum(product('connect-for-office'), '1.0'), false);
  });

  it('refuses Salesforce for Outlook below 2.3.0 naming 2.3.0, and nothing else', () => {
    const r = unsupportedVersion(product('salesforce-for-outlook'), '2.2.1')!;
    assert.equal(r.outcome, 'unsupported-version');
    assert.equal(r.message, specText('sfo.unsupportedVersion').replace('{version}', '2.2.1'));
    assert.match(r.message!, /2\.3\.0/);
    assert.equal(unsupportedVersion(product('salesforce-for-outlook'), '2.3.0'), null);
    assert.equal(unsupportedVersion(product('salesforce-ios'), '5.0'), null);
  });
});

describe('products/outcome: what each product shows when blocked', () => {
  const blocked = (id: ProductId, o: { version?: string; userType?: string; code?: string } = {}) =>
    loginFailure(
      product(id),
      o.version ?? product(id).defaultVersion,
      error(o.code ?? 'API_CURRENTLY_DISABLED', 'accessRevoked'),
      { userType: o.userType ?? 'STANDARD' },
    );

  it('desktop products show their own texts', () => {
    assert.equal(blocked('salesforce-for-outlook').message, specText('sfo.login'));
    assert.equal(blocked('connect-for-outlook').message, specText('connectOutlook.login'));
  });

  it('Connect for Office adds the URL it tried on its own line', () => {
    const r = loginFailure(product('connect-for-office'), '3.0', error('API_CURRENTLY_DISABLED', 'accessRevoked'), {
      triedUrl: 'http://127.0.0.1:9/services/Soap/u/60.0',
    });
    assert.equal(
      r.message,
      `${specText('connectOffice.login')}\n${specText('connectOffice.urlLine').replace('{url}', 'http://127.0.0.1:9/services/Soap/u/60.0')}`,
    );
  });

  it('API_DISABLED_FOR_ORG is a refusal like API_CURRENTLY_DISABLED', () => {
    const r = blocked('salesforce-for-outlook', { code: 'API_DISABLED_FOR_ORG' });
    assert.deepEqual([r.outcome, r.message, r.errorCode], ['blocked', specText('sfo.login'), 'API_DISABLED_FOR_ORG']);
  });

  it('iOS: capital-less "mobile"; Android: "Mobile", but "mobile" for Chatter licenses', () => {
    assert.equal(blocked('salesforce-ios').message, specText('mobile.ios.noAccess'));
    assert.equal(blocked('mobile-publisher-ios', { userType: 'CSN_ONLY' }).message, specText('mobile.ios.noAccess'));
    assert.equal(blocked('salesforce-android').message, specText('mobile.android.noAccess'));
    assert.equal(blocked('mobile-publisher-android').message, specText('mobile.android.noAccess'));
    assert.equal(blocked('salesforce-android', { userType: 'CSN_ONLY' }).message, specText('mobile.noAccess'));
  });

  it('access_denied at authorization: iOS goes back to the login page with no message, Android shows mobile.noAccess', () => {
    const ios = blocked('salesforce-ios', { code: 'access_denied' });
    assert.deepEqual([ios.outcome, ios.message], ['redirect-to-login', null]);
    const android = blocked('salesforce-android', { code: 'access_denied' });
    assert.deepEqual([android.outcome, android.message], ['blocked', specText('mobile.noAccess')]);
  });

  it('before 6.1 the apps show the generic error instead', () => {
    assert.equal(blocked('salesforce-ios', { version: '6.0' }).message, specText('mobile.legacyGeneric'));
    assert.equal(
      blocked('salesforce-android', { version: '5.2', userType: 'CSN_ONLY' }).message,
      specText('mobile.legacyGeneric'),
    );
  });

  it('a network failure: mobile.networkError on mobile, our notice on desktop', () => {
    const mobile = loginFailure(product('salesforce-android'), '6.1', error('ECONNREFUSED', 'network'));
    assert.deepEqual(
      [mobile.outcome, mobile.message, mobile.errorCode],
      ['network-error', specText('mobile.networkError'), 'ECONNREFUSED'],
    );
    const desktop = loginFailure(product('connect-for-outlook'), '3.4', error('ECONNREFUSED', 'network'));
    assert.equal(desktop.outcome, 'network-error');
    assert.match(desktop.message!, /^Could not connect to Salesforce at http:\/\/org\.example/);
    assert.doesNotMatch(desktop.message!, /cannot reach/, 'the URL is named once');
  });

  it("bad credentials are login-failed with the org's own text, not a refusal by the rule", () => {
    const r = loginFailure(product('salesforce-for-outlook'), '2.9.3', error('INVALID_LOGIN', 'other'));
    assert.deepEqual(
      [r.outcome, r.message, r.errorCode],
      ['login-failed', 'INVALID_LOGIN: text from the org', 'INVALID_LOGIN'],
    );
  });

  it('the mobile browser has no blocked text: it never asks the API', () => {
    assert.throws(
      () =>
        blockedMessage(product('mobile-browser'), 'any', { redirectedToLogin: false, userType: null, triedUrl: '' }),
      /does not use the API/,
    );
  });
});

describe('cli/login: exit code per outcome', () => {
  it('0 logged in, 3 refused by the rule, 4 unreachable, 1 otherwise', () => {
    assert.equal(exitCodeFor('logged-in'), 0);
    assert.equal(exitCodeFor('blocked'), 3);
    assert.equal(exitCodeFor('redirect-to-login'), 3);
    assert.equal(exitCodeFor('network-error'), 4);
    assert.equal(exitCodeFor('login-failed'), 1);
    assert.equal(exitCodeFor('unsupported-version'), 1);
  });
});
