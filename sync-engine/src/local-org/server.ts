/**
 * The embedded Salesforce-compatible org: one fastify app serving SOAP login, OAuth 2.0 and the REST data
 * API with Salesforce's wire formats, the access rule applied on login and on every data request.
 */
import { addJsonBodyParser } from '../common/json-body';
import { ErrorVocabulary, mapFastifyError } from '../common/fastify-errors';
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { SalesforceRestError, restErrors } from './errors';
import { JSON_CONTENT_TYPE, sendJson } from './json-reply';
import { restGate } from './rest-auth';
import { registerSoapLogin } from './soap-login';
import { registerOAuth } from './oauth';
import { registerRestDiscovery } from './rest-discovery';
import { registerRestQuery } from './rest-query';
import { registerRestSObjects } from './rest-sobjects';
import { registerRestComposite } from './rest-composite';
import { registerRestCompositeBatch } from './rest-composite-batch';
import { registerRestCompositeTree } from './rest-composite-tree';
import { registerRestTooling } from './rest-tooling';
import { registerRestCollections } from './rest-collections';
import { registerRestLimits } from './rest-limits';
import { registerRestSearch } from './rest-search';
import { registerRestToolingQuery } from './rest-tooling-query';
import { registerRestBulk } from './rest-bulk';
import { addFormBodyParser } from './form-body';
import { JSON_BODY_SHAPE, MAX_URL_AND_HEADER_BYTES, SIGN_IN_BODY_LIMIT, limitDataApiBodies } from './request-limits';
import { answerClientError, answerFrameworkError } from './early-refusals';
import { logUnexpectedError } from '../common/unexpected-error-log';
import { collapseLeadingSlashes } from './leading-slashes';
import { countDescribe } from './describe-count';

export { JSON_CONTENT_TYPE };

/** Build the org's HTTP app (not listening yet). */
export async function buildOrgServer(ctx: OrgContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    return503OnClosing: false,
    // Sign-in endpoints read a few KB at most; the data API's routes get the org's larger limit below.
    bodyLimit: SIGN_IN_BODY_LIMIT,
    // A path parameter may be as long as a URL may be: a Graph id is 152 characters and more once percent-encoded.
    routerOptions: { maxParamLength: MAX_URL_AND_HEADER_BYTES },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    rewriteUrl: collapseLeadingSlashes,
  });
  limitDataApiBodies(app, ctx.options.bodyLimit);
  addFormBodyParser(app);

  app.removeContentTypeParser('application/json');
  addJsonBodyParser(app, (text, err) => restErrors.jsonParser(describeJsonError(text, err)), {
    limits: JSON_BODY_SHAPE,
    onExcess: (excess) => restErrors.jsonTooComplex(excess.exceeds, excess.limit),
  });
  // Bulk API 2.0 uploads; the route's body limit is counted before the text is read.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  for (const type of ['text/xml', 'application/xml', 'application/soap+xml']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/services/data/')) await restGate(ctx, req, reply);
  });
  // Every answer's Date is the org's own clock, the one its SystemModstamps come from (clients read it as the org's time).
  app.addHook('onSend', async (_req, reply) => {
    reply.header('Date', ctx.store.clock.now().toUTCString());
  });
  // Only what passed the gate, as `stats.byKind` counts.
  app.addHook('onResponse', async (req, reply) => {
    if (req.caller) countDescribe(ctx.stats, req.url, reply.statusCode);
  });

  app.setErrorHandler((err: FastifyError | SalesforceRestError, req: FastifyRequest, reply: FastifyReply) => {
    sendRestError(reply, mapFastifyError(err, req, REST_ERRORS));
  });
  app.setNotFoundHandler((_req, reply) => {
    sendRestError(reply, restErrors.notFound());
  });

  await registerSoapLogin(app, ctx);
  await registerOAuth(app, ctx);
  await registerRestDiscovery(app, ctx);
  await registerRestQuery(app, ctx);
  await registerRestSObjects(app, ctx);
  await registerRestLimits(app, ctx);
  await registerRestCollections(app, ctx);
  await registerRestComposite(app, ctx);
  await registerRestCompositeBatch(app, ctx);
  await registerRestCompositeTree(app, ctx);
  await registerRestSearch(app, ctx);
  await registerRestToolingQuery(app);
  await registerRestBulk(app, ctx);
  await registerRestTooling(app, ctx);
  return app;
}

/** Send a REST error as Salesforce does: its status and its JSON array. */
export function sendRestError(reply: FastifyReply, err: SalesforceRestError): void {
  sendJson(reply, err.status, err.toBody());
}

/** Any error in Salesforce's shape: a client's mistake never becomes a 500. */
const REST_ERRORS: ErrorVocabulary<SalesforceRestError> = {
  own: (err): err is SalesforceRestError => err instanceof SalesforceRestError,
  bodyTooLarge: (limit) => restErrors.bodyTooLarge(limit),
  unsupportedMediaType: (type) => restErrors.unsupportedMediaType(type),
  emptyBody: () => restErrors.jsonParser(NO_BODY),
  incompleteBody: () => restErrors.jsonParser(NO_BODY),
  badJson: (message) => restErrors.jsonParser(message),
  badRequest: (status, message) => new SalesforceRestError(status, 'INVALID_REQUEST', message),
  // A bug of ours: say so in Salesforce's shape without leaking internals.
  internal: (err, req) => {
    logUnexpectedError('local org', req, err);
    return new SalesforceRestError(
      500,
      'UNKNOWN_EXCEPTION',
      'An unexpected error occurred. Please include this ErrorId if you contact support: local-org.',
    );
  },
};
const NO_BODY = 'The HTTP entity body is required, but this request has no entity body.';

/** Salesforce reports JSON errors with a line and column. */
function describeJsonError(text: string, err: Error): string {
  const pos = /position (\d+)/.exec(err.message);
  if (!pos) return `${err.message} at [line:1, column:1]`;
  const offset = Number(pos[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const ch = text[offset];
  const what =
    ch === undefined ? 'Unexpected end-of-input' : `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)}))`;
  return `${what} at [line:${line}, column:${column}]`;
}
