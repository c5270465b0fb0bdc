/**
 * The identity platform's pages: the sign-in page, the device-code page, the form that carries an answer to the
 * app's loopback redirect URI (`response_mode=form_post`), and error pages. Small, plain and accessible: a language,
 * a title, labelled fields with autocomplete hints, errors in a `role="alert"` region that names the fix. Every page
 * goes out with a Content-Security-Policy that allows no script but the one form_post needs (by nonce), posts forms
 * only where they belong, and may not be framed (no clickjacking of the sign-in).
 */
import crypto from 'node:crypto';
import { FastifyReply } from 'fastify';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1.25rem;margin-right:.5rem;padding:.5rem 1.25rem;font-size:1rem}
[role=alert]{color:#a4262c;border-left:4px solid #a4262c;padding-left:.75rem}.note{color:#555;font-size:.9rem}`;

function page(title: string, body: string, scriptNonce?: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main>${scriptNonce ? `<script nonce="${scriptNonce}">document.forms[0].submit();</script>` : ''}</body>
</html>`;
}

/** Send a page with the headers every identity page carries; `formAction` is where its form may post. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  html: string,
  o: { formAction?: string; scriptNonce?: string } = {},
): void {
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    o.scriptNonce ? `script-src 'nonce-${o.scriptNonce}'` : undefined,
    `form-action ${o.formAction ?? "'self'"}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]
    .filter(Boolean)
    .join('; ');
  reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(html);
}

export interface SignInPageInput {
  appName: string;
  action: string;
  flow: string;
  username?: string;
  error?: string;
}

/** The sign-in page of an authorization request. */
export function signInPage(p: SignInPageInput): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(p.appName)}</strong></p>
${p.error ? `<p role="alert" id="error">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="flow" value="${escapeHtml(p.flow)}">
<label for="login">Email address</label>
<input id="login" name="login" type="email" autocomplete="username" required value="${escapeHtml(p.username ?? '')}"${p.error ? ' aria-describedby="error"' : ''}>
<label for="passwd">Password</label>
<input id="passwd" name="passwd" type="password" autocomplete="current-password" required${p.error ? ' aria-describedby="error"' : ''}>
<button type="submit" name="action" value="signin">Sign in</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>
<p class="note">The local mailbox's sign-in page (the Microsoft identity platform served offline).</p>`,
  );
}

export interface DevicePageInput {
  action: string;
  flow: string;
  code?: string;
  username?: string;
  error?: string;
}

/** The page a device code's `verification_uri` names: the code, then the account. */
export function devicePage(p: DevicePageInput): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device, then sign in.</p>
${p.error ? `<p role="alert" id="error">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="flow" value="${escapeHtml(p.flow)}">
<label for="otc">Code</label>
<input id="otc" name="otc" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required value="${escapeHtml(p.code ?? '')}">
<label for="login">Email address</label>
<input id="login" name="login" type="email" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="passwd">Password</label>
<input id="passwd" name="passwd" type="password" autocomplete="current-password" required>
<button type="submit" name="action" value="signin">Sign in</button>
<button type="submit" name="action" value="deny" formnovalidate>Cancel sign-in</button>
</form>`,
  );
}

/** After a device sign-in (or its refusal). */
export function deviceDonePage(appName: string, approved: boolean): string {
  return approved
    ? page(
        'You are signed in',
        `<h1>You are signed in</h1><p role="status">You have signed in to the <strong>${escapeHtml(appName)}</strong> application on your device. You may now close this window.</p>`,
      )
    : page(
        'Sign-in cancelled',
        `<h1>Sign-in cancelled</h1><p role="status">You cancelled the sign-in to <strong>${escapeHtml(appName)}</strong>. You may now close this window.</p>`,
      );
}

/** An error the user can only take back to the app (no redirect URI to answer to, or an expired page). */
export function errorPage(heading: string, text: string): string {
  return page(heading, `<h1>${escapeHtml(heading)}</h1><p role="alert">${escapeHtml(text)}</p>`);
}

/** The form_post answer: an auto-submitting form to the redirect URI, with a button for when scripts are off. */
export function formPostPage(redirectUri: string, fields: Record<string, string>): { html: string; nonce: string } {
  const nonce = crypto.randomBytes(16).toString('base64');
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return {
    nonce,
    html: page(
      'Working...',
      `<form method="post" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><p>Scripts are off: press Continue to go back to the app.</p><button type="submit">Continue</button></noscript>
</form>`,
      nonce,
    ),
  };
}
