/** A seed's `organization`: a misspelt key is named, not silently ignored (an org without the setting it meant). */
import assert from 'node:assert/strict';
import { validateSeed } from '../../../sync-engine/src/local-org/seed';
import { testSeed } from '../../helpers/org';

describe('org seed: organization keys', () => {
  it('names an unknown key of organization, with the keys it takes', () => {
    const seed = testSeed();
    (seed.organization as Record<string, unknown>).customField = false;
    assert.deepEqual(validateSeed(seed), [
      'organization.customField: unknown key (expected name, edition, features, enforceApiEnabledForAllowlistedApps, dailyApiRequestLimit, customFields)',
    ]);
  });

  it('takes every documented key', () => {
    const seed = testSeed();
    Object.assign(seed.organization, {
      features: { apiEnabled: true, customizableProfiles: true, sharedActivities: true },
      enforceApiEnabledForAllowlistedApps: true,
      dailyApiRequestLimit: 15000,
      customFields: false,
    });
    assert.deepEqual(validateSeed(seed), []);
  });
});
