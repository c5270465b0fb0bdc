/**
 * The org's HTML login page, shared by the OAuth authorization flow and the browser login, and the OAuth
 * error page. Plain, accessible HTML: labelled inputs, a real submit button, errors announced as alerts.
 * Every value is HTML-escaped; the page cannot be framed and runs no script.
 */
import { FastifyReply } from 'fastify';

/** Salesforce's text for a failed login, byte for byte. */
export const LOGIN_FAILED_TEXT =
  "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";

export interface LoginPage {
  /** Where the form posts. */
  action: string;
  /** Username and password field names: Salesforce's login form posts `username` and `pw`. */
  hidden?: Record<string, string | undefined>;
  username?: string;
  error?: string;
  /** The connected app asking for access, shown so the user knows what they sign in to. */
  appName?: string;
}

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0}' +
  'main{max-width:22rem;margin:4rem auto;background:#fff;padding:1.5rem 2rem;border:1px solid #ddd;border-radius:.25rem}' +
  'label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}' +
  'button{margin-top:1.5rem;width:100%;padding:.6rem;font-size:1rem;background:#0070d2;color:#fff;border:0;border-radius:.25rem}' +
  '[role=alert]{color:#c23934;margin-top:1rem}';

function page(title: string, content: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${htmlEscape(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`
  );
}

/** The login form. */
export function renderLoginPage(p: LoginPage): string {
  const hidden = Object.entries(p.hidden ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${htmlEscape(name)}" value="${htmlEscape(value)}">`)
    .join('');
  const error = p.error ? `<div id="error" role="alert">${htmlEscape(p.error)}</div>` : '';
  const described = p.error ? ' aria-describedby="error"' : '';
  const to = p.appName ? `<p>to continue to ${htmlEscape(p.appName)}</p>` : '';
  return page(
    'Login | Salesforce',
    `<h1>Log In</h1>${to}${error}` +
      `<form method="post" action="${htmlEscape(p.action)}" autocomplete="on">${hidden}` +
      `<label for="username">Username</label><input id="username" name="username" type="email" autocomplete="username" required` +
      ` value="${htmlEscape(p.username ?? '')}"${described}>` +
      `<label for="password">Password</label><input id="password" name="pw" type="password" autocomplete="current-password" required${described}>` +
      '<button type="submit" id="Login" name="Login">Log In</button></form>',
  );
}

/** Salesforce's OAuth error page, for requests that must not be redirected (unknown client, unregistered redirect_uri). */
export function renderOAuthErrorPage(error: string, description: string): string {
  return page(
    'OAuth Error',
    '<h1>OAuth Error</h1>' +
      "<p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p>" +
      `<p role="alert">error=${htmlEscape(error)}<br>error_description=${htmlEscape(description)}</p>`,
  );
}

/** Send a page with the headers a login page needs: never cached, never framed. */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html;charset=UTF-8')
    .header('cache-control', 'no-cache, no-store')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .send(html);
}
