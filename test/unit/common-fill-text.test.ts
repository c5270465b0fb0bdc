/** The one placeholder filler of the text catalogs. */
import assert from 'node:assert/strict';
import { fillText } from '../../sync-engine/src/common/fill-text';
import { notice } from '../../sync-engine/src/products/notices';
import { serviceText } from '../../sync-engine/src/service/texts';

describe('common/fill-text', () => {
  it('fills each {name} it has a value for, keeps the others as written, and reads no inherited names', () => {
    assert.equal(fillText('{a} and {b}', { a: 'one' }), 'one and {b}');
    assert.equal(fillText('{toString}', {}), '{toString}');
    assert.equal(fillText('{a}{a}', { a: '$&' }), '$&$&', 'a value is taken as it is, not as a replacement pattern');
  });

  it('the catalogs use it: notices and the service texts', () => {
    assert.equal(
      serviceText('runFailed', { reason: 'disk full' }),
      'The last sync did not finish: disk full. It will try again at the next sync.',
    );
    assert.match(
      notice('sync.unreachable', { side: 'Outlook', reason: 'ECONNRESET' }),
      /^Sync paused: Outlook could not be reached \(ECONNRESET\)\./,
    );
  });
});
