import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findProduct, ProductId } from '../../../sync-engine/src/products/catalog';
import { sessionOutcome } from '../../../sync-engine/src/products/session-outcome';
import { SalesforceApiError, SalesforceErrorKind } from '../../../sync-engine/src/salesforce/errors';

function specText(key: string): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, '..', 'shared', 'spec', 'messages.json'), 'utf8')) as {
    messages: Record<string, { text: string }>;
  };
  return spec.messages[key].text;
}

const revoked = new SalesforceApiError({
  errorCode: 'API_CURRENTLY_DISABLED',
  kind: 'accessRevoked',
  status: 403,
  message: 'API is disabled for this User',
});
const outcome = (id: ProductId, err: SalesforceApiError | null, version?: string) =>
  sessionOutcome(findProduct(id)!, version ?? findProduct(id)!.defaultVersion, err, { action: 'open your profile' });

describe('products/session-outcome: access removed while logged in (ACCESS.md section 5)', () => {
  it('Salesforce for Outlook stops syncing and its settings are unavailable', () => {
    const r = outcome('salesforce-for-outlook', revoked);
    assert.deepEqual(
      [r.outcome, r.message, r.settings, r.errorCode],
      ['sync-stopped', specText('sfo.syncStopped'), specText('sfo.settingsUnavailable'), 'API_CURRENTLY_DISABLED'],
    );
  });

  it('Connect for Outlook and Connect for Office show their sync texts', () => {
    assert.equal(outcome('connect-for-outlook', revoked).message, specText('connectOutlook.syncStopped'));
    assert.equal(outcome('connect-for-office', revoked).message, specText('connectOffice.syncStopped'));
    assert.equal(outcome('connect-for-office', revoked).settings, undefined);
  });

  it('mobile apps show the action-specific error; before 6.1 the generic one', () => {
    assert.equal(
      outcome('salesforce-ios', revoked).message,
      specText('mobile.actionDenied').replace('{action}', 'open your profile'),
    );
    assert.equal(outcome('mobile-publisher-android', revoked).outcome, 'action-denied');
    assert.equal(outcome('salesforce-android', revoked, '6.0').message, specText('mobile.legacyGeneric'));
  });

  it('a call that succeeds keeps working; the browser keeps its notice', () => {
    assert.deepEqual(
      [outcome('connect-for-outlook', null).outcome, outcome('connect-for-outlook', null).message],
      ['working', null],
    );
    assert.ok(outcome('mobile-browser', null).notice);
  });

  it('other failures keep their own outcome', () => {
    const err = (kind: SalesforceErrorKind, code: string) =>
      new SalesforceApiError({ errorCode: code, kind, status: null, message: code });
    assert.equal(
      outcome('salesforce-for-outlook', err('authExpired', 'INVALID_SESSION_ID')).outcome,
      'session-expired',
    );
    assert.equal(outcome('salesforce-ios', err('network', 'ECONNREFUSED')).message, specText('mobile.networkError'));
    assert.equal(outcome('connect-for-outlook', err('rateLimited', 'REQUEST_LIMIT_EXCEEDED')).outcome, 'failed');
  });
});
