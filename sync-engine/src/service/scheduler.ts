/**
 * When the background sync runs: one run at a time, the next one after the delay the last run asked for,
 * "sync now" on demand, pause and resume. It knows nothing of what a run does; timers are injected so tests
 * never wait for real.
 */

export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One run; resolves with how long to wait before the next. Must not throw (a throw waits `fallbackDelayMs`). */
export type Run = () => Promise<number>;

export class SyncScheduler {
  private running: Promise<void> | null = null;
  private held = 0;
  private timer: unknown = null;
  private paused = false;
  private closed = false;
  private lastEnd: number | null = null;
  private lastDelay = 0;
  private next: number | null = null;

  constructor(
    private readonly run: Run,
    private readonly timers: Timers = realTimers,
    private readonly fallbackDelayMs = 60_000,
  ) {}

  get busy(): boolean {
    return this.running !== null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** When the next run is due (ms since the epoch), or null when none is scheduled. */
  get nextRunAt(): number | null {
    return this.next;
  }

  /** Schedule the first run after `delayMs`. */
  start(delayMs: number): void {
    this.schedule(delayMs);
  }

  /** Run now and wait for it; false (nothing run) when a run is in progress or runs are held. */
  async runNow(): Promise<boolean> {
    if (this.running || this.held > 0 || this.closed) return false;
    await this.launch();
    return true;
  }

  /** No more runs until resume(); a run in progress finishes. */
  pause(): void {
    this.paused = true;
    this.cancelTimer();
  }

  /** Runs again: the next one when it was due (at once if it is overdue). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.running) return;
    const due = this.lastEnd === null ? this.timers.now() : this.lastEnd + this.lastDelay;
    this.schedule(Math.max(0, due - this.timers.now()));
  }

  /** Wait for a run in progress, keep new ones from starting while `fn` works, then go on as before. */
  async hold<T>(fn: () => Promise<T> | T): Promise<T> {
    this.held += 1;
    try {
      while (this.running) await this.running;
      return await fn();
    } finally {
      this.held -= 1;
    }
  }

  /** Stop for good, after the run in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    while (this.running) await this.running;
  }

  private schedule(delayMs: number): void {
    this.cancelTimer();
    if (this.paused || this.closed) return;
    this.next = this.timers.now() + delayMs;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.next = null;
      if (this.running) return; // a "sync now" is running: it schedules the next run when it ends
      if (this.held > 0) return void this.schedule(1_000);
      void this.launch();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.next = null;
  }

  private launch(): Promise<void> {
    this.cancelTimer();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.running = done;
    void (async () => {
      let delay = this.fallbackDelayMs;
      try {
        delay = await this.run();
      } catch {
        // The run's own failure handling let something through: try again later.
      } finally {
        this.lastEnd = this.timers.now();
        this.lastDelay = delay;
        this.running = null;
        release();
        this.schedule(delay);
      }
    })();
    return done;
  }
}
