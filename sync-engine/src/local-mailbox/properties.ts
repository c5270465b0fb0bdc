/**
 * Graph property values: each resource lists its writable properties with a type (data, in contacts.ts,
 * events.ts and todo.ts), and one checker per type turns what a client or a seed sends into the normalized
 * value that is stored, or names the problem with its path. The same checks serve HTTP bodies (first problem
 * becomes a 400) and seed files (every problem is listed).
 */
import { formatGraphDateTime, parseGraphDateTime, resolveTimeZone, utcToWall } from './time-zones';

/** One thing wrong with a value: where (`start.timeZone`), what, and the Graph error code it becomes on the wire. */
export interface Problem {
  path: string;
  message: string;
  code: string;
  /** The message the HTTP answer carries, when Graph's own wording differs from the seed's. */
  wire?: string;
}

export type PropType =
  | { kind: 'string'; maxLength?: number }
  | { kind: 'boolean' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'stringList' }
  | { kind: 'emailAddress' }
  | { kind: 'emailAddresses' }
  | { kind: 'physicalAddress' }
  | { kind: 'itemBody' }
  | { kind: 'dateTimeTimeZone' }
  | { kind: 'dateTimeOffset' }
  | { kind: 'location' }
  | { kind: 'locations' }
  | { kind: 'attendees' }
  /** Checked by the resource itself (recurrence needs the event's start). */
  | { kind: 'custom' };

export interface PropDef {
  name: string;
  type: PropType;
  /** Accepted and ignored on writes (clients send back what they read). */
  readOnly?: boolean;
}

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a message quotes it: at most 80 characters, never the whole of a huge or deeply nested value. */
export function quote(v: unknown): string | undefined {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 80) : v).slice(0, 80);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.length} items]`;
  if (isObject(v))
    return `{${Object.keys(v).slice(0, 5).join(', ')}${Object.keys(v).length > 5 ? ', ...' : ''}}`.slice(0, 80);
  return JSON.stringify(v)?.slice(0, 80);
}

/** A time zone problem, worded as Graph words it on the wire. */
export function timeZoneProblem(path: string, value: unknown): Problem {
  return {
    path,
    code: 'TimeZoneNotSupportedException',
    message: `unknown time zone ${quote(value)}`,
    wire: `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(value).slice(0, 100)}'.`,
  };
}

/** A body stops being checked past this many problems: a request needs the first, a seed a screenful (60,000 unknown keys took 100 ms). */
export const MAX_PROBLEMS = 20;

/**
 * Check the properties of a body against a resource's definitions. Unknown properties are problems (as
 * Graph refuses them); read-only ones and `@odata.*` annotations are ignored.
 */
export function checkProperties(
  body: Obj,
  defs: readonly PropDef[],
  entityType: string,
  path = '',
): { values: Obj; problems: Problem[] } {
  const values: Obj = {};
  const problems: Problem[] = [];
  const byName = new Map(defs.map((d) => [d.name.toLowerCase(), d]));
  // for-in rather than Object.entries: a body of 60,000 keys is not copied before the first problems end the check.
  for (const key in body) {
    if (problems.length >= MAX_PROBLEMS) break;
    if (!Object.prototype.hasOwnProperty.call(body, key)) continue;
    const value = body[key];
    const at = path ? `${path}.${key}` : key;
    if (key.startsWith('@odata.') || key.startsWith('@microsoft.graph.')) continue;
    const def = byName.get(key.toLowerCase());
    if (!def) {
      problems.push({
        path: at,
        code: 'RequestBodyRead',
        message: `unknown property of ${entityType}`,
        wire: `The property '${key.slice(0, 100)}' does not exist on type 'microsoft.graph.${entityType}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      });
      continue;
    }
    if (def.readOnly) continue;
    if (def.type.kind === 'custom') {
      values[def.name] = value;
      continue;
    }
    const checked = checkValue(value, def.type, at);
    if (checked.problems.length) problems.push(...checked.problems);
    else values[def.name] = checked.value;
  }
  return { values, problems };
}

interface Checked {
  value?: unknown;
  problems: Problem[];
}

const ok = (value: unknown): Checked => ({ value, problems: [] });
const fail = (path: string, message: string, code = 'RequestBodyRead'): Checked => ({
  problems: [{ path, message, code }],
});

/** Check one value against a type; null clears a value (to null, [] or the type's empty object). */
export function checkValue(value: unknown, type: PropType, path: string): Checked {
  switch (type.kind) {
    case 'string':
      if (value === null) return ok(null);
      if (typeof value !== 'string') return fail(path, `must be a string (got ${quote(value)})`);
      if (value.length > (type.maxLength ?? 1_000_000))
        return fail(path, `is longer than ${type.maxLength ?? 1_000_000} characters`);
      return ok(value);
    case 'boolean':
      if (typeof value !== 'boolean') return fail(path, `must be true or false (got ${quote(value)})`);
      return ok(value);
    case 'int':
      if (!Number.isInteger(value) || (value as number) < type.min || (value as number) > type.max) {
        return fail(path, `must be a whole number from ${type.min} to ${type.max} (got ${quote(value)})`);
      }
      return ok(value);
    case 'enum': {
      const found =
        typeof value === 'string' ? type.values.find((v) => v.toLowerCase() === value.toLowerCase()) : undefined;
      if (!found) return fail(path, `must be one of ${type.values.join(', ')} (got ${quote(value)})`);
      return ok(found);
    }
    case 'stringList':
      if (value === null) return ok([]);
      if (!Array.isArray(value)) return fail(path, `must be an array of strings (got ${quote(value)})`);
      for (let i = 0; i < value.length; i++)
        if (typeof value[i] !== 'string') return fail(`${path}[${i}]`, `must be a string (got ${quote(value[i])})`);
      return ok([...value]);
    case 'emailAddress':
      return checkEmailAddress(value, path);
    case 'emailAddresses': {
      if (value === null) return ok([]);
      if (!Array.isArray(value)) return fail(path, 'must be an array of { name, address }');
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const c = checkEmailAddress(value[i], `${path}[${i}]`);
        if (c.problems.length) return c;
        out.push(c.value);
      }
      return ok(out);
    }
    case 'physicalAddress':
      return checkObject(
        value,
        path,
        { street: 'string', city: 'string', state: 'string', countryOrRegion: 'string', postalCode: 'string' },
        {},
      );
    case 'itemBody': {
      const c = checkObject(
        value,
        path,
        { contentType: ['text', 'html'], content: 'string' },
        { contentType: 'text', content: '' },
      );
      if (c.value) c.value = { contentType: 'text', content: '', ...(c.value as Obj) };
      return c;
    }
    case 'dateTimeTimeZone':
      return checkDateTimeTimeZone(value, path);
    case 'dateTimeOffset': {
      if (value === null) return ok(null);
      const parsed = typeof value === 'string' ? parseGraphDateTime(value) : undefined;
      if (!parsed) return fail(path, `must be a date and time like 2026-07-22T11:59:00Z (got ${quote(value)})`);
      // A bare date is a birthday as Outlook stores it: that day at 11:59 UTC.
      const instant =
        parsed.instant ??
        (/^\d{4}-\d{2}-\d{2}$/.test(value as string) ? parsed.wall + 11 * 3_600_000 + 59 * 60_000 : parsed.wall);
      return ok(new Date(instant).toISOString().slice(0, 19) + 'Z');
    }
    case 'location': {
      const c = checkObject(
        value,
        path,
        {
          displayName: 'string',
          locationType: [
            'default',
            'conferenceRoom',
            'homeAddress',
            'businessAddress',
            'geoCoordinates',
            'streetAddress',
            'hotel',
            'restaurant',
            'localBusiness',
            'postalAddress',
          ],
          locationUri: 'string',
          uniqueId: 'string',
          uniqueIdType: ['unknown', 'locationStore', 'directory', 'private', 'bing'],
          locationEmailAddress: 'string',
          address: 'address',
        },
        {},
      );
      return c;
    }
    case 'locations': {
      if (value === null) return ok([]);
      if (!Array.isArray(value)) return fail(path, 'must be an array of locations');
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const c = checkValue(value[i], { kind: 'location' }, `${path}[${i}]`);
        if (c.problems.length) return c;
        out.push(c.value);
      }
      return ok(out);
    }
    case 'attendees': {
      if (value === null) return ok([]);
      if (!Array.isArray(value)) return fail(path, 'must be an array of { type, emailAddress }');
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const at = `${path}[${i}]`;
        const a = value[i];
        if (!isObject(a)) return fail(at, 'must be an object { type, emailAddress }');
        for (const k of Object.keys(a))
          if (!['type', 'emailAddress', 'status', 'proposedNewTime'].includes(k) && !k.startsWith('@odata.'))
            return fail(`${at}.${k}`, 'unknown property of attendee');
        const type =
          a.type === undefined
            ? { value: 'required', problems: [] }
            : checkValue(a.type, { kind: 'enum', values: ['required', 'optional', 'resource'] }, `${at}.type`);
        if (type.problems.length) return type;
        const email = checkEmailAddress(a.emailAddress, `${at}.emailAddress`);
        if (email.problems.length) return email;
        const status =
          a.status === undefined || a.status === null
            ? { value: { response: 'none', time: '0001-01-01T00:00:00Z' }, problems: [] }
            : checkObject(
                a.status,
                `${at}.status`,
                {
                  response: ['none', 'organizer', 'tentativelyAccepted', 'accepted', 'declined', 'notResponded'],
                  time: 'string',
                },
                {},
              );
        if (status.problems.length) return status;
        out.push({
          type: type.value,
          status: { response: 'none', time: '0001-01-01T00:00:00Z', ...(status.value as Obj) },
          emailAddress: email.value,
        });
      }
      return ok(out);
    }
    case 'custom':
      return ok(value);
  }
}

function checkEmailAddress(value: unknown, path: string): Checked {
  if (!isObject(value)) return fail(path, 'must be an object { name, address }');
  for (const k of Object.keys(value))
    if (k !== 'name' && k !== 'address' && !k.startsWith('@odata.'))
      return fail(`${path}.${k}`, 'unknown property (an email address has name and address)');
  if (typeof value.address !== 'string' || value.address.trim() === '')
    return fail(`${path}.address`, `required, a non-empty string (got ${quote(value.address)})`);
  if (value.name !== undefined && value.name !== null && typeof value.name !== 'string')
    return fail(`${path}.name`, `must be a string (got ${quote(value.name)})`);
  // Outlook fills the name with the address when none is given.
  return ok({
    name: typeof value.name === 'string' && value.name !== '' ? value.name : value.address,
    address: value.address,
  });
}

type FieldKind = 'string' | 'address' | readonly string[];

function checkObject(value: unknown, path: string, fields: Record<string, FieldKind>, empty: Obj): Checked {
  if (value === null) return ok({ ...empty });
  if (!isObject(value)) return fail(path, `must be an object { ${Object.keys(fields).join(', ')} }`);
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('@odata.')) continue;
    const kind = fields[k];
    if (kind === undefined) return fail(`${path}.${k}`, `unknown property (use ${Object.keys(fields).join(', ')})`);
    if (v === null) continue;
    if (kind === 'string') {
      if (typeof v !== 'string') return fail(`${path}.${k}`, `must be a string (got ${quote(v)})`);
      out[k] = v;
    } else if (kind === 'address') {
      const c = checkValue(v, { kind: 'physicalAddress' }, `${path}.${k}`);
      if (c.problems.length) return c;
      out[k] = c.value;
    } else {
      const c = checkValue(v, { kind: 'enum', values: kind }, `${path}.${k}`);
      if (c.problems.length) return c;
      out[k] = c.value;
    }
  }
  return ok(out);
}

/** `{dateTime, timeZone}`: a wall time in a known zone; a dateTime with an offset is moved into that zone. */
function checkDateTimeTimeZone(value: unknown, path: string): Checked {
  if (value === null) return ok(null);
  if (!isObject(value)) return fail(path, 'must be an object { dateTime, timeZone }');
  for (const k of Object.keys(value))
    if (k !== 'dateTime' && k !== 'timeZone' && !k.startsWith('@odata.'))
      return fail(`${path}.${k}`, 'unknown property (use dateTime and timeZone)');
  const zone = value.timeZone === undefined || value.timeZone === null ? 'UTC' : value.timeZone;
  const iana = typeof zone === 'string' ? resolveTimeZone(zone) : undefined;
  if (!iana) return { problems: [timeZoneProblem(`${path}.timeZone`, zone)] };
  const parsed = typeof value.dateTime === 'string' ? parseGraphDateTime(value.dateTime) : undefined;
  if (!parsed)
    return fail(`${path}.dateTime`, `must be a date and time like 2026-03-09T09:00:00 (got ${quote(value.dateTime)})`);
  const wall = parsed.instant === undefined ? parsed.wall : utcToWall(parsed.instant, iana);
  return ok({ dateTime: formatGraphDateTime(wall), timeZone: zone });
}

/** The first problem as the HTTP error Graph sends for it. */
export function problemMessage(p: Problem): string {
  return p.wire ?? (p.path ? `${p.path}: ${p.message}` : p.message);
}
