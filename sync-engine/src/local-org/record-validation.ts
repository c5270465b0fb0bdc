/**
 * Salesforce's field validation, in its two stages.
 *
 * 1. Reading the JSON body into typed values (`readRecordFields`): an unknown field or a value of the wrong
 *    JSON type fails the whole request with 400 before any record is processed, as Salesforce's deserializer does.
 * 2. Validating each record (`validateRecord`): field-level access, ids and references, required fields,
 *    lengths and emails. These are per-record errors; the other records of a batch go on.
 */
import { SObjectDef, FieldDef, findField, sobjectForId, findSObject } from './schema';
import { FieldValue, Row, OrgStore, tableName, quoteIdent } from './store';
import { SalesforceRestError, RecordError } from './errors';
import { normalizeId } from './ids';
import { parseSalesforceDateTime } from '../common/clock';
import { Viewer, canSee } from './visibility';

export type Operation = 'create' | 'update';

/** Who is writing: references to records they cannot see are refused. */
export type Writer = Viewer;

export type ReadResult = { ok: true; values: Row } | { ok: false; error: SalesforceRestError };

/** Stage 1: JSON field values to typed values under their canonical names. `attributes` is ignored. */
export function readRecordFields(obj: SObjectDef, input: Record<string, unknown>): ReadResult {
  const values: Row = {};
  for (const [name, raw] of Object.entries(input)) {
    if (name === 'attributes') continue;
    const field = findField(obj, name);
    if (!field)
      return {
        ok: false,
        error: new SalesforceRestError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${obj.name}`),
      };
    const value = coerce(field, raw);
    if (value instanceof SalesforceRestError) return { ok: false, error: value };
    values[field.name] = value;
  }
  return { ok: true, values };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function coerce(field: FieldDef, raw: unknown): FieldValue | SalesforceRestError {
  if (raw === null) return field.type === 'boolean' ? false : null;
  if (typeof raw === 'object') return cannotDeserialize(field, raw);
  switch (field.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      // Salesforce's deserializer takes "true"/"false" strings too.
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      return cannotDeserialize(field, raw);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (field.type === 'int' && !Number.isInteger(n))) return cannotDeserialize(field, raw);
      return n;
    }
    case 'date':
      if (typeof raw === 'string' && isCalendarDate(raw)) return raw;
      return cannotDeserialize(field, raw);
    case 'datetime': {
      const d = typeof raw === 'string' ? parseSalesforceDateTime(raw) : undefined;
      return d ? d.toISOString() : cannotDeserialize(field, raw);
    }
    case 'id':
    case 'reference':
      // Stage 2 checks the id itself, per record (MALFORMED_ID).
      return typeof raw === 'string' ? (raw === '' ? null : raw) : cannotDeserialize(field, raw);
    default: {
      // Text fields take any scalar; Salesforce stores an empty string as null.
      const text = String(raw);
      return text === '' ? null : text;
    }
  }
}

function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]) && d.getUTCMonth() + 1 === Number(m[2]);
}

const SOAP_TYPE_NAMES: Partial<Record<FieldDef['type'], string>> = {
  boolean: 'boolean',
  int: 'int',
  double: 'double',
  currency: 'double',
  percent: 'double',
  date: 'date',
  datetime: 'datetime',
  id: 'id',
  reference: 'id',
};

/**
 * Salesforce's deserializer message. It ends with ` at [line:L, column:C]` on the real service; the body has
 * been parsed by then here, so the position is left out rather than made up.
 */
function cannotDeserialize(field: FieldDef, raw: unknown): SalesforceRestError {
  const type = SOAP_TYPE_NAMES[field.type] ?? 'string';
  const [token, shown] = Array.isArray(raw)
    ? ['START_ARRAY', '[']
    : typeof raw === 'object'
      ? ['START_OBJECT', '{']
      : typeof raw === 'string'
        ? ['VALUE_STRING', raw]
        : typeof raw === 'boolean'
          ? [raw ? 'VALUE_TRUE' : 'VALUE_FALSE', String(raw)]
          : [Number.isInteger(raw) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT', String(raw)];
  return new SalesforceRestError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${type} from ${token} value ${shown} or request may be missing a required field`,
  );
}

export interface Validated {
  /** The values with ids in their 18-character form. */
  values: Row;
  errors: RecordError[];
}

const EMAIL = /^[^\s@,;<>()[\]"]+@[^\s@,;<>()[\]"]+\.[^\s@,;<>()[\]"]+$/;

/** Stage 2: one record's values for a create or an update of `current`. */
export function validateRecord(
  store: OrgStore,
  writer: Writer,
  obj: SObjectDef,
  values: Row,
  op: Operation,
  current?: Row,
): Validated {
  if (op === 'create' && 'Id' in values)
    return fail(values, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
  const locked = Object.keys(values).filter(
    (n) => !(op === 'create' ? findField(obj, n)!.createable : findField(obj, n)!.updateable),
  );
  if (locked.length) {
    return fail(
      values,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${locked.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      locked,
    );
  }
  const normalized: Row = { ...values };
  for (const f of obj.fields) {
    if (f.type !== 'reference' || typeof values[f.name] !== 'string') continue;
    const checked = checkReference(store, writer, f, values[f.name] as string);
    if (typeof checked !== 'string') return { values, errors: [checked] };
    normalized[f.name] = checked;
  }
  const merged = { ...current, ...normalized };
  const errors: RecordError[] = [];
  const missing = obj.fields.filter(
    (f) =>
      f.required && (op === 'create' || f.name in values) && (merged[f.name] === null || merged[f.name] === undefined),
  );
  if (missing.length) {
    errors.push({
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`,
      fields: missing.map((f) => f.name),
    });
  }
  for (const f of obj.fields) {
    const v = values[f.name];
    if (typeof v !== 'string') continue;
    if (f.length && isText(f) && v.length > f.length) {
      errors.push({
        statusCode: 'STRING_TOO_LONG',
        message: `${f.label}: data value too large: ${v} (max length=${f.length})`,
        fields: [f.name],
      });
    } else if (f.type === 'email' && !EMAIL.test(v)) {
      errors.push({
        statusCode: 'INVALID_EMAIL_ADDRESS',
        message: `${f.label}: invalid email address: ${v}`,
        fields: [f.name],
      });
    }
  }
  return { values: normalized, errors };
}

function isText(f: FieldDef): boolean {
  return ['string', 'textarea', 'email', 'phone', 'url'].includes(f.type);
}

function fail(values: Row, statusCode: string, message: string, fields: string[]): Validated {
  return { values, errors: [{ statusCode, message, fields }] };
}

/** The 18-character id a reference field may hold, or the error Salesforce gives for it. */
function checkReference(store: OrgStore, writer: Writer, field: FieldDef, raw: string): string | RecordError {
  const id = normalizeId(raw);
  const target = id ? sobjectForId(id) : undefined;
  if (!id || !target || !(field.referenceTo ?? []).includes(target.name)) {
    return {
      statusCode: 'MALFORMED_ID',
      message: `${field.label}: id value of incorrect type: ${raw}`,
      fields: [field.name],
    };
  }
  const row = store.get(target, id, true);
  if (!row)
    return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [field.name] };
  if (row.IsDeleted === true)
    return { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [field.name] };
  if (!canSee(writer, target, row)) {
    return {
      statusCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
      message: 'insufficient access rights on cross-reference id',
      fields: [],
    };
  }
  return id;
}

/**
 * The field an upsert matches on: an external id or an id-lookup field (or Id). A name that is no field is
 * 404 as Salesforce answers it; a field that cannot key an upsert is 400.
 */
export function resolveExternalIdField(obj: SObjectDef, name: string): FieldDef | SalesforceRestError {
  const field = findField(obj, name);
  if (!field)
    return new SalesforceRestError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${name}`,
    );
  if (!field.externalId && !field.idLookup) {
    return new SalesforceRestError(
      400,
      'INVALID_FIELD',
      `Field name provided, ${field.name} is not an External ID or indexed field for ${obj.name}`,
    );
  }
  return field;
}

/** Salesforce's answer for a type name it does not serve. */
export function unsupportedType(name: string): SalesforceRestError {
  return new SalesforceRestError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`);
}

/** The sObject for a type name, or INVALID_TYPE. */
export function sobjectOrError(name: string): SObjectDef | SalesforceRestError {
  return findSObject(name) ?? unsupportedType(name);
}

// Per-object rules: what Salesforce fills in and checks beyond single fields.

/** Values Salesforce fills in before validating, on fields a user may also set: Event times, User alias. */
export function completeValues(obj: SObjectDef, values: Row, current: Row | undefined): Row {
  if (obj.name === 'Event') return completeEvent(values, current);
  if (obj.name === 'User' && !current && values.Alias === undefined && typeof values.LastName === 'string') {
    const first = typeof values.FirstName === 'string' ? values.FirstName.slice(0, 1) : '';
    return { ...values, Alias: first + values.LastName.slice(0, 4).toLowerCase() };
  }
  return values;
}

/** An event's end follows its start and duration (and the duration its end); the activity date is the start's. */
function completeEvent(values: Row, current: Row | undefined): Row {
  const out = { ...values };
  const start = values.StartDateTime ?? current?.StartDateTime;
  if (typeof start !== 'string') return out;
  const minutes = typeof values.DurationInMinutes === 'number' ? values.DurationInMinutes : undefined;
  if (!('EndDateTime' in values)) {
    // A new start keeps the duration and moves the end, as Salesforce's calendar does.
    const keep = minutes ?? ('StartDateTime' in values ? current?.DurationInMinutes : undefined);
    if (typeof keep === 'number') out.EndDateTime = new Date(Date.parse(start) + keep * 60_000).toISOString();
  }
  const end = out.EndDateTime ?? current?.EndDateTime;
  if (typeof end === 'string' && minutes === undefined)
    out.DurationInMinutes = Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
  if (!('ActivityDateTime' in values)) out.ActivityDateTime = start;
  if (!('ActivityDate' in values)) out.ActivityDate = start.slice(0, 10);
  return out;
}

/** Checks across fields and records after field validation, and the values Salesforce derives (read-only fields). */
export function objectRules(
  store: OrgStore,
  obj: SObjectDef,
  values: Row,
  current: Row | undefined,
): { values: Row } | { errors: RecordError[] } {
  const merged = { ...current, ...values };
  const one = (statusCode: string, message: string, fields: string[] = []) => ({
    errors: [{ statusCode, message, fields }],
  });
  // A unique custom field (case-insensitive, as `caseSensitive: false` fields compare): no two live records share a value.
  for (const f of obj.fields) {
    const v = values[f.name];
    if (!f.unique || typeof v !== 'string' || v === '') continue;
    const live = obj.fields.some((x) => x.name === 'IsDeleted') ? ' AND "IsDeleted" = 0' : '';
    const dup = store.db
      .prepare(`SELECT "Id" FROM ${tableName(obj)} WHERE lower(${quoteIdent(f.name)}) = lower(?) AND "Id" != ?${live}`)
      .get(v, current?.Id ?? '') as { Id: string } | undefined;
    if (dup)
      return one('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${dup.Id}`, [
        f.name,
      ]);
  }
  switch (obj.name) {
    case 'Event':
      if (
        typeof merged.StartDateTime === 'string' &&
        typeof merged.EndDateTime === 'string' &&
        merged.EndDateTime < merged.StartDateTime
      ) {
        // Wording ours: Salesforce refuses such an event, its exact text was not found.
        return one('FIELD_INTEGRITY_EXCEPTION', 'End Date Time: the end time cannot be before the start time', [
          'EndDateTime',
        ]);
      }
      return { values };
    case 'TaskRelation':
    case 'EventRelation':
      return activityRelationRules(store, obj, values);
    case 'PermissionSetAssignment': {
      const dup = store.db
        .prepare(
          `SELECT 1 FROM sobj_PermissionSetAssignment WHERE "AssigneeId" = ? AND "PermissionSetId" = ? AND "IsDeleted" = 0`,
        )
        .get(merged.AssigneeId, merged.PermissionSetId);
      return dup
        ? one('DUPLICATE_VALUE', 'duplicate value found: <unknown> duplicates value on record with id: <unknown>')
        : { values };
    }
    case 'FieldPermissions': {
      // Wording ours where Salesforce's exact text was not found; the codes are Salesforce's.
      const [type, name] = String(merged.Field ?? '').split('.', 2);
      const field = store.schema.find(type ?? '')?.fields.find((f) => f.name.toLowerCase() === name?.toLowerCase());
      if (type !== merged.SobjectType || !field)
        return one(
          'INVALID_FIELD',
          `Field: "${String(merged.Field)}" is not a field of ${String(merged.SobjectType)}`,
          ['Field'],
        );
      if (!field.custom)
        return one('FIELD_INTEGRITY_EXCEPTION', `Field: ${String(merged.Field)} has no field-level security`, [
          'Field',
        ]);
      if (merged.PermissionsEdit === true && merged.PermissionsRead !== true)
        return one('FIELD_INTEGRITY_EXCEPTION', 'Permission Edit depends on permission(s): Read', ['PermissionsRead']);
      if (!current) {
        const dup = store.db
          .prepare(
            `SELECT "Id" FROM sobj_FieldPermissions WHERE "ParentId" = ? AND lower("Field") = lower(?) AND "IsDeleted" = 0`,
          )
          .get(merged.ParentId, merged.Field) as { Id: string } | undefined;
        if (dup)
          return one('DUPLICATE_VALUE', `duplicate value found: Field duplicates value on record with id: ${dup.Id}`, [
            'Field',
          ]);
      }
      return { values };
    }
    case 'User': {
      const dup =
        'Username' in values &&
        store.db
          .prepare(`SELECT 1 FROM sobj_User WHERE lower("Username") = lower(?) AND "Id" != ?`)
          .get(values.Username, current?.Id ?? '');
      if (dup) {
        return one(
          'DUPLICATE_USERNAME',
          "Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address).",
          ['Username'],
        );
      }
      // The license comes with the profile, so a new profile can change what the access rule sees.
      return 'ProfileId' in values
        ? { values: { ...values, UserType: userTypeOf(licenseOfProfile(store, values.ProfileId as string)) } }
        : { values };
    }
    case 'Profile':
      return current
        ? { values }
        : { values: { ...values, UserType: userTypeOf(licenseName(store, values.UserLicenseId as string)) } };
    default:
      return { values };
  }
}

/** Salesforce's limits on an activity's people (Shared Activities): one Lead, or up to 50 Contacts; each once. */
export const MAX_ACTIVITY_CONTACTS = 50;

function activityRelationRules(
  store: OrgStore,
  obj: SObjectDef,
  values: Row,
): { values: Row } | { errors: RecordError[] } {
  const parent = obj.name === 'TaskRelation' ? 'Task' : 'Event';
  const activityId = values[`${parent}Id`] as string;
  const relationId = values.RelationId as string;
  const relation = sobjectForId(relationId)!;
  const isWho = relation.name === 'Contact' || relation.name === 'Lead';
  const one = (statusCode: string, message: string, fields: string[]) => ({
    errors: [{ statusCode, message, fields }],
  });
  const others = store.db
    .prepare(`SELECT "RelationId" FROM ${tableName(obj)} WHERE ${quoteIdent(`${parent}Id`)} = ? AND "IsDeleted" = 0`)
    .all(activityId) as Array<{ RelationId: string }>;
  const activity = store.db.prepare(`SELECT "WhoId", "WhatId" FROM sobj_${parent} WHERE "Id" = ?`).get(activityId) as
    { WhoId: string | null; WhatId: string | null } | undefined;
  const people = new Set([...others.map((o) => o.RelationId), activity?.WhoId].filter((id): id is string => !!id));
  const kinds = [...people].map((id) => sobjectForId(id)?.name);
  // Wording ours where Salesforce's exact text was not found; the codes are Salesforce's.
  if (others.some((o) => o.RelationId === relationId) || (isWho && activity?.WhoId === relationId))
    return one(
      'DUPLICATE_VALUE',
      `duplicate value found: RelationId is already related to this ${parent.toLowerCase()}`,
      ['RelationId'],
    );
  if (isWho && (relation.name === 'Lead' ? people.size > 0 : kinds.includes('Lead')))
    return one(
      'FIELD_INTEGRITY_EXCEPTION',
      `RelationId: a ${parent.toLowerCase()} is related to one lead, or to contacts only`,
      ['RelationId'],
    );
  if (isWho && people.size >= MAX_ACTIVITY_CONTACTS)
    return one(
      'FIELD_INTEGRITY_EXCEPTION',
      `RelationId: a ${parent.toLowerCase()} is related to at most ${MAX_ACTIVITY_CONTACTS} contacts`,
      ['RelationId'],
    );
  if (!isWho && (activity?.WhatId ?? null) !== null && activity?.WhatId !== relationId)
    return one(
      'FIELD_INTEGRITY_EXCEPTION',
      `RelationId: a ${parent.toLowerCase()} is related to one record besides people`,
      ['RelationId'],
    );
  const accountOf = (): string | null => {
    if (relation.name === 'Account') return relationId;
    if (relation.name === 'Contact' || relation.name === 'Opportunity' || relation.name === 'Case') {
      const row = store.db.prepare(`SELECT "AccountId" FROM ${tableName(relation)} WHERE "Id" = ?`).get(relationId) as
        { AccountId: string | null } | undefined;
      return row?.AccountId ?? null;
    }
    return null;
  };
  // IsWhat follows the relation, whatever was sent: false for a Contact or Lead, true otherwise.
  return { values: { ...values, IsWhat: !isWho, AccountId: accountOf() } };
}

/** Why a record may not be deleted, beyond access. */
export function deleteRules(store: OrgStore, obj: SObjectDef, id: string): RecordError | undefined {
  if (obj.name === 'Profile' && store.db.prepare(`SELECT 1 FROM sobj_User WHERE "ProfileId" = ?`).get(id)) {
    // Wording ours: Salesforce refuses to delete a profile in use.
    return {
      statusCode: 'DELETE_FAILED',
      message: 'Cannot delete a profile that is assigned to one or more users',
      fields: [],
    };
  }
  return undefined;
}

function licenseOfProfile(store: OrgStore, profileId: string): string | undefined {
  const r = store.db
    .prepare(
      `SELECT l."Name" AS name FROM sobj_Profile p JOIN sobj_UserLicense l ON l."Id" = p."UserLicenseId" WHERE p."Id" = ?`,
    )
    .get(profileId) as { name: string } | undefined;
  return r?.name;
}

function licenseName(store: OrgStore, licenseId: string): string | undefined {
  return (
    store.db.prepare(`SELECT "Name" AS name FROM sobj_UserLicense WHERE "Id" = ?`).get(licenseId) as
      { name: string } | undefined
  )?.name;
}

/** Salesforce's User.UserType for a license: Chatter licenses are `CsnOnly` (as the seed loader sets them). */
function userTypeOf(license: string | undefined): string {
  return license === undefined || license === 'Salesforce' ? 'Standard' : 'CsnOnly';
}
