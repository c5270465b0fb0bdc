/**
 * Builds the rule's inputs from the org's current data and caches the decision per user and client kind.
 * The cache is keyed by the store's access version, so any change to the org, a profile, a permission set,
 * an assignment or a user invalidates every cached decision before the next request.
 */
import { AccessDecision, AccessInputs, decideAccess, Edition, License } from '../access/rule';
import { OrgStore } from './store';

export interface UserAccessFacts {
  userId: string;
  active: boolean;
  license: License;
  profileName: string;
  /** API Enabled from the profile. */
  profileApiEnabled: boolean;
  /** Names of assigned permission sets that grant API Enabled. */
  apiEnabledPermissionSets: string[];
  /** Effective admin permissions (profile or any permission set). */
  viewSetup: boolean;
  manageUsers: boolean;
  modifyAllData: boolean;
}

export interface OrgFacts {
  edition: Edition;
  orgApiEnabled: boolean;
  customizableProfiles: boolean;
  enforcement: boolean;
}

export class AccessCheck {
  private cache = new Map<string, { facts: UserAccessFacts; decision: AccessDecision }>();
  private cacheVersion = -1;

  constructor(
    private readonly store: OrgStore,
    private readonly useCache = true,
  ) {}

  orgFacts(): OrgFacts {
    const org = this.store.db.prepare(`SELECT * FROM sobj_Organization LIMIT 1`).get() as Record<string, unknown>;
    return {
      edition: org.Edition__c as Edition,
      orgApiEnabled: org.ApiEnabledFeature__c === 1,
      customizableProfiles: org.CustomizableProfilesFeature__c === 1,
      enforcement: org.EnforceApiEnabled__c === 1,
    };
  }

  userFacts(userId: string): UserAccessFacts | undefined {
    const u = this.store.db
      .prepare(
        `SELECT u."IsActive" AS active, p."Name" AS profileName, p."PermissionsApiEnabled" AS apiEnabled, l."Name" AS license,
              p."PermissionsViewSetup" AS viewSetup, p."PermissionsManageUsers" AS manageUsers, p."PermissionsModifyAllData" AS modifyAllData
       FROM sobj_User u JOIN sobj_Profile p ON p."Id" = u."ProfileId" JOIN sobj_UserLicense l ON l."Id" = p."UserLicenseId"
       WHERE u."Id" = ?`,
      )
      .get(userId) as
      | {
          active: number;
          profileName: string;
          apiEnabled: number;
          license: License;
          viewSetup: number;
          manageUsers: number;
          modifyAllData: number;
        }
      | undefined;
    if (!u) return undefined;
    const sets = this.store.db
      .prepare(
        `SELECT ps."Name" AS name, ps."PermissionsApiEnabled" AS apiEnabled, ps."PermissionsViewSetup" AS viewSetup,
              ps."PermissionsManageUsers" AS manageUsers, ps."PermissionsModifyAllData" AS modifyAllData
       FROM sobj_PermissionSetAssignment a JOIN sobj_PermissionSet ps ON ps."Id" = a."PermissionSetId"
       WHERE a."AssigneeId" = ? AND a."IsDeleted" = 0 AND ps."IsDeleted" = 0 AND ps."IsOwnedByProfile" = 0`,
      )
      .all(userId) as Array<{
      name: string;
      apiEnabled: number;
      viewSetup: number;
      manageUsers: number;
      modifyAllData: number;
    }>;
    const any = (k: 'viewSetup' | 'manageUsers' | 'modifyAllData') => u[k] === 1 || sets.some((s) => s[k] === 1);
    return {
      userId,
      active: u.active === 1,
      license: u.license,
      profileName: u.profileName,
      profileApiEnabled: u.apiEnabled === 1,
      apiEnabledPermissionSets: sets.filter((s) => s.apiEnabled === 1).map((s) => s.name),
      viewSetup: any('viewSetup'),
      manageUsers: any('manageUsers'),
      modifyAllData: any('modifyAllData'),
    };
  }

  /** The inputs of the rule for a user calling through a client of the given kind. */
  inputs(user: UserAccessFacts, allowlisted: boolean): AccessInputs {
    const org = this.orgFacts();
    return {
      edition: org.edition,
      orgApiEnabled: org.orgApiEnabled,
      customizableProfiles: org.customizableProfiles,
      enforcement: org.enforcement,
      license: user.license,
      userApiEnabled: user.profileApiEnabled || user.apiEnabledPermissionSets.length > 0,
      allowlisted,
    };
  }

  /** The user's facts and the decision for a client kind, from the cache when nothing it depends on changed. */
  evaluate(userId: string, allowlisted: boolean): { facts: UserAccessFacts; decision: AccessDecision } | undefined {
    if (this.store.accessVersion !== this.cacheVersion) {
      this.cache.clear();
      this.cacheVersion = this.store.accessVersion;
    }
    const key = `${userId}|${allowlisted ? 1 : 0}`;
    if (this.useCache) {
      const hit = this.cache.get(key);
      if (hit) return hit;
    }
    const facts = this.userFacts(userId);
    if (!facts) return undefined;
    const result = { facts, decision: decideAccess(this.inputs(facts, allowlisted)) };
    if (this.useCache) this.cache.set(key, result);
    return result;
  }

  /** The decision alone. */
  decide(userId: string, allowlisted: boolean): AccessDecision | undefined {
    return this.evaluate(userId, allowlisted)?.decision;
  }
}
