/**
 * The web UI login (`/` and `/home/home.jsp`), which the mobile browser uses. It is not an API login, so the
 * access rule never applies to it (ACCESS.md 4): it checks credentials, lockout and active user only, and
 * keeps the session in an HttpOnly `sid` cookie as Salesforce does.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { authenticate } from './authenticate';
import { loadIdentityUser } from './identity';
import { loginSource } from './request-info';
import { htmlEscape, LOGIN_FAILED_TEXT, renderLoginPage, sendHtml } from './oauth-login-page';

export const HOME_PATH = '/home/home.jsp';

/** One cookie's value from the Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function formField(body: unknown, name: string): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
}

/** Register the browser login page, its form post and the home page behind it. */
export function registerUiLogin(app: FastifyInstance, ctx: OrgContext): void {
  app.get('/', async (_req, reply) => sendHtml(reply, 200, renderLoginPage({ action: '/' })));

  // A body that cannot be read shows the page again rather than the REST API's JSON error.
  const errorHandler = (_err: Error, _req: FastifyRequest, reply: FastifyReply) =>
    sendHtml(
      reply,
      400,
      renderLoginPage({ action: '/', error: 'The login form could not be read. Please try again.' }),
    );
  app.post('/', { errorHandler }, async (req: FastifyRequest, reply: FastifyReply) => {
    const username = formField(req.body, 'username').trim();
    const password = formField(req.body, 'pw');
    const failed = () => sendHtml(reply, 200, renderLoginPage({ action: '/', username, error: LOGIN_FAILED_TEXT }));
    if (username === '' || password === '') return failed();
    const outcome = await authenticate(ctx, {
      username,
      password,
      app: undefined,
      clientVersion: null,
      loginType: 'Application',
      apiType: null,
      apiVersion: null,
      ...loginSource(req),
      checkAccess: false,
    });
    if (!outcome.ok) return failed();
    const sid = ctx.sessions.createAccess(outcome.userId, null);
    const secure = req.protocol === 'https' ? '; Secure' : '';
    return reply.header('set-cookie', `sid=${sid}; Path=/; HttpOnly; SameSite=Lax${secure}`).redirect(HOME_PATH);
  });

  app.get(HOME_PATH, async (req, reply) => {
    const sid = cookieValue(req.headers.cookie, 'sid');
    const session = sid ? ctx.sessions.findAccess(sid) : undefined;
    const user = session ? loadIdentityUser(ctx, session.userId) : undefined;
    if (!user?.active) return reply.redirect(`/?ec=302&startURL=${encodeURIComponent(HOME_PATH)}`);
    return sendHtml(
      reply,
      200,
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Home | Salesforce</title></head>' +
        `<body><main><h1>Home</h1><p>Logged in as <span id="userName">${htmlEscape(user.fullName)}</span> (${htmlEscape(user.username)}).</p>` +
        '</main></body></html>',
    );
  });
}
