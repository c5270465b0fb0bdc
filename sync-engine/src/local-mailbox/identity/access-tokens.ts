/**
 * Graph's side of the identity platform: an access token it issued opens its mailbox until it expires (by the
 * mailbox's clock) or is revoked; then Graph's 401 `InvalidAuthenticationToken` with the text Graph sends.
 */
import { IdentityStore } from './store';
import { MailboxRecord } from '../store';
import { GraphError, graphErrors } from '../errors';
import { DEFAULT_PERMISSIONS } from './scopes';

/** The mailbox an issued access token opens; a GraphError when it is expired or revoked; undefined when unknown. */
export function mailboxByAccessToken(
  identity: IdentityStore,
  token: string,
): { mailbox: MailboxRecord; scopes: string[] } | GraphError | undefined {
  // Our tokens are JWTs: skip the lookup for anything else.
  if (token.split('.').length !== 3) return undefined;
  const found = identity.credential(token, 'access');
  if (!found) return undefined;
  if (found.revoked || found.signedInAt < identity.tokensValidFrom(found.mailbox)) return graphErrors.revokedToken();
  if (found.expires <= identity.now()) return graphErrors.expiredToken();
  const mailbox = identity.store.mailboxes().find((m) => m.no === found.mailbox);
  if (!mailbox) return undefined;
  // The token's Graph permissions (its `scp`); a token kept before they were noted had the engine's.
  const scp = found.data.scp;
  return { mailbox, scopes: Array.isArray(scp) ? scp.map(String) : [...DEFAULT_PERMISSIONS] };
}
