/**
 * SOAP `login` on the partner (`/services/Soap/u/{version}`) and enterprise (`/services/Soap/c/{version}`)
 * endpoints, with Salesforce's LoginResult and LoginFault envelopes byte for byte (WIRE.md 1.3-1.5).
 * The calling client is the `CallOptions/client` header; the access rule applies at login (ACCESS.md 2).
 */
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OrgContext } from './context';
import { authenticate, LoginOutcome } from './authenticate';
import { MAX_API_VERSION, MIN_API_VERSION } from './rest-auth';
import { SESSION_SECONDS } from './sessions';
import { SalesforceRestError } from './errors';
import { IdentityUser, loadIdentityUser } from './identity';
import { baseUrl, clientVersion, loginSource } from './request-info';
import { SOAP_ENV, SoapFault, XML_CONTENT_TYPE, XSI, xmlEscape } from './soap-fault';
import { MAX_SOAP_TAGS, hasMoreThan } from './request-limits';
import { logUnexpectedError } from '../common/unexpected-error-log';

interface Endpoint {
  path: 'u' | 'c';
  namespace: string;
  faultNamespace: string;
  apiType: string;
}

const ENDPOINTS: readonly Endpoint[] = [
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

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
});

type XmlNode = Record<string, unknown>;

function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const v = (node as XmlNode)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The text of a simple element: undefined when absent, a Client fault when it holds elements. */
function text(node: unknown, name: string, ns: string): string | undefined {
  const v = child(node, name);
  if (v === undefined || typeof v === 'string') return v;
  const only = v as XmlNode;
  if (Object.keys(only).every((k) => k === '#text')) return String(only['#text'] ?? '');
  throw SoapFault.client(`Element {${ns}}${name} must contain text only`);
}

interface LoginCall {
  username: string;
  password: string;
  client: string | undefined;
}

/** Read a login request, namespace-aware by local name (prefixes vary by client; SOAPAction is ignored). */
export function parseLoginRequest(body: unknown, ns: string): LoginCall {
  if (body !== undefined && typeof body !== 'string')
    throw SoapFault.client('The request body is not XML: send Content-Type text/xml');
  if (body === undefined || body.trim() === '')
    throw SoapFault.client('Premature end of file: the request has no SOAP envelope');
  if (/<!DOCTYPE/i.test(body)) throw SoapFault.client('DOCTYPE is not allowed in a SOAP request');
  // Counted before any parser runs: parsing millions of empty elements would stop the org for seconds.
  if (hasMoreThan(body, '<', MAX_SOAP_TAGS))
    throw SoapFault.client(`The SOAP envelope has more than ${MAX_SOAP_TAGS} tags.`);
  const valid = XMLValidator.validate(body);
  if (valid !== true)
    throw SoapFault.client(`Malformed XML at [row,col]: [${valid.err.line},${valid.err.col}]: ${valid.err.msg}`);
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch (err) {
    throw SoapFault.client(`Malformed XML: ${(err as Error).message}`);
  }
  const envelope = child(doc, 'Envelope');
  if (envelope === undefined)
    throw SoapFault.client(`The request is not a SOAP envelope: expected {${SOAP_ENV}}Envelope`);
  const soapBody = child(envelope, 'Body');
  if (typeof soapBody !== 'object' || soapBody === null)
    throw SoapFault.client(`The SOAP envelope has no {${SOAP_ENV}}Body`);
  const operation = Object.keys(soapBody).find((k) => !k.startsWith('#'));
  if (operation !== 'login') {
    throw SoapFault.client(
      `No operation available for request {${ns}}${operation ?? ''}, please check the WSDL for the service.`,
    );
  }
  const login = child(soapBody, 'login');
  const username = text(login, 'username', ns);
  const password = text(login, 'password', ns);
  if (username === undefined) throw SoapFault.client(`Missing required element {${ns}}username in login`);
  if (password === undefined) throw SoapFault.client(`Missing required element {${ns}}password in login`);
  const client = text(child(child(envelope, 'Header'), 'CallOptions'), 'client', ns)?.trim();
  return { username: username.trim(), password, client: client || undefined };
}

function faultFor(outcome: Exclude<LoginOutcome, { ok: true }>): SoapFault {
  if (outcome.failure !== 'access-denied') return SoapFault.login('INVALID_LOGIN', INVALID_LOGIN);
  return outcome.decision.errorCode === 'API_DISABLED_FOR_ORG'
    ? SoapFault.login('API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner')
    : SoapFault.login('API_CURRENTLY_DISABLED', 'API is disabled for this User');
}

function element(name: string, value: string | boolean | number | null): string {
  return value === null ? `<${name} xsi:nil="true"/>` : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** The LoginResult envelope: result children in schema order, userInfo children alphabetical (GetUserInfoResult). */
export function loginResultXml(
  endpoint: Endpoint,
  base: string,
  version: string,
  sessionId: string,
  u: IdentityUser,
): string {
  const org15 = u.orgId.slice(0, 15);
  const userInfo: Array<[string, string | boolean | number | null]> = [
    ['accessibilityMode', false],
    ['chatterExternal', u.license === 'Chatter External'],
    ['currencySymbol', '$'],
    ['orgAttachmentFileSizeLimit', 5242880],
    ['orgDefaultCurrencyIsoCode', 'USD'],
    ['orgDefaultCurrencyLocale', 'en_US'],
    ['orgDisallowHtmlAttachments', false],
    ['orgHasPersonAccounts', false],
    ['organizationId', u.orgId],
    ['organizationMultiCurrency', false],
    ['organizationName', u.orgName],
    ['profileId', u.profileId],
    ['roleId', null],
    ['sessionSecondsValid', SESSION_SECONDS],
    ['userDefaultCurrencyIsoCode', null],
    ['userEmail', u.email],
    ['userFullName', u.fullName],
    ['userId', u.userId],
    ['userLanguage', 'en_US'],
    ['userLocale', 'en_US'],
    ['userName', u.username],
    ['userTimeZone', u.timeZone],
    ['userType', u.userType],
    ['userUiSkin', 'Theme3'],
  ];
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns="${endpoint.namespace}" xmlns:xsi="${XSI}">` +
    '<soapenv:Body><loginResponse><result>' +
    element('metadataServerUrl', `${base}/services/Soap/m/${version}/${org15}`) +
    element('passwordExpired', false) +
    element('sandbox', u.sandbox) +
    element('serverUrl', `${base}/services/Soap/${endpoint.path}/${version}/${org15}`) +
    element('sessionId', sessionId) +
    element('userId', u.userId) +
    `<userInfo>${userInfo.map(([k, v]) => element(k, v)).join('')}</userInfo>` +
    '</result></loginResponse></soapenv:Body></soapenv:Envelope>'
  );
}

function sendXml(reply: FastifyReply, status: number, xml: string): FastifyReply {
  return reply.code(status).header('content-type', XML_CONTENT_TYPE).send(xml);
}

async function login(
  ctx: OrgContext,
  endpoint: Endpoint,
  req: FastifyRequest<{ Params: { version: string } }>,
): Promise<string> {
  const { version } = req.params;
  const major = /^(\d+)\.0$/.exec(version);
  if (!major || Number(major[1]) < MIN_API_VERSION || Number(major[1]) > MAX_API_VERSION) {
    throw new SoapFault('UNSUPPORTED_API_VERSION', 'Invalid Api version specified on URL', 'UnexpectedErrorFault');
  }
  const call = parseLoginRequest(req.body, endpoint.namespace);
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

/** Register SOAP login on `/services/Soap/u/{version}` and `/services/Soap/c/{version}` (also with the org id after it). */
export async function registerSoapLogin(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  for (const endpoint of ENDPOINTS) {
    const handler = async (req: FastifyRequest<{ Params: { version: string } }>, reply: FastifyReply) =>
      sendXml(reply, 200, await login(ctx, endpoint, req));
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
