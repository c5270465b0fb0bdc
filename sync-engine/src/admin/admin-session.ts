/** An admin's REST session on any org they can sign in to: SOAP `login` as an ordinary API client. */
import { Connection } from '../salesforce/connection';
import { DEFAULT_API_VERSION, soapLogin } from '../salesforce/soap-login';

export interface AdminSignIn {
  loginUrl: string;
  username: string;
  password: string;
  clientId?: string;
  timeoutMs?: number;
}

/** Sign in and open a connection at the default API version; the org's refusals come as SalesforceApiError. */
export async function adminConnection(req: AdminSignIn): Promise<Connection> {
  const login = await soapLogin({
    loginUrl: req.loginUrl,
    username: req.username,
    password: req.password,
    client: req.clientId,
    timeoutMs: req.timeoutMs,
    userAgent: 'sfo-compat-admin',
  });
  return new Connection({
    instanceUrl: login.instanceUrl,
    accessToken: login.sessionId,
    apiVersion: DEFAULT_API_VERSION,
    timeoutMs: req.timeoutMs,
    userAgent: 'sfo-compat-admin',
  });
}
