/**
 * `sfo-compat org setup`: what an admin adds to a stock org so the sync's creates become upserts. It creates
 * `OutlookId__c` (Text 255, External ID, Unique, not case-sensitive) through the Tooling API, on Contact and on
 * Activity (Event and Task share their custom fields there), then grants it: a new field has no field-level access
 * on a real org, so a permission set "sfo-compat sync" gets read and edit of the three fields (FieldPermissions) and
 * is assigned to the users named. Each step looks first and changes only what is missing, so a second run changes
 * nothing and says so. The users are checked before anything is written.
 */
import { Connection } from '../salesforce/connection';
import { query, soqlString } from '../salesforce/query';
import { createRecord, updateRecord } from '../salesforce/sobjects';
import { SalesforceApiError } from '../salesforce/errors';
import { AdminSignIn, adminConnection } from './admin-session';

/** The field the sync upserts on, where the org has it. */
export const SYNC_FIELD = 'OutlookId__c';
/** Where it is created (Tooling `FullName`s) and the fields that result, as FieldPermissions name them. */
const CREATES = [
  { fullName: `Contact.${SYNC_FIELD}`, fields: [`Contact.${SYNC_FIELD}`] },
  { fullName: `Activity.${SYNC_FIELD}`, fields: [`Event.${SYNC_FIELD}`, `Task.${SYNC_FIELD}`] },
];
export const SYNC_PERMISSION_SET = { name: 'sfo_compat_sync', label: 'sfo-compat sync' } as const;

const FIELD_METADATA = {
  label: 'Outlook Id',
  type: 'Text',
  length: 255,
  externalId: true,
  unique: true,
  caseSensitive: false,
  required: false,
  description: 'The Outlook item this record syncs with (sfo-compat): creates are upserts on it.',
};

export interface OrgSetupRequest extends AdminSignIn {
  /** Usernames to assign the permission set to. */
  assign: string[];
}

export interface OrgSetupResult {
  /** Each Tooling create: created now, or there already. */
  fields: Array<{ fullName: string; created: boolean }>;
  permissionSet: { name: string; label: string; id: string; created: boolean };
  /** Each field's read and edit in the permission set: granted now, or already. */
  fieldPermissions: Array<{ field: string; granted: boolean }>;
  /** Each user named: assigned now, or already. */
  assigned: Array<{ username: string; assigned: boolean }>;
}

/** A username that is no active user of the org: nothing was changed. */
export class UnknownUser extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownUser';
  }
}

/** Create the field, grant it, assign the grant; each step only where missing. */
export async function setUpOrg(req: OrgSetupRequest): Promise<OrgSetupResult> {
  const conn = await adminConnection(req);
  const users = await findUsers(conn, req.assign);
  const fields: OrgSetupResult['fields'] = [];
  for (const c of CREATES) fields.push({ fullName: c.fullName, created: await createField(conn, c.fullName) });
  const permissionSet = await ensurePermissionSet(conn);
  const fieldPermissions = await grantFields(
    conn,
    permissionSet.id,
    CREATES.flatMap((c) => c.fields),
  );
  const assigned: OrgSetupResult['assigned'] = [];
  for (const u of users) assigned.push({ username: u.Username, assigned: await assign(conn, u.Id, permissionSet.id) });
  return { fields, permissionSet, fieldPermissions, assigned };
}

async function findUsers(conn: Connection, usernames: string[]): Promise<Array<{ Id: string; Username: string }>> {
  if (usernames.length === 0) return [];
  const found = (
    await query<{ Id: string; Username: string; IsActive: boolean }>(
      conn,
      `SELECT Id, Username, IsActive FROM User WHERE Username IN (${usernames.map(soqlString).join(', ')})`,
    )
  ).records;
  return usernames.map((name) => {
    const u = found.find((r) => r.Username.toLowerCase() === name.toLowerCase());
    if (!u) throw new UnknownUser(`--assign: no user "${name}" in the org (give the username, e.g. ann@example.com)`);
    if (u.IsActive === false) throw new UnknownUser(`--assign: "${name}" is not an active user`);
    return u;
  });
}

/** Create one custom field; false when the object has a field of that name already (a second run). */
async function createField(conn: Connection, fullName: string): Promise<boolean> {
  try {
    await conn.request({
      method: 'POST',
      path: conn.dataPath('/tooling/sobjects/CustomField'),
      body: { FullName: fullName, Metadata: FIELD_METADATA },
    });
    return true;
  } catch (err) {
    // A real org names a field it has already DUPLICATE_DEVELOPER_NAME; the local org DUPLICATE_VALUE.
    if (err instanceof SalesforceApiError && /^DUPLICATE_(DEVELOPER_NAME|VALUE)$/.test(err.errorCode)) return false;
    throw err;
  }
}

async function ensurePermissionSet(conn: Connection): Promise<OrgSetupResult['permissionSet']> {
  const { name, label } = SYNC_PERMISSION_SET;
  const found = (await query<{ Id: string }>(conn, `SELECT Id FROM PermissionSet WHERE Name = ${soqlString(name)}`))
    .records;
  if (found.length) return { name, label, id: found[0].Id, created: false };
  const id = await createRecord(conn, 'PermissionSet', {
    Name: name,
    Label: label,
    Description: 'Read and edit of OutlookId__c on Contact, Event and Task, for the users who sync (sfo-compat).',
  });
  return { name, label, id, created: true };
}

async function grantFields(
  conn: Connection,
  permissionSetId: string,
  fields: string[],
): Promise<OrgSetupResult['fieldPermissions']> {
  const held = (
    await query<{ Id: string; Field: string; PermissionsRead: boolean; PermissionsEdit: boolean }>(
      conn,
      `SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = ${soqlString(permissionSetId)}`,
    )
  ).records;
  const out: OrgSetupResult['fieldPermissions'] = [];
  for (const field of fields) {
    const row = held.find((r) => r.Field.toLowerCase() === field.toLowerCase());
    if (row?.PermissionsRead && row.PermissionsEdit) {
      out.push({ field, granted: false });
      continue;
    }
    const perms = { PermissionsRead: true, PermissionsEdit: true };
    if (row) await updateRecord(conn, 'FieldPermissions', row.Id, perms);
    else
      await createRecord(conn, 'FieldPermissions', {
        ParentId: permissionSetId,
        SobjectType: field.split('.')[0],
        Field: field,
        ...perms,
      });
    out.push({ field, granted: true });
  }
  return out;
}

async function assign(conn: Connection, userId: string, permissionSetId: string): Promise<boolean> {
  const found = await query(
    conn,
    `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)} AND PermissionSetId = ${soqlString(permissionSetId)}`,
  );
  if (found.records.length) return false;
  await createRecord(conn, 'PermissionSetAssignment', { AssigneeId: userId, PermissionSetId: permissionSetId });
  return true;
}
