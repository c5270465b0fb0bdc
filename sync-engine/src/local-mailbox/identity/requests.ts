/**
 * What every identity route shares: its form parser (parameters counted before parsing), reading one parameter
 * (a repeated one is refused), the tenant a path names, JSON answers with Entra's headers, the sign-in cookie, and
 * the request's correlation id (the client's `client-request-id`, as Entra echoes it).
 */
import crypto from 'node:crypto';
import querystring from 'node:querystring';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityError, identityErrors } from './errors';
import { IdentityConfig, IdentityStore } from './store';
import { origin } from '../paging';

/** Bodies the identity endpoints read are small forms: a token request with a refresh token fits in 16 KiB. */
export const FORM_BODY_LIMIT = 16 * 1024;
const MAX_FORM_PARAMETERS = 50;
const CORRELATION_ID = /^[A-Za-z0-9-]{1,64}$/;
export const SIGN_IN_COOKIE = 'sfo_identity_flow';

/** Parse `application/x-www-form-urlencoded` (for the routes of this plugin only). */
export function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    let amps = 0;
    for (let i = 0; i < text.length && amps < MAX_FORM_PARAMETERS; i++) if (text.charCodeAt(i) === 0x26) amps++;
    if (amps >= MAX_FORM_PARAMETERS)
      return done(
        identityErrors.badParameter('(body)', `the form has more than ${MAX_FORM_PARAMETERS} parameters.`),
        undefined,
      );
    done(null, { ...querystring.parse(text, '&', '=', { maxKeys: MAX_FORM_PARAMETERS }) });
  });
}

type Params = Record<string, string | string[] | undefined>;

/** The form of a POST: refused unless it is `application/x-www-form-urlencoded`. */
export function formOf(req: FastifyRequest): Params {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/x-www-form-urlencoded(\s*;|$)/i.test(type)) throw identityErrors.notAForm(type);
  return (req.body ?? {}) as Params;
}

export function queryOf(req: FastifyRequest): Params {
  return (req.query ?? {}) as Params;
}

/** One parameter: undefined when absent or empty, refused when repeated. */
export function optional(params: Params, name: string): string | undefined {
  const v = params[name];
  if (Array.isArray(v)) throw identityErrors.repeatedParameter(name);
  return v === undefined || v === '' ? undefined : v;
}

export function required(params: Params, name: string): string {
  const v = optional(params, name);
  if (v === undefined) throw identityErrors.missingParameter(name);
  return v;
}

/** The tenant of a path: the seed's GUID, `common` or `organizations`; anything else is Entra's AADSTS90002. */
export function tenantOf(identity: IdentityStore, segment: string): IdentityConfig & { segment: string } {
  const config = identity.config();
  const s = segment.toLowerCase();
  if (!config || !(s === config.tenantId || s === 'common' || s === 'organizations'))
    throw identityErrors.unknownTenant(segment);
  return { ...config, segment: s };
}

/** `https://localhost:PORT/{tenantId}/v2.0`: the issuer of this request's tokens. */
export function issuerOf(req: FastifyRequest, tenantId: string): string {
  return `${origin(req)}/${tenantId}/v2.0`;
}

export function correlationIdOf(req: FastifyRequest): string {
  const sent = req.headers['client-request-id'];
  return typeof sent === 'string' && CORRELATION_ID.test(sent) ? sent : crypto.randomUUID();
}

/** JSON as the token endpoint sends it: never cached. */
export function sendIdentityJson(reply: FastifyReply, status: number, body: unknown): void {
  reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store, no-cache')
    .header('pragma', 'no-cache')
    .send(JSON.stringify(body));
}

export function sendIdentityError(req: FastifyRequest, reply: FastifyReply, err: IdentityError, now: Date): void {
  const correlationId = correlationIdOf(req);
  reply.header('client-request-id', correlationId);
  sendIdentityJson(reply, err.status, err.toBody(now, correlationId));
}

/** One cookie per page (named after its form's value), so two sign-ins open in one browser do not clash. */
function cookieName(formValue: string): string {
  return `${SIGN_IN_COOKIE}_${crypto.createHash('sha256').update(formValue).digest('hex').slice(0, 12)}`;
}

/** The value of the cookie a page's form belongs with, when the browser sent it. */
export function signInCookie(req: FastifyRequest, formValue: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = cookieName(formValue);
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Set the cookie that ties a sign-in page to this browser (the form's value alone does not sign anyone in). */
export function setSignInCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  formValue: string,
  value: string,
  maxAgeSeconds: number,
): void {
  reply.header(
    'set-cookie',
    `${cookieName(formValue)}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${req.protocol === 'https' ? '; Secure' : ''}`,
  );
}

/** End a page's cookie. */
export function clearSignInCookie(reply: FastifyReply, formValue: string): void {
  reply.header('set-cookie', `${cookieName(formValue)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`);
}
