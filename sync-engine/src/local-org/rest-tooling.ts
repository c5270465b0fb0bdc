/**
 * The Tooling API's CustomField create (`POST /tooling/sobjects/CustomField`), for Text fields on Contact, Event
 * and Task: what `sfo-compat org setup` sends a real org. The body is Salesforce's:
 * `{FullName: "Contact.OutlookId__c", Metadata: {label, type: "Text", length, externalId, unique, caseSensitive}}`.
 * The field joins the org's schema at once (org-schema.ts) and, as on a real org, nobody can read or write it until
 * a permission set grants it (FieldPermissions, field-security.ts): then describe lists it, SOQL and writes take it.
 */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { SalesforceRestError, restErrors } from './errors';
import { V, jsonBody, resource } from './rest-common';
import { sendJson } from './json-reply';
import { makeId } from './ids';
import { FieldDef } from './schema';

/**
 * The objects a custom field can be created on here (the ones the sync reads). On a real org Event and Task share
 * their custom fields: they are created once on Activity (`Activity.OutlookId__c`) and both objects have them.
 */
const FIELD_OBJECTS = ['Contact', 'Event', 'Task', 'Activity'];
const ACTIVITY_OBJECTS = ['Event', 'Task'];
const API_NAME = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__c$/;

const invalid = (message: string, fields: string[] = []) =>
  new SalesforceRestError(400, 'FIELD_INTEGRITY_EXCEPTION', message, fields);

/** Register `/tooling/sobjects/CustomField`. */
export async function registerRestTooling(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/tooling/sobjects/CustomField`, `${V}/tooling/sobjects/CustomField/`], {
    POST: (req, reply, caller) => {
      // Creating fields is setup: Customize Application, which here comes with Modify All Data or Manage Users.
      if (!caller.isAdmin) throw restErrors.insufficientAccess('CustomField');
      const body = jsonBody(req, 'CustomField');
      const { objects, field } = readCustomField(body);
      const store = ctx.store;
      const id = store.transaction(() => {
        const objs = objects.map((o) => store.schema.find(o)!);
        if (objs.some((obj) => obj.fields.some((f) => f.name.toLowerCase() === field.name.toLowerCase())))
          // Salesforce's answer for a field name the object already has.
          throw new SalesforceRestError(
            400,
            'DUPLICATE_VALUE',
            'duplicate value found: <unknown> duplicates value on record with id: <unknown>',
          );
        store.setCustomFields([...store.schema.customFields, ...objs.map((obj) => ({ object: obj.name, field }))]);
        const next = Number(store.getMeta('seq:00N') ?? '0') + 1;
        store.setMeta('seq:00N', String(next));
        return makeId('00N', 'Dx', next);
      });
      sendJson(reply, 201, { id, success: true, errors: [], warnings: [], infos: [] });
    },
  });
}

/** The field a CustomField body describes, or Salesforce's error naming what is wrong. */
function readCustomField(body: Record<string, unknown>): { objects: string[]; field: FieldDef } {
  const fullName = body.FullName;
  const meta = body.Metadata;
  if (typeof fullName !== 'string' || !fullName.includes('.'))
    throw invalid('FullName: required, "Object.Field__c"', ['FullName']);
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw invalid('Metadata: required, an object', ['Metadata']);
  const m = meta as Record<string, unknown>;
  const [objectName, name] = fullName.split('.', 2);
  const object = FIELD_OBJECTS.find((o) => o.toLowerCase() === objectName.toLowerCase());
  if (!object)
    throw invalid(`FullName: custom fields can be created on ${FIELD_OBJECTS.join(', ')} only`, ['FullName']);
  if (!API_NAME.test(name) || name.length > 43)
    throw invalid(`FullName: "${name}" is not a custom field name (letters, digits, single underscores, ending __c)`, [
      'FullName',
    ]);
  if (m.type !== 'Text') throw invalid('Metadata.type: only Text fields can be created here', ['type']);
  const length = m.length;
  if (!Number.isInteger(length) || (length as number) < 1 || (length as number) > 255)
    throw invalid('Metadata.length: a Text field has a length from 1 to 255', ['length']);
  const label = typeof m.label === 'string' && m.label.trim() ? m.label.trim() : name.slice(0, -3);
  return {
    objects: object === 'Activity' ? ACTIVITY_OBJECTS : [object],
    field: {
      name,
      label,
      type: 'string',
      length: length as number,
      createable: true,
      updateable: true,
      custom: true,
      // A new field on a real org has no field-level access until a permission set grants it (field-security.ts).
      secured: true,
      ...(m.externalId === true ? { externalId: true, idLookup: true } : {}),
      ...(m.unique === true ? { unique: true } : {}),
    },
  };
}
