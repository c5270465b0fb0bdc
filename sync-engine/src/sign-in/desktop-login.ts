/**
 * Desktop products (Salesforce for Outlook, Connect for Outlook, Connect for Office): SOAP `login` naming
 * the app as `clientId/version` in CallOptions, then the first data call.
 */
import { Product } from '../products/catalog';
import { loggedIn, loginFailure } from '../products/outcome';
import { ResolvedLogin, SignInResult, readOwnUser } from './product-session';
import { soapLogin, soapLoginEndpoint } from '../salesforce/soap-login';
import { Connection } from '../salesforce/connection';
import { SalesforceApiError } from '../salesforce/errors';

export async function desktopSignIn(product: Product, o: ResolvedLogin): Promise<SignInResult> {
  const endpoint = soapLoginEndpoint(o.loginUrl, o.apiVersion);
  const login = () =>
    soapLogin({
      loginUrl: o.loginUrl,
      username: o.username,
      password: o.password,
      apiVersion: o.apiVersion,
      timeoutMs: o.timeoutMs,
      client: `${o.clientId}/${o.version}`,
      userAgent: `${product.name}/${o.version} (Windows NT 10.0; Win64; x64)`,
    });
  try {
    const first = await login();
    // Desktop products keep the credentials and log in again when the session expires.
    const connection = new Connection({
      instanceUrl: first.instanceUrl,
      accessToken: first.sessionId,
      apiVersion: o.apiVersion,
      timeoutMs: o.timeoutMs,
      userAgent: `${product.name}/${o.version} (Windows NT 10.0; Win64; x64)`,
      refresh: () => login().then((again) => ({ accessToken: again.sessionId, instanceUrl: again.instanceUrl })),
    });
    const nextCall = () => readOwnUser(connection, first.userId);
    await nextCall();
    return { result: loggedIn(product, o.version), session: { userId: first.userId, connection, nextCall } };
  } catch (err) {
    if (!(err instanceof SalesforceApiError)) throw err;
    return { result: loginFailure(product, o.version, err, { triedUrl: endpoint }), session: null };
  }
}
