/**
 * Whether the signed-in user may read what the report reads: "View Setup and Configuration" and "Manage
 * Users", from the profile or any assigned permission set. Checked before anything else is read, so a
 * non-admin gets one clear answer naming what is missing instead of a half-empty report.
 */
import { Connection } from '../salesforce/connection';
import { query, soqlString } from '../salesforce/query';
import { ImpactError } from './errors';

export const ADMIN_PERMISSIONS = [
  { field: 'PermissionsViewSetup', label: 'View Setup and Configuration' },
  { field: 'PermissionsManageUsers', label: 'Manage Users' },
] as const;

type PermissionFields = { PermissionsViewSetup?: boolean | null; PermissionsManageUsers?: boolean | null };

/** The labels of the admin permissions the user lacks (empty when they have both). */
export async function missingAdminPermissions(conn: Connection, userId: string): Promise<string[]> {
  const fields = ADMIN_PERMISSIONS.map((p) => p.field);
  const [self, assigned] = await Promise.all([
    query<{ Profile: PermissionFields | null }>(
      conn,
      `SELECT Id, ${fields.map((f) => `Profile.${f}`).join(', ')} FROM User WHERE Id = ${soqlString(userId)}`,
    ),
    query<{ PermissionSet: PermissionFields | null }>(
      conn,
      `SELECT Id, ${fields.map((f) => `PermissionSet.${f}`).join(', ')} FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)}`,
    ),
  ]);
  const grants = [self.records[0]?.Profile, ...assigned.records.map((a) => a.PermissionSet)];
  return ADMIN_PERMISSIONS.filter((p) => !grants.some((g) => g?.[p.field] === true)).map((p) => p.label);
}

/** Resolve when the user is an admin enough for the report; reject with ADMIN_PERMISSION_MISSING otherwise. */
export async function requireAdmin(conn: Connection, userId: string, username: string): Promise<void> {
  const missing = await missingAdminPermissions(conn, userId);
  if (missing.length === 0) return;
  const names = missing.map((m) => `"${m}"`).join(' and ');
  throw new ImpactError(
    'ADMIN_PERMISSION_MISSING',
    `${username} lacks the permission${missing.length === 1 ? '' : 's'} ${names}, needed to read the org's users, profiles and permission sets. ` +
      `Give ${missing.length === 1 ? 'it' : 'them'} to this user (profile or permission set), or run the report as an administrator.`,
    { missing },
  );
}
