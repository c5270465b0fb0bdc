import assert from 'node:assert/strict';
import {
  parseRetryAfter,
  planRetry,
  backoff,
  RetryOptions,
  DEFAULT_RETRY_OPTIONS,
  FailedAttempt,
} from '../../../sync-engine/src/graph/retry';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const o: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, random: () => 0, now: () => NOW, sleep: async () => undefined };
const attempt = (a: Partial<FailedAttempt>): FailedAttempt => ({
  method: 'GET',
  status: 503,
  replayable: true,
  retryNumber: 1,
  ...a,
});

describe('graph/retry', () => {
  describe('parseRetryAfter', () => {
    it('reads whole and fractional seconds', () => {
      assert.equal(parseRetryAfter('2', NOW), 2000);
      assert.equal(parseRetryAfter('2.128', NOW), 2128);
      assert.equal(parseRetryAfter(' 0 ', NOW), 0);
    });

    it('reads an HTTP date relative to now, never negative', () => {
      assert.equal(parseRetryAfter('Mon, 01 Jun 2026 12:00:07 GMT', NOW), 7000);
      assert.equal(parseRetryAfter('Mon, 01 Jun 2026 11:59:00 GMT', NOW), 0);
    });

    it('ignores what it cannot read', () => {
      assert.equal(parseRetryAfter(undefined, NOW), undefined);
      assert.equal(parseRetryAfter('', NOW), undefined);
      assert.equal(parseRetryAfter('soon', NOW), undefined);
      assert.equal(parseRetryAfter('-3', NOW), undefined);
    });
  });

  describe('planRetry', () => {
    it('waits as told on 429, for any method (429 means not processed)', () => {
      assert.deepEqual(planRetry(attempt({ method: 'POST', status: 429, retryAfter: '3' }), o), {
        retry: true,
        delayMs: 3000,
        reason: 'HTTP 429, Retry-After',
      });
      assert.deepEqual(
        planRetry(attempt({ method: 'PATCH', status: 429, retryAfter: 'Mon, 01 Jun 2026 12:00:05 GMT' }), o),
        { retry: true, delayMs: 5000, reason: 'HTTP 429, Retry-After' },
      );
    });

    it('adds jitter on top of Retry-After, never below it, within the cap', () => {
      const jittery = { ...o, random: () => 0.5, jitterMs: 1000 };
      assert.deepEqual(planRetry(attempt({ status: 429, retryAfter: '2' }), jittery), {
        retry: true,
        delayMs: 2500,
        reason: 'HTTP 429, Retry-After',
      });
      const nearCap = { ...o, random: () => 0.99, jitterMs: 1000, maxDelayMs: 2100 };
      const p = planRetry(attempt({ status: 429, retryAfter: '2' }), nearCap);
      assert.ok(p.retry && p.delayMs >= 2000 && p.delayMs <= 2100);
    });

    it('does not wait out a Retry-After beyond the cap (the caller schedules)', () => {
      const p = planRetry(attempt({ status: 429, retryAfter: '600' }), o);
      assert.equal(p.retry, false);
    });

    it('retries 5xx only for idempotent methods', () => {
      for (const method of ['GET', 'PUT', 'DELETE'])
        assert.equal(planRetry(attempt({ method, status: 503 }), o).retry, true, method);
      for (const method of ['POST', 'PATCH'])
        assert.equal(planRetry(attempt({ method, status: 503, retryAfter: '1' }), o).retry, false, method);
      assert.equal(planRetry(attempt({ status: 504 }), o).retry, true);
      assert.equal(planRetry(attempt({ status: 501 }), o).retry, false);
      assert.equal(planRetry(attempt({ status: 404 }), o).retry, false);
    });

    it('retries a refused connection for any method, a reset only for idempotent ones', () => {
      assert.equal(planRetry(attempt({ method: 'POST', status: null, networkCode: 'ECONNREFUSED' }), o).retry, true);
      assert.equal(planRetry(attempt({ method: 'POST', status: null, networkCode: 'ECONNRESET' }), o).retry, false);
      assert.equal(planRetry(attempt({ method: 'GET', status: null, networkCode: 'ECONNRESET' }), o).retry, true);
      assert.equal(planRetry(attempt({ method: 'GET', status: null, networkCode: 'ETIMEDOUT' }), o).retry, true);
      assert.equal(planRetry(attempt({ method: 'GET', status: null, networkCode: 'ENOTFOUND' }), o).retry, false);
      assert.equal(
        planRetry(attempt({ method: 'GET', status: null, networkCode: 'CERT_HAS_EXPIRED' }), o).retry,
        false,
      );
    });

    it('never replays a body that cannot be sent twice, not even on 429', () => {
      assert.equal(
        planRetry(attempt({ method: 'PUT', status: 429, retryAfter: '1', replayable: false }), o).retry,
        false,
      );
    });
  });

  describe('backoff', () => {
    it('doubles from the base, half fixed and half random, capped', () => {
      const lo = { ...o, baseDelayMs: 1000, maxDelayMs: 5000, random: () => 0 };
      const hi = { ...lo, random: () => 0.999999 };
      assert.deepEqual(
        [1, 2, 3, 4, 5].map((n) => backoff(n, lo)),
        [500, 1000, 2000, 2500, 2500],
      );
      assert.deepEqual(
        [1, 2, 3, 4].map((n) => backoff(n, hi)),
        [999, 1999, 3999, 4999],
      );
    });
  });
});
