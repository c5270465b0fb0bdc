/**
 * What an admin does mid-session, the way Salesforce is changed: through the REST API, with the org
 * client every product uses.
 */
import { soapLogin } from '../salesforce/soap-login';
import { Connection } from '../salesforce/connection';
import { query, soqlString } from '../salesforce/query';
import { updateRecord, deleteRecord } from '../salesforce/sobjects';
import { SalesforceApiError } from '../salesforce/errors';

/** Log in as an admin with an ordinary client (SOAP, no CallOptions). */
export async function adminConnection(loginUrl: string, username: string, password: string): Promise<Connection> {
  const login = await soapLogin({ loginUrl, username, password });
  return new Connection({ instanceUrl: login.instanceUrl, accessToken: login.sessionId });
}

/** Turn "API Enabled" off on a profile. */
export async function removeApiFromProfile(admin: Connection, profileName: string): Promise<void> {
  const id = await onlyId(
    admin,
    `SELECT Id FROM Profile WHERE Name = ${soqlString(profileName)}`,
    `profile "${profileName}"`,
  );
  await updateRecord(admin, 'Profile', id, { PermissionsApiEnabled: false });
}

/** Delete a user's assignment of a permission set. */
export async function unassignPermissionSet(admin: Connection, username: string, permissionSet: string): Promise<void> {
  const user = await onlyId(admin, `SELECT Id FROM User WHERE Username = ${soqlString(username)}`, `user ${username}`);
  const set = await onlyId(
    admin,
    `SELECT Id FROM PermissionSet WHERE Name = ${soqlString(permissionSet)}`,
    `permission set ${permissionSet}`,
  );
  const { records } = await query<{ Id: string }>(
    admin,
    `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(user)} AND PermissionSetId = ${soqlString(set)}`,
  );
  if (records.length === 0) throw notFound(`an assignment of ${permissionSet} to ${username}`);
  for (const r of records) await deleteRecord(admin, 'PermissionSetAssignment', r.Id);
}

async function onlyId(admin: Connection, soql: string, what: string): Promise<string> {
  const { records } = await query<{ Id: string }>(admin, soql);
  if (records.length !== 1) throw notFound(what);
  return records[0].Id;
}

function notFound(what: string): SalesforceApiError {
  return new SalesforceApiError({
    errorCode: 'NOT_FOUND',
    kind: 'validation',
    status: 404,
    message: `the org has no ${what}`,
  });
}
