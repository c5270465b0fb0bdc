/**
 * The admin impact report's core: for every active user and every product, the verdict of the same rule
 * the org enforces with (access/rule.ts), the reason in words, and the smallest change that would allow them.
 * Pure: it reads a snapshot of the org (see snapshot.ts) and never talks to the network.
 */
import { AccessInputs, AccessReason, decideAccess, Edition, License } from '../access/rule';
import { PRODUCTS, Product, ProductId, compareVersions } from '../products/catalog';

export interface OrgSnapshot {
  edition: Edition;
  orgApiEnabled: boolean;
  customizableProfiles: boolean;
  enforcement: boolean;
  /** Where the org facts came from: the local org's fields, or assumptions for an org that does not expose them. */
  factsSource: 'org' | 'assumed';
  profiles: Array<{ id: string; name: string; license: License; apiEnabled: boolean }>;
  permissionSets: Array<{ id: string; name: string; label: string; apiEnabled: boolean }>;
  users: Array<{ id: string; username: string; name: string; profileId: string; permissionSetIds: string[] }>;
  /** Recent successful or failed logins by product, newest first. */
  logins: Array<{ userId: string; product: ProductId; clientVersion: string | null; time: string; status: string }>;
}

export interface ProductVerdict {
  outcome: 'allowed' | 'blocked';
  reason: string;
  fix: string | null;
  /** The last time the user signed in with this product, and with which version, when the org knows. */
  lastUsed?: { time: string; clientVersion: string | null; status: string };
}

export interface UserVerdicts {
  username: string;
  name: string;
  license: License;
  profile: string;
  products: Record<ProductId, ProductVerdict>;
}

export interface ImpactReport {
  summary: {
    edition: Edition;
    enforcement: 'on' | 'off';
    orgFacts: 'org' | 'assumed';
    activeUsers: number;
    perProduct: Record<string, { allowed: number; blocked: number }>;
    perReason: Record<string, number>;
  };
  users: UserVerdicts[];
}

const REASON_TEXT: Record<AccessReason, string> = {
  'ordinary-client-org-api-off': 'the org\'s "API Enabled" feature is off',
  'ordinary-client-user-api-off': 'the user lacks "API Enabled"',
  'ordinary-client-api-enabled': 'the user has "API Enabled"',
  'allowlisted-enforcement-off': 'enforcement is off: allowlisted apps bypass "API Enabled"',
  'allowlisted-chatter-license-no-api': 'Chatter license without "API Enabled"',
  'allowlisted-enforced-edition-no-api': 'no "API Enabled" in an edition that enforces it',
  'allowlisted-pe-ge-enforced-no-api': 'no "API Enabled" while both "API Enabled" and "Customizable Profiles" are on',
  'allowlisted-api-enabled': 'the user has "API Enabled"',
  'allowlisted-pe-ge-default-setup': 'Professional/Group default setup: works as before',
  'allowlisted-contact-manager': 'Contact Manager: works as before',
};

/** The smallest change that gives a user API Enabled: one assignment before a whole profile. */
export function smallestFix(snapshot: OrgSnapshot, profileName: string): string {
  const set = snapshot.permissionSets.find((s) => s.apiEnabled);
  if (set) return `assign permission set ${set.name}`;
  return `turn on API Enabled on profile ${profileName}`;
}

/** Verdicts for every user and product. `enforcementOverride` answers "what if" for an org not yet enforced. */
export function computeImpact(snapshot: OrgSnapshot, enforcementOverride?: boolean): ImpactReport {
  const enforcement = enforcementOverride ?? snapshot.enforcement;
  const profiles = new Map(snapshot.profiles.map((p) => [p.id, p]));
  const sets = new Map(snapshot.permissionSets.map((s) => [s.id, s]));
  const perProduct: Record<string, { allowed: number; blocked: number }> = {};
  const perReason: Record<string, number> = {};
  const users: UserVerdicts[] = [];

  for (const u of [...snapshot.users].sort((a, b) => a.username.localeCompare(b.username))) {
    const profile = profiles.get(u.profileId);
    if (!profile) continue;
    const userApiEnabled = profile.apiEnabled || u.permissionSetIds.some((id) => sets.get(id)?.apiEnabled);
    const inputs: AccessInputs = {
      edition: snapshot.edition, orgApiEnabled: snapshot.orgApiEnabled, customizableProfiles: snapshot.customizableProfiles,
      enforcement, license: profile.license, userApiEnabled, allowlisted: true,
    };
    const decision = decideAccess(inputs);
    const products = {} as Record<ProductId, ProductVerdict>;
    for (const product of PRODUCTS) {
      const verdict = productVerdict(product, decision.allowed, REASON_TEXT[decision.reason], decision.allowed ? null : smallestFix(snapshot, profile.name));
      const last = snapshot.logins.find((l) => l.userId === u.id && l.product === product.id);
      if (last) verdict.lastUsed = { time: last.time, clientVersion: last.clientVersion, status: last.status };
      products[product.id] = verdict;
      const tally = (perProduct[product.id] ??= { allowed: 0, blocked: 0 });
      tally[verdict.outcome] += 1;
      if (verdict.outcome === 'blocked') perReason[verdict.reason] = (perReason[verdict.reason] ?? 0) + 1;
    }
    users.push({ username: u.username, name: u.name, license: profile.license, profile: profile.name, products });
  }
  return {
    summary: {
      edition: snapshot.edition, enforcement: enforcement ? 'on' : 'off', orgFacts: snapshot.factsSource,
      activeUsers: users.length, perProduct, perReason,
    },
    users,
  };
}

function productVerdict(product: Product, allowed: boolean, reason: string, fix: string | null): ProductVerdict {
  // The mobile browser does not use the API: the rule never refuses it (ACCESS.md section 4).
  if (product.kind === 'browser') return { outcome: 'allowed', reason: 'the mobile browser does not use the API', fix: null };
  return allowed ? { outcome: 'allowed', reason, fix: null } : { outcome: 'blocked', reason, fix };
}

/** Whether a client version is below what the article covers for a product (for the report's notes). */
export function belowCoveredVersion(product: Product, version: string | null): boolean {
  return !!(version && product.minVersion && compareVersions(version, product.minVersion) < 0);
}
