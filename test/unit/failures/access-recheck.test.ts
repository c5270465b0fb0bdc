/** The re-check schedule of lost access: 30 s, doubling, capped at 15 minutes, and back to 30 s once access returns. */
import assert from 'node:assert/strict';
import { ACCESS_RECHECK, AccessRecheck } from '../../../sync-engine/src/failures/access-recheck';

describe('failures/access-recheck', () => {
  it('waits 30 s, then doubles, never more than 15 minutes', () => {
    const recheck = new AccessRecheck();
    const waits = Array.from({ length: 8 }, () => recheck.next());
    assert.deepEqual(waits, [30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
  });

  it('starts again from the first wait after a reset', () => {
    const recheck = new AccessRecheck();
    recheck.next();
    recheck.next();
    recheck.reset();
    assert.equal(recheck.next(), ACCESS_RECHECK.firstMs);
  });

  it('caps other waits at the slowest re-check', () => {
    const recheck = new AccessRecheck({ firstMs: 10, maxMs: 100 });
    assert.equal(recheck.capped(3_600_000), 100);
    assert.equal(recheck.capped(50), 50);
  });
});
