/** The bearer token of a request → its mailbox, or Graph's 401 `InvalidAuthenticationToken` (WIRE.md 11.1). */
import { FastifyRequest } from 'fastify';
import { MailboxStore, MailboxRecord } from './store';
import { graphErrors } from './errors';

export function authenticate(store: MailboxStore, req: FastifyRequest): MailboxRecord {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '' || /^bearer\s*$/i.test(header.trim()))
    throw graphErrors.emptyToken();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw graphErrors.invalidToken();
  const mailbox = store.mailboxByToken(m[1]);
  if (!mailbox) throw graphErrors.invalidToken();
  return mailbox;
}
