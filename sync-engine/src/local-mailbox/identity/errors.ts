/**
 * The identity platform's errors in Microsoft's shape (Entra ID v2.0): `error` (OAuth's code), `error_description`
 * starting with the AADSTS code and ending with the trace and correlation ids and the time, `error_codes`,
 * `timestamp` (`2022-08-25 09:34:07Z`), `trace_id`, `correlation_id`, `error_uri`, and `suberror` where Entra sends
 * one (`bad_token` for a refresh token that will never work again: msal then drops it and asks for a sign-in).
 * Every token-endpoint answer is JSON, errors included. docs/identity-platform.md lists what was checked.
 */
import crypto from 'node:crypto';

export interface IdentityErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
}

export class IdentityError extends Error {
  constructor(
    readonly status: number,
    /** OAuth's error code: invalid_grant, invalid_request, authorization_pending, ... */
    readonly error: string,
    /** The AADSTS number. */
    readonly aadsts: number,
    readonly text: string,
    readonly suberror?: string,
  ) {
    super(`AADSTS${aadsts}: ${text}`);
    this.name = 'IdentityError';
  }

  /** The wire body; the correlation id is the client's `client-request-id` when it sent a usable one. */
  toBody(now: Date, correlationId: string, traceId: string = crypto.randomUUID()): IdentityErrorBody {
    const timestamp = entraTimestamp(now);
    return {
      error: this.error,
      error_description: `${this.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
      ...(this.suberror ? { suberror: this.suberror } : {}),
    };
  }
}

/** `2022-08-25 09:34:07Z`: how Entra writes `timestamp`. */
export function entraTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `2020-05-18T07:22:34.0560000Z`: how Entra writes dates inside a description. */
function entraDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export const identityErrors = {
  missingParameter: (name: string) =>
    new IdentityError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  badParameter: (name: string, why: string) =>
    new IdentityError(400, 'invalid_request', 90014, `The parameter '${name}' is not valid: ${why}`),
  repeatedParameter: (name: string) =>
    new IdentityError(400, 'invalid_request', 90015, `The parameter '${name}' was sent more than once.`),
  unsupportedGrant: (grant: string) =>
    new IdentityError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant.slice(0, 60)}'.`,
    ),
  unknownTenant: (tenant: string) =>
    new IdentityError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant.slice(0, 80)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  unknownClient: (clientId: string, tenant: string) =>
    new IdentityError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId.slice(0, 80)}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  redirectMismatch: (uri: string, clientId: string) =>
    new IdentityError(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${uri.slice(0, 200)}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    ),
  invalidScope: (scope: string) =>
    new IdentityError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope.slice(0, 200)} is not valid.`,
    ),
  pkceRequired: () =>
    new IdentityError(
      400,
      'invalid_request',
      9002325,
      'Proof Key for Code Exchange is required for this application: send code_challenge and code_challenge_method=S256.',
    ),
  pkceMethod: (method: string) =>
    new IdentityError(
      400,
      'invalid_request',
      50149,
      `Invalid Code_Challenge_method parameter '${method.slice(0, 20)}': this authority accepts S256 only.`,
    ),
  unsupportedResponseType: (type: string) =>
    new IdentityError(
      400,
      'unsupported_response_type',
      700054,
      `response_type '${type.slice(0, 40)}' is not enabled for the application: send response_type=code.`,
    ),
  unsupportedResponseMode: (mode: string) =>
    new IdentityError(
      400,
      'invalid_request',
      900144,
      `The response_mode '${mode.slice(0, 40)}' is not supported: send form_post or query.`,
    ),
  malformedGrant: (what: string) =>
    new IdentityError(400, 'invalid_grant', 9002313, `Invalid request. Request is malformed or invalid: the ${what}.`),
  codeExpired: () =>
    new IdentityError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  codeRedeemed: () =>
    new IdentityError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  verifierMismatch: () =>
    new IdentityError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
  grantRedirectMismatch: () =>
    new IdentityError(
      400,
      'invalid_grant',
      50011,
      'The redirect URI in the token request does not match the one the authorization code was issued for.',
    ),
  grantOtherClient: () =>
    new IdentityError(
      400,
      'invalid_grant',
      70000,
      'The provided grant was issued to another application.',
      'client_mismatch',
    ),
  refreshTokenUsed: () =>
    new IdentityError(
      400,
      'invalid_grant',
      70000,
      'The provided refresh token was already used to get new tokens; this authority rotates refresh tokens, so every token of that sign-in is revoked. Sign in again.',
      'bad_token',
    ),
  refreshTokenExpired: (issued: number, inactiveDays: number) =>
    new IdentityError(
      400,
      'invalid_grant',
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${entraDate(issued)} and was inactive for ${inactiveDays}.00:00:00.`,
      'bad_token',
    ),
  grantRevoked: (issued: number, validFrom: number) =>
    new IdentityError(
      400,
      'invalid_grant',
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${entraDate(issued)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${entraDate(validFrom)}'.`,
      'bad_token',
    ),
  authorizationPending: () =>
    new IdentityError(
      400,
      'authorization_pending',
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    ),
  deviceCodeExpired: () =>
    new IdentityError(
      400,
      'expired_token',
      70020,
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    ),
  deviceCodeUnknown: () =>
    new IdentityError(
      400,
      'bad_verification_code',
      70000,
      "The provided value for the input parameter 'device_code' is not valid.",
    ),
  deviceCodeDeclined: () =>
    new IdentityError(400, 'authorization_declined', 70019, 'The user declined the sign-in on the device code page.'),
  bodyTooLarge: (limit: number) =>
    new IdentityError(413, 'invalid_request', 90014, `The request body is larger than ${limit} bytes.`),
  notAForm: (type: string) =>
    new IdentityError(
      415,
      'invalid_request',
      90014,
      `The content type '${type.slice(0, 80)}' is not supported: send application/x-www-form-urlencoded.`,
    ),
  internal: () =>
    new IdentityError(500, 'server_error', 90033, 'A transient error has occurred in the local identity platform.'),
};
