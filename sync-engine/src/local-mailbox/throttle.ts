/**
 * The throttle switch: makes the next N Graph requests of a mailbox (or of every mailbox) answer 429
 * `TooManyRequests` with `Retry-After` (WIRE.md 11.4), so clients' back-off can be tested for real.
 *
 * Set it with the server option `throttle`, with `LocalMailbox.throttle()`, or over HTTP with the mailbox's
 * own bearer token (only that mailbox is affected):
 *   POST   /_admin/throttle {"requests": 3, "retryAfterSeconds": 2}   → 200 {"requests":3,"retryAfterSeconds":2}
 *   GET    /_admin/throttle                                           → 200 the switch as it stands
 *   DELETE /_admin/throttle                                           → 204, no more 429s
 * Admin requests are never throttled themselves. Requests refused by authentication do not count.
 */
import { FastifyInstance } from 'fastify';
import { graphErrors } from './errors';
import { jsonBody, mailboxOf, sendJson, sendNoContent } from './http';
import { isObject } from './properties';
import { BODY_LIMITS } from './body-limits';

export interface ThrottleRule {
  /** How many of the next requests get 429. */
  requests: number;
  /** The Retry-After they carry, in seconds (fractions allowed, as Graph sends them). */
  retryAfterSeconds: number;
}

const ALL = 0;

export class ThrottleSwitch {
  private readonly rules = new Map<number, ThrottleRule>();

  /** Throttle a mailbox's next requests (mailbox undefined: every mailbox, counted together). */
  set(rule: ThrottleRule, mailbox?: number): void {
    if (rule.requests <= 0) this.rules.delete(mailbox ?? ALL);
    else this.rules.set(mailbox ?? ALL, { ...rule });
  }

  clear(mailbox?: number): void {
    if (mailbox === undefined) this.rules.clear();
    else this.rules.delete(mailbox);
  }

  /** The rule now in force for a mailbox (its own, else the one for all). */
  get(mailbox: number): ThrottleRule | undefined {
    return this.rules.get(mailbox) ?? this.rules.get(ALL);
  }

  /** Count one request: the Retry-After value to refuse it with, or undefined to let it through. */
  take(mailbox: number): string | undefined {
    const key = this.rules.has(mailbox) ? mailbox : this.rules.has(ALL) ? ALL : undefined;
    if (key === undefined) return undefined;
    const rule = this.rules.get(key)!;
    rule.requests -= 1;
    if (rule.requests <= 0) this.rules.delete(key);
    return String(rule.retryAfterSeconds);
  }
}

/** Check a throttle rule from an option or a request body; throws Graph's 400 naming the problem. */
export function parseThrottleRule(body: unknown): ThrottleRule {
  if (!isObject(body)) throw graphErrors.badRequest('Send {"requests": N, "retryAfterSeconds": S}.');
  for (const k of Object.keys(body)) {
    if (k !== 'requests' && k !== 'retryAfterSeconds')
      throw graphErrors.badRequest(`Unknown property '${k}': send {"requests": N, "retryAfterSeconds": S}.`);
  }
  const { requests, retryAfterSeconds = 1 } = body as { requests?: unknown; retryAfterSeconds?: unknown };
  if (!Number.isInteger(requests) || (requests as number) < 0 || (requests as number) > 1_000_000) {
    throw graphErrors.badRequest('requests: must be a whole number from 0 (switch off) to 1000000.');
  }
  if (
    typeof retryAfterSeconds !== 'number' ||
    !Number.isFinite(retryAfterSeconds) ||
    retryAfterSeconds < 0 ||
    retryAfterSeconds > 3600
  ) {
    throw graphErrors.badRequest('retryAfterSeconds: must be a number of seconds from 0 to 3600.');
  }
  return { requests: requests as number, retryAfterSeconds };
}

export function registerThrottleAdmin(app: FastifyInstance, throttle: ThrottleSwitch): void {
  app.post('/_admin/throttle', { bodyLimit: BODY_LIMITS.admin }, async (req, reply) => {
    const mailbox = mailboxOf(req);
    const rule = parseThrottleRule(jsonBody(req));
    throttle.set(rule, mailbox.no);
    sendJson(reply, 200, rule);
    return reply;
  });
  app.get('/_admin/throttle', async (req, reply) => {
    const rule = throttle.get(mailboxOf(req).no);
    sendJson(reply, 200, rule ?? { requests: 0, retryAfterSeconds: 0 });
    return reply;
  });
  app.delete('/_admin/throttle', async (req, reply) => {
    throttle.clear(mailboxOf(req).no);
    sendNoContent(reply);
    return reply;
  });
}
