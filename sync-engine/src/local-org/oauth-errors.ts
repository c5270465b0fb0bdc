/** OAuth errors as the token and revoke endpoints send them: `{"error":..., "error_description":...}`, never cached. */
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from './json-reply';
import { logUnexpectedError } from '../common/unexpected-error-log';

/** An OAuth error as the token endpoint sends it: `{"error":..., "error_description":...}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);

/** `invalid_request`: the request itself is malformed. */
export const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);

export const oauthErrors = {
  unsupportedGrant: () => new OAuthError(400, 'unsupported_grant_type', 'grant type not supported'),
  unsupportedResponseType: () => new OAuthError(400, 'unsupported_response_type', 'response type not supported'),
  invalidClientId: () => new OAuthError(400, 'invalid_client_id', 'client identifier invalid'),
  invalidClient: () => new OAuthError(400, 'invalid_client', 'invalid client credentials'),
  authenticationFailure: () => invalidGrant('authentication failure'),
  expiredToken: () => invalidGrant('expired access/refresh token'),
  invalidCode: () => invalidGrant('invalid authorization code'),
  codeExpired: () => invalidGrant('authorization code expired'),
  invalidVerifier: () => invalidGrant('invalid code verifier'),
  inactiveUser: () => invalidGrant('inactive user'),
  userNotFound: () => invalidGrant('user not found'),
  noClientCredentialsUser: () => invalidGrant('no client credentials user enabled'),
  invalidToken: () => new OAuthError(400, 'invalid_token', 'invalid token'),
  redirectMismatch: () => new OAuthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration'),
  invalidScope: () => new OAuthError(400, 'invalid_scope', 'the requested scope is not allowed'),
};

/** Send an OAuth JSON answer; tokens and their errors must not be cached (RFC 6749 section 5.1). */
export function sendOAuthJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return sendJson(reply, status, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

/** Any failure on an OAuth JSON endpoint, in OAuth's shape: a client's mistake is a 400, never a crash page. */
export function oauthErrorHandler(
  err: FastifyError | OAuthError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (err instanceof OAuthError) return sendOAuthJson(reply, err.status, err.toBody());
  if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendOAuthJson(
      reply,
      413,
      invalidRequest(`the request body is larger than ${req.routeOptions.bodyLimit} bytes`).toBody(),
    );
  }
  const status = (err as FastifyError).statusCode ?? (err as { status?: number }).status;
  if (typeof status === 'number' && status < 500)
    return sendOAuthJson(reply, 400, invalidRequest(`malformed request: ${err.message}`).toBody());
  logUnexpectedError('local org', req, err);
  return sendOAuthJson(reply, 500, { error: 'server_error', error_description: 'an unexpected error occurred' });
}
