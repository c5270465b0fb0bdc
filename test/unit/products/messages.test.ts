import assert from 'node:assert/strict';
import { message, allMessageKeys } from '../../../sync-engine/src/products/messages';
import { PRODUCTS, compareVersions, MessageKey } from '../../../sync-engine/src/products/catalog';
import { sharedMessages } from '../../helpers/shared';

describe('message catalog', () => {
  it('equals ../shared/spec/messages.json text for text', () => {
    const shared = sharedMessages();
    assert.deepEqual(allMessageKeys().sort(), Object.keys(shared).sort());
    for (const [key, text] of Object.entries(shared)) {
      // message() fills placeholders; with no values the template comes back unchanged.
      assert.equal(message(key as MessageKey), text, key);
    }
  });

  it('fills placeholders', () => {
    assert.equal(
      message('connectOffice.urlLine', { url: 'https://x.example/services/Soap/u/60.0' }),
      'URL: https://x.example/services/Soap/u/60.0',
    );
    assert.equal(
      message('sfo.unsupportedVersion', { version: '2.2.0' }),
      'Salesforce for Outlook 2.2.0 is not supported. Use version 2.3.0 or later.',
    );
  });

  it('every product points at messages that exist', () => {
    const keys = new Set<string>(allMessageKeys());
    for (const p of PRODUCTS) {
      for (const k of [
        p.loginBlocked,
        p.syncStopped,
        p.settingsUnavailable,
        p.loginBlockedChatter,
        p.loginBlockedChatterExternal,
      ]) {
        if (k && k !== 'redirect-to-login') assert.ok(keys.has(k), `${p.id}: ${k}`);
      }
    }
  });

  it('compares versions numerically', () => {
    assert.equal(compareVersions('2.10.0', '2.3.0'), 1);
    assert.equal(compareVersions('2.3', '2.3.0'), 0);
    assert.equal(compareVersions('6.0.9', '6.1'), -1);
  });
});
