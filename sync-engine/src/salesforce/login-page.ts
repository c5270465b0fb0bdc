/**
 * Reading Salesforce's HTML login page the way a browser does: find the form, keep its hidden fields,
 * type the username and password into its visible fields, and read the error it shows when it comes back.
 * Also a small cookie jar, since the page may tie the form to a cookie.
 */

export interface LoginForm {
  /** Absolute URL the form posts to. */
  action: string;
  method: 'GET' | 'POST';
  /** Every named input with its initial value (hidden fields included). */
  fields: Record<string, string>;
  usernameField: string;
  passwordField: string;
}

/** The login form of a page, or undefined when the page has none (not a login page). */
export function findLoginForm(html: string, pageUrl: string): LoginForm | undefined {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]);
    const inputs = [...m[2].matchAll(/<input\b([^>]*)>/gi)].map((i) => attributes(i[1]));
    const password = inputs.find((i) => (i.type ?? '').toLowerCase() === 'password' && i.name);
    if (!password) continue;
    const username =
      inputs.find((i) => i.name && /^(username|un|email|login)$/i.test(i.name)) ??
      inputs.find((i) => i.name && ['text', 'email', ''].includes((i.type ?? '').toLowerCase()) && i !== password);
    if (!username) continue;
    const fields: Record<string, string> = {};
    for (const i of inputs) {
      const type = (i.type ?? 'text').toLowerCase();
      if (!i.name || ['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !('checked' in i)) continue;
      fields[i.name] = i.value ?? (type === 'checkbox' ? 'on' : '');
    }
    const method = (attrs.method ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET';
    return {
      action: new URL(attrs.action ?? '', pageUrl).toString(),
      method,
      fields,
      usernameField: username.name!,
      passwordField: password.name!,
    };
  }
  return undefined;
}

/** The form's fields as a user submits them, credentials typed in. */
export function fillLoginForm(form: LoginForm, username: string, password: string): Record<string, string> {
  return { ...form.fields, [form.usernameField]: username, [form.passwordField]: password };
}

/** The error a login page shows (an element whose id or class says error), as plain text. */
export function pageError(html: string): string | undefined {
  const m = /<(div|p|span|li)\b[^>]*\b(?:id|class)\s*=\s*["'][^"']*\berror\w*[^"']*["'][^>]*>([\s\S]*?)<\/\1>/i.exec(
    html,
  );
  if (!m) return undefined;
  const text = decodeEntities(m[2].replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return text || undefined;
}

/** Whether a body looks like an HTML page. */
export function isHtml(body: unknown, contentType: string): boolean {
  return /html/i.test(contentType) || (typeof body === 'string' && /^\s*(<!doctype html|<html)/i.test(body));
}

function attributes(source: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const a of source.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const value = a[2] ?? a[3] ?? a[4];
    out[a[1].toLowerCase()] = value === undefined ? '' : decodeEntities(value);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/** Cookies by name for one site, from Set-Cookie headers; enough for a login page. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keep the cookies of an answer (a cookie set to expire is dropped). */
  store(setCookie: string[] | string | undefined): void {
    const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
    for (const line of list) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired =
        attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) ||
        attrs.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=').slice(1).join('=')) < Date.now());
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie request header, or undefined when there is none. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
