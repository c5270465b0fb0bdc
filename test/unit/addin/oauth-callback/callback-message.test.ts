/** What oauth-callback.html sends the pane, and what the pane takes as such (addin/oauth-callback/callback-message.ts). */
import assert from 'node:assert/strict';
import { callbackOf, parseCallback } from '../../../../addin/oauth-callback/callback-message';

describe('addin/oauth-callback/callback-message', () => {
  it("callbackOf: the code and state, or the org's error with its description and state", () => {
    assert.deepEqual(callbackOf(new URLSearchParams('code=aPrx%3D%3D&state=s-1')), { state: 's-1', code: 'aPrx==' });
    assert.deepEqual(
      callbackOf(new URLSearchParams('error=access_denied&error_description=end-user+denied+authorization&state=s-1')),
      { state: 's-1', error: 'access_denied', errorDescription: 'end-user denied authorization' },
    );
  });

  it('parseCallback reads back what callbackOf sent', () => {
    for (const query of ['code=c&state=s', 'error=access_denied&state=s']) {
      const sent = callbackOf(new URLSearchParams(query));
      assert.deepEqual(parseCallback(JSON.stringify(sent)), sent);
    }
  });

  it('parseCallback: null for what is not a callback (no state, neither code nor error, not JSON, not an object)', () => {
    for (const message of [
      '{"code":"c"}',
      '{"state":"","code":"c"}',
      '{"state":"s"}',
      '{"state":"s","error":""}',
      '{"state":"s","code":7}',
      'not json',
      'null',
      '"text"',
    ]) {
      assert.equal(parseCallback(message), null, message);
    }
  });
});
