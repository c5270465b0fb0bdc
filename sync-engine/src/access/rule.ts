/**
 * The rule of Salesforce knowledge article 000386343 ("API Enabled" enforcement for allowlisted
 * connected apps), as ACCESS.md section 2 states it. Pure: no I/O, no product texts.
 */

export const EDITIONS = [
  'enterprise',
  'unlimited',
  'performance',
  'developer',
  'professional',
  'group',
  'contact-manager',
] as const;
export type Edition = (typeof EDITIONS)[number];

export const LICENSES = ['Salesforce', 'Chatter Free', 'Chatter Only', 'Chatter External'] as const;
export type License = (typeof LICENSES)[number];

export type AccessErrorCode = 'API_CURRENTLY_DISABLED' | 'API_DISABLED_FOR_ORG';

export interface AccessInputs {
  edition: Edition;
  /** The org feature "API Enabled" (forced on or off for some editions, see orgApiEnabledFor). */
  orgApiEnabled: boolean;
  /** The org feature "Customizable Profiles". */
  customizableProfiles: boolean;
  /** true = the article's behaviour (after September 10, 2014); false = the old allowlist bypass. */
  enforcement: boolean;
  license: License;
  /** The user's effective "API Enabled": from the profile or any assigned permission set. */
  userApiEnabled: boolean;
  /** Whether the calling connected app holds an allowlisted client id. */
  allowlisted: boolean;
}

/** Why the rule decided as it did: one value per branch of ACCESS.md section 2. */
export type AccessReason =
  | 'ordinary-client-org-api-off'
  | 'ordinary-client-user-api-off'
  | 'ordinary-client-api-enabled'
  | 'allowlisted-enforcement-off'
  | 'allowlisted-chatter-license-no-api'
  | 'allowlisted-enforced-edition-no-api'
  | 'allowlisted-pe-ge-enforced-no-api'
  | 'allowlisted-api-enabled'
  | 'allowlisted-pe-ge-default-setup'
  | 'allowlisted-contact-manager';

/** What would allow a blocked user, the smallest change first. */
export type AccessFix = 'grant-user-api-enabled' | 'enable-org-api';

export type AccessDecision =
  | { allowed: true; reason: AccessReason }
  | { allowed: false; errorCode: AccessErrorCode; reason: AccessReason; fix: AccessFix };

const ENFORCED_EDITIONS: ReadonlySet<Edition> = new Set(['enterprise', 'unlimited', 'performance', 'developer']);
const CHATTER_LICENSES: ReadonlySet<License> = new Set(['Chatter Free', 'Chatter Only', 'Chatter External']);

/** The org "API Enabled" feature as the edition allows it: forced on, forced off, or as configured. */
export function orgApiEnabledFor(edition: Edition, configured: boolean): boolean {
  if (ENFORCED_EDITIONS.has(edition)) return true;
  if (edition === 'contact-manager') return false;
  return configured;
}

/** Decide whether a user may use the API through a client, after authentication succeeded. */
export function decideAccess(input: AccessInputs): AccessDecision {
  const orgApi = orgApiEnabledFor(input.edition, input.orgApiEnabled);

  if (!input.allowlisted) {
    if (!orgApi) {
      return blocked('API_DISABLED_FOR_ORG', 'ordinary-client-org-api-off', 'enable-org-api');
    }
    if (!input.userApiEnabled) {
      return blocked('API_CURRENTLY_DISABLED', 'ordinary-client-user-api-off', 'grant-user-api-enabled');
    }
    return allowed('ordinary-client-api-enabled');
  }

  if (!input.enforcement) {
    return allowed('allowlisted-enforcement-off');
  }
  if (input.userApiEnabled) {
    // Decision (ACCESS.md section 6): Chatter External users with API Enabled are allowed like anyone else.
    return allowed('allowlisted-api-enabled');
  }
  // Decision: the Chatter license rows apply in every edition, as the article lists them without one.
  if (CHATTER_LICENSES.has(input.license)) {
    return blocked('API_CURRENTLY_DISABLED', 'allowlisted-chatter-license-no-api', 'grant-user-api-enabled');
  }
  // Decision: developer edition counts with enterprise, unlimited and performance.
  if (ENFORCED_EDITIONS.has(input.edition)) {
    return blocked('API_CURRENTLY_DISABLED', 'allowlisted-enforced-edition-no-api', 'grant-user-api-enabled');
  }
  if (input.edition === 'professional' || input.edition === 'group') {
    // Decision: only both features on brings enforcement; one alone keeps the old behaviour.
    if (orgApi && input.customizableProfiles) {
      return blocked('API_CURRENTLY_DISABLED', 'allowlisted-pe-ge-enforced-no-api', 'grant-user-api-enabled');
    }
    return allowed('allowlisted-pe-ge-default-setup');
  }
  return allowed('allowlisted-contact-manager');
}

function allowed(reason: AccessReason): AccessDecision {
  return { allowed: true, reason };
}

function blocked(errorCode: AccessErrorCode, reason: AccessReason, fix: AccessFix): AccessDecision {
  return { allowed: false, errorCode, reason, fix };
}
