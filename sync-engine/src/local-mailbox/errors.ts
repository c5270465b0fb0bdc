import { FastifyError, FastifyRequest } from 'fastify';
import { ErrorVocabulary, mapFastifyError } from '../common/fastify-errors';
import { logUnexpectedError } from '../common/unexpected-error-log';

/** Graph's Content-Type for JSON bodies (WIRE.md, "MICROSOFT GRAPH" common headers). */
export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: Record<string, string>;
  };
}

/**
 * A Graph error (WIRE.md section 11): status, `error.code`, `error.message`, and headers it needs (Retry-After).
 * Routes throw it; the server's error handler renders it with the request's ids.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Members of `innerError` beyond date and the request ids (429 carries `code` and `status` there). */
    readonly innerExtra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** The wire body; `date` is Graph's innerError form `YYYY-MM-DDTHH:MM:SS` (no zone designator). */
  toBody(date: Date, requestId: string, clientRequestId: string): GraphErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: {
          ...this.innerExtra,
          date: date.toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    };
  }
}

export const graphErrors = {
  emptyToken: () => new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', WWW_AUTHENTICATE),
  invalidToken: () =>
    new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.', WWW_AUTHENTICATE),
  expiredToken: () =>
    new GraphError(
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
      WWW_AUTHENTICATE,
    ),
  revokedToken: () =>
    new GraphError(
      401,
      'InvalidAuthenticationToken',
      'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
      WWW_AUTHENTICATE,
    ),
  /** Another user's mailbox under /users/{id}: what Graph answers a delegated token. */
  accessDenied: () => new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  itemNotFound: () => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
  idMalformed: () => new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.'),
  syncStateNotFound: (generation: number | string, highest: number) =>
    new GraphError(
      410,
      'SyncStateNotFound',
      `The sync state generation is not found; generation=${generation};[highest=${highest}].`,
    ),
  throttled: (retryAfter: string) =>
    new GraphError(
      429,
      'TooManyRequests',
      'Please retry again later.',
      { 'Retry-After': retryAfter },
      { code: '429', message: 'Please retry after', status: '429' },
    ),
  badJson: () =>
    new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  emptyBody: () => new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.'),
  unsupportedMediaType: (contentType: string) =>
    new GraphError(
      415,
      'UnsupportedMediaType',
      `The content type '${contentType}' is not supported. Send application/json.`,
    ),
  bodyTooLarge: (limit: number) =>
    new GraphError(413, 'RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`),
  requestBodyRead: (message: string) => new GraphError(400, 'RequestBodyRead', message),
  invalidRequest: (message: string) => new GraphError(400, 'ErrorInvalidRequest', message),
  invalidParameter: (message: string) => new GraphError(400, 'ErrorInvalidParameter', message),
  badRequest: (message: string) => new GraphError(400, 'BadRequest', message),
  segmentNotFound: (segment: string) =>
    new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  notFound: () =>
    new GraphError(
      404,
      'NotFound',
      'There is no Graph resource at this address; the local mailbox serves /v1.0/me/....',
    ),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new GraphError(
      405,
      'MethodNotAllowed',
      `The HTTP method '${method}' is not allowed for this resource. Allowed: ${allowed.join(', ')}.`,
      { Allow: allowed.join(', ') },
    ),
  changeKeyMismatch: () =>
    new GraphError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    ),
  cannotDeleteDefault: () =>
    new GraphError(400, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.'),
  internal: () => new GraphError(500, 'generalException', 'An unexpected error occurred in the local mailbox.'),
};

/** Sent with 401s (WIRE.md 11.1 [U]): what Graph's front door sends. */
const WWW_AUTHENTICATE = {
  'WWW-Authenticate':
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};

/** Any error in Graph's shape: a client's mistake never becomes a 500. */
const GRAPH_ERRORS: ErrorVocabulary<GraphError> = {
  own: (err): err is GraphError => err instanceof GraphError,
  bodyTooLarge: (limit) => graphErrors.bodyTooLarge(limit),
  unsupportedMediaType: (type) => graphErrors.unsupportedMediaType(type),
  emptyBody: () => graphErrors.emptyBody(),
  incompleteBody: () => graphErrors.emptyBody(),
  badJson: () => graphErrors.badJson(),
  badRequest: (status, message) => new GraphError(status, 'BadRequest', message),
  // A bug of ours: say so in Graph's shape without leaking internals.
  internal: (err, req) => {
    logUnexpectedError('local mailbox', req, err);
    return graphErrors.internal();
  },
};

/** Whatever a route threw, or fastify raised, as the Graph error the server answers with. */
export function toGraphError(err: unknown, req: FastifyRequest): GraphError {
  return mapFastifyError(err as FastifyError | GraphError, req, GRAPH_ERRORS);
}
