/**
 * Wait for something that happens by itself (a scheduled run, a server's first output, a request in flight), by
 * asking again until it holds, instead of sleeping a guessed time. The probe answers the value waited for, or
 * undefined (or throws, e.g. a failed assert) while it is not there yet; past the deadline the last failure is
 * thrown, so a test that times out says what it saw.
 */
export interface EventuallyOptions {
  /** How long to keep asking (default 10 s). */
  timeoutMs?: number;
  /** How long between two asks (default 20 ms). */
  intervalMs?: number;
}

export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  o: EventuallyOptions = {},
): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      failure = err;
    }
    if (Date.now() >= deadline) {
      if (failure instanceof Error) {
        failure.message = `${what}: not within ${timeoutMs} ms: ${failure.message}`;
        throw failure;
      }
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, o.intervalMs ?? 20));
  }
}
