/** Which addresses oauth-start.html may send the sign-in window to: an org's OAuth authorize page, nothing else. */
import { isOnThisMachine } from '../taskpane/org-url';

const AUTHORIZE_PATH = '/services/oauth2/authorize';

/**
 * True for an https URL (http only on this machine, a local org) whose path ends with /services/oauth2/authorize
 * (an org, My Domain or Experience Cloud site), with no user name or password in it. Anything else would make the
 * add-in's own page an open redirect.
 */
export function isAuthorizeUrl(to: string): boolean {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isOnThisMachine(to));
  return secure && url.pathname.endsWith(AUTHORIZE_PATH) && !url.username && !url.password;
}
