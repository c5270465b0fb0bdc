/** The org URL typed in the sign-in form: checked before anything is sent, and told apart when it is on this machine. */
import { sharedTexts } from './texts';

/** The hosts of an org on this machine (a local org), as `URL.hostname` gives them; the service uses the same three. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** What is wrong with the org URL (a message naming the field), or null when it can be sent. */
export function checkOrgUrl(orgUrl: string): string | null {
  if (!orgUrl) return sharedTexts.orgUrlMissing;
  try {
    const u = new URL(orgUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return sharedTexts.orgUrlInvalid;
  } catch {
    return sharedTexts.orgUrlInvalid;
  }
  return null;
}

/** True for an http(s) URL on this machine (127.0.0.1, localhost, [::1]): a local org, which also takes a password here. */
export function isOnThisMachine(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && LOOPBACK_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

/** True when the URL is an http(s) org elsewhere: only "Sign in with Salesforce" signs in to it. */
export function isRemoteOrg(url: string): boolean {
  return checkOrgUrl(url) === null && !isOnThisMachine(url);
}
