/**
 * SOAP calls made with a session (`SessionHeader/sessionId`) on the partner and enterprise endpoints: `logout`, which
 * ends the session (jsforce's `logout()` of a SOAP login, Salesforce for Outlook's sign-out), and `getUserInfo`,
 * which older clients call after login. A session the org does not know is Salesforce's INVALID_SESSION_ID fault;
 * `getUserInfo` is a data call, so the access rule and the daily allocation apply to it as to REST.
 */
import { OrgContext } from './context';
import { countRequest } from './rest-auth';
import { loadIdentityUser } from './identity';
import { SOAP_ENV, SoapFault, XSI } from './soap-fault';
import { SoapRequest, child, text } from './soap-envelope';
import { userInfoXml } from './soap-user-info';
import type { SoapEndpoint } from './soap-login';

type SessionOperation = (ctx: OrgContext, endpoint: SoapEndpoint, request: SoapRequest) => string;

const invalidSession = () =>
  new SoapFault(
    'INVALID_SESSION_ID',
    'Invalid Session ID found in SessionHeader: Illegal Session',
    'UnexpectedErrorFault',
  );

/** The session id a request's SessionHeader carries. */
function sessionIdOf(request: SoapRequest, ns: string): string {
  const id = text(child(request.header, 'SessionHeader'), 'sessionId', ns)?.trim();
  if (!id) throw invalidSession();
  return id;
}

function envelope(endpoint: SoapEndpoint, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns="${endpoint.namespace}" xmlns:xsi="${XSI}">` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

/** `logout`: the session ends at once; any later call with it is INVALID_SESSION_ID. */
function logout(ctx: OrgContext, endpoint: SoapEndpoint, request: SoapRequest): string {
  const sessionId = sessionIdOf(request, endpoint.namespace);
  // Ending a session needs no permission, only the session: a user the rule now refuses may still sign out.
  if (!ctx.sessions.findAccess(sessionId)) throw invalidSession();
  ctx.sessions.revoke(sessionId);
  return envelope(endpoint, '<logoutResponse/>');
}

/** `getUserInfo`: the GetUserInfoResult of the session's user. */
function getUserInfo(ctx: OrgContext, endpoint: SoapEndpoint, request: SoapRequest): string {
  const session = ctx.sessions.findAccess(sessionIdOf(request, endpoint.namespace));
  if (!session) throw invalidSession();
  const app = ctx.apps.find(session.clientId);
  const evaluated = ctx.access.evaluate(session.userId, app?.allowlisted ?? false);
  if (!evaluated || !evaluated.facts.active) {
    ctx.sessions.revokeUser(session.userId);
    throw invalidSession();
  }
  if (ctx.options.checkAccessOnEveryRequest && !evaluated.decision.allowed) {
    ctx.stats.refusedByRule += 1;
    throw evaluated.decision.errorCode === 'API_DISABLED_FOR_ORG'
      ? new SoapFault(
          'API_DISABLED_FOR_ORG',
          'API is not enabled for this Organization or Partner',
          'UnexpectedErrorFault',
        )
      : new SoapFault('API_CURRENTLY_DISABLED', 'API is disabled for this User', 'UnexpectedErrorFault');
  }
  if (!countRequest(ctx).ok)
    throw new SoapFault('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 'UnexpectedErrorFault');
  ctx.stats.total += 1;
  const user = loadIdentityUser(ctx, session.userId)!;
  return envelope(endpoint, `<getUserInfoResponse><result>${userInfoXml(user)}</result></getUserInfoResponse>`);
}

/** The operations answered with a session, by their element's local name. */
export const SESSION_OPERATIONS: Readonly<Record<string, SessionOperation>> = { logout, getUserInfo };
