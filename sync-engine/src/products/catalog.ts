/**
 * The products of ACCESS.md sections 4 and 5: who they are, which versions the article covers, how they
 * sign in, and which message each outcome shows. Presentation only: the org decides, a product maps.
 */

export type ProductId =
  | 'salesforce-for-outlook'
  | 'connect-for-outlook'
  | 'connect-for-office'
  | 'salesforce-ios'
  | 'mobile-publisher-ios'
  | 'salesforce-android'
  | 'mobile-publisher-android'
  | 'mobile-browser';

export type MessageKey =
  | 'sfo.login'
  | 'sfo.syncStopped'
  | 'sfo.settingsUnavailable'
  | 'sfo.unsupportedVersion'
  | 'connectOutlook.login'
  | 'connectOutlook.syncStopped'
  | 'connectOffice.login'
  | 'connectOffice.urlLine'
  | 'connectOffice.syncStopped'
  | 'mobile.ios.noAccess'
  | 'mobile.android.noAccess'
  | 'mobile.noAccess'
  | 'mobile.networkError'
  | 'mobile.legacyGeneric'
  | 'mobile.actionDenied';

/** How the product signs in: desktop products call SOAP `login`; mobile apps run the OAuth web-server flow. */
export type LoginProtocol = 'soap' | 'oauth-web-server' | 'browser';

export interface Product {
  id: ProductId;
  name: string;
  kind: 'desktop' | 'mobile' | 'browser';
  platform: 'windows' | 'ios' | 'android' | 'any';
  protocol: LoginProtocol;
  /** The lowest version the article covers; earlier ones behave as `belowMinimum` says. */
  minVersion: string | null;
  belowMinimum: 'unsupported' | 'legacy-generic' | null;
  defaultVersion: string;
  /** The client id the product presents when none is given (our own names: Salesforce's are not public). */
  defaultClientId: string;
  /** OAuth redirect URI for mobile apps. */
  callbackUrl?: string;
  /** Message shown when the rule blocks the login. */
  loginBlocked: MessageKey | null;
  /** Message for Chatter licenses when it differs (Android: small m). */
  loginBlockedChatter?: MessageKey | 'redirect-to-login';
  /** Message for Chatter External users when it differs (iOS: back to the login page). */
  loginBlockedChatterExternal?: MessageKey | 'redirect-to-login';
  /** Message when an existing session loses API access. */
  syncStopped: MessageKey | null;
  settingsUnavailable?: MessageKey;
}

export const PRODUCTS: readonly Product[] = [
  {
    id: 'salesforce-for-outlook',
    name: 'Salesforce for Outlook',
    kind: 'desktop',
    platform: 'windows',
    protocol: 'soap',
    minVersion: '2.3.0',
    belowMinimum: 'unsupported',
    defaultVersion: '2.9.3',
    defaultClientId: 'SfdcSalesforceForOutlook',
    loginBlocked: 'sfo.login',
    syncStopped: 'sfo.syncStopped',
    settingsUnavailable: 'sfo.settingsUnavailable',
  },
  {
    id: 'connect-for-outlook',
    name: 'Connect for Outlook',
    kind: 'desktop',
    platform: 'windows',
    protocol: 'soap',
    minVersion: null,
    belowMinimum: null,
    defaultVersion: '3.4',
    defaultClientId: 'SfdcConnectForOutlook',
    loginBlocked: 'connectOutlook.login',
    syncStopped: 'connectOutlook.syncStopped',
  },
  {
    id: 'connect-for-office',
    name: 'Connect for Office',
    kind: 'desktop',
    platform: 'windows',
    protocol: 'soap',
    minVersion: null,
    belowMinimum: null,
    defaultVersion: '3.0',
    defaultClientId: 'SfdcConnectForOffice',
    loginBlocked: 'connectOffice.login',
    syncStopped: 'connectOffice.syncStopped',
  },
  {
    id: 'salesforce-ios',
    name: 'Salesforce downloadable app for iOS',
    kind: 'mobile',
    platform: 'ios',
    protocol: 'oauth-web-server',
    minVersion: '6.1',
    belowMinimum: 'legacy-generic',
    defaultVersion: '6.1',
    defaultClientId: 'SfdcMobileChatteriOS',
    callbackUrl: 'sfdc://success',
    loginBlocked: 'mobile.ios.noAccess',
    loginBlockedChatterExternal: 'redirect-to-login',
    syncStopped: 'mobile.actionDenied',
  },
  {
    id: 'mobile-publisher-ios',
    name: 'Mobile Publisher for iOS',
    kind: 'mobile',
    platform: 'ios',
    protocol: 'oauth-web-server',
    minVersion: '6.1',
    belowMinimum: 'legacy-generic',
    defaultVersion: '6.1',
    defaultClientId: 'SfdcMobilePublisheriOS',
    callbackUrl: 'sfdc://success',
    loginBlocked: 'mobile.ios.noAccess',
    loginBlockedChatterExternal: 'redirect-to-login',
    syncStopped: 'mobile.actionDenied',
  },
  {
    id: 'salesforce-android',
    name: 'Salesforce downloadable app for Android',
    kind: 'mobile',
    platform: 'android',
    protocol: 'oauth-web-server',
    minVersion: '6.1',
    belowMinimum: 'legacy-generic',
    defaultVersion: '6.1',
    defaultClientId: 'SfdcMobileChatterAndroid',
    callbackUrl: 'sfdc://success',
    loginBlocked: 'mobile.android.noAccess',
    loginBlockedChatter: 'mobile.noAccess',
    loginBlockedChatterExternal: 'mobile.noAccess',
    syncStopped: 'mobile.actionDenied',
  },
  {
    id: 'mobile-publisher-android',
    name: 'Mobile Publisher for Android',
    kind: 'mobile',
    platform: 'android',
    protocol: 'oauth-web-server',
    minVersion: '6.1',
    belowMinimum: 'legacy-generic',
    defaultVersion: '6.1',
    defaultClientId: 'SfdcMobilePublisherAndroid',
    callbackUrl: 'sfdc://success',
    loginBlocked: 'mobile.android.noAccess',
    loginBlockedChatter: 'mobile.noAccess',
    loginBlockedChatterExternal: 'mobile.noAccess',
    syncStopped: 'mobile.actionDenied',
  },
  {
    id: 'mobile-browser',
    name: 'Mobile browser',
    kind: 'browser',
    platform: 'any',
    protocol: 'browser',
    minVersion: null,
    belowMinimum: null,
    defaultVersion: 'any',
    defaultClientId: 'browser',
    loginBlocked: null,
    syncStopped: null,
  },
];

export const PRODUCT_IDS: readonly string[] = PRODUCTS.map((p) => p.id);

export function findProduct(id: string): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}

/** Compare dotted versions numerically (`2.10.0` > `2.3.0`); NaN parts compare as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Whether a version string looks like one (digits and dots). */
export function isVersion(v: string): boolean {
  return /^\d+(\.\d+){0,3}$/.test(v);
}
