/** The REST API's errors: one class that renders itself on the wire, the per-record error of DML, and the common ones. */
/**
 * Salesforce REST errors: a JSON array of `{message, errorCode[, fields]}` with the HTTP status Salesforce
 * uses. The error knows how to render itself, so routes throw it and the server's error handler sends it.
 */
export class SalesforceRestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'SalesforceRestError';
  }

  /** The wire body: Salesforce always answers errors as an array. */
  toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    const item: { message: string; errorCode: string; fields?: string[] } = {
      message: this.message,
      errorCode: this.errorCode,
    };
    if (this.fields) item.fields = this.fields;
    return [item];
  }
}

/** A per-record error inside a DML or collections result (Salesforce names the code `statusCode` there). */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export const restErrors = {
  apiCurrentlyDisabled: () => new SalesforceRestError(403, 'API_CURRENTLY_DISABLED', 'API is disabled for this User'),
  apiDisabledForOrg: () =>
    new SalesforceRestError(403, 'API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.'),
  invalidSession: () => new SalesforceRestError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
  requestLimitExceeded: () => new SalesforceRestError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  notFound: () => new SalesforceRestError(404, 'NOT_FOUND', 'The requested resource does not exist'),
  insufficientAccess: (what: string) =>
    new SalesforceRestError(
      403,
      'INSUFFICIENT_ACCESS_OR_READONLY',
      `insufficient access rights on object id or type: ${what}`,
    ),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new SalesforceRestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
    ),
  jsonParser: (detail: string) => new SalesforceRestError(400, 'JSON_PARSER_ERROR', detail),
  unsupportedMediaType: (contentType: string) =>
    new SalesforceRestError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type '${contentType}' is not supported. Use application/json.`,
    ),
  bodyTooLarge: (limit: number) =>
    new SalesforceRestError(413, 'REQUEST_ENTITY_TOO_LARGE', `The request body is larger than ${limit} bytes.`),
  jsonTooComplex: (what: 'containers' | 'values', limit: number) =>
    new SalesforceRestError(
      413,
      'REQUEST_ENTITY_TOO_LARGE',
      `The request body holds more than ${limit} ${what === 'containers' ? 'JSON objects and arrays' : 'JSON values'}.`,
    ),
  uriTooLong: (limit: number) =>
    new SalesforceRestError(414, 'URI_TOO_LONG', `The request URI is longer than ${limit} bytes.`),
  headersTooLarge: (limit: number) =>
    new SalesforceRestError(
      431,
      'REQUEST_HEADER_FIELDS_TOO_LARGE',
      `The request URI and headers are larger than ${limit} bytes.`,
    ),
  badUrl: () =>
    new SalesforceRestError(
      400,
      'INVALID_REQUEST',
      'The request URI is not valid: a percent-encoded character is malformed.',
    ),
  badHttp: () => new SalesforceRestError(400, 'INVALID_REQUEST', 'The request is not valid HTTP.'),
  requestTimeout: () => new SalesforceRestError(408, 'REQUEST_TIMEOUT', 'The request did not arrive in time.'),
};
