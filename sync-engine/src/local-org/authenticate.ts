/**
 * The login path shared by SOAP `login`, the OAuth password grant and the OAuth login page:
 * credentials, lockout, active user, then the access rule for the calling client. Every attempt of a
 * known user lands in LoginHistory.
 */
import { OrgContext } from './context';
import { AccessDecision } from '../access/rule';
import { ConnectedApp } from './connected-apps';
import { describeAgent, recordLogin } from './login-history';

export type LoginOutcome =
  | { ok: true; userId: string; decision: AccessDecision }
  | { ok: false; failure: 'invalid-login' | 'locked-out' | 'inactive'; userId?: string }
  | { ok: false; failure: 'access-denied'; userId: string; decision: Extract<AccessDecision, { allowed: false }> };

export interface LoginRequest {
  username: string;
  password: string;
  app: ConnectedApp | undefined;
  clientVersion: string | null;
  loginType: string;
  apiType: string | null;
  apiVersion: string | null;
  userAgent: string | undefined;
  sourceIp: string;
  loginUrl: string;
  /** OAuth flows authenticate first and let the first data call fail (ACCESS.md section 3). */
  checkAccess: boolean;
}

const STATUS_TEXT: Record<string, string> = {
  'invalid-login': 'Invalid Password',
  'locked-out': 'Password Lockout',
  inactive: 'User is Inactive',
  'access-denied': 'API Currently Disabled',
};

/** Authenticate a user for a client and record the attempt. */
export async function authenticate(ctx: OrgContext, req: LoginRequest): Promise<LoginOutcome> {
  const user = ctx.store.db
    .prepare(`SELECT "Id", "IsActive" FROM sobj_User WHERE lower("Username") = lower(?)`)
    .get(req.username) as { Id: string; IsActive: number } | undefined;
  if (!user) {
    // Spend the same work as a real check, so the answer's timing does not reveal which usernames exist.
    await ctx.credentials.checkUnknown(req.password);
    return { ok: false, failure: 'invalid-login' };
  }
  const outcome = await decide(ctx, req, user);
  const agent = describeAgent(req.userAgent);
  recordLogin(ctx.store, {
    userId: user.Id,
    status: outcome.ok ? 'Success' : STATUS_TEXT[outcome.failure],
    application: req.app?.name ?? (req.apiType ? 'Partner Product' : 'Browser'),
    clientVersion: req.clientVersion,
    loginType: req.loginType,
    apiType: req.apiType,
    apiVersion: req.apiVersion,
    platform: agent.platform,
    browser: agent.browser,
    sourceIp: req.sourceIp,
    loginUrl: req.loginUrl,
  });
  if (outcome.ok) {
    ctx.store.db.prepare(`UPDATE sobj_User SET "LastLoginDate" = ? WHERE "Id" = ?`).run(ctx.store.nowIso(), user.Id);
  }
  return outcome;
}

async function decide(
  ctx: OrgContext,
  req: LoginRequest,
  user: { Id: string; IsActive: number },
): Promise<LoginOutcome> {
  const check = await ctx.credentials.check(user.Id, req.password);
  if (check === 'locked-out') return { ok: false, failure: 'locked-out', userId: user.Id };
  if (check !== 'ok') return { ok: false, failure: 'invalid-login', userId: user.Id };
  if (user.IsActive !== 1) return { ok: false, failure: 'inactive', userId: user.Id };
  const decision = ctx.access.decide(user.Id, req.app?.allowlisted ?? false)!;
  if (req.checkAccess && !decision.allowed) return { ok: false, failure: 'access-denied', userId: user.Id, decision };
  return { ok: true, userId: user.Id, decision };
}
