/**
 * The web UI login a browser does (no API involved): open the login page, post the form, and follow the
 * redirect to the home page with the `sid` cookie.
 */
import { joinUrl } from './http';
import { CookieJar } from './login-page';
import { loginThroughPage } from './page-login';

export interface WebLoginRequest {
  loginUrl: string;
  username: string;
  password: string;
  userAgent?: string;
  timeoutMs?: number;
}

export interface WebSession {
  /** The page the login landed on (e.g. `/home/home.jsp`). */
  landingUrl: string;
  sid: string;
  cookies: CookieJar;
}

/** Log in through the login page; rejects with INVALID_LOGIN when the page comes back with an error. */
export function webLogin(o: WebLoginRequest): Promise<WebSession> {
  return loginThroughPage({ ...o, startUrl: joinUrl(o.loginUrl, '/') }, ({ url, submitted, cookies }) => {
    const sid = cookies.get('sid');
    return submitted && sid ? { landingUrl: url, sid, cookies } : undefined;
  });
}
