/**
 * SOAP partner `login()` (WIRE.md section 1): the way the desktop products sign in. The calling app is
 * named in the `CallOptions` header's `client` element (`clientId` or `clientId/version`).
 */
import { XMLParser } from 'fast-xml-parser';
import { send, joinUrl, DEFAULT_TIMEOUT_MS } from './http';
import { SalesforceApiError, kindOf, notSalesforce, describeContent } from './errors';

export const DEFAULT_API_VERSION = '60.0';

export interface SoapLoginRequest {
  loginUrl: string;
  username: string;
  password: string;
  /** The CallOptions client: `clientId` or `clientId/version`; left out when absent. */
  client?: string;
  apiVersion?: string;
  timeoutMs?: number;
  userAgent?: string;
}

export interface SoapLoginResult {
  /** The endpoint the login was posted to. */
  endpoint: string;
  serverUrl: string;
  /** scheme://host[:port] of serverUrl. */
  instanceUrl: string;
  sessionId: string;
  userId: string;
  organizationId: string;
  userType: string | null;
  userName: string | null;
  sessionSecondsValid: number | null;
}

/** The SOAP endpoint a login posts to. */
export function soapLoginEndpoint(loginUrl: string, apiVersion = DEFAULT_API_VERSION): string {
  return joinUrl(loginUrl, `/services/Soap/u/${apiVersion}`);
}

/** Call `login`; resolves with the session or rejects with a SalesforceApiError (faultcode as errorCode). */
export async function soapLogin(req: SoapLoginRequest): Promise<SoapLoginResult> {
  const endpoint = soapLoginEndpoint(req.loginUrl, req.apiVersion);
  const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'login' };
  if (req.userAgent) headers['User-Agent'] = req.userAgent;
  const res = await send({
    method: 'POST',
    url: endpoint,
    headers,
    data: loginEnvelope(req),
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const body = parseEnvelope(res.data);
  if (!body) throw notSalesforce(endpoint, res.status, describeContent(res));
  const fault = body.Fault as Record<string, unknown> | undefined;
  if (fault) throw faultError(fault, res.status, endpoint);
  const result = (body.loginResponse as Record<string, unknown> | undefined)?.result as
    Record<string, unknown> | undefined;
  if (!result) throw notSalesforce(endpoint, res.status, 'a SOAP answer without loginResponse');
  return loginResult(result, endpoint, res.status);
}

/** The request envelope, with the CallOptions header only when a client is named. */
export function loginEnvelope(req: Pick<SoapLoginRequest, 'username' | 'password' | 'client'>): string {
  const header = req.client
    ? `<soapenv:Header><urn:CallOptions><urn:client>${escapeXml(req.client)}</urn:client></urn:CallOptions></soapenv:Header>`
    : '<soapenv:Header/>';
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">' +
    header +
    `<soapenv:Body><urn:login><urn:username>${escapeXml(req.username)}</urn:username>` +
    `<urn:password>${escapeXml(req.password)}</urn:password></urn:login></soapenv:Body></soapenv:Envelope>`
  );
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true, trimValues: true });

/** The SOAP Body as an object, or undefined when the text is not a SOAP envelope. */
export function parseEnvelope(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string' || !/<([\w-]+:)?Envelope[\s>]/.test(text)) return undefined;
  try {
    const doc = parser.parse(text) as Record<string, unknown>;
    const envelope = doc.Envelope as Record<string, unknown> | undefined;
    const body = envelope?.Body;
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function faultError(fault: Record<string, unknown>, status: number, url: string): SalesforceApiError {
  const detail = fault.detail as Record<string, Record<string, unknown>> | undefined;
  const detailFault = detail ? Object.values(detail).find((v) => typeof v === 'object' && v !== null) : undefined;
  const fromCode = String(fault.faultcode ?? '').replace(/^.*:/, '');
  const errorCode = fromCode || String(detailFault?.exceptionCode ?? 'UNKNOWN_EXCEPTION');
  const message = String(fault.faultstring ?? detailFault?.exceptionMessage ?? errorCode);
  return new SalesforceApiError({ errorCode, message, kind: kindOf(errorCode, status), status, url, soapFault: true });
}

function loginResult(r: Record<string, unknown>, endpoint: string, status: number): SoapLoginResult {
  const info = (r.userInfo ?? {}) as Record<string, unknown>;
  const serverUrl = text(r.serverUrl);
  const sessionId = text(r.sessionId);
  const userId = text(r.userId) ?? text(info.userId);
  const organizationId = text(info.organizationId);
  if (!serverUrl || !sessionId || !userId || !organizationId) {
    throw notSalesforce(endpoint, status, 'a login response without serverUrl, sessionId, userId or organizationId');
  }
  if (text(r.passwordExpired) === 'true') {
    throw new SalesforceApiError({
      errorCode: 'PASSWORD_EXPIRED',
      message: 'Unable to login because the used password has expired.',
      kind: 'other',
      status,
      url: endpoint,
    });
  }
  const seconds = Number(text(info.sessionSecondsValid));
  return {
    endpoint,
    serverUrl,
    instanceUrl: new URL(serverUrl).origin,
    sessionId,
    userId,
    organizationId,
    userType: text(info.userType) ?? null,
    userName: text(info.userName) ?? null,
    sessionSecondsValid: Number.isFinite(seconds) && seconds > 0 ? seconds : null,
  };
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
