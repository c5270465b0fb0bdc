/**
 * SOAP `login` on the partner (`/services/Soap/u/{version}`) and enterprise (`/services/Soap/c/{version}`)
 * endpoints, with Salesforce's LoginResult and LoginFault envelopes byte for byte (WIRE.md 1.3-1.5).
 * The calling client is the `CallOptions/client` header; the access rule applies at login (ACCESS.md 2).
 */
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { authenticate, LoginOutcome } from './authenticate';
import { MAX_API_VERSION, MIN_API_VERSION } from './rest-auth';
import { SalesforceRestError } from './errors';
import { IdentityUser, loadIdentityUser } from './identity';
import { baseUrl, clientVersion, loginSource } from './request-info';
import { SOAP_ENV, SoapFault, XML_CONTENT_TYPE, XSI } from './soap-fault';
import { SoapRequest, child, noSuchOperation, parseSoapRequest, text } from './soap-envelope';
import { soapElement, userInfoXml } from './soap-user-info';
import { SESSION_OPERATIONS } from './soap-session-calls';
import { logUnexpectedError } from '../common/unexpected-error-log';

export interface SoapEndpoint {
  path: 'u' | 'c';
  namespace: string;
  faultNamespace: string;
  apiType: string;
}

const ENDPOINTS: readonly SoapEndpoint[] = [
  {
    path: 'u',
    namespace: 'urn:partner.soap.sforce.com',
    faultNamespace: 'urn:fault.partner.soap.sforce.com',
    apiType: 'SOAP Partner',
  },
  {
    path: 'c',
    namespace: 'urn:enterprise.soap.sforce.com',
    faultNamespace: 'urn:fault.enterprise.soap.sforce.com',
    apiType: 'SOAP Enterprise',
  },
];

const INVALID_LOGIN = 'Invalid username, password, security token; or user locked out.';

interface LoginCall {
  username: string;
  password: string;
  client: string | undefined;
}

/** Read a login request; any other operation is Salesforce's "No operation available" fault. */
export function parseLoginRequest(body: unknown, ns: string): LoginCall {
  return loginCallOf(parseSoapRequest(body), ns);
}

function loginCallOf(request: SoapRequest, ns: string): LoginCall {
  if (request.operation !== 'login') throw noSuchOperation(ns, request.operation);
  const login = request.call;
  const username = text(login, 'username', ns);
  const password = text(login, 'password', ns);
  if (username === undefined) throw SoapFault.client(`Missing required element {${ns}}username in login`);
  if (password === undefined) throw SoapFault.client(`Missing required element {${ns}}password in login`);
  const client = text(child(request.header, 'CallOptions'), 'client', ns)?.trim();
  return { username: username.trim(), password, client: client || undefined };
}

function faultFor(outcome: Exclude<LoginOutcome, { ok: true }>): SoapFault {
  if (outcome.failure !== 'access-denied') return SoapFault.login('INVALID_LOGIN', INVALID_LOGIN);
  return outcome.decision.errorCode === 'API_DISABLED_FOR_ORG'
    ? SoapFault.login('API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner')
    : SoapFault.login('API_CURRENTLY_DISABLED', 'API is disabled for this User');
}

/** The LoginResult envelope: result children in schema order, then the user's GetUserInfoResult. */
export function loginResultXml(
  endpoint: SoapEndpoint,
  base: string,
  version: string,
  sessionId: string,
  u: IdentityUser,
): string {
  const org15 = u.orgId.slice(0, 15);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns="${endpoint.namespace}" xmlns:xsi="${XSI}">` +
    '<soapenv:Body><loginResponse><result>' +
    soapElement('metadataServerUrl', `${base}/services/Soap/m/${version}/${org15}`) +
    soapElement('passwordExpired', false) +
    soapElement('sandbox', u.sandbox) +
    soapElement('serverUrl', `${base}/services/Soap/${endpoint.path}/${version}/${org15}`) +
    soapElement('sessionId', sessionId) +
    soapElement('userId', u.userId) +
    `<userInfo>${userInfoXml(u)}</userInfo>` +
    '</result></loginResponse></soapenv:Body></soapenv:Envelope>'
  );
}

function sendXml(reply: FastifyReply, status: number, xml: string): FastifyReply {
  return reply.code(status).header('content-type', XML_CONTENT_TYPE).send(xml);
}

/** Answer one SOAP request: `login`, or a call made with a session (soap-session-calls.ts). */
async function answer(
  ctx: OrgContext,
  endpoint: SoapEndpoint,
  req: FastifyRequest<{ Params: { version: string } }>,
): Promise<string> {
  const { version } = req.params;
  const major = /^(\d+)\.0$/.exec(version);
  if (!major || Number(major[1]) < MIN_API_VERSION || Number(major[1]) > MAX_API_VERSION) {
    throw new SoapFault('UNSUPPORTED_API_VERSION', 'Invalid Api version specified on URL', 'UnexpectedErrorFault');
  }
  const request = parseSoapRequest(req.body);
  const sessionCall = Object.hasOwn(SESSION_OPERATIONS, request.operation)
    ? SESSION_OPERATIONS[request.operation]
    : undefined;
  if (sessionCall) return sessionCall(ctx, endpoint, request);
  return login(ctx, endpoint, req, loginCallOf(request, endpoint.namespace));
}

async function login(
  ctx: OrgContext,
  endpoint: SoapEndpoint,
  req: FastifyRequest<{ Params: { version: string } }>,
  call: LoginCall,
): Promise<string> {
  const { version } = req.params;
  // An unknown or absent client is an ordinary client; LoginHistory still shows the version it named.
  const app = ctx.apps.find(call.client);
  if (call.username === '') throw faultFor({ ok: false, failure: 'invalid-login' });
  const source = loginSource(req);
  const outcome = await authenticate(ctx, {
    username: call.username,
    password: call.password,
    app,
    clientVersion: clientVersion(call.client, source.userAgent),
    // LoginHistory's types: a named partner client logs in as a partner product, any other as the API.
    loginType: app ? 'Partner Product' : 'Other Apex API',
    apiType: endpoint.apiType,
    apiVersion: version,
    ...source,
    checkAccess: true,
  });
  if (!outcome.ok) throw faultFor(outcome);
  const user = loadIdentityUser(ctx, outcome.userId)!;
  const sessionId = ctx.sessions.createAccess(outcome.userId, app?.clientId ?? null);
  return loginResultXml(endpoint, baseUrl(req), version, sessionId, user);
}

/** Register SOAP login, logout and getUserInfo on `/services/Soap/u/{version}` and `/services/Soap/c/{version}` (also with the org id after it). */
export async function registerSoapLogin(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  for (const endpoint of ENDPOINTS) {
    const handler = async (req: FastifyRequest<{ Params: { version: string } }>, reply: FastifyReply) =>
      sendXml(reply, 200, await answer(ctx, endpoint, req));
    // Faults are SOAP envelopes with HTTP 500, whatever went wrong (never the REST JSON error shape); a body over
    // the limit is refused before it is read, with HTTP's 413.
    const errorHandler = (
      err: FastifyError | SoapFault | SalesforceRestError,
      req: FastifyRequest,
      reply: FastifyReply,
    ) => {
      if (err instanceof SoapFault) return sendXml(reply, 500, err.toXml(endpoint.faultNamespace));
      if (!(err instanceof SalesforceRestError) && err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendXml(reply, 413, SoapFault.client(bodyTooLargeMessage(req)).toXml(endpoint.faultNamespace));
      }
      if (err instanceof SalesforceRestError || (typeof err.statusCode === 'number' && err.statusCode < 500)) {
        return sendXml(reply, 500, SoapFault.client(clientErrorMessage(err, req)).toXml(endpoint.faultNamespace));
      }
      logUnexpectedError('local org', req, err);
      return sendXml(
        reply,
        500,
        new SoapFault('UNKNOWN_EXCEPTION', 'An unexpected error occurred.', 'UnexpectedErrorFault').toXml(
          endpoint.faultNamespace,
        ),
      );
    };
    for (const url of [`/services/Soap/${endpoint.path}/:version`, `/services/Soap/${endpoint.path}/:version/:orgId`]) {
      app.post<{ Params: { version: string } }>(url, { errorHandler }, handler);
    }
  }
}

function bodyTooLargeMessage(req: FastifyRequest): string {
  return `The request body is larger than ${req.routeOptions.bodyLimit} bytes.`;
}

function clientErrorMessage(err: FastifyError | SalesforceRestError, req: FastifyRequest): string {
  if (err instanceof SalesforceRestError) return 'The request body is not XML: send Content-Type text/xml';
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Content-Type '${String(req.headers['content-type'] ?? '')}' is not supported: send text/xml`;
    default:
      return err.message;
  }
}
