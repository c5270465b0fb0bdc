/** Time, injected so tests and benchmarks control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Salesforce's JSON datetime form: `2013-05-08T21:20:00.000+0000`. */
export function toSalesforceDateTime(iso: string): string {
  return iso.replace(/Z$/, '+0000');
}

/** Parse a SOQL/REST datetime (`Z`, `+00:00` or `+0000` offsets), or undefined when it is not one. */
export function parseSalesforceDateTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (!m) return undefined;
  const offset = m[8] === 'Z' ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8];
  const ms = (m[7] ?? '0').padEnd(3, '0');
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${ms}${offset}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A Salesforce datetime read from the wire as an ISO instant (`2026-03-08T14:00:00.000+0000` ->
 * `2026-03-08T14:00:00.000Z`); a value that is not one throws, naming the field.
 */
export function salesforceInstant(value: unknown, field: string): string {
  const d = typeof value === 'string' ? parseSalesforceDateTime(value) : undefined;
  if (!d)
    throw new Error(`${field}: ${JSON.stringify(value)} is not a Salesforce datetime (2026-03-08T14:00:00.000+0000)`);
  return d.toISOString();
}
