/**
 * Mobile apps (Salesforce for iOS and Android, Mobile Publisher): the OAuth web-server flow with PKCE in
 * the app's web view (the org's login page), then the identity URL (user_type) and the first data call.
 * OAuth issues tokens to a blocked user; the first data call is what fails (ACCESS.md section 3).
 */
import { Product } from '../products/catalog';
import { loggedIn, loginFailure } from '../products/outcome';
import { ResolvedLogin, SignInResult, readOwnUser } from './product-session';
import { loginWithAuthorizationCode, refreshTokenGrant } from '../salesforce/oauth';
import { identity } from '../salesforce/identity';
import { Connection } from '../salesforce/connection';
import { SalesforceApiError } from '../salesforce/errors';

/** The user agent the Salesforce Mobile SDK sends, naming the app and its version. */
export function mobileUserAgent(product: Product, version: string): string {
  const device = product.platform === 'ios' ? 'iOS/17.4 (iPhone)' : 'android mobile/14 (Pixel 8)';
  return `SalesforceMobileSDK/11.1.0 ${device} ${product.name.replace(/\s+/g, '')}/${version} Native`;
}

export async function mobileSignIn(product: Product, o: ResolvedLogin): Promise<SignInResult> {
  if (!product.callbackUrl) throw new Error(`${product.id} has no OAuth callback URL in the catalog`);
  const userAgent = mobileUserAgent(product, o.version);
  const client = { loginUrl: o.loginUrl, clientId: o.clientId, timeoutMs: o.timeoutMs, userAgent };
  let userType: string | null = null;
  try {
    const token = await loginWithAuthorizationCode({
      ...client,
      redirectUri: product.callbackUrl,
      username: o.username,
      password: o.password,
      display: 'touch',
    });
    userType = (await identity(token.identityUrl, token.accessToken, client)).userType;
    const refreshToken = token.refreshToken;
    const connection = new Connection({
      instanceUrl: token.instanceUrl,
      accessToken: token.accessToken,
      apiVersion: o.apiVersion,
      timeoutMs: o.timeoutMs,
      userAgent,
      refresh: refreshToken ? () => refreshTokenGrant({ ...client, refreshToken }) : undefined,
    });
    const nextCall = () => readOwnUser(connection, token.userId);
    await nextCall();
    return { result: loggedIn(product, o.version), session: { userId: token.userId, connection, nextCall } };
  } catch (err) {
    if (!(err instanceof SalesforceApiError)) throw err;
    return { result: loginFailure(product, o.version, err, { userType, triedUrl: o.loginUrl }), session: null };
  }
}
