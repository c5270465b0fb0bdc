/**
 * Who a session belongs to: the identity URL `/id/{orgId}/{userId}` (WIRE.md 2.6) and
 * `/services/oauth2/userinfo` (2.5). `user_type` is `CSN_ONLY` for Chatter licenses.
 */
import { send, joinUrl } from './http';
import { fromRestResponse, notSalesforce, describeContent, parseJsonBody } from './errors';

export interface Identity {
  id: string;
  userId: string;
  organizationId: string;
  username: string | null;
  /** `STANDARD`, `CSN_ONLY` (Chatter licenses), ... */
  userType: string | null;
  raw: Record<string, unknown>;
}

/** GET the identity URL (`/id/{orgId}/{userId}`) with the access token. */
export async function identity(
  identityUrl: string,
  accessToken: string,
  o: { timeoutMs?: number; userAgent?: string } = {},
): Promise<Identity> {
  return identityLike(identityUrl, accessToken, o);
}

/** GET `/services/oauth2/userinfo` (OpenID Connect names, same user_type). */
export async function userinfo(
  loginUrl: string,
  accessToken: string,
  o: { timeoutMs?: number; userAgent?: string } = {},
): Promise<Identity> {
  return identityLike(joinUrl(loginUrl, '/services/oauth2/userinfo'), accessToken, o);
}

async function identityLike(
  url: string,
  accessToken: string,
  o: { timeoutMs?: number; userAgent?: string },
): Promise<Identity> {
  const headers: Record<string, string> = { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' };
  if (o.userAgent) headers['User-Agent'] = o.userAgent;
  const res = await send({ method: 'GET', url, headers, timeoutMs: o.timeoutMs });
  if (res.status >= 400) throw fromRestResponse(res, url);
  const body = parseJsonBody(res) as Record<string, unknown> | undefined;
  const userId = body?.user_id;
  const organizationId = body?.organization_id;
  if (!body || typeof userId !== 'string' || typeof organizationId !== 'string')
    throw notSalesforce(url, res.status, describeContent(res));
  return {
    id: String(body.id ?? body.sub ?? url),
    userId,
    organizationId,
    username:
      typeof body.username === 'string'
        ? body.username
        : typeof body.preferred_username === 'string'
          ? body.preferred_username
          : null,
    userType: typeof body.user_type === 'string' ? body.user_type : null,
    raw: body,
  };
}
