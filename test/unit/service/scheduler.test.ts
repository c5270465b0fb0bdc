/** The service's scheduler with hand-moved timers: one run at a time, the delays runs ask for, pause/resume, hold. */
import assert from 'node:assert/strict';
import { SyncScheduler, Timers } from '../../../sync-engine/src/service/scheduler';

class FakeTimers implements Timers {
  t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get scheduled(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.t);
  }
  /** Move time on, firing what comes due. */
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (const [id, p] of [...this.pending]) {
      if (p.at <= this.t) {
        this.pending.delete(id);
        p.fn();
      }
    }
    await new Promise((r) => setImmediate(r));
  }
}

/** A run the test finishes by hand. */
function gatedRun(delay = 1000) {
  const calls: Array<() => void> = [];
  const run = () => new Promise<number>((resolve) => calls.push(() => resolve(delay)));
  return {
    run,
    calls,
    finish: async () => {
      calls.shift()!();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('service scheduler', () => {
  it('runs after the start delay, then after the delay each run asks for', async () => {
    const timers = new FakeTimers();
    const delays = [500, 2000];
    let runs = 0;
    const s = new SyncScheduler(async () => {
      runs += 1;
      return delays[runs - 1] ?? 10_000;
    }, timers);
    s.start(100);
    assert.equal(s.nextRunAt, 100);
    await timers.advance(99);
    assert.equal(runs, 0);
    await timers.advance(1);
    assert.equal(runs, 1);
    assert.deepEqual(timers.scheduled, [500]);
    await timers.advance(500);
    assert.equal(runs, 2);
    assert.deepEqual(timers.scheduled, [2000]);
  });

  it('"run now" is refused while a run is in progress, and a due timer does not start a second one', async () => {
    const timers = new FakeTimers();
    const g = gatedRun();
    const s = new SyncScheduler(g.run, timers);
    const first = s.runNow();
    assert.equal(s.busy, true);
    assert.equal(await s.runNow(), false);
    await timers.advance(10_000);
    assert.equal(g.calls.length, 1);
    await g.finish();
    assert.equal(await first, true);
    assert.equal(s.busy, false);
    assert.deepEqual(timers.scheduled, [1000]);
  });

  it('pause cancels the next run; resume runs at once when it is overdue, else when it is due', async () => {
    const timers = new FakeTimers();
    let runs = 0;
    const s = new SyncScheduler(async () => {
      runs += 1;
      return 1000;
    }, timers);
    await s.runNow();
    s.pause();
    assert.equal(s.isPaused, true);
    assert.equal(s.nextRunAt, null);
    await timers.advance(400);
    s.resume();
    assert.deepEqual(timers.scheduled, [600]);
    s.pause();
    await timers.advance(5000);
    assert.equal(runs, 1);
    s.resume();
    assert.deepEqual(timers.scheduled, [0]);
    await timers.advance(0);
    assert.equal(runs, 2);
  });

  it('a run paused by the user still runs on "run now", and no next run is scheduled after it', async () => {
    const timers = new FakeTimers();
    const s = new SyncScheduler(async () => 1000, timers);
    s.start(0);
    s.pause();
    assert.equal(await s.runNow(), true);
    assert.deepEqual(timers.scheduled, []);
  });

  it('hold waits for the run in progress and keeps new ones out until it is done', async () => {
    const timers = new FakeTimers();
    const g = gatedRun();
    const s = new SyncScheduler(g.run, timers);
    void s.runNow();
    let held = false;
    const h = s.hold(async () => {
      held = true;
      assert.equal(await s.runNow(), false);
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(held, false, 'waits for the run');
    await g.finish();
    await h;
    assert.equal(held, true);
  });

  it('a run that throws is tried again after the fallback delay', async () => {
    const timers = new FakeTimers();
    const s = new SyncScheduler(
      async () => {
        throw new Error('boom');
      },
      timers,
      60_000,
    );
    await s.runNow();
    assert.equal(s.busy, false);
    assert.deepEqual(timers.scheduled, [60_000]);
  });

  it('close waits for the run and schedules nothing more', async () => {
    const timers = new FakeTimers();
    const g = gatedRun();
    const s = new SyncScheduler(g.run, timers);
    void s.runNow();
    const closed = s.close();
    await g.finish();
    await closed;
    assert.deepEqual(timers.scheduled, []);
    assert.equal(await s.runNow(), false);
  });
});
