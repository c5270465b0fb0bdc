/**
 * The admin impact report's core: for every active user and every product, the verdict of the same rule
 * the org enforces with (access/rule.ts), the reason in words, and the smallest change that would allow them.
 * Pure: it reads a snapshot of the org (see snapshot.ts) and never talks to the network.
 */
import { AccessReason, decideAccess, Edition, License } from '../access/rule';
import { PRODUCTS, Product, ProductId, compareVersions } from '../products/catalog';
import { OrgFacts } from './org-facts';
import { productForApplication } from './applications';

export interface OrgSnapshot {
  org: OrgFacts;
  /** `license` is the org's license name (UserLicense.Name), which may be one the rule does not name. */
  profiles: Array<{ id: string; name: string; license: string; apiEnabled: boolean }>;
  /** Permission sets of their own (not owned by a profile). */
  permissionSets: Array<{ id: string; name: string; label: string; apiEnabled: boolean }>;
  /** Active users only, each with the permission sets assigned to them that grant "API Enabled". */
  users: Array<{
    id: string;
    username: string;
    name: string;
    profileId: string;
    lastLogin: string | null;
    apiPermissionSetIds: string[];
  }>;
  /** Recent logins (LoginHistory), newest first. */
  logins: Array<{
    userId: string;
    application: string | null;
    clientVersion: string | null;
    platform: string | null;
    status: string | null;
    time: string;
  }>;
  /** How many days of LoginHistory were read. */
  loginHistoryDays: number;
}

export interface LastUsed {
  time: string;
  clientVersion: string | null;
  platform: string | null;
  status: string | null;
  /** Set when the recorded version is below the lowest one the article covers for the product. */
  note?: string;
}

export interface ProductVerdict {
  outcome: 'allowed' | 'blocked';
  reason: string;
  /** The smallest change that would allow the user; null when allowed. */
  fix: string | null;
  /** The user's latest login with this product in the window read, when there is one. */
  lastUsed?: LastUsed;
}

export interface UserImpact {
  username: string;
  name: string;
  license: string;
  profile: string;
  /** Where the user's "API Enabled" comes from: `profile` and/or `permission set NAME`; empty when nowhere. */
  apiEnabledBy: string[];
  lastLogin: string | null;
  products: Record<ProductId, ProductVerdict>;
}

/** One kind of fix and how many blocked users it would allow; `affects` counts every user whose access it changes. */
export interface FixTally {
  fix: string;
  users: number;
  affects: number;
}

export interface ImpactSummary {
  org: {
    name: string;
    edition: Edition;
    organizationType: string | null;
    apiEnabledFeature: boolean;
    customizableProfiles: boolean;
  };
  enforcement: 'on' | 'off';
  /** 'org': as the org is set; 'what-if': as --enforcement asked; 'assumed': the org does not say. */
  enforcementSource: 'org' | 'what-if' | 'assumed';
  orgFacts: 'org' | 'assumed';
  assumptions: string[];
  activeUsers: number;
  /** Users blocked from at least one product. */
  blockedUsers: number;
  perProduct: Record<ProductId, { allowed: number; blocked: number }>;
  /** User-and-product pairs per reason. */
  perReason: Record<string, number>;
  fixes: FixTally[];
  notes: string[];
}

export interface ImpactReport {
  summary: ImpactSummary;
  users: UserImpact[];
}

export interface ImpactOptions {
  /** Answer "what if" for another enforcement setting than the org's. */
  enforcement?: boolean;
}

const PE_GE: ReadonlySet<Edition> = new Set(['professional', 'group']);
const BROWSER_REASON = "the mobile browser does not use the API (a phone's browser is not a supported way in)";

/** The rule's license for an org's license name; any license outside the Chatter ones counts as a full license. */
export function ruleLicense(name: string): License {
  const n = name.toLowerCase();
  if (n.includes('chatter free')) return 'Chatter Free';
  if (n.includes('chatter only') || n.includes('chatter plus')) return 'Chatter Only';
  if (n.includes('chatter external')) return 'Chatter External';
  return 'Salesforce';
}

/** The reason in the admin's words; the same text for every user it applies to, so it can be counted. */
export function reasonText(reason: AccessReason, org: { edition: Edition }, license: License): string {
  switch (reason) {
    case 'ordinary-client-org-api-off':
      return 'the org\'s "API Enabled" feature is off';
    case 'ordinary-client-user-api-off':
      return 'no "API Enabled"';
    case 'ordinary-client-api-enabled':
    case 'allowlisted-api-enabled':
      return 'has "API Enabled"';
    case 'allowlisted-enforcement-off':
      return 'enforcement is off: allowlisted apps bypass "API Enabled"';
    case 'allowlisted-chatter-license-no-api':
      return `${license} license without "API Enabled"`;
    case 'allowlisted-enforced-edition-no-api':
      return `no "API Enabled" (${org.edition} edition enforces it)`;
    case 'allowlisted-pe-ge-enforced-no-api':
      return `no "API Enabled" (${org.edition} edition with both "API Enabled" and "Customizable Profiles" on enforces it)`;
    case 'allowlisted-pe-ge-default-setup':
      return `${org.edition} edition without both "API Enabled" and "Customizable Profiles" on: allowlisted apps work as before`;
    case 'allowlisted-contact-manager':
      return 'contact-manager edition: allowlisted apps work as before';
  }
}

/** A change that would allow a blocked user, with how many users' access it changes. */
export type Fix =
  | { kind: 'assign-permission-set'; permissionSet: string; affects: number }
  | { kind: 'profile-api-enabled'; profile: string; affects: number }
  | { kind: 'create-permission-set'; affects: number }
  | { kind: 'org-api-feature'; affects: number };

/** The fix as the admin reads it ("assign permission set API_Access"). */
export function fixText(fix: Fix): string {
  switch (fix.kind) {
    case 'assign-permission-set':
      return `assign permission set ${fix.permissionSet}`;
    case 'profile-api-enabled':
      return `turn on API Enabled on profile ${fix.profile}`;
    case 'create-permission-set':
      return 'create a permission set with API Enabled and assign it';
    case 'org-api-feature':
      return 'turn on the org\'s "API Enabled" feature';
  }
}

/**
 * The smallest change that gives one user "API Enabled": the one that changes the fewest users' access,
 * then the fewest steps. Assigning an existing permission set that grants it changes this user only; turning
 * it on for a profile changes everyone on the profile, so it wins only when the user is alone there (one
 * step instead of creating a set). Standard profiles of professional, group and contact-manager orgs without
 * "Customizable Profiles" cannot be edited, so there the answer is a permission set.
 */
export function smallestFix(snapshot: OrgSnapshot, profile: { name: string }, activeOnProfile: number): Fix {
  const set = [...snapshot.permissionSets].filter((s) => s.apiEnabled).sort((a, b) => a.name.localeCompare(b.name))[0];
  if (set) return { kind: 'assign-permission-set', permissionSet: set.name, affects: 1 };
  if (profilesEditable(snapshot.org) && activeOnProfile <= 1)
    return { kind: 'profile-api-enabled', profile: profile.name, affects: activeOnProfile };
  return { kind: 'create-permission-set', affects: 1 };
}

function profilesEditable(org: OrgFacts): boolean {
  return org.customizableProfiles || !(PE_GE.has(org.edition) || org.edition === 'contact-manager');
}

/** Verdicts for every active user and product. */
export function computeImpact(snapshot: OrgSnapshot, options: ImpactOptions = {}): ImpactReport {
  const enforcement = options.enforcement ?? snapshot.org.enforcement;
  const profiles = new Map(snapshot.profiles.map((p) => [p.id, p]));
  const setNames = new Map(snapshot.permissionSets.filter((s) => s.apiEnabled).map((s) => [s.id, s.name]));
  const activeOnProfile = new Map<string, number>();
  for (const u of snapshot.users) activeOnProfile.set(u.profileId, (activeOnProfile.get(u.profileId) ?? 0) + 1);
  const lastUse = latestUse(snapshot);

  const perProduct = Object.fromEntries(
    PRODUCTS.map((p) => [p.id, { allowed: 0, blocked: 0 }]),
  ) as ImpactSummary['perProduct'];
  const perReason: Record<string, number> = {};
  const fixes = new Map<string, FixTally>();
  const users: UserImpact[] = [];
  let blockedUsers = 0;
  let blockedIfEnforced = 0;
  let blockedByPeGeFeatures = 0;

  const sorted = [...snapshot.users].sort((a, b) => a.username.toLowerCase().localeCompare(b.username.toLowerCase()));
  for (const u of sorted) {
    const profile = profiles.get(u.profileId) ?? {
      id: u.profileId,
      name: '(unknown profile)',
      license: 'Salesforce',
      apiEnabled: false,
    };
    const license = ruleLicense(profile.license);
    const sets = u.apiPermissionSetIds
      .map((id) => setNames.get(id))
      .filter((n): n is string => n !== undefined)
      .sort();
    const userApiEnabled = profile.apiEnabled || sets.length > 0;
    const inputs = {
      edition: snapshot.org.edition,
      orgApiEnabled: snapshot.org.orgApiEnabled,
      customizableProfiles: snapshot.org.customizableProfiles,
      license,
      userApiEnabled,
      allowlisted: true,
    };
    const decision = decideAccess({ ...inputs, enforcement });
    if (!enforcement && !decideAccess({ ...inputs, enforcement: true }).allowed) blockedIfEnforced += 1;
    const reason = reasonText(decision.reason, snapshot.org, license);
    const fix = decision.allowed
      ? null
      : decision.fix === 'enable-org-api'
        ? { kind: 'org-api-feature' as const, affects: snapshot.users.length }
        : smallestFix(snapshot, profile, activeOnProfile.get(u.profileId) ?? 1);

    const products = {} as Record<ProductId, ProductVerdict>;
    for (const product of PRODUCTS) {
      // The mobile browser signs in to the web UI, not the API: the rule never refuses it (ACCESS.md section 4).
      const verdict: ProductVerdict =
        product.kind === 'browser'
          ? { outcome: 'allowed', reason: BROWSER_REASON, fix: null }
          : { outcome: decision.allowed ? 'allowed' : 'blocked', reason, fix: fix ? fixText(fix) : null };
      const used = lastUse.get(`${u.id}|${product.id}`);
      if (used) verdict.lastUsed = withVersionNote(product, used);
      products[product.id] = verdict;
      perProduct[product.id][verdict.outcome] += 1;
      perReason[verdict.reason] = (perReason[verdict.reason] ?? 0) + 1;
    }
    if (decision.reason === 'allowlisted-pe-ge-enforced-no-api') blockedByPeGeFeatures += 1;
    if (fix) {
      blockedUsers += 1;
      const text = fixText(fix);
      const tally = fixes.get(text) ?? { fix: text, users: 0, affects: 0 };
      tally.users += 1;
      // A profile change touches everyone on the profile once, however many of them it allows.
      tally.affects =
        fix.kind === 'profile-api-enabled' || fix.kind === 'org-api-feature'
          ? fix.affects
          : tally.affects + fix.affects;
      fixes.set(text, tally);
    }
    users.push({
      username: u.username,
      name: u.name,
      license: profile.license,
      profile: profile.name,
      apiEnabledBy: [...(profile.apiEnabled ? ['profile'] : []), ...sets.map((s) => `permission set ${s}`)],
      lastLogin: u.lastLogin,
      products,
    });
  }

  const asked =
    options.enforcement !== undefined &&
    (options.enforcement !== snapshot.org.enforcement || snapshot.org.source === 'assumed');
  const enforcementSource = asked ? 'what-if' : snapshot.org.source === 'assumed' ? 'assumed' : 'org';
  return {
    summary: {
      org: {
        name: snapshot.org.name,
        edition: snapshot.org.edition,
        organizationType: snapshot.org.organizationType,
        apiEnabledFeature: snapshot.org.orgApiEnabled,
        customizableProfiles: snapshot.org.customizableProfiles,
      },
      enforcement: enforcement ? 'on' : 'off',
      enforcementSource,
      orgFacts: snapshot.org.source,
      assumptions: [...snapshot.org.assumptions],
      activeUsers: users.length,
      blockedUsers,
      perProduct,
      perReason,
      fixes: [...fixes.values()].sort((a, b) => b.users - a.users || a.fix.localeCompare(b.fix)),
      notes: notes(snapshot, users.length, { enforcement, blockedIfEnforced, blockedByPeGeFeatures }),
    },
    users,
  };
}

/** The newest login per user and product. */
function latestUse(snapshot: OrgSnapshot): Map<string, LastUsed> {
  const out = new Map<string, LastUsed>();
  for (const l of snapshot.logins) {
    const product = productForApplication(l.application, l.platform);
    if (!product) continue;
    const key = `${l.userId}|${product}`;
    const seen = out.get(key);
    if (!seen || seen.time < l.time)
      out.set(key, { time: l.time, clientVersion: l.clientVersion, platform: l.platform, status: l.status });
  }
  return out;
}

function withVersionNote(product: Product, used: LastUsed): LastUsed {
  const v = used.clientVersion;
  if (!v || !product.minVersion || !/^\d+(\.\d+)*$/.test(v) || compareVersions(v, product.minVersion) >= 0)
    return { ...used };
  const why =
    product.belowMinimum === 'unsupported'
      ? 'not supported: upgrade'
      : 'shows a generic error on every API action: upgrade';
  return { ...used, note: `version ${v} is below ${product.minVersion} (${why})` };
}

function notes(
  snapshot: OrgSnapshot,
  activeUsers: number,
  o: { enforcement: boolean; blockedIfEnforced: number; blockedByPeGeFeatures: number },
): string[] {
  const out: string[] = [];
  if (!o.enforcement && o.blockedIfEnforced > 0) {
    out.push(
      `with enforcement on, ${o.blockedIfEnforced} of ${activeUsers} active users would be blocked from the allowlisted apps (run with --enforcement on for the details)`,
    );
  }
  const peGeBlocked = o.blockedByPeGeFeatures;
  if (peGeBlocked > 0) {
    out.push(
      `${snapshot.org.edition} edition: turning off "Customizable Profiles" (or the org's "API Enabled" feature) would also let allowlisted apps work as before, ` +
        `but it changes the whole org (all ${activeUsers} active users, and ordinary API clients lose access without the API feature); ` +
        `the per-user fixes above change ${peGeBlocked} user${peGeBlocked === 1 ? '' : 's'}, so they are the smaller change`,
    );
  }
  if (snapshot.org.source === 'assumed')
    out.push('some org facts were assumed (see assumptions): the verdicts hold if the assumptions do');
  out.push(`"last used" comes from LoginHistory of the last ${snapshot.loginHistoryDays} days`);
  return out;
}
