/** Faults that strike during one engine run: at the n-th request through the proxies, or some ms after it started. */
import { Trigger } from './chaos-plan';

export class RunTriggers {
  private requests = 0;
  private readonly waiting: Array<{ n: number; fire: () => void }> = [];
  private readonly timers: NodeJS.Timeout[] = [];

  /** Requests through the proxies since the run started. */
  get count(): number {
    return this.requests;
  }

  /** A request reached a proxy. */
  request(): void {
    this.requests += 1;
    for (const w of this.waiting.filter((x) => x.n === this.requests)) w.fire();
  }

  at(t: Trigger, fire: () => void): void {
    if (t.by === 'requests') this.waiting.push({ n: t.n, fire });
    else this.timers.push(setTimeout(fire, t.ms));
  }

  /** The run ended: nothing more fires. */
  clear(): void {
    this.waiting.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
  }
}
