/**
 * The article's scenario table (seed 000_003af036c68522fd.txt), one test per row, each logging in with every
 * product over real HTTP against a local org seeded as the row says, and asserting the exact texts of
 * shared/spec/messages.json.
 */
import { specText } from '../helpers/shared';
import assert from 'node:assert/strict';
import { startLocalOrg, LocalOrg } from '../../sync-engine/src/local-org';
import { PRODUCTS, ProductId } from '../../sync-engine/src/products/catalog';
import { loginAs, signIn, LoginOptions } from '../../sync-engine/src/sign-in/login-flow';
import { LoginResult } from '../../sync-engine/src/products/outcome';
import { sessionOutcome, SessionResult } from '../../sync-engine/src/products/session-outcome';
import { SalesforceApiError } from '../../sync-engine/src/salesforce/errors';
import { Scenario } from '../../sync-engine/src/matrix/scenarios';
import {
  scenarioSeed,
  MATRIX_USER,
  MATRIX_ADMIN,
  MATRIX_PROFILE,
  API_PERMISSION_SET,
  ORDINARY_CLIENT_ID,
} from '../../sync-engine/src/matrix/seed';
import { adminConnection, removeApiFromProfile, unassignPermissionSet } from '../../sync-engine/src/matrix/admin';
import { closedPort } from '../unit/salesforce/fake-server';

const text = specText;

const ALL = PRODUCTS.map((p) => p.id);
const DESKTOP: ProductId[] = ['salesforce-for-outlook', 'connect-for-outlook', 'connect-for-office'];
const IOS: ProductId[] = ['salesforce-ios', 'mobile-publisher-ios'];
const ANDROID: ProductId[] = ['salesforce-android', 'mobile-publisher-android'];
const MOBILE = [...IOS, ...ANDROID];

type Org = Scenario['org'];
type User = Scenario['user'];

async function withOrg<T>(org: Org, user: User, run: (o: LocalOrg) => Promise<T>): Promise<T> {
  const local = await startLocalOrg({
    seed: scenarioSeed({ id: 'test', row: 'test', source: 'ours', org, user }),
    dataDir: ':memory:',
    port: 0,
  });
  try {
    return await run(local);
  } finally {
    await local.close();
  }
}

/** Log in with each product; results by product id. */
async function loginEach(
  org: LocalOrg,
  products: ProductId[],
  extra: Partial<LoginOptions> = {},
): Promise<Record<string, LoginResult>> {
  const out: Record<string, LoginResult> = {};
  for (const id of products) out[id] = await loginAs(id, { ...MATRIX_USER, loginUrl: org.url, ...extra });
  return out;
}

/** What a user blocked by the rule sees in each product of the article. */
function assertBlockedTexts(
  r: Record<string, LoginResult>,
  org: LocalOrg,
  android: 'mobile.android.noAccess' | 'mobile.noAccess' = 'mobile.android.noAccess',
): void {
  for (const id of [...DESKTOP, ...MOBILE]) {
    assert.equal(r[id].outcome, 'blocked', id);
    assert.equal(r[id].ok, false, id);
    assert.equal(r[id].errorCode, 'API_CURRENTLY_DISABLED', id);
  }
  assert.equal(r['salesforce-for-outlook'].message, text('sfo.login'));
  assert.equal(r['connect-for-outlook'].message, text('connectOutlook.login'));
  assert.equal(
    r['connect-for-office'].message,
    `${text('connectOffice.login')}\n${text('connectOffice.urlLine', { url: `${org.url}/services/Soap/u/60.0` })}`,
  );
  for (const id of IOS) assert.equal(r[id].message, text('mobile.ios.noAccess'), id);
  for (const id of ANDROID) assert.equal(r[id].message, text(android), id);
}

function assertAllLoggedIn(r: Record<string, LoginResult>): void {
  for (const [id, result] of Object.entries(r)) {
    assert.deepEqual(
      [result.outcome, result.message, result.errorCode, result.ok],
      ['logged-in', null, null, true],
      id,
    );
  }
}

function assertBrowserNotice(r: LoginResult): void {
  assert.equal(r.outcome, 'logged-in');
  assert.equal(r.message, null);
  assert.match(r.notice ?? '', /phone's browser is not supported/);
  assert.match(r.notice ?? '', /Safari on an iPad with iOS 13 or later/);
  assert.match(r.notice ?? '', /Chrome is not supported/);
}

const noApi: User = { license: 'Salesforce', apiEnabled: 'none' };

describe("seed rows: the article's table, logged in over real HTTP", function () {
  this.timeout(30_000);

  for (const edition of ['enterprise', 'unlimited', 'performance'] as const) {
    it(`When a user without API access tries to log in… [Enterprise, Unlimited, and Performance Editions]: ${edition}`, async () => {
      await withOrg({ edition }, noApi, async (org) => {
        const r = await loginEach(org, ALL);
        assertBlockedTexts(r, org);
        assertBrowserNotice(r['mobile-browser']);
      });
    });
  }

  it('…will only be able to log in to any versions of Connect for Outlook / Connect for Office if they have "API Enabled"', async () => {
    await withOrg({ edition: 'enterprise' }, noApi, async (org) => {
      for (const version of ['1.0', '3.4', '9.9.9']) {
        const outlook = await loginAs('connect-for-outlook', { ...MATRIX_USER, loginUrl: org.url, version });
        assert.deepEqual([outlook.outcome, outlook.message], ['blocked', text('connectOutlook.login')], version);
        const office = await loginAs('connect-for-office', { ...MATRIX_USER, loginUrl: org.url, version });
        assert.equal(office.message!.split('\n')[0], text('connectOffice.login'), version);
      }
    });
  });

  for (const removal of ['profile', 'permission-set'] as const) {
    it(`If a user is logged in to Salesforce mobile app and then their API access is disabled… (removed from the ${removal}): action-specific errors; desktop sync stops`, async () => {
      await withOrg({ edition: 'enterprise' }, { license: 'Salesforce', apiEnabled: removal }, async (org) => {
        const sessions = [];
        for (const id of ALL) {
          const { result, session } = await signIn(id, { ...MATRIX_USER, loginUrl: org.url });
          assert.equal(result.outcome, 'logged-in', id);
          sessions.push({ id, version: result.version, session: session! });
        }
        const admin = await adminConnection(org.url, MATRIX_ADMIN.username, MATRIX_ADMIN.password);
        if (removal === 'profile') await removeApiFromProfile(admin, MATRIX_PROFILE);
        else await unassignPermissionSet(admin, MATRIX_USER.username, API_PERMISSION_SET);
        const after: Record<string, SessionResult> = {};
        for (const { id, version, session } of sessions) {
          let failure: SalesforceApiError | null = null;
          await session.nextCall().catch((err: SalesforceApiError) => {
            failure = err;
          });
          after[id] = sessionOutcome(
            PRODUCTS.find((p) => p.id === id)!,
            version,
            failure,
            { action: 'open your profile' },
          );
        }
        assert.deepEqual(
          [
            after['salesforce-for-outlook'].outcome,
            after['salesforce-for-outlook'].message,
            after['salesforce-for-outlook'].settings,
          ],
          ['sync-stopped', text('sfo.syncStopped'), text('sfo.settingsUnavailable')],
        );
        assert.equal(after['connect-for-outlook'].message, text('connectOutlook.syncStopped'));
        assert.equal(after['connect-for-office'].message, text('connectOffice.syncStopped'));
        for (const id of MOBILE) {
          assert.deepEqual(
            [after[id].outcome, after[id].message, after[id].errorCode],
            ['action-denied', text('mobile.actionDenied', { action: 'open your profile' }), 'API_CURRENTLY_DISABLED'],
            id,
          );
        }
        assert.equal(after['mobile-browser'].outcome, 'working');
      });
    });
  }

  for (const edition of ['professional', 'group'] as const) {
    it(`Professional and Group** Editions: will continue to work as before (${edition}, standard setup)`, async () => {
      await withOrg({ edition, apiEnabled: false, customizableProfiles: false }, noApi, async (org) => {
        assertAllLoggedIn(await loginEach(org, ALL));
      });
    });
  }

  it('Contact Manager Edition: will continue to work as before', async () => {
    await withOrg({ edition: 'contact-manager' }, noApi, async (org) => {
      assertAllLoggedIn(await loginEach(org, ALL));
    });
  });

  it('Chatter External User without API access***: iOS goes back to the login page, Android shows its error', async () => {
    await withOrg({ edition: 'enterprise' }, { license: 'Chatter External', apiEnabled: 'none' }, async (org) => {
      const r = await loginEach(org, ALL);
      for (const id of IOS)
        assert.deepEqual([r[id].outcome, r[id].message, r[id].ok], ['redirect-to-login', null, false], id);
      for (const id of ANDROID)
        assert.deepEqual([r[id].outcome, r[id].message], ['blocked', text('mobile.noAccess')], id);
      assert.equal(r['salesforce-for-outlook'].message, text('sfo.login'));
      assertBrowserNotice(r['mobile-browser']);
    });
  });

  for (const license of ['Chatter Free', 'Chatter Only'] as const) {
    it(`Chatter Free OR Chatter Only user without API access: ${license}`, async () => {
      await withOrg({ edition: 'enterprise' }, { license, apiEnabled: 'none' }, async (org) => {
        const r = await loginEach(org, ALL);
        for (const id of IOS) assert.equal(r[id].message, text('mobile.ios.noAccess'), id);
        for (const id of ANDROID) assert.equal(r[id].message, text('mobile.noAccess'), id);
        assert.equal(text('mobile.ios.noAccess'), text('mobile.noAccess'), 'the article quotes one text for both here');
        assertBlockedTexts(r, org, 'mobile.noAccess');
      });
    });
  }

  it('*before version 6.1 of the downloadable apps: "Oops, we encountered unexpected error, sorry"', async () => {
    await withOrg({ edition: 'enterprise' }, noApi, async (org) => {
      for (const id of MOBILE) {
        const r = await loginAs(id, { ...MATRIX_USER, loginUrl: org.url, version: '6.0' });
        assert.deepEqual([r.outcome, r.message, r.version], ['blocked', text('mobile.legacyGeneric'), '6.0'], id);
      }
    });
  });

  for (const edition of ['professional', 'group'] as const) {
    it(`**PE & GE customers that have added API access (${edition}): both features on brings enforcement, one alone does not`, async () => {
      await withOrg({ edition, apiEnabled: true, customizableProfiles: true }, noApi, async (org) => {
        assertBlockedTexts(await loginEach(org, ALL), org);
      });
      await withOrg({ edition, apiEnabled: true, customizableProfiles: false }, noApi, async (org) => {
        assertAllLoggedIn(await loginEach(org, [...DESKTOP, ...MOBILE]));
      });
      await withOrg({ edition, apiEnabled: false, customizableProfiles: true }, noApi, async (org) => {
        assertAllLoggedIn(await loginEach(org, [...DESKTOP, ...MOBILE]));
      });
    });
  }

  it('Salesforce for Outlook v2.3.0 and later: blocked with its text; before 2.3.0 refused as unsupported', async () => {
    await withOrg({ edition: 'enterprise' }, noApi, async (org) => {
      for (const version of ['2.3.0', '2.9.3', '3.4.5']) {
        const r = await loginAs('salesforce-for-outlook', { ...MATRIX_USER, loginUrl: org.url, version });
        assert.deepEqual([r.outcome, r.message], ['blocked', text('sfo.login')], version);
      }
      const old = await loginAs('salesforce-for-outlook', { ...MATRIX_USER, loginUrl: org.url, version: '2.2.0' });
      assert.deepEqual(
        [old.outcome, old.message],
        ['unsupported-version', text('sfo.unsupportedVersion', { version: '2.2.0' })],
      );
    });
  });

  it("The mobile browser is not affected (not an API login), but a phone's browser is not supported: a notice", async () => {
    await withOrg({ edition: 'enterprise' }, noApi, async (org) => {
      assertBrowserNotice(await loginAs('mobile-browser', { ...MATRIX_USER, loginUrl: org.url }));
    });
  });

  it('"API Enabled" from a permission set counts like the profile\'s', async () => {
    await withOrg({ edition: 'enterprise' }, { license: 'Salesforce', apiEnabled: 'permission-set' }, async (org) => {
      assertAllLoggedIn(await loginEach(org, ALL));
    });
  });

  it('Apps that were not reviewed and allowlisted are not affected by this change (ordinary client)', async () => {
    for (const enforcement of [true, false]) {
      await withOrg({ edition: 'enterprise', enforcement }, noApi, async (org) => {
        const r = await loginEach(org, [...DESKTOP, ...MOBILE], { clientId: ORDINARY_CLIENT_ID });
        assertBlockedTexts(r, org);
      });
      await withOrg({ edition: 'professional', enforcement }, noApi, async (org) => {
        const r = await loginEach(org, DESKTOP, { clientId: ORDINARY_CLIENT_ID });
        for (const id of DESKTOP)
          assert.deepEqual([r[id].outcome, r[id].errorCode], ['blocked', 'API_DISABLED_FOR_ORG'], id);
      });
    }
  });

  it('Before September 10, 2014 (enforcement off): allowlisted apps work for users without API access', async () => {
    await withOrg({ edition: 'enterprise', enforcement: false }, noApi, async (org) => {
      assertAllLoggedIn(await loginEach(org, [...DESKTOP, ...MOBILE]));
    });
  });

  it('Chatter External users with API Enabled: allowed (ACCESS.md section 6 decision)', async () => {
    await withOrg({ edition: 'enterprise' }, { license: 'Chatter External', apiEnabled: 'profile' }, async (org) => {
      assertAllLoggedIn(await loginEach(org, ALL));
    });
  });

  it('mobile, org unreachable: "We couldn\'t establish a secure connection due to a network error…"', async () => {
    const loginUrl = await closedPort();
    for (const id of MOBILE) {
      const r = await loginAs(id, { ...MATRIX_USER, loginUrl });
      assert.deepEqual(
        [r.outcome, r.message, r.errorCode],
        ['network-error', text('mobile.networkError'), 'ECONNREFUSED'],
        id,
      );
    }
    for (const id of DESKTOP)
      assert.equal((await loginAs(id, { ...MATRIX_USER, loginUrl })).outcome, 'network-error', id);
  });

  it('bad credentials are not a refusal by the rule: login-failed with INVALID_LOGIN', async () => {
    await withOrg({ edition: 'enterprise' }, noApi, async (org) => {
      const r = await loginEach(org, ALL, { password: 'not-the-password' });
      for (const id of ALL) assert.deepEqual([r[id].outcome, r[id].errorCode], ['login-failed', 'INVALID_LOGIN'], id);
      assert.equal(
        r['salesforce-for-outlook'].message,
        'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
      );
      const unknownApp = await loginAs('salesforce-ios', {
        ...MATRIX_USER,
        loginUrl: org.url,
        clientId: 'no-such-app',
      });
      assert.deepEqual([unknownApp.outcome, unknownApp.errorCode], ['login-failed', 'invalid_client_id']);
    });
  });
});
