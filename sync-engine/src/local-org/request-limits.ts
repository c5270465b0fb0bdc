/**
 * How much of a request the org reads before it trusts it. Sign-in endpoints are open to anyone, so they take a
 * few KB and their elements or parameters are counted before any parser runs: a parser's work then stays under a
 * millisecond. The data API answers only after its gate has checked the session (an onRequest hook, before the
 * body is read), and takes sObject Collections of 200 records with long text fields.
 */
import { FastifyInstance } from 'fastify';
import { JsonShapeLimits } from '../common/json-shape';

/** Largest body of a SOAP login, an OAuth token or revoke request, or a login form: real ones are under 2 KB. */
export const SIGN_IN_BODY_LIMIT = 64 * 1024;

/** Salesforce's limit on the request line and headers together: 431 past it, 414 when the URI alone is longer. */
export const MAX_URL_AND_HEADER_BYTES = 16_384;

/** Tags (`<` signs) a SOAP login may hold: an envelope with CallOptions, LoginScopeHeader and login has about 30. */
export const MAX_SOAP_TAGS = 256;

/** Parameters a form may hold: an OAuth request has at most 9, the login form about 12. */
export const MAX_FORM_PARAMETERS = 64;

/**
 * The structure a JSON body may hold, checked before parsing: sObject Collections take 200 records (401 objects
 * with their `attributes`), a retrieve 2,000 ids, a record a few dozen fields. Parsing 20 MB of long text takes
 * tens of milliseconds; 20 MB of `{},{},...` took 2.7 s.
 */
export const JSON_BODY_SHAPE: JsonShapeLimits = { containers: 1_000, values: 20_000 };

/** Whether `text` holds more than `limit` occurrences of `char`; stops counting as soon as it does. */
export function hasMoreThan(text: string, char: string, limit: number): boolean {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) {
    if (++count > limit) return true;
  }
  return false;
}

/** Give the data API's routes their own body limit; every other route keeps the server's small default. */
export function limitDataApiBodies(app: FastifyInstance, bodyLimit: number): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/services/data/') && route.bodyLimit === undefined) route.bodyLimit = bodyLimit;
  });
}
