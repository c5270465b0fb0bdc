/**
 * `POST /_admin/revoke`, with the mailbox's static token: revokes every refresh and access token of that mailbox
 * and voids its earlier sign-ins, as an admin's "revoke sessions" or a password change does, so clients can be
 * tested against lost consent. An access token from the identity platform cannot revoke (a stolen one would
 * otherwise lock its owner out).
 */
import { FastifyInstance } from 'fastify';
import { IdentityStore } from './store';
import { mailboxOf, sendJson } from '../http';
import { BODY_LIMITS } from '../body-limits';
import { GraphError } from '../errors';

export function registerRevoke(app: FastifyInstance, identity: IdentityStore): void {
  app.post('/_admin/revoke', { bodyLimit: BODY_LIMITS.admin }, async (req, reply) => {
    const mailbox = mailboxOf(req);
    if (req.mailboxTokenKind !== 'static')
      throw new GraphError(
        403,
        'ErrorAccessDenied',
        "Revoking sessions needs the mailbox's static token (the seed's token), not a token from a sign-in.",
      );
    const revoked = identity.revokeMailbox(mailbox.no);
    sendJson(reply, 200, { user: mailbox.user, ...revoked, tokensValidFrom: new Date(identity.now()).toISOString() });
    return reply;
  });
}
