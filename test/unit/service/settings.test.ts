/** Applying a settings change: kept keys keep their values; every wrong key is named in one message. */
import assert from 'node:assert/strict';
import { applySettingsChange, defaultSettings } from '../../../sync-engine/src/service/settings';
import { ServiceError } from '../../../sync-engine/src/service/errors';

describe('service settings', () => {
  it('changes only what the body names', () => {
    const next = applySettingsChange(defaultSettings(), {
      objects: { contacts: { winner: 'outlook' }, events: { direction: 'none' } },
    });
    assert.deepEqual(next, {
      contacts: { direction: 'both', winner: 'outlook' },
      events: { direction: 'none', winner: 'salesforce' },
      tasks: { direction: 'both', winner: 'salesforce' },
    });
  });

  it('does not change the settings it was given', () => {
    const current = defaultSettings();
    applySettingsChange(current, { objects: { contacts: { direction: 'none' } } });
    assert.deepEqual(current, defaultSettings());
  });

  it('names every problem, the first as the field', () => {
    try {
      applySettingsChange(defaultSettings(), { objects: { contacts: { direction: 'up', winner: 'me' } } });
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ServiceError);
      assert.equal(err.code, 'INVALID_SETTINGS');
      assert.equal(err.field, 'objects.contacts.direction');
      assert.equal(
        err.message,
        'objects.contacts.direction: must be one of none, salesforce-to-outlook, outlook-to-salesforce, both (got "up"); objects.contacts.winner: must be salesforce or outlook (got "me")',
      );
    }
  });

  it('a body that is not an object', () => {
    assert.throws(
      () => applySettingsChange(defaultSettings(), 'both'),
      /^ServiceError: objects: the body must be a JSON object/,
    );
    assert.throws(
      () => applySettingsChange(defaultSettings(), undefined),
      /^ServiceError: objects: the body must be a JSON object/,
    );
  });
});
