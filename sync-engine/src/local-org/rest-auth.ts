/**
 * The gate in front of every REST data request: session, active user, the access rule (on every request,
 * ACCESS.md section 2), the daily request allocation and the `Sforce-Limit-Info` header.
 */
import { FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { restErrors } from './errors';
import { ConnectedApp } from './connected-apps';

export interface RestCaller {
  userId: string;
  app: ConnectedApp | undefined;
  /** `60.0` from `/services/data/v60.0/...`. */
  apiVersion: string;
  /** Whether the user has Modify All Data or Manage Users (admin writes, every owned record). */
  isAdmin: boolean;
  /** Manage Users: every user's LoginHistory. */
  manageUsers: boolean;
  /** View Setup and Configuration. */
  viewSetup: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: RestCaller;
  }
}

export const MIN_API_VERSION = 20;
export const MAX_API_VERSION = 64;
const VERSIONED = /^\/services\/data\/v(\d+)\.0(?:\/|$|\?)/;

/**
 * The bearer token of a request: `Authorization: Bearer x` or `OAuth x`. Never a URL parameter on the data API:
 * URLs end up in logs and browser histories (Salesforce answers INVALID_SESSION_ID without the header).
 */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
  return m ? m[1].trim() : undefined;
}

function today(ctx: OrgContext): string {
  return ctx.store.clock.now().toISOString().slice(0, 10);
}

/** Count one request against today's allocation; false when the allocation is used up. */
export function countRequest(ctx: OrgContext): { used: number; ok: boolean } {
  const key = `apiUsage:${today(ctx)}`;
  const used = Number(ctx.store.getMeta(key) ?? '0') + 1;
  if (used > ctx.options.dailyRequestLimit) return { used: used - 1, ok: false };
  ctx.store.setMeta(key, String(used));
  return { used, ok: true };
}

export function requestsUsedToday(ctx: OrgContext): number {
  return Number(ctx.store.getMeta(`apiUsage:${today(ctx)}`) ?? '0');
}

/** The versions list, the one data URL open without a session. */
const DISCOVERY = /^\/services\/data\/?(?:\?|$)/;

/**
 * onRequest hook for `/services/data/...`: sets `req.caller` or throws Salesforce's error. It runs before the body
 * is read, so a body is never parsed for a request without a session, nor for a URL that names no API version.
 */
export async function restGate(ctx: OrgContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const m = VERSIONED.exec(req.url);
  if (!m) {
    if (DISCOVERY.test(req.url)) return;
    throw restErrors.notFound();
  }
  const version = Number(m[1]);
  if (version < MIN_API_VERSION || version > MAX_API_VERSION) throw restErrors.notFound();
  const token = bearerToken(req);
  if (!token) throw restErrors.invalidSession();
  const session = ctx.sessions.findAccess(token);
  if (!session) throw restErrors.invalidSession();
  const app = ctx.apps.find(session.clientId);
  const evaluated = ctx.access.evaluate(session.userId, app?.allowlisted ?? false);
  if (!evaluated || !evaluated.facts.active) {
    ctx.sessions.revokeUser(session.userId);
    throw restErrors.invalidSession();
  }
  if (ctx.options.checkAccessOnEveryRequest && !evaluated.decision.allowed) {
    ctx.stats.refusedByRule += 1;
    throw evaluated.decision.errorCode === 'API_DISABLED_FOR_ORG'
      ? restErrors.apiDisabledForOrg()
      : restErrors.apiCurrentlyDisabled();
  }
  const usage = countRequest(ctx);
  reply.header('Sforce-Limit-Info', `api-usage=${usage.used}/${ctx.options.dailyRequestLimit}`);
  if (!usage.ok) throw restErrors.requestLimitExceeded();
  ctx.stats.total += 1;
  const kind = `${req.method} ${req.url.replace(/\?.*$/, '').split('/').slice(4, 6).join('/')}`;
  ctx.stats.byKind.set(kind, (ctx.stats.byKind.get(kind) ?? 0) + 1);
  req.caller = {
    userId: session.userId,
    app,
    apiVersion: `${version}.0`,
    isAdmin: evaluated.facts.modifyAllData || evaluated.facts.manageUsers,
    manageUsers: evaluated.facts.manageUsers,
    viewSetup: evaluated.facts.viewSetup,
  };
}
