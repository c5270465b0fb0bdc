/**
 * The mobile browser: the web UI login (never the API), so the access rule does not apply. The article
 * adds that a phone's browser is not a supported way in: that goes beside the outcome as a notice.
 */
import { Product } from '../products/catalog';
import { loggedIn, loginFailure } from '../products/outcome';
import { notice } from '../products/notices';
import { ResolvedLogin, SignInResult } from './product-session';
import { webLogin, WebSession } from '../salesforce/web-login';
import { send } from '../salesforce/http';
import { SalesforceApiError, notSalesforce } from '../salesforce/errors';

export const MOBILE_SAFARI_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

export async function browserSignIn(product: Product, o: ResolvedLogin): Promise<SignInResult> {
  try {
    const web = await webLogin({
      loginUrl: o.loginUrl,
      username: o.username,
      password: o.password,
      userAgent: MOBILE_SAFARI_USER_AGENT,
      timeoutMs: o.timeoutMs,
    });
    return {
      result: loggedIn(product, o.version, { notice: notice('mobileBrowser.unsupported') }),
      session: { userId: null, connection: null, nextCall: () => openLandingPage(web, o.timeoutMs) },
    };
  } catch (err) {
    if (!(err instanceof SalesforceApiError)) throw err;
    return { result: loginFailure(product, o.version, err, { triedUrl: o.loginUrl }), session: null };
  }
}

/** The browser's next page view: the landing page with the session cookie; a redirect elsewhere means the session is gone. */
async function openLandingPage(web: WebSession, timeoutMs: number | undefined): Promise<void> {
  const headers: Record<string, string> = { Accept: 'text/html', 'User-Agent': MOBILE_SAFARI_USER_AGENT };
  const cookie = web.cookies.header();
  if (cookie) headers.Cookie = cookie;
  const res = await send({ method: 'GET', url: web.landingUrl, headers, timeoutMs });
  if (res.status >= 300 && res.status < 400) {
    throw new SalesforceApiError({
      errorCode: 'INVALID_SESSION_ID',
      kind: 'authExpired',
      status: res.status,
      url: web.landingUrl,
      message: 'Session expired or invalid',
    });
  }
  if (res.status >= 500) throw notSalesforce(web.landingUrl, res.status, 'a server error on the landing page');
}
