/**
 * "Create contact" and "Create lead" for an address nobody in Salesforce has. A Lead needs its company (Salesforce
 * requires it); a Contact is put on the Account of that exact name when one is visible, else on none.
 */
import { Connection } from '../../salesforce/connection';
import { createRecord } from '../../salesforce/sobjects';
import { query, soqlString } from '../../salesforce/query';
import { CreatePersonRequest, CreatedPerson } from '../contract';
import { serviceErrors } from '../errors';
import { isObj, parseAddress } from './people-input';

const MAX_NAME = 80;

function nameField(v: unknown, field: string, required: boolean, max = MAX_NAME): string | null {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) throw serviceErrors.invalid(field, 'required');
    return null;
  }
  if (typeof v !== 'string') throw serviceErrors.invalid(field, 'must be text');
  if (v.trim().length > max) throw serviceErrors.invalid(field, `at most ${max} characters`);
  return v.trim();
}

export function parseCreatePerson(body: unknown): CreatePersonRequest {
  if (!isObj(body)) throw serviceErrors.bodyRequired();
  if (body.type !== 'Contact' && body.type !== 'Lead') throw serviceErrors.invalid('type', '"Contact" or "Lead"');
  const { address } = parseAddress({ address: body.email }, 'email');
  const lastName = nameField(body.lastName, 'lastName', true)!;
  const firstName = nameField(body.firstName, 'firstName', false, 40);
  const company = nameField(body.company, 'company', body.type === 'Lead', 255);
  return { type: body.type, firstName, lastName, email: address.slice(0, 80), company };
}

export async function createPerson(conn: Connection, r: CreatePersonRequest): Promise<CreatedPerson> {
  const names = { LastName: r.lastName, ...(r.firstName ? { FirstName: r.firstName } : {}), Email: r.email };
  if (r.type === 'Lead') {
    const id = await createRecord(conn, 'Lead', { ...names, Company: r.company! });
    return { ok: true, type: 'Lead', id, account: null };
  }
  let account: CreatedPerson['account'] = null;
  if (r.company) {
    const found = await query<{ Id: string; Name: string }>(
      conn,
      `SELECT Id, Name FROM Account WHERE Name = ${soqlString(r.company)} ORDER BY LastModifiedDate DESC LIMIT 1`,
    );
    const a = found.records[0];
    if (a) account = { id: a.Id, name: a.Name };
  }
  const id = await createRecord(conn, 'Contact', { ...names, ...(account ? { AccountId: account.id } : {}) });
  return { ok: true, type: 'Contact', id, account };
}
