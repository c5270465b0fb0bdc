/** What a request says about where it came from: the org's base URL as called, the login source, the client's version. */
import { FastifyRequest } from 'fastify';

/** `http://127.0.0.1:PORT`: the scheme, host and port the request came in on. */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Where a login came from, for LoginHistory. */
export function loginSource(req: FastifyRequest): {
  sourceIp: string;
  loginUrl: string;
  userAgent: string | undefined;
} {
  return { sourceIp: req.ip, loginUrl: req.host, userAgent: req.headers['user-agent'] };
}

/** Salesforce Mobile SDK User-Agents: `SalesforceMobileSDK/11.1.0 iOS/17.4 (iPhone) AppName/6.1 Native`. */
const MOBILE_SDK_AGENT = /^SalesforceMobileSDK\/\S+ [^(]*\([^)]*\) \S+\/([^\s;()]+) (?:Native|Hybrid\w*|ReactNative)\b/;

/**
 * The client's version: `id/2.9.3` names it; a Mobile SDK User-Agent names the app's version after the SDK's;
 * otherwise the first `product/version` of the User-Agent.
 */
export function clientVersion(client: string | undefined, userAgent: string | undefined): string | null {
  const fromClient = client?.split('/')[1]?.trim();
  if (fromClient) return fromClient.slice(0, 64);
  const mobile = MOBILE_SDK_AGENT.exec(userAgent ?? '');
  if (mobile) return mobile[1].slice(0, 64);
  const m = /^[^\s/]+\/([^\s;()]+)/.exec(userAgent ?? '');
  return m ? m[1].slice(0, 64) : null;
}
