/** The matrix runner in process: every scenario from real logins, and a few rows checked against the article's texts. */
import { specText } from '../helpers/shared';
import assert from 'node:assert/strict';
import { runMatrix, runScenario, MatrixRow } from '../../sync-engine/src/matrix/runner';
import { SCENARIOS, findScenario } from '../../sync-engine/src/matrix/scenarios';
import { formatMatrix } from '../../sync-engine/src/matrix/format';
import { PRODUCTS } from '../../sync-engine/src/products/catalog';

const text = specText;

const pick = (rows: MatrixRow[], scenario: string, product: string) => {
  const row = rows.find((r) => r.scenario === scenario && r.product === product);
  assert.ok(row, `no row ${scenario} / ${product}`);
  return row;
};

describe('matrix: the scenario table, computed end to end', function () {
  this.timeout(60_000);
  let rows: MatrixRow[];
  before(async () => {
    rows = await runMatrix();
  });

  it('runs every scenario with every product it names, and no login fails for a reason outside the rule', () => {
    const expected = SCENARIOS.reduce((n, s) => n + (s.products ?? PRODUCTS).length, 0);
    assert.equal(rows.length, expected);
    assert.deepEqual(
      [...new Set(rows.map((r) => r.scenario))],
      SCENARIOS.map((s) => s.id),
    );
    assert.deepEqual(
      rows.filter((r) => ['login-failed', 'network-error', 'failed', 'session-expired'].includes(r.outcome)),
      [],
    );
  });

  it("Enterprise user without API: each product's exact refusal", () => {
    assert.equal(pick(rows, 'enterprise-no-api', 'salesforce-for-outlook').message, text('sfo.login'));
    assert.equal(pick(rows, 'enterprise-no-api', 'connect-for-outlook').message, text('connectOutlook.login'));
    assert.match(
      pick(rows, 'enterprise-no-api', 'connect-for-office').message!,
      new RegExp(`^${text('connectOffice.login')}\\nURL: http://127\\.0\\.0\\.1:\\d+/services/Soap/u/60\\.0$`),
    );
    assert.equal(pick(rows, 'enterprise-no-api', 'salesforce-ios').message, text('mobile.ios.noAccess'));
    assert.equal(pick(rows, 'enterprise-no-api', 'mobile-publisher-android').message, text('mobile.android.noAccess'));
    assert.equal(pick(rows, 'enterprise-no-api', 'mobile-browser').outcome, 'logged-in');
  });

  it('mid-session removal: sync stops on the desktop, actions are denied on mobile', () => {
    const sfo = pick(rows, 'api-removed-in-session', 'salesforce-for-outlook');
    assert.deepEqual(
      [sfo.phase, sfo.outcome, sfo.message, sfo.settings],
      ['session', 'sync-stopped', text('sfo.syncStopped'), text('sfo.settingsUnavailable')],
    );
    assert.equal(
      pick(rows, 'api-removed-in-session', 'salesforce-android').message,
      text('mobile.actionDenied', { action: 'open your profile' }),
    );
    assert.equal(
      pick(rows, 'permission-set-removed-in-session', 'connect-for-office').message,
      text('connectOffice.syncStopped'),
    );
  });

  it('editions that keep the old behaviour log in', () => {
    for (const scenario of [
      'professional-default',
      'group-default',
      'contact-manager',
      'enforcement-off',
      'permission-set-grants-api',
      'professional-api-feature-only',
    ]) {
      for (const r of rows.filter((x) => x.scenario === scenario))
        assert.equal(r.outcome, 'logged-in', `${scenario} ${r.product}`);
    }
  });

  it('Chatter External: iOS back to the login page, Android mobile.noAccess', () => {
    assert.deepEqual(
      [
        pick(rows, 'chatter-external-no-api', 'mobile-publisher-ios').outcome,
        pick(rows, 'chatter-external-no-api', 'mobile-publisher-ios').message,
      ],
      ['redirect-to-login', null],
    );
    assert.equal(pick(rows, 'chatter-external-no-api', 'salesforce-android').message, text('mobile.noAccess'));
  });

  it('ordinary client in a professional org: refused for the org (API_DISABLED_FOR_ORG), while the allowlisted app works', () => {
    assert.equal(pick(rows, 'ordinary-client-professional', 'connect-for-outlook').errorCode, 'API_DISABLED_FOR_ORG');
    assert.equal(pick(rows, 'ordinary-client-professional', 'connect-for-outlook').client, 'ordinary');
    assert.equal(pick(rows, 'professional-default', 'connect-for-outlook').outcome, 'logged-in');
  });

  it('prints a readable table with the texts in full', () => {
    const table = formatMatrix(rows);
    assert.ok(table.includes(text('mobile.legacyGeneric')));
    assert.ok(table.includes(text('sfo.unsupportedVersion', { version: '2.2.0' })));
    assert.match(table, /^\[1\] .*phone's browser is not supported/m);
    for (const s of SCENARIOS) assert.ok(table.includes(s.row), s.id);
  });

  it('runs one scenario on its own', async () => {
    const one = await runScenario(findScenario('mobile-before-6.1')!);
    assert.deepEqual(
      one.map((r) => [r.product, r.version, r.outcome, r.message]),
      [
        ['salesforce-ios', '6.0', 'blocked', text('mobile.legacyGeneric')],
        ['mobile-publisher-ios', '6.0', 'blocked', text('mobile.legacyGeneric')],
        ['salesforce-android', '6.0', 'blocked', text('mobile.legacyGeneric')],
        ['mobile-publisher-android', '6.0', 'blocked', text('mobile.legacyGeneric')],
      ],
    );
  });
});
