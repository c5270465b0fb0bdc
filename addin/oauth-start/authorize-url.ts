/**
 * Which addresses oauth-start.html may send the sign-in window to: an org's OAuth authorize page, or the Microsoft
 * identity platform's (the mailbox's sign-in), nothing else.
 */
import { isOnThisMachine } from '../shared/org-url';

/** An org's (My Domain, Experience Cloud site) and the identity platform's (`<authority>/oauth2/v2.0/authorize`). */
const AUTHORIZE_PATHS = ['/services/oauth2/authorize', '/oauth2/v2.0/authorize'];

/**
 * True for an https URL (http only on this machine, a local org) whose path ends with one of AUTHORIZE_PATHS, with no
 * user name or password in it. Anything else would make the add-in's own page an open redirect.
 */
export function isAuthorizeUrl(to: string): boolean {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isOnThisMachine(to));
  return secure && AUTHORIZE_PATHS.some((p) => url.pathname.endsWith(p)) && !url.username && !url.password;
}
