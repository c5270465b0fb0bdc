/**
 * The org seed file of ORG-SEED.md: validated with one error per problem (naming the path in the file),
 * then loaded in one transaction, so a bad file leaves nothing behind and the server does not start.
 */
import crypto from 'node:crypto';
import { readJsonFile } from '../common/json-file';
import { EDITIONS, LICENSES, Edition, License, orgApiEnabledFor } from '../access/rule';
import { PRODUCT_IDS } from '../products/catalog';
import { OrgContext } from './context';
import { SOBJECTS, findSObject } from './schema';
import { builtInCustomFields } from './org-schema';
import { createRecords } from './dml';
import { hashPassword } from './credentials';

export interface SeedPermissions {
  apiEnabled?: boolean;
  viewSetup?: boolean;
  manageUsers?: boolean;
  modifyAllData?: boolean;
}

/** The RSA public key of a seed's PEM certificate or public key, or undefined when it is neither. */
export function publicKeyOf(pem: string): crypto.KeyObject | undefined {
  try {
    const key = crypto.createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

export interface OrgSeed {
  organization: {
    name: string;
    edition: Edition;
    features?: { apiEnabled?: boolean; customizableProfiles?: boolean; sharedActivities?: boolean };
    enforceApiEnabledForAllowlistedApps?: boolean;
    dailyApiRequestLimit?: number;
    /** False: a stock org, without the custom fields schema.ts adds (org-schema.ts). */
    customFields?: boolean;
  };
  connectedApps?: Array<{
    name: string;
    clientId: string;
    clientSecret?: string;
    callbackUrls?: string[];
    allowlisted: boolean;
    product?: string;
    /** The username the client credentials flow acts as (needs clientSecret). */
    clientCredentialsUser?: string;
    /** A PEM X.509 certificate or public key: the JWT bearer flow verifies RS256 assertions with it. */
    certificate?: string;
  }>;
  profiles: Array<{ name: string; license: License; permissions?: SeedPermissions }>;
  permissionSets?: Array<{ name: string; label?: string; permissions?: SeedPermissions }>;
  users: Array<{
    username: string;
    password: string;
    firstName?: string;
    lastName: string;
    email: string;
    profile: string;
    permissionSets?: string[];
    active?: boolean;
  }>;
  records?: Record<string, Array<Record<string, unknown>>>;
}

export class SeedError extends Error {
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super(
      `${file ? `${file}: ` : ''}the org seed has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'SeedError';
  }
}

/** The objects a seed may hold records of: the ones users own (`Account, Contact, ...`). */
const SEEDABLE = SOBJECTS.filter((o) => o.writeAccess === 'any')
  .map((o) => o.name)
  .join(', ');

/** A seeded record's reference to an earlier one: `records.Account[0]`. */
const SEEDED_REFERENCE = /^records\.([A-Za-z]+)\[(\d+)\]$/;

const PERMISSION_KEYS = ['apiEnabled', 'viewSetup', 'manageUsers', 'modifyAllData'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Read and validate a seed file. Throws SeedError listing every problem. */
export function readSeedFile(file: string): OrgSeed {
  const read = readJsonFile(file);
  if (!read.ok) throw new SeedError([read.problem], file);
  const problems = validateSeed(read.data);
  if (problems.length) throw new SeedError(problems, file);
  return read.data as OrgSeed;
}

/** The keys of a seed's `organization` (docs/org-seed.md). */
const ORGANIZATION_KEYS = [
  'name',
  'edition',
  'features',
  'enforceApiEnabledForAllowlistedApps',
  'dailyApiRequestLimit',
  'customFields',
];

/** Every problem of a seed, each naming its path (`users[3].profile: no profile named "Sales"`). */
export function validateSeed(data: unknown): string[] {
  const p: string[] = [];
  if (!isObject(data)) return ['(root): must be a JSON object with organization, profiles and users'];
  const org = data.organization;
  if (!isObject(org)) p.push('organization: required, an object with name and edition');
  else {
    str(p, org, 'organization', 'name', true);
    if (!EDITIONS.includes(org.edition as Edition))
      p.push(`organization.edition: must be one of ${EDITIONS.join(', ')} (got ${JSON.stringify(org.edition)})`);
    if (org.features !== undefined) {
      if (!isObject(org.features))
        p.push('organization.features: must be an object { apiEnabled, customizableProfiles, sharedActivities }');
      else
        for (const k of Object.keys(org.features)) {
          if (!['apiEnabled', 'customizableProfiles', 'sharedActivities'].includes(k))
            p.push(
              `organization.features.${k}: unknown feature (use apiEnabled, customizableProfiles or sharedActivities)`,
            );
          else bool(p, org.features, 'organization.features', k);
        }
    }
    for (const k of Object.keys(org)) {
      if (!ORGANIZATION_KEYS.includes(k))
        p.push(`organization.${k}: unknown key (expected ${ORGANIZATION_KEYS.join(', ')})`);
    }
    bool(p, org, 'organization', 'enforceApiEnabledForAllowlistedApps');
    bool(p, org, 'organization', 'customFields');
    if (
      org.dailyApiRequestLimit !== undefined &&
      !(Number.isInteger(org.dailyApiRequestLimit) && (org.dailyApiRequestLimit as number) > 0)
    ) {
      p.push('organization.dailyApiRequestLimit: must be a positive integer');
    }
  }

  const apps = arr(p, data, '', 'connectedApps', false);
  const clientIds = new Set<string>();
  apps.forEach((a, i) => {
    const at = `connectedApps[${i}]`;
    if (!isObject(a)) return void p.push(`${at}: must be an object`);
    str(p, a, at, 'name', true);
    if (str(p, a, at, 'clientId', true)) {
      if (clientIds.has(a.clientId as string)) p.push(`${at}.clientId: duplicate client id "${a.clientId}"`);
      clientIds.add(a.clientId as string);
    }
    str(p, a, at, 'clientSecret', false);
    if (typeof a.allowlisted !== 'boolean') p.push(`${at}.allowlisted: required, true or false`);
    if (a.product !== undefined && !PRODUCT_IDS.includes(a.product as string)) {
      p.push(
        `${at}.product: unknown product "${a.product}" (use one of ${PRODUCT_IDS.join(', ')}, or leave it out for an ordinary client)`,
      );
    }
    if (
      a.callbackUrls !== undefined &&
      !(Array.isArray(a.callbackUrls) && a.callbackUrls.every((u) => typeof u === 'string'))
    ) {
      p.push(`${at}.callbackUrls: must be an array of URLs`);
    }
    if (str(p, a, at, 'clientCredentialsUser', false)) {
      const known =
        Array.isArray(data.users) &&
        data.users.some(
          (u) =>
            isObject(u) &&
            typeof u.username === 'string' &&
            u.username.toLowerCase() === String(a.clientCredentialsUser).toLowerCase(),
        );
      if (!known) p.push(`${at}.clientCredentialsUser: "${a.clientCredentialsUser}" is none of the users' usernames`);
      if (typeof a.clientSecret !== 'string')
        p.push(`${at}.clientCredentialsUser: the client credentials flow needs a clientSecret too`);
    }
    if (str(p, a, at, 'certificate', false) && !publicKeyOf(a.certificate as string))
      p.push(`${at}.certificate: not a PEM certificate or RSA public key (-----BEGIN CERTIFICATE-----...)`);
  });

  const profileNames = new Set<string>();
  const profiles = arr(p, data, '', 'profiles', true);
  if (Array.isArray(data.profiles) && profiles.length === 0) p.push('profiles: at least one profile is needed');
  profiles.forEach((pr, i) => {
    const at = `profiles[${i}]`;
    if (!isObject(pr)) return void p.push(`${at}: must be an object`);
    if (str(p, pr, at, 'name', true)) {
      if (profileNames.has(pr.name as string)) p.push(`${at}.name: duplicate profile "${pr.name}"`);
      profileNames.add(pr.name as string);
    }
    if (!LICENSES.includes(pr.license as License))
      p.push(`${at}.license: must be one of ${LICENSES.join(', ')} (got ${JSON.stringify(pr.license)})`);
    perms(p, pr, at);
  });

  const setNames = new Set<string>();
  arr(p, data, '', 'permissionSets', false).forEach((ps, i) => {
    const at = `permissionSets[${i}]`;
    if (!isObject(ps)) return void p.push(`${at}: must be an object`);
    if (str(p, ps, at, 'name', true)) {
      if (!/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(ps.name as string))
        p.push(
          `${at}.name: "${ps.name}" must start with a letter and use only letters, digits and underscores (an API name)`,
        );
      if (setNames.has(ps.name as string)) p.push(`${at}.name: duplicate permission set "${ps.name}"`);
      setNames.add(ps.name as string);
    }
    str(p, ps, at, 'label', false);
    perms(p, ps, at);
  });

  const usernames = new Set<string>();
  const users = arr(p, data, '', 'users', true);
  users.forEach((u, i) => {
    const at = `users[${i}]`;
    if (!isObject(u)) return void p.push(`${at}: must be an object`);
    if (str(p, u, at, 'username', true)) {
      const name = (u.username as string).toLowerCase();
      if (!EMAIL.test(name)) p.push(`${at}.username: "${u.username}" must have the form of an email address`);
      if (usernames.has(name)) p.push(`${at}.username: duplicate username "${u.username}"`);
      usernames.add(name);
    }
    str(p, u, at, 'password', true);
    str(p, u, at, 'firstName', false);
    str(p, u, at, 'lastName', true);
    if (str(p, u, at, 'email', true) && !EMAIL.test(u.email as string))
      p.push(`${at}.email: "${u.email}" is not a valid email address`);
    if (str(p, u, at, 'profile', true) && !profileNames.has(u.profile as string))
      p.push(`${at}.profile: no profile named "${u.profile}"`);
    bool(p, u, at, 'active');
    if (u.permissionSets !== undefined) {
      if (!Array.isArray(u.permissionSets)) p.push(`${at}.permissionSets: must be an array of permission set names`);
      else
        u.permissionSets.forEach((n, j) => {
          if (!setNames.has(n as string)) p.push(`${at}.permissionSets[${j}]: no permission set named "${n}"`);
        });
    }
  });

  if (data.records !== undefined) {
    if (!isObject(data.records))
      p.push('records: must be an object { Contact: [...], Lead: [...], Event: [...], ... }');
    else
      for (const [type, list] of Object.entries(data.records)) {
        const obj = findSObject(type);
        if (!obj || obj.writeAccess !== 'any') p.push(`records.${type}: records can be seeded for ${SEEDABLE} only`);
        else if (!Array.isArray(list)) p.push(`records.${type}: must be an array of records`);
        else
          list.forEach((r, i) => {
            if (!isObject(r))
              return void p.push(`records.${type}[${i}]: must be an object with Salesforce field names`);
            const owner = r.OwnerId;
            if (
              typeof owner === 'string' &&
              owner.startsWith('username:') &&
              !usernames.has(owner.slice(9).toLowerCase())
            ) {
              p.push(`records.${type}[${i}].OwnerId: no user "${owner.slice(9)}"`);
            }
          });
      }
  }
  for (const k of Object.keys(data)) {
    if (
      !['organization', 'connectedApps', 'profiles', 'permissionSets', 'users', 'records', '$schema', 'about'].includes(
        k,
      )
    ) {
      p.push(`${k}: unknown key (expected organization, connectedApps, profiles, permissionSets, users, records)`);
    }
  }
  return p;
}

const LICENSE_KEYS: Record<License, string> = {
  Salesforce: 'SFDC',
  'Chatter Free': 'PID_Chatter',
  'Chatter Only': 'PID_Chatter_Only',
  'Chatter External': 'PID_Chatter_External',
};

const EDITION_TYPES: Record<Edition, string> = {
  enterprise: 'Enterprise Edition',
  unlimited: 'Unlimited Edition',
  performance: 'Performance Edition',
  developer: 'Developer Edition',
  professional: 'Professional Edition',
  group: 'Team Edition',
  'contact-manager': 'Personal Edition',
};

/** Load a validated seed into an empty org, all or nothing. */
export async function loadSeed(ctx: OrgContext, seed: OrgSeed): Promise<void> {
  const { store } = ctx;
  // Hashed before the transaction, side by side on the thread pool: one hash costs about 50 ms.
  const passwordHashes = await Promise.all(seed.users.map((u) => hashPassword(u.password)));
  const o = (name: string) => findSObject(name)!;
  store.transaction(() => {
    const org = seed.organization;
    store.insert(
      o('Organization'),
      {
        Name: org.name,
        OrganizationType: EDITION_TYPES[org.edition],
        InstanceName: 'LOCAL',
        Edition__c: org.edition,
        ApiEnabledFeature__c: orgApiEnabledFor(org.edition, org.features?.apiEnabled ?? false),
        CustomizableProfilesFeature__c: org.features?.customizableProfiles ?? false,
        EnforceApiEnabled__c: org.enforceApiEnabledForAllowlistedApps ?? true,
      },
      null,
    );
    if (org.dailyApiRequestLimit) store.setMeta('dailyApiRequestLimit', String(org.dailyApiRequestLimit));
    if (org.features?.sharedActivities) store.setFeatures({ sharedActivities: true });
    // Before the records: a stock org refuses the custom fields in them, as a real one would.
    store.setCustomFields(org.customFields === false ? [] : builtInCustomFields());
    const licenseIds = new Map<License, string>();
    for (const l of LICENSES) {
      licenseIds.set(
        l,
        store.insert(
          o('UserLicense'),
          { Name: l, MasterLabel: l, LicenseDefinitionKey: LICENSE_KEYS[l], Status: 'Active' },
          null,
        ),
      );
    }
    const profileIds = new Map<string, string>();
    for (const p of seed.profiles) {
      const id = store.insert(
        o('Profile'),
        {
          Name: p.name,
          UserLicenseId: licenseIds.get(p.license)!,
          UserType: p.license === 'Salesforce' ? 'Standard' : 'CsnOnly',
          ...permissionValues(p.permissions),
        },
        null,
      );
      profileIds.set(p.name, id);
    }
    const setIds = new Map<string, string>();
    for (const s of seed.permissionSets ?? []) {
      setIds.set(
        s.name,
        store.insert(
          o('PermissionSet'),
          { Name: s.name, Label: s.label ?? s.name, ...permissionValues(s.permissions) },
          null,
        ),
      );
    }
    const userIds = new Map<string, string>();
    for (const [i, u] of seed.users.entries()) {
      const id = store.insert(
        o('User'),
        {
          Username: u.username,
          FirstName: u.firstName ?? null,
          LastName: u.lastName,
          Email: u.email,
          Alias: (u.firstName?.[0] ?? '') + u.lastName.slice(0, 4).toLowerCase(),
          IsActive: u.active ?? true,
          ProfileId: profileIds.get(u.profile)!,
          UserType: seed.profiles.find((p) => p.name === u.profile)!.license === 'Salesforce' ? 'Standard' : 'CsnOnly',
        },
        null,
      );
      userIds.set(u.username.toLowerCase(), id);
      ctx.credentials.setPasswordHash(id, passwordHashes[i]);
    }
    for (const u of seed.users) {
      for (const name of u.permissionSets ?? []) {
        store.insert(
          o('PermissionSetAssignment'),
          { AssigneeId: userIds.get(u.username.toLowerCase())!, PermissionSetId: setIds.get(name)! },
          null,
        );
      }
    }
    for (const a of seed.connectedApps ?? []) {
      ctx.apps.add({
        name: a.name,
        clientId: a.clientId,
        clientSecret: a.clientSecret ?? null,
        callbackUrls: a.callbackUrls ?? [],
        allowlisted: a.allowlisted,
        product: a.product ?? null,
        clientCredentialsUser: a.clientCredentialsUser ?? null,
        certificate: a.certificate ?? null,
      });
    }
    const firstAdmin = seed.users.find(
      (u) => seed.profiles.find((p) => p.name === u.profile)?.permissions?.modifyAllData,
    );
    const defaultOwner = userIds.get((firstAdmin ?? seed.users[0]).username.toLowerCase())!;
    const problems: string[] = [];
    // `"AccountId": "records.Account[0]"`: the id of a record seeded earlier in this seed.
    const seededIds = new Map<string, string>();
    for (const [type, list] of Object.entries(seed.records ?? {})) {
      list.forEach((record, i) => {
        const fields = { ...record };
        if (typeof fields.OwnerId === 'string' && fields.OwnerId.startsWith('username:'))
          fields.OwnerId = userIds.get(fields.OwnerId.slice(9).toLowerCase());
        let unresolved = false;
        for (const [name, value] of Object.entries(fields)) {
          const ref = typeof value === 'string' ? SEEDED_REFERENCE.exec(value) : null;
          if (!ref) continue;
          const key = `${findSObject(ref[1])?.name ?? ref[1]}[${ref[2]}]`;
          const id = seededIds.get(key);
          if (id) fields[name] = id;
          else {
            unresolved = true;
            problems.push(
              `records.${type}[${i}].${name}: "${value}" names no record seeded before this one (list the ${ref[1]} records first)`,
            );
          }
        }
        if (unresolved) return;
        const [result] = createRecords(
          ctx,
          { userId: defaultOwner, isAdmin: true, manageUsers: true },
          [{ type, fields }],
          true,
        );
        if (result.success) seededIds.set(`${findSObject(type)!.name}[${i}]`, result.id!);
        else
          problems.push(
            ...result.errors.map(
              (e) => `records.${type}[${i}]${e.fields.length ? `.${e.fields.join(',')}` : ''}: ${e.message}`,
            ),
          );
      });
    }
    if (problems.length) throw new SeedError(problems);
  });
}

function permissionValues(p: SeedPermissions | undefined): Record<string, boolean> {
  return {
    PermissionsApiEnabled: p?.apiEnabled ?? false,
    PermissionsViewSetup: p?.viewSetup ?? false,
    PermissionsManageUsers: p?.manageUsers ?? false,
    PermissionsModifyAllData: p?.modifyAllData ?? false,
  };
}

type Obj = Record<string, unknown>;
function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(p: string[], o: Obj, at: string, key: string, required: boolean): boolean {
  const v = o[key];
  const path = at ? `${at}.${key}` : key;
  if (v === undefined) {
    if (required) p.push(`${path}: required`);
    return false;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    p.push(`${path}: must be a non-empty string`);
    return false;
  }
  return true;
}
function bool(p: string[], o: Obj, at: string, key: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'boolean')
    p.push(`${at}.${key}: must be true or false (got ${JSON.stringify(o[key])})`);
}
function arr(p: string[], o: Obj, at: string, key: string, required: boolean): unknown[] {
  const v = o[key];
  const path = at ? `${at}.${key}` : key;
  if (v === undefined) {
    if (required) p.push(`${path}: required, an array`);
    return [];
  }
  if (!Array.isArray(v)) {
    p.push(`${path}: must be an array`);
    return [];
  }
  return v;
}
function perms(p: string[], o: Obj, at: string): void {
  if (o.permissions === undefined) return;
  if (!isObject(o.permissions))
    return void p.push(`${at}.permissions: must be an object { ${PERMISSION_KEYS.join(', ')} }`);
  for (const k of Object.keys(o.permissions)) {
    if (!PERMISSION_KEYS.includes(k))
      p.push(`${at}.permissions.${k}: unknown permission (use ${PERMISSION_KEYS.join(', ')})`);
    else bool(p, o.permissions, `${at}.permissions`, k);
  }
}
