/**
 * `/v1.0/users/{id | userPrincipalName}/...` as an alias of `/v1.0/me/...`: Microsoft's Kiota-based Graph SDK builds
 * only those paths. The alias is for the token's own mailbox: `{id}` is what `GET /me` returns as `id` (any case),
 * or the owner's address (any case); another user's gets Graph's 403 `ErrorAccessDenied`, as a delegated token
 * without rights to that mailbox does.
 */
import { FastifyRequest } from 'fastify';
import { MailboxRecord } from './store';
import { graphErrors } from './errors';
import { guidFrom } from './ids';

/** The route parameter that holds the user segment. */
const USER_PARAM = 'graphUser';

/** A `/me...` url and its `/users/:graphUser...` twin; other urls as they are. */
export function withUsersAlias(url: string): string[] {
  return url === '/me' || url.startsWith('/me/') ? [url, `/users/:${USER_PARAM}${url.slice(3)}`] : [url];
}

/** Refuse a `/users/{x}` request whose x is not the token's own mailbox. */
export function checkUsersSegment(req: FastifyRequest, mailbox: MailboxRecord): void {
  const segment = (req.params as Record<string, string> | undefined)?.[USER_PARAM];
  if (segment === undefined) return;
  const wanted = segment.trim().toLowerCase();
  if (wanted === mailbox.user.toLowerCase() || wanted === guidFrom(mailbox.user.toLowerCase())) return;
  throw graphErrors.accessDenied();
}
