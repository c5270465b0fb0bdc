/**
 * A desktop product signed in through OAuth instead of a password: the add-in's sign-in dialog for a real org
 * (the web-server flow with PKCE: a code, exchanged here), and every later sign-in of its sync engine (the
 * refresh token). OAuth issues tokens to a blocked user; the product's first data call is what fails, and the
 * user sees the product's own login text (ACCESS.md section 3).
 */
import { Product } from '../products/catalog';
import { loggedIn, loginFailure } from '../products/outcome';
import { SignInResult, readOwnUser } from './product-session';
import { TokenResponse, authorizationCodeGrant, refreshTokenGrant, revoke } from '../salesforce/oauth';
import { identity } from '../salesforce/identity';
import { Connection } from '../salesforce/connection';
import { SalesforceApiError } from '../salesforce/errors';
import { DEFAULT_API_VERSION } from '../salesforce/soap-login';

export interface OAuthClient {
  loginUrl: string;
  clientId: string;
  version: string;
  apiVersion?: string;
  timeoutMs?: number;
}

export interface OAuthSignIn extends SignInResult {
  /** Kept for the engine's later sign-ins; null when the org issued none (or the sign-in failed). */
  refreshToken: string | null;
  /** From the identity URL; null when the sign-in failed. */
  username: string | null;
}

const userAgentOf = (product: Product, version: string) => `${product.name}/${version} (Windows NT 10.0; Win64; x64)`;

/** Exchange the code the org sent to the add-in's callback page (with the PKCE verifier), then the first data call. */
export function signInWithCode(
  product: Product,
  o: OAuthClient & { code: string; redirectUri: string; codeVerifier: string },
): Promise<OAuthSignIn> {
  const client = {
    loginUrl: o.loginUrl,
    clientId: o.clientId,
    timeoutMs: o.timeoutMs,
    userAgent: userAgentOf(product, o.version),
  };
  return finish(
    product,
    o,
    () => authorizationCodeGrant({ ...client, code: o.code, redirectUri: o.redirectUri, codeVerifier: o.codeVerifier }),
    true,
  );
}

/** Sign in again with a refresh token (the engine, after its session ended or API access came back). */
export function signInWithRefreshToken(
  product: Product,
  o: OAuthClient & { refreshToken: string },
): Promise<OAuthSignIn> {
  const client = {
    loginUrl: o.loginUrl,
    clientId: o.clientId,
    timeoutMs: o.timeoutMs,
    userAgent: userAgentOf(product, o.version),
  };
  return finish(product, o, () => refreshTokenGrant({ ...client, refreshToken: o.refreshToken }), false);
}

/**
 * The tokens, then the first data call. A new sign-in the product refuses revokes the tokens it was just issued
 * (nobody will use them); a refused refresh token is kept, since access may come back.
 */
async function finish(
  product: Product,
  o: OAuthClient,
  grant: () => Promise<TokenResponse>,
  revokeOnRefusal: boolean,
): Promise<OAuthSignIn> {
  const userAgent = userAgentOf(product, o.version);
  const client = { loginUrl: o.loginUrl, clientId: o.clientId, timeoutMs: o.timeoutMs, userAgent };
  let token: TokenResponse | null = null;
  try {
    token = await grant();
    const refreshToken = token.refreshToken;
    const who = await identity(token.identityUrl, token.accessToken, client);
    const connection = new Connection({
      instanceUrl: token.instanceUrl,
      accessToken: token.accessToken,
      apiVersion: o.apiVersion ?? DEFAULT_API_VERSION,
      timeoutMs: o.timeoutMs,
      userAgent,
      refresh: refreshToken ? () => refreshTokenGrant({ ...client, refreshToken }) : undefined,
    });
    const userId = token.userId;
    const nextCall = () => readOwnUser(connection, userId);
    await nextCall();
    return {
      result: loggedIn(product, o.version),
      session: { userId, connection, nextCall },
      refreshToken,
      username: who.username,
    };
  } catch (err) {
    if (!(err instanceof SalesforceApiError)) throw err;
    if (token && revokeOnRefusal)
      await revoke(o.loginUrl, token.refreshToken ?? token.accessToken, { timeoutMs: o.timeoutMs }).catch(
        () => undefined,
      );
    // The URL it tried: the data endpoint that refused it (no query: a SOQL text is not an address).
    const triedUrl = (err.url ?? o.loginUrl).split('?')[0];
    return {
      result: loginFailure(product, o.version, err, { triedUrl }),
      session: null,
      refreshToken: null,
      username: null,
    };
  }
}
