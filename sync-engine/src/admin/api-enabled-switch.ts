/**
 * The admin's switch for "API Enabled" on one profile or permission set, through the org's API (any org the admin
 * can sign in to): the demo's key step ("remove API Enabled from the Standard User profile") as one command.
 * Signs in as an ordinary API client (SOAP `login`), finds the profile or permission set by name, and sets
 * `PermissionsApiEnabled`; answers what it was and what it is now.
 */
import { query, soqlString } from '../salesforce/query';
import { adminConnection } from './admin-session';
import { updateRecord } from '../salesforce/sobjects';

export interface ApiEnabledRequest {
  loginUrl: string;
  username: string;
  password: string;
  clientId?: string;
  /** The profile (by Name) or permission set (by Name, the API name, or Label) to change. */
  target: { kind: 'profile' | 'permissionSet'; name: string };
  on: boolean;
  timeoutMs?: number;
}

export interface ApiEnabledChange {
  target: { kind: 'profile' | 'permissionSet'; name: string; id: string };
  before: boolean;
  after: boolean;
}

/** Not found, or found twice: the name is wrong or ambiguous (the org's errors come as SalesforceApiError). */
export class TargetNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetNotFound';
  }
}

export async function setApiEnabled(req: ApiEnabledRequest): Promise<ApiEnabledChange> {
  const conn = await adminConnection(req);
  const { kind, name } = req.target;
  const soql =
    kind === 'profile'
      ? `SELECT Id, Name, PermissionsApiEnabled FROM Profile WHERE Name = ${soqlString(name)}`
      : `SELECT Id, Name, PermissionsApiEnabled FROM PermissionSet WHERE Name = ${soqlString(name)} OR Label = ${soqlString(name)}`;
  const found = (await query<{ Id: string; Name: string; PermissionsApiEnabled: boolean }>(conn, soql)).records;
  const what = kind === 'profile' ? 'profile' : 'permission set';
  if (found.length === 0)
    throw new TargetNotFound(
      `no ${what} named "${name}" in the org (names are as Setup shows them, e.g. "Standard User")`,
    );
  if (found.length > 1)
    throw new TargetNotFound(`${found.length} ${what}s match "${name}": give the permission set's API name`);
  const [row] = found;
  const before = row.PermissionsApiEnabled === true;
  if (before !== req.on)
    await updateRecord(conn, kind === 'profile' ? 'Profile' : 'PermissionSet', row.Id, {
      PermissionsApiEnabled: req.on,
    });
  return { target: { kind, name: row.Name, id: row.Id }, before, after: req.on };
}
