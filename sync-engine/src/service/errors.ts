/**
 * The service API's one error type: it knows its status and renders itself as `{"error":{"code","message"}}`
 * (plus `field` when one input is at fault), so routes throw it and the server's error handler sends it.
 */
import { serviceText } from './texts';
import { ServiceErrorBody } from './contract';

export type { ServiceErrorBody } from './contract';

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Members sent beside `error` (a refused sign-in also carries the product's outcome). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  toBody(): ServiceErrorBody & Record<string, unknown> {
    const error: ServiceErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field) error.field = this.field;
    return { ...this.extra, error };
  }
}

export const serviceErrors = {
  missingSecret: () =>
    new ServiceError(
      401,
      'MISSING_SECRET',
      'This request has no service key. Sign in to Salesforce in the add-in to get one.',
    ),
  staleSecret: () =>
    new ServiceError(
      401,
      'STALE_SECRET',
      "The add-in's service key is no longer valid (you signed out, or the service was reinstalled). Sign in to Salesforce again.",
    ),
  signInRequired: () =>
    new ServiceError(
      401,
      'SIGN_IN_REQUIRED',
      'Sign in to Salesforce again: the service does not keep your password when it restarts.',
    ),
  originNotAllowed: (origin: string) =>
    new ServiceError(
      403,
      'ORIGIN_NOT_ALLOWED',
      `Requests from ${origin} are not accepted: only the add-in's own pages may call this service.`,
    ),
  hostNotAllowed: (host: string) =>
    new ServiceError(
      403,
      'HOST_NOT_ALLOWED',
      `Requests addressed to host "${host}" are not accepted: call the service at 127.0.0.1 or localhost.`,
    ),
  accountInUse: () =>
    new ServiceError(
      403,
      'ACCOUNT_IN_USE',
      'Another Salesforce account is signed in to this service. Sign out in the add-in where it is signed in (or sign in here as that account, then sign out), then sign in again.',
    ),
  stateUnusable: (message: string) => new ServiceError(409, 'STATE_UNUSABLE', message),
  nothingToStartOver: () =>
    new ServiceError(
      409,
      'NOTHING_TO_START_OVER',
      'Your sync state is sound: there is nothing to start over from. Sync now carries on from where the last run ended.',
    ),
  noMailbox: (text: string) => new ServiceError(409, 'NO_MAILBOX', text),
  noMicrosoftMailbox: () => new ServiceError(409, 'NO_MICROSOFT_MAILBOX', serviceText('mailboxNotMicrosoft')),
  mailboxConnectFailed: (text: string) => new ServiceError(502, 'MAILBOX_NOT_CONNECTED', text),
  noRefreshToken: (text: string) => new ServiceError(502, 'NO_REFRESH_TOKEN', text),
  settingsUnavailable: (productText: string) => new ServiceError(403, 'SETTINGS_UNAVAILABLE', productText),
  tooManySignIns: () =>
    new ServiceError(
      429,
      'TOO_MANY_SIGN_INS',
      'Too many sign-ins to Salesforce are in progress on this computer. Close the open sign-in windows, or wait 10 minutes, then try again.',
    ),
  signInExpired: () =>
    new ServiceError(
      400,
      'SIGN_IN_EXPIRED',
      'This sign-in window was not opened by this service, was already used, or is older than 10 minutes. Sign in again.',
      'state',
    ),
  /** The org's answer in the dialog was an error (the user denied access, a misconfigured app): what it said. */
  signInRefused: (said: string, errorCode: string) =>
    new ServiceError(401, 'SIGN_IN_REFUSED', `Salesforce did not sign you in: ${said}.`, undefined, {
      ok: false,
      outcome: 'login-failed',
      errorCode,
    }),
  /** A client error fastify found before our route ran (a malformed URL, say): its own message. */
  badRequest: (status: number, message: string) => new ServiceError(status, 'BAD_REQUEST', message),
  invalidSettings: (problems: Array<{ field: string; message: string }>) =>
    new ServiceError(
      400,
      'INVALID_SETTINGS',
      problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      problems[0].field,
    ),
  badJson: (detail: string) => new ServiceError(400, 'BAD_JSON', `The request body is not valid JSON: ${detail}`),
  jsonTooComplex: (exceeds: 'containers' | 'values', limit: number) =>
    new ServiceError(
      413,
      'JSON_TOO_COMPLEX',
      `The request body holds more than ${limit} JSON ${exceeds === 'containers' ? 'objects and arrays' : 'values'}: send fewer rows at a time.`,
    ),
  bodyRequired: () => new ServiceError(400, 'BODY_REQUIRED', 'This request needs a JSON object body.'),
  unsupportedMediaType: (type: string) =>
    new ServiceError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type}" is not accepted: send application/json.`),
  bodyTooLarge: (limit: number) =>
    new ServiceError(413, 'BODY_TOO_LARGE', `The request body is larger than ${limit} bytes.`),
  invalid: (field: string, message: string) => new ServiceError(400, 'INVALID_INPUT', `${field}: ${message}`, field),
  notFound: (method: string, url: string) =>
    new ServiceError(404, 'NOT_FOUND', `There is no ${method} ${url.split('?')[0]} in the service API.`),
  /** The side panel's add of an item the ledger has: where it went, beside the text. */
  alreadyAdded: (text: string, where: Record<string, unknown>) =>
    new ServiceError(409, 'ALREADY_ADDED', text, undefined, { where }),
  syncInProgress: () =>
    new ServiceError(409, 'SYNC_IN_PROGRESS', 'A sync is already running. Try again when it has finished.'),
  internal: () =>
    new ServiceError(500, 'INTERNAL', 'The sync service hit an unexpected error. The details are in its log.'),
};
