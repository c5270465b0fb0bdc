/**
 * The article's scenario table (and the cases around it that ACCESS.md decides) as data: which org, which
 * user, which client, which product versions. The runner turns each into a throwaway org and real logins;
 * nothing here says what the outcome is.
 */
import { Edition, License } from '../access/rule';
import { ProductId } from '../products/catalog';

export interface Scenario {
  id: string;
  /** The article's row in its words, or what the extra case checks. */
  row: string;
  /** `article`: a row of the article's table; `ours`: a case ACCESS.md decides or adds. */
  source: 'article' | 'ours';
  org: {
    edition: Edition;
    /** The org feature "API Enabled" (forced for some editions). */
    apiEnabled?: boolean;
    customizableProfiles?: boolean;
    /** false: the behaviour before September 10, 2014. Default true. */
    enforcement?: boolean;
  };
  user: {
    license: License;
    /** Where the user's "API Enabled" comes from, if anywhere. */
    apiEnabled: 'none' | 'profile' | 'permission-set';
  };
  /** The client the products present: their allowlisted app (default) or an ordinary API client. */
  client?: 'allowlisted' | 'ordinary';
  /** Products to run; every product when absent. */
  products?: ProductId[];
  /** Versions other than the catalog's defaults. */
  versions?: Partial<Record<ProductId, string>>;
  /**
   * Log in while allowed, then an admin removes the user's API Enabled through the REST API (from the
   * profile, or by deleting the permission set assignment), then each product makes its next call.
   * `action` is what the mobile user was doing, for `mobile.actionDenied`.
   */
  midSession?: { action: string };
}

const noApi = (license: License = 'Salesforce') => ({ license, apiEnabled: 'none' as const });
const MOBILE_APPS: ProductId[] = [
  'salesforce-ios',
  'mobile-publisher-ios',
  'salesforce-android',
  'mobile-publisher-android',
];
const EUP_ROW = 'When a user without API access tries to log in… [Enterprise, Unlimited, and Performance Editions]';

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'enterprise-no-api',
    row: `${EUP_ROW}: Enterprise`,
    source: 'article',
    org: { edition: 'enterprise' },
    user: noApi(),
  },
  {
    id: 'unlimited-no-api',
    row: `${EUP_ROW}: Unlimited`,
    source: 'article',
    org: { edition: 'unlimited' },
    user: noApi(),
  },
  {
    id: 'performance-no-api',
    row: `${EUP_ROW}: Performance`,
    source: 'article',
    org: { edition: 'performance' },
    user: noApi(),
  },
  {
    id: 'api-removed-in-session',
    source: 'article',
    row: 'If a user is logged in … and then their API access is disabled… [Enterprise, Unlimited, and Performance Editions]',
    org: { edition: 'enterprise' },
    user: { license: 'Salesforce', apiEnabled: 'profile' },
    midSession: { action: 'open your profile' },
  },
  {
    id: 'professional-default',
    row: 'Professional and Group Editions (standard setup): Professional',
    source: 'article',
    org: { edition: 'professional', apiEnabled: false, customizableProfiles: false },
    user: noApi(),
  },
  {
    id: 'group-default',
    row: 'Professional and Group Editions (standard setup): Group',
    source: 'article',
    org: { edition: 'group', apiEnabled: false, customizableProfiles: false },
    user: noApi(),
  },
  {
    id: 'contact-manager',
    row: 'Contact Manager Edition',
    source: 'article',
    org: { edition: 'contact-manager' },
    user: noApi(),
  },
  {
    id: 'chatter-external-no-api',
    row: 'Chatter External User without API access',
    source: 'article',
    org: { edition: 'enterprise' },
    user: noApi('Chatter External'),
  },
  {
    id: 'chatter-free-no-api',
    row: 'Chatter Free OR Chatter Only user without API access: Chatter Free',
    source: 'article',
    org: { edition: 'enterprise' },
    user: noApi('Chatter Free'),
  },
  {
    id: 'chatter-only-no-api',
    row: 'Chatter Free OR Chatter Only user without API access: Chatter Only',
    source: 'article',
    org: { edition: 'enterprise' },
    user: noApi('Chatter Only'),
  },

  {
    id: 'professional-both-features',
    row: 'Professional Edition with both "API Enabled" and "Customizable Profiles" turned on',
    source: 'ours',
    org: { edition: 'professional', apiEnabled: true, customizableProfiles: true },
    user: noApi(),
  },
  {
    id: 'professional-api-feature-only',
    row: 'Professional Edition with only the "API Enabled" feature turned on',
    source: 'ours',
    org: { edition: 'professional', apiEnabled: true, customizableProfiles: false },
    user: noApi(),
  },
  {
    id: 'professional-profiles-feature-only',
    row: 'Professional Edition with only "Customizable Profiles" turned on',
    source: 'ours',
    org: { edition: 'professional', apiEnabled: false, customizableProfiles: true },
    user: noApi(),
  },
  {
    id: 'group-both-features',
    row: 'Group Edition with both "API Enabled" and "Customizable Profiles" turned on',
    source: 'ours',
    org: { edition: 'group', apiEnabled: true, customizableProfiles: true },
    user: noApi(),
  },
  {
    id: 'group-api-feature-only',
    row: 'Group Edition with only the "API Enabled" feature turned on',
    source: 'ours',
    org: { edition: 'group', apiEnabled: true, customizableProfiles: false },
    user: noApi(),
  },
  {
    id: 'developer-no-api',
    row: 'Developer Edition user without API access (counts with Enterprise)',
    source: 'ours',
    org: { edition: 'developer' },
    user: noApi(),
  },
  {
    id: 'permission-set-grants-api',
    row: 'API Enabled granted by a permission set, not the profile',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: { license: 'Salesforce', apiEnabled: 'permission-set' },
  },
  {
    id: 'permission-set-removed-in-session',
    row: 'Permission set that grants API Enabled unassigned while logged in',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: { license: 'Salesforce', apiEnabled: 'permission-set' },
    midSession: { action: 'open your profile' },
  },
  {
    id: 'chatter-external-with-api',
    row: 'Chatter External user with API Enabled (allowed like any user with it)',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: { license: 'Chatter External', apiEnabled: 'profile' },
  },
  {
    id: 'mobile-before-6.1',
    row: 'Mobile apps before version 6.1, user without API access',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: noApi(),
    products: MOBILE_APPS,
    versions: {
      'salesforce-ios': '6.0',
      'mobile-publisher-ios': '6.0',
      'salesforce-android': '6.0',
      'mobile-publisher-android': '6.0',
    },
  },
  {
    id: 'mobile-browser',
    row: 'Mobile browser, user without API access (not affected; not a supported way in)',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: noApi(),
    products: ['mobile-browser'],
  },
  {
    id: 'sfo-before-2.3.0',
    row: 'Salesforce for Outlook before 2.3.0',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: noApi(),
    products: ['salesforce-for-outlook'],
    versions: { 'salesforce-for-outlook': '2.2.0' },
  },
  {
    id: 'ordinary-client-enterprise',
    row: 'Ordinary (not allowlisted) API client, Enterprise user without API access',
    source: 'ours',
    org: { edition: 'enterprise' },
    user: noApi(),
    client: 'ordinary',
  },
  {
    id: 'ordinary-client-professional',
    row: 'Ordinary (not allowlisted) API client, Professional Edition standard setup',
    source: 'ours',
    org: { edition: 'professional', apiEnabled: false, customizableProfiles: false },
    user: noApi(),
    client: 'ordinary',
  },
  {
    id: 'enforcement-off',
    row: 'Enforcement off (before September 10, 2014), Enterprise user without API access',
    source: 'ours',
    org: { edition: 'enterprise', enforcement: false },
    user: noApi(),
  },
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
