/** Which failures stop a run and as what; a stop kept in the status table reads back typed, old rows included. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { failure } from '../../../sync-engine/src/failures/failure';
import { readStoredStop, stopFor } from '../../../sync-engine/src/sync/stop-reason';
import { StateStore } from '../../../sync-engine/src/sync/state-store';
import { StopReason } from '../../../sync-engine/src/sync/types';

describe('sync/stop-reason', () => {
  it('stops for lost access, throttling, refused tokens and unreachable sides; not for one record', () => {
    assert.deepEqual(stopFor(failure('accessRevoked', 'salesforce', 'API_CURRENTLY_DISABLED', 'off')), {
      kind: 'accessRevoked',
      errorCode: 'API_CURRENTLY_DISABLED',
      message: 'off',
    });
    assert.deepEqual(stopFor(failure('accessRevoked', 'outlook', 'ErrorAccessDenied', 'denied')), {
      kind: 'authFailed',
      side: 'outlook',
      message: 'denied',
    });
    assert.deepEqual(stopFor(failure('rateLimited', 'outlook', 'TooManyRequests', 'slow', 5_000)), {
      kind: 'rateLimited',
      side: 'outlook',
      retryAfterMs: 5_000,
    });
    assert.deepEqual(stopFor(failure('rateLimited', 'outlook', 'TooManyRequests', 'slow')), {
      kind: 'rateLimited',
      side: 'outlook',
      retryAfterMs: 60_000,
    });
    assert.deepEqual(stopFor(failure('rateLimited', 'salesforce', 'REQUEST_LIMIT_EXCEEDED', 'slow')), {
      kind: 'rateLimited',
      side: 'salesforce',
      retryAfterMs: 3_600_000,
    });
    assert.deepEqual(stopFor(failure('authExpired', 'salesforce', 'invalid_grant', 'gone')), {
      kind: 'authFailed',
      side: 'salesforce',
      message: 'gone',
    });
    assert.deepEqual(stopFor(failure('transient', 'salesforce', 'ECONNRESET', 'reset')), {
      kind: 'unreachable',
      side: 'salesforce',
      message: 'reset',
    });
    assert.deepEqual(stopFor(failure('unreachable', 'outlook', 'ECONNREFUSED', 'refused')), {
      kind: 'unreachable',
      side: 'outlook',
      message: 'refused',
    });
    for (const kind of ['validation', 'notFound', 'conflict', 'syncStateLost', 'other'] as const)
      assert.equal(stopFor(failure(kind, 'outlook', 'X', 'x')), null, kind);
  });

  it('reads a stored stop back: JSON typed, the plain kind of older versions, nothing else', () => {
    const reason: StopReason = { kind: 'rateLimited', side: 'outlook', retryAfterMs: 5_000 };
    assert.deepEqual(readStoredStop(JSON.stringify(reason)), reason);
    assert.deepEqual(readStoredStop('accessRevoked'), { kind: 'accessRevoked', fromOlderVersion: true });
    assert.equal(readStoredStop('noSuchReason'), null);
    assert.equal(readStoredStop('{"kind":"noSuchReason"}'), null);
    assert.equal(readStoredStop(null), null);
  });

  it('the state store keeps the typed stop, and reads a row an older version wrote', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stop-reason-'));
    const store = new StateStore(dir);
    try {
      const reason: StopReason = {
        kind: 'deleteGuard',
        object: 'contacts',
        side: 'salesforce',
        deletes: 5,
        total: 8,
        maxShare: 0.5,
      };
      store.setStatus({ state: 'stopped', stopReason: reason });
      assert.deepEqual(store.status().stopReason, reason);
      store.db.prepare(`UPDATE status SET value = 'unreachable' WHERE key = 'stopReason'`).run();
      assert.deepEqual(store.status().stopReason, { kind: 'unreachable', fromOlderVersion: true });
      store.setStatus({ stopReason: null });
      assert.equal(store.status().stopReason, null);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
