/**
 * How often lost access is checked again: after 30 s, then doubling, never more than every 15 minutes. One schedule
 * for the engine's own loop, the service's account (its scheduler) and the service's kept sign-in after a restart,
 * so the org sees the same slow pace whoever asks.
 */

/** The schedule's bounds. */
export const ACCESS_RECHECK = { firstMs: 30_000, maxMs: 15 * 60_000 };

/** The waits of one stretch of lost access: each `next()` is twice the last, capped; `reset()` when access is back. */
export class AccessRecheck {
  private waitMs: number;

  constructor(private readonly bounds: { firstMs: number; maxMs: number } = ACCESS_RECHECK) {
    this.waitMs = bounds.firstMs;
  }

  /** The wait before the next check; the one after it is longer. */
  next(): number {
    const wait = this.waitMs;
    this.waitMs = Math.min(wait * 2, this.bounds.maxMs);
    return wait;
  }

  /** Access is back (or the stop was for another reason): the next stretch starts from the first wait. */
  reset(): void {
    this.waitMs = this.bounds.firstMs;
  }

  /** A wait that is never longer than the slowest re-check (a stop for another reason waits no more than that). */
  capped(ms: number): number {
    return Math.min(ms, this.bounds.maxMs);
  }
}
