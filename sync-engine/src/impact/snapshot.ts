/**
 * Read what the report needs from the org through its API: a handful of SOQL queries, each paged by
 * `nextRecordsUrl` (2,000 records a page), never one request per user. The queries run side by side.
 */
import { Connection } from '../salesforce/connection';
import { query } from '../salesforce/query';
import { OrgSnapshot } from './verdicts';
import { readOrgFacts, SignInEvidence } from './org-facts';

/** How far back LoginHistory is read: Salesforce keeps six months; ninety days is "lately". */
export const LOGIN_HISTORY_DAYS = 90;

/** User types that cannot sign in to any product (site guests, automation). */
const NOT_PEOPLE = new Set(['Guest', 'AutomatedProcess', 'CloudIntegrationUser']);

export const SNAPSHOT_QUERIES = {
  profiles: 'SELECT Id, Name, UserLicense.Name, PermissionsApiEnabled FROM Profile',
  permissionSets: 'SELECT Id, Name, Label, PermissionsApiEnabled FROM PermissionSet WHERE IsOwnedByProfile = false',
  users:
    'SELECT Id, Username, Name, ProfileId, UserType, LastLoginDate FROM User WHERE IsActive = true ORDER BY Username',
  // Only assignments that grant "API Enabled" matter to the rule; profile-owned sets are the profile's own.
  apiAssignments:
    'SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment' +
    ' WHERE PermissionSet.PermissionsApiEnabled = true AND PermissionSet.IsOwnedByProfile = false AND Assignee.IsActive = true',
  logins: (days: number) =>
    'SELECT UserId, LoginTime, Application, ClientVersion, Platform, Status FROM LoginHistory' +
    ` WHERE LoginTime = LAST_N_DAYS:${days} ORDER BY LoginTime DESC`,
};

interface ProfileRow {
  Id: string;
  Name: string;
  UserLicense: { Name: string } | null;
  PermissionsApiEnabled: boolean;
}
interface PermissionSetRow {
  Id: string;
  Name: string;
  Label: string;
  PermissionsApiEnabled: boolean;
}
interface UserRow {
  Id: string;
  Username: string;
  Name: string | null;
  ProfileId: string;
  UserType: string | null;
  LastLoginDate: string | null;
}
interface AssignmentRow {
  AssigneeId: string;
  PermissionSetId: string;
}
interface LoginRow {
  UserId: string;
  LoginTime: string;
  Application: string | null;
  ClientVersion: string | null;
  Platform: string | null;
  Status: string | null;
}

/** Read the org's facts, profiles, permission sets, active users, their API-granting assignments and recent logins. */
export async function readSnapshot(
  conn: Connection,
  evidence: SignInEvidence,
  o: { loginHistoryDays?: number } = {},
): Promise<OrgSnapshot> {
  const days = o.loginHistoryDays ?? LOGIN_HISTORY_DAYS;
  const [org, profiles, sets, users, assignments, logins] = await Promise.all([
    readOrgFacts(conn, evidence),
    query<ProfileRow>(conn, SNAPSHOT_QUERIES.profiles),
    query<PermissionSetRow>(conn, SNAPSHOT_QUERIES.permissionSets),
    query<UserRow>(conn, SNAPSHOT_QUERIES.users),
    query<AssignmentRow>(conn, SNAPSHOT_QUERIES.apiAssignments),
    query<LoginRow>(conn, SNAPSHOT_QUERIES.logins(days)),
  ]);
  const setsOf = new Map<string, string[]>();
  for (const a of assignments.records) {
    const list = setsOf.get(a.AssigneeId);
    if (list) list.push(a.PermissionSetId);
    else setsOf.set(a.AssigneeId, [a.PermissionSetId]);
  }
  const people = users.records.filter((u) => !NOT_PEOPLE.has(u.UserType ?? ''));
  const active = new Set(people.map((u) => u.Id));
  return {
    org,
    profiles: profiles.records.map((p) => ({
      id: p.Id,
      name: p.Name,
      license: p.UserLicense?.Name ?? 'Salesforce',
      apiEnabled: p.PermissionsApiEnabled === true,
    })),
    permissionSets: sets.records.map((s) => ({
      id: s.Id,
      name: s.Name,
      label: s.Label,
      apiEnabled: s.PermissionsApiEnabled === true,
    })),
    users: people.map((u) => ({
      id: u.Id,
      username: u.Username,
      name: u.Name ?? u.Username,
      profileId: u.ProfileId,
      lastLogin: u.LastLoginDate ?? null,
      apiPermissionSetIds: setsOf.get(u.Id) ?? [],
    })),
    logins: logins.records
      .filter((l) => active.has(l.UserId))
      .map((l) => ({
        userId: l.UserId,
        application: l.Application,
        clientVersion: l.ClientVersion,
        platform: l.Platform,
        status: l.Status,
        time: l.LoginTime,
      })),
    loginHistoryDays: days,
  };
}
