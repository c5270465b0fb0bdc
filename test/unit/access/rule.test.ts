import assert from 'node:assert/strict';
import { decideAccess, AccessInputs, EDITIONS, LICENSES, orgApiEnabledFor } from '../../../sync-engine/src/access/rule';

const base: AccessInputs = {
  edition: 'enterprise',
  orgApiEnabled: true,
  customizableProfiles: true,
  enforcement: true,
  license: 'Salesforce',
  userApiEnabled: false,
  allowlisted: true,
};

describe('access rule (ACCESS.md section 2)', () => {
  // The article's own rows (Enterprise, Unlimited, Performance, PE/GE standard setup, Contact Manager, the Chatter
  // licenses) are checked from its table in article-rows.test.ts; these are the decisions and the reasons.
  it('developer edition counts with enterprise (decision), for the same reason', () => {
    for (const edition of ['enterprise', 'developer'] as const) {
      const d = decideAccess({ ...base, edition });
      assert.equal(d.allowed, false, edition);
      assert.equal(d.allowed === false && d.errorCode, 'API_CURRENTLY_DISABLED');
      assert.equal(d.reason, 'allowlisted-enforced-edition-no-api');
    }
  });

  it('allows the same user once API Enabled is granted', () => {
    assert.equal(decideAccess({ ...base, userApiEnabled: true }).allowed, true);
  });

  it('keeps the old bypass when enforcement is off', () => {
    const d = decideAccess({ ...base, enforcement: false });
    assert.deepEqual([d.allowed, d.reason], [true, 'allowlisted-enforcement-off']);
  });

  it('professional and group: enforced only with both org features on', () => {
    for (const edition of ['professional', 'group'] as const) {
      assert.equal(decideAccess({ ...base, edition, orgApiEnabled: true, customizableProfiles: true }).allowed, false);
      assert.equal(decideAccess({ ...base, edition, orgApiEnabled: true, customizableProfiles: false }).allowed, true);
      assert.equal(decideAccess({ ...base, edition, orgApiEnabled: false, customizableProfiles: true }).allowed, true);
      assert.equal(
        decideAccess({ ...base, edition, orgApiEnabled: false, customizableProfiles: false }).reason,
        'allowlisted-pe-ge-default-setup',
      );
    }
  });

  it('Chatter licenses without API Enabled are blocked in every edition', () => {
    for (const edition of EDITIONS) {
      for (const license of ['Chatter Free', 'Chatter Only', 'Chatter External'] as const) {
        const d = decideAccess({ ...base, edition, license, orgApiEnabled: false, customizableProfiles: false });
        assert.equal(d.allowed, false, `${edition} ${license}`);
        assert.equal(d.reason, 'allowlisted-chatter-license-no-api');
      }
    }
  });

  it('Chatter External users with API Enabled are allowed (decision of ACCESS.md section 6)', () => {
    assert.equal(decideAccess({ ...base, license: 'Chatter External', userApiEnabled: true }).allowed, true);
  });

  it('ordinary clients: org without API gives API_DISABLED_FOR_ORG, user without it API_CURRENTLY_DISABLED', () => {
    const org = decideAccess({
      ...base,
      allowlisted: false,
      edition: 'professional',
      orgApiEnabled: false,
      userApiEnabled: true,
    });
    assert.equal(org.allowed === false && org.errorCode, 'API_DISABLED_FOR_ORG');
    assert.equal(org.allowed === false && org.fix, 'enable-org-api');
    const user = decideAccess({ ...base, allowlisted: false });
    assert.equal(user.allowed === false && user.errorCode, 'API_CURRENTLY_DISABLED');
    assert.equal(decideAccess({ ...base, allowlisted: false, userApiEnabled: true }).allowed, true);
  });

  it('ordinary clients are not touched by the enforcement switch', () => {
    assert.equal(decideAccess({ ...base, allowlisted: false, enforcement: false }).allowed, false);
  });

  it('forces the org API feature by edition', () => {
    assert.equal(orgApiEnabledFor('enterprise', false), true);
    assert.equal(orgApiEnabledFor('contact-manager', true), false);
    assert.equal(orgApiEnabledFor('group', true), true);
    assert.equal(LICENSES.length, 4);
  });
});
