/**
 * Whether a redirect URI is one an app registered. A registered `http://localhost` (or `127.0.0.1`, `[::1]`) with no
 * port matches that loopback host on any port, as Entra treats loopback redirect URIs of public clients (msal-node's
 * loopback server picks a free port each time); its path must still match. Anything else matches exactly.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function redirectUriRegistered(registered: string[], requested: string): boolean {
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  if (url.hash !== '' || requested.includes('#')) return false;
  return registered.some((r) => {
    if (r === requested) return true;
    let reg: URL;
    try {
      reg = new URL(r);
    } catch {
      return false;
    }
    return (
      reg.protocol === 'http:' &&
      url.protocol === 'http:' &&
      LOOPBACK.has(reg.hostname) &&
      reg.port === '' &&
      reg.hostname === url.hostname &&
      samePath(reg.pathname, url.pathname) &&
      reg.search === url.search &&
      url.username === '' &&
      url.password === ''
    );
  });
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => (p === '' ? '/' : p);
  return norm(a) === norm(b);
}
