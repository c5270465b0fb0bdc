/** LoginHistory rows, with the fields Salesforce exposes, written for every login attempt of a known user. */
import { OrgStore } from './store';
import { findSObject } from './schema';

export interface LoginAttempt {
  userId: string;
  status: string;
  /** The connected app's name, or the API kind for ordinary clients (`Partner Product`, `Browser`). */
  application: string;
  clientVersion: string | null;
  loginType: string;
  apiType: string | null;
  apiVersion: string | null;
  platform: string;
  browser: string;
  sourceIp: string;
  loginUrl: string;
}

const loginHistory = findSObject('LoginHistory')!;

/** Record one login attempt. */
export function recordLogin(store: OrgStore, a: LoginAttempt): void {
  store.insert(
    loginHistory,
    {
      UserId: a.userId,
      LoginTime: store.nowIso(),
      LoginType: a.loginType,
      SourceIp: a.sourceIp,
      LoginUrl: a.loginUrl,
      Browser: a.browser,
      Platform: a.platform,
      Status: a.status,
      Application: a.application,
      ClientVersion: a.clientVersion,
      ApiType: a.apiType,
      ApiVersion: a.apiVersion,
    },
    null,
  );
}

/** Browser and platform from a User-Agent, as coarse as LoginHistory shows them. */
export function describeAgent(userAgent: string | undefined): { browser: string; platform: string } {
  const ua = userAgent ?? '';
  const platform = /iPhone|iPad|iOS/i.test(ua)
    ? 'iPhone/iPad'
    : /Android/i.test(ua)
      ? 'Android'
      : /Windows/i.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/i.test(ua)
          ? 'Mac OSX'
          : /Linux/i.test(ua)
            ? 'Linux'
            : 'Unknown';
  const browser = /Chrome\//.test(ua)
    ? 'Chrome'
    : /Safari\//.test(ua)
      ? 'Safari'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : 'Unknown';
  return { browser, platform };
}
