/** What every command shares: the exit codes, the usage error, and the --port check. */

export const EXIT = { ok: 0, failure: 1, usage: 2, blocked: 3, unreachable: 4, stopped: 5 } as const;

/** Parse a --port value, or throw a usage error naming the option. */
export function parsePort(value: string, option = '--port'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${option}: "${value}" is not a port number (0-65535)`);
  return n;
}

export class UsageError extends Error {}

/** Parse an --interval value (whole seconds, at least 60), or throw a usage error naming the option. */
export function parseInterval(value: string, option = '--interval'): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 60)
    throw new UsageError(`${option}: "${value}" must be a whole number of seconds, at least 60`);
  return n;
}
