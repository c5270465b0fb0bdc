/**
 * Who a session belongs to, as Salesforce shows it: the identity URL `/id/{orgId}/{userId}` (WIRE.md 2.6),
 * `/services/oauth2/userinfo` (2.5) and the `userInfo` of a SOAP login (1.3). The instance URL and the login
 * URL are both the URL the request came in on.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { License } from '../access/rule';
import { bearerToken, MAX_API_VERSION } from './rest-auth';
import { normalizeId } from './ids';
import { toSalesforceDateTime } from '../common/clock';
import { baseUrl } from './request-info';
import { sendJson } from './json-reply';

export interface IdentityUser {
  userId: string;
  orgId: string;
  orgName: string;
  sandbox: boolean;
  username: string;
  email: string;
  firstName: string | null;
  lastName: string;
  fullName: string;
  profileId: string;
  /** User.UserType: `Standard`, or `CsnOnly` for Chatter licenses. */
  userType: string;
  license: License;
  timeZone: string;
  active: boolean;
  lastModifiedDate: string;
}

/** `{base}/id/{orgId}/{userId}`: the identity URL a token response and the discovery list name. */
export function identityUrl(base: string, orgId: string, userId: string): string {
  return `${base}/id/${orgId}/${userId}`;
}

/** The user as the identity service sees them; undefined for an unknown id. */
export function loadIdentityUser(ctx: OrgContext, userId: string): IdentityUser | undefined {
  const row = ctx.store.db
    .prepare(
      `SELECT u."Id", u."Username", u."Email", u."FirstName", u."LastName", u."Name", u."ProfileId", u."UserType", u."TimeZoneSidKey",
            u."IsActive", u."LastModifiedDate", l."Name" AS license
     FROM sobj_User u JOIN sobj_Profile p ON p."Id" = u."ProfileId" JOIN sobj_UserLicense l ON l."Id" = p."UserLicenseId"
     WHERE u."Id" = ?`,
    )
    .get(userId) as Record<string, string | number | null> | undefined;
  if (!row) return undefined;
  const org = ctx.store.db.prepare(`SELECT "Id", "Name", "IsSandbox" FROM sobj_Organization LIMIT 1`).get() as {
    Id: string;
    Name: string;
    IsSandbox: number;
  };
  const license = row.license as License;
  return {
    userId: row.Id as string,
    orgId: org.Id,
    orgName: org.Name,
    sandbox: org.IsSandbox === 1,
    username: row.Username as string,
    email: row.Email as string,
    firstName: (row.FirstName as string | null) ?? null,
    lastName: row.LastName as string,
    fullName: (row.Name as string | null) ?? (row.LastName as string),
    profileId: row.ProfileId as string,
    userType: (row.UserType as string | null) ?? (license === 'Salesforce' ? 'Standard' : 'CsnOnly'),
    license,
    timeZone: (row.TimeZoneSidKey as string | null) ?? 'America/Los_Angeles',
    active: row.IsActive === 1,
    lastModifiedDate: row.LastModifiedDate as string,
  };
}

/** `STANDARD`, `CSN_ONLY` (Chatter licenses) or `POWER_PARTNER`, as the identity service spells User.UserType. */
export function identityUserType(userType: string): string {
  return userType.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The standard (not daylight-saving) offset of a time zone in milliseconds, as `utcOffset` reports it. */
export function standardUtcOffset(timeZone: string, at: Date): number {
  const offsetAt = (d: Date): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(d);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return wall - Math.floor(d.getTime() / 1000) * 1000;
  };
  try {
    const year = at.getUTCFullYear();
    return Math.min(offsetAt(new Date(Date.UTC(year, 0, 1))), offsetAt(new Date(Date.UTC(year, 6, 1))));
  } catch {
    return 0;
  }
}

/** The `urls` block; `{version}` stays literal unless the caller asked for one, as Salesforce does. */
function identityUrls(base: string, u: IdentityUser, version: string): Record<string, string> {
  const org15 = u.orgId.slice(0, 15);
  const data = `${base}/services/data/v${version}`;
  return {
    enterprise: `${base}/services/Soap/c/${version}/${org15}`,
    metadata: `${base}/services/Soap/m/${version}/${org15}`,
    partner: `${base}/services/Soap/u/${version}/${org15}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${base}/services/Soap/T/${version}/${org15}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${base}/${u.userId}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: base,
  };
}

function photos(base: string): { picture: string; thumbnail: string } {
  return { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` };
}

/** The identity URL's JSON (WIRE.md 2.6). */
export function identityBody(base: string, u: IdentityUser, version: string, now: Date): Record<string, unknown> {
  return {
    id: identityUrl(base, u.orgId, u.userId),
    asserted_user: true,
    user_id: u.userId,
    organization_id: u.orgId,
    username: u.username,
    nick_name: u.username.split('@')[0],
    display_name: u.fullName,
    email: u.email,
    email_verified: true,
    first_name: u.firstName,
    last_name: u.lastName,
    timezone: u.timeZone,
    photos: photos(base),
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: identityUrls(base, u, version),
    active: u.active,
    user_type: identityUserType(u.userType),
    language: 'en_US',
    locale: 'en_US',
    utcOffset: standardUtcOffset(u.timeZone, now),
    last_modified_date: toSalesforceDateTime(u.lastModifiedDate),
  };
}

/** The userinfo endpoint's JSON (WIRE.md 2.5, OpenID Connect names). */
export function userInfoBody(base: string, u: IdentityUser, now: Date): Record<string, unknown> {
  const picture = photos(base);
  return {
    sub: identityUrl(base, u.orgId, u.userId),
    user_id: u.userId,
    organization_id: u.orgId,
    preferred_username: u.username,
    nickname: u.username.split('@')[0],
    name: u.fullName,
    email: u.email,
    email_verified: true,
    given_name: u.firstName,
    family_name: u.lastName,
    zoneinfo: u.timeZone,
    photos: picture,
    profile: `${base}/${u.userId}`,
    picture: picture.picture,
    address: {},
    is_salesforce_integration_user: false,
    urls: identityUrls(base, u, '{version}'),
    active: u.active,
    user_type: identityUserType(u.userType),
    language: 'en_US',
    locale: 'en_US',
    utcOffset: standardUtcOffset(u.timeZone, now),
    updated_at: u.lastModifiedDate.replace(/\.\d{3}Z$/, 'Z'),
    is_app_installed: true,
  };
}

/** Identity answers carry the user's details, so no cache keeps them. */
const NO_STORE = { 'cache-control': 'no-store' };

/** The identity service answers failures with a bare code (Salesforce Help, "Identity URLs"). */
function identityError(reply: FastifyReply, status: number, code: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/plain;charset=UTF-8')
    .header('cache-control', 'no-store')
    .send(code);
}

/** The session's user, or an identity error already sent. */
function sessionUser(ctx: OrgContext, req: FastifyRequest, reply: FastifyReply): IdentityUser | undefined {
  const token = bearerToken(req) ?? queryToken(req) ?? bodyToken(req);
  const session = token ? ctx.sessions.findAccess(token) : undefined;
  const user = session ? loadIdentityUser(ctx, session.userId) : undefined;
  if (!user) return void identityError(reply, 403, token ? 'Bad_OAuth_Token' : 'Missing_OAuth_Token');
  if (!user.active) return void identityError(reply, 404, 'Inactive');
  return user;
}

/** The identity service, unlike the data API, takes `?oauth_token=` (jsforce's identity() sends it, WIRE.md 2.6). */
function queryToken(req: FastifyRequest): string | undefined {
  const t = (req.query as Record<string, unknown> | undefined)?.oauth_token;
  return typeof t === 'string' ? t : undefined;
}

function bodyToken(req: FastifyRequest): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const t = body && typeof body === 'object' ? (body.oauth_token ?? body.access_token) : undefined;
  return typeof t === 'string' ? t : undefined;
}

function requestedVersion(req: FastifyRequest): string | undefined {
  const v = (req.query as Record<string, unknown>).version;
  if (v === undefined) return '{version}';
  if (v === 'latest') return `${MAX_API_VERSION}.0`;
  return typeof v === 'string' && /^\d{2}\.0$/.test(v) && Number(v) <= MAX_API_VERSION ? v : undefined;
}

/** Register `/id/{orgId}/{userId}` and `/services/oauth2/userinfo`. */
export function registerIdentity(app: FastifyInstance, ctx: OrgContext): void {
  const identity = (req: FastifyRequest<{ Params: { orgId: string; userId: string } }>, reply: FastifyReply) => {
    const user = sessionUser(ctx, req, reply);
    if (!user) return reply;
    if (normalizeId(req.params.orgId) !== user.orgId) return identityError(reply, 403, 'Wrong_Org');
    // Decision: a session reads its own identity only; another user's id is answered like an unknown one.
    if (normalizeId(req.params.userId) !== user.userId) return identityError(reply, 404, 'Bad_Id');
    const version = requestedVersion(req);
    if (!version) return identityError(reply, 406, 'Invalid_Version');
    return sendJson(reply, 200, identityBody(baseUrl(req), user, version, ctx.store.clock.now()), NO_STORE);
  };
  app.get('/id/:orgId/:userId', identity);
  app.post('/id/:orgId/:userId', identity);

  const userinfo = (req: FastifyRequest, reply: FastifyReply) => {
    const user = sessionUser(ctx, req, reply);
    return user ? sendJson(reply, 200, userInfoBody(baseUrl(req), user, ctx.store.clock.now()), NO_STORE) : reply;
  };
  app.get('/services/oauth2/userinfo', userinfo);
  app.post('/services/oauth2/userinfo', userinfo);
}
