/**
 * What a request body may be. Each route takes the size that fits what it writes (a contact, event or task with
 * its notes or body: up to 1 MiB, room for a 1,000,000-character `personalNotes`; a task list: a name; the
 * throttle switch: two numbers), never more than the server's own `bodyLimit` (4 MB by default, Graph's request
 * size); fastify stops reading at the limit, so a 50 MB body costs what the limit lets in.
 *
 * A JSON body is also measured before it is parsed: nested deeper than JSON_MAX_DEPTH (OData's default
 * MaxNestingDepth, 100) it is refused with a 400. `JSON.parse` took 578 ms over a 4 MB body of nested arrays,
 * blocking every other request, and a 100,000-deep value overflowed the stack of the property checks (a 500).
 */
import { FastifyInstance } from 'fastify';
import { GraphError, graphErrors } from './errors';
import { MailboxOptions } from './context';

export const BODY_LIMITS = {
  /** A contact, event or To Do task. */
  item: 1024 * 1024,
  /** A To Do list: its name. */
  taskList: 8 * 1024,
  /** The throttle switch's `{requests, retryAfterSeconds}`. */
  admin: 1024,
  /** Routes that take no body (a method a resource lacks answers 405 without reading much). */
  none: 1024,
} as const;

export const JSON_MAX_DEPTH = 100;

/** A route's limit, within the server's. */
export function bodyLimit(limit: number, options: MailboxOptions): number {
  return Math.min(limit, options.bodyLimit);
}

/** Whether JSON text nests arrays and objects deeper than `max` (brackets inside strings are text). One pass, no allocation. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** Parse `application/json` bodies, depth-checked first; an empty body is undefined; a bad one Graph's 400. */
export function addJsonBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (nestsDeeperThan(text, JSON_MAX_DEPTH)) return done(tooDeep(), undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(graphErrors.badJson(), undefined);
    }
  });
}

function tooDeep(): GraphError {
  return graphErrors.badRequest(`The JSON request payload is nested more than ${JSON_MAX_DEPTH} levels deep.`);
}
