/**
 * The bearer token of a request → its mailbox, or Graph's 401 `InvalidAuthenticationToken` (WIRE.md 11.1): the
 * seed's static token, or an access token the identity platform issued (until it expires or is revoked).
 */
import { FastifyRequest } from 'fastify';
import { MailboxRecord } from './store';
import { GraphError, graphErrors } from './errors';
import { MailboxContext } from './context';
import { mailboxByAccessToken } from './identity/access-tokens';

export function authenticate(ctx: MailboxContext, req: FastifyRequest): MailboxRecord {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '' || /^bearer\s*$/i.test(header.trim()))
    throw graphErrors.emptyToken();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw graphErrors.invalidToken();
  const mailbox = ctx.store.mailboxByToken(m[1]);
  if (mailbox) {
    req.mailboxTokenKind = 'static';
    return mailbox;
  }
  const issued = mailboxByAccessToken(ctx.identity, m[1]);
  if (issued instanceof GraphError) throw issued;
  if (!issued) throw graphErrors.invalidToken();
  req.mailboxTokenKind = 'identity';
  req.mailboxScopes = issued.scopes;
  return issued.mailbox;
}
