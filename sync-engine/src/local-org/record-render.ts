/**
 * Records on the wire: `attributes {type, url}` first, then the fields asked for, with datetimes in
 * Salesforce's JSON form (`2013-05-08T21:20:00.000+0000`). Every read path (single GET, retrieve, query)
 * renders through here, so a record looks the same whichever way it was fetched.
 */
import { SObjectDef, FieldDef, findField } from './schema';
import { FieldValue, Row } from './store';
import { toSalesforceDateTime } from '../common/clock';
import { SalesforceRestError } from './errors';

export interface WireRecord {
  attributes: { type: string; url: string };
  [field: string]: unknown;
}

/** `/services/data/v60.0/sobjects/Contact/003...`; accepts `60.0` or `v60.0`. */
export function recordUrl(obj: SObjectDef, id: string, apiVersion: string): string {
  return `${sobjectsUrl(apiVersion)}/${obj.name}/${id}`;
}

/** `/services/data/v60.0/sobjects`. */
export function sobjectsUrl(apiVersion: string): string {
  return `/services/data/v${apiVersion.replace(/^v/, '')}/sobjects`;
}

/** A stored value as the API returns it. */
export function renderValue(field: FieldDef, value: FieldValue | undefined): FieldValue {
  if (value === null || value === undefined) return null;
  if (field.type === 'datetime' && typeof value === 'string') return toSalesforceDateTime(value);
  return value;
}

/** One record with its attributes and the given fields, in that order. */
export function renderRecord(obj: SObjectDef, row: Row, fields: readonly FieldDef[], apiVersion: string): WireRecord {
  const record: WireRecord = { attributes: { type: obj.name, url: recordUrl(obj, String(row.Id), apiVersion) } };
  for (const f of fields) record[f.name] = renderValue(f, row[f.name]);
  return record;
}

/**
 * The fields named by a `fields=` parameter (or all of them when none is given). Reads are answered like a
 * SOQL query, so an unknown name gets SOQL's INVALID_FIELD text, not the DML one.
 */
export function resolveReadFields(obj: SObjectDef, names: readonly string[] | undefined): FieldDef[] {
  const wanted = (names ?? []).map((n) => n.trim()).filter((n) => n !== '');
  if (wanted.length === 0) return obj.fields;
  const out: FieldDef[] = [];
  for (const name of wanted) {
    const f = findField(obj, name);
    if (!f) {
      throw new SalesforceRestError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    if (!out.includes(f)) out.push(f);
  }
  return out;
}
