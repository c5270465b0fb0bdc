/**
 * The Microsoft identity platform beside Graph, on the same server and port (MAILBOX-SEED.md, last section): its
 * routes live in one fastify plugin, so their form parser and their error shape (Entra's JSON, or a page for the
 * pages) stay theirs, and Graph's routes keep reading JSON only.
 */
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityStore } from './store';
import { IdentityError, identityErrors } from './errors';
import { addFormParser, sendIdentityError } from './requests';
import { registerDiscovery } from './discovery';
import { registerAuthorize } from './authorize';
import { registerDeviceCode } from './device-code';
import { registerToken } from './token';
import { errorPage, sendPage } from './pages';
import { logUnexpectedError } from '../../common/unexpected-error-log';

export interface IdentityOptions {
  /** Seconds a device-code client waits between polls (Entra says 5). */
  deviceCodeIntervalSeconds: number;
}

export async function registerIdentityPlatform(
  app: FastifyInstance,
  identity: IdentityStore,
  options: IdentityOptions,
): Promise<void> {
  await app.register(async (scope) => {
    addFormParser(scope);
    scope.setErrorHandler((err: FastifyError | IdentityError, req: FastifyRequest, reply: FastifyReply) => {
      const e = toIdentityError(err, req);
      if ((req.routeOptions.config as { answer?: string } | undefined)?.answer === 'page')
        sendPage(reply, e.status, errorPage('Sorry, but we are having trouble signing you in.', e.message));
      else sendIdentityError(req, reply, e, identity.store.clock.now());
    });
    registerDiscovery(scope, identity);
    registerAuthorize(scope, identity);
    registerDeviceCode(scope, identity, options.deviceCodeIntervalSeconds);
    registerToken(scope, identity);
  });
}

function toIdentityError(err: FastifyError | IdentityError, req: FastifyRequest): IdentityError {
  if (err instanceof IdentityError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return identityErrors.bodyTooLarge(Number(req.routeOptions.bodyLimit ?? 0));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return identityErrors.notAForm(String(req.headers['content-type'] ?? ''));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return identityErrors.missingParameter('grant_type');
  }
  if (err instanceof SyntaxError) return identityErrors.notAForm(String(req.headers['content-type'] ?? ''));
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
    return new IdentityError(err.statusCode, 'invalid_request', 90014, err.message);
  logUnexpectedError('local identity platform', req, err);
  return identityErrors.internal();
}
