/**
 * A login through the org's HTML login page, as a browser or an app's web view does it: open a URL,
 * follow redirects, type the credentials into the login form once, and keep going until the caller
 * recognises where it arrived. Used by the OAuth web-server flow and by the web UI login.
 */
import { send, formBody, DEFAULT_TIMEOUT_MS, HttpResponse } from './http';
import {
  SalesforceApiError,
  fromOAuthBody,
  fromRestResponse,
  notSalesforce,
  describeContent,
  parseJsonBody,
} from './errors';
import { CookieJar, findLoginForm, fillLoginForm, pageError, isHtml, decodeEntities } from './login-page';

const MAX_HOPS = 10;

/** Salesforce's text when the login page comes back (used when the page shows none we can read). */
const LOGIN_FAILED =
  "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";

export interface PageLogin {
  startUrl: string;
  username: string;
  password: string;
  userAgent?: string;
  timeoutMs?: number;
}

export interface Arrival {
  /** Where the browser is about to go (a redirect target) or is (a page without a login form). */
  url: string;
  /** Whether the credentials were submitted already. */
  submitted: boolean;
  cookies: CookieJar;
}

/**
 * Browse from `startUrl`; `arrived` is asked at each redirect target and at each page without a login form,
 * and the first value it returns ends the login. It may throw to end it with an error. When the login form
 * comes back after the credentials were sent, the login failed: INVALID_LOGIN with the page's text.
 */
export async function loginThroughPage<T>(o: PageLogin, arrived: (a: Arrival) => T | undefined): Promise<T> {
  const cookies = new CookieJar();
  const browse = async (method: 'GET' | 'POST', url: string, data?: string): Promise<HttpResponse> => {
    const headers: Record<string, string> = { Accept: 'text/html' };
    if (o.userAgent) headers['User-Agent'] = o.userAgent;
    const cookie = cookies.header();
    if (cookie) headers.Cookie = cookie;
    if (data !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await send({ method, url, headers, data, timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    cookies.store(res.headers['set-cookie']);
    return res;
  };

  let url = o.startUrl;
  let res = await browse('GET', url);
  let submitted = false;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.location;
      if (typeof location !== 'string') throw notSalesforce(url, res.status, 'a redirect without Location');
      const next = new URL(location, url).toString();
      const done = arrived({ url: next, submitted, cookies });
      if (done !== undefined) return done;
      url = next;
      res = await browse('GET', url);
      continue;
    }
    if (res.status >= 400) throw errorPage(res, url);
    const html = String(res.data ?? '');
    if (!isHtml(html, String(res.headers['content-type'] ?? '')))
      throw notSalesforce(url, res.status, describeContent(res));
    const form = findLoginForm(html, url);
    if (!form) {
      const done = arrived({ url, submitted, cookies });
      if (done !== undefined) return done;
      throw notSalesforce(url, res.status, 'a page without a login form');
    }
    if (submitted) {
      throw new SalesforceApiError({
        errorCode: 'INVALID_LOGIN',
        kind: 'other',
        status: res.status,
        url,
        message: pageError(html) ?? LOGIN_FAILED,
      });
    }
    submitted = true;
    url = form.action;
    const fields = formBody(fillLoginForm(form, o.username, o.password));
    res =
      form.method === 'POST'
        ? await browse('POST', url, fields)
        : await browse('GET', `${url}${url.includes('?') ? '&' : '?'}${fields}`);
  }
  throw notSalesforce(url, res.status, `more than ${MAX_HOPS} redirects`);
}

/** An error page on the way: Salesforce's OAuth error (JSON or page), a REST error, or not an org at all. */
function errorPage(res: HttpResponse, url: string): SalesforceApiError {
  const body = parseJsonBody(res);
  if (
    body &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    typeof (body as Record<string, unknown>).error === 'string'
  ) {
    return fromOAuthBody(body as Record<string, unknown>, res.status, url);
  }
  if (Array.isArray(body)) return fromRestResponse(res, url);
  const html = String(res.data ?? '');
  if (isHtml(html, String(res.headers['content-type'] ?? ''))) {
    // Salesforce's OAuth error page says `error=... error_description=...`.
    const oauth = /error=([\w-]+)[\s\S]*?error_description=([^<]*)/.exec(html);
    if (oauth)
      return new SalesforceApiError({
        errorCode: oauth[1],
        kind: 'other',
        status: res.status,
        url,
        message: decodeEntities(oauth[2].trim()),
      });
    const shown = pageError(html);
    if (shown)
      return new SalesforceApiError({
        errorCode: `ERROR_HTTP_${res.status}`,
        kind: 'other',
        status: res.status,
        url,
        message: shown,
      });
  }
  return notSalesforce(url, res.status, describeContent(res));
}
