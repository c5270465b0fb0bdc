/**
 * One org's schema: the standard objects of schema.ts with the custom fields this org has. A stock org
 * (`organization.customFields: false`) has none until an admin creates them (Tooling API CustomField, as
 * `sfo-compat org setup` does); an org seeded without the option has schema.ts's own (`Contact.Company__c`,
 * `OutlookId__c` on Contact, Event and Task). Every request resolves objects and fields through this view, so a
 * field the org lacks is `INVALID_FIELD` in SOQL and in writes, and absent from describe, as in a real org.
 */
import { SOBJECTS, SObjectDef, FieldDef } from './schema';

/** A custom field this org has, on the object it belongs to. */
export interface CustomField {
  object: string;
  field: FieldDef;
}

/** Where the store keeps the org's custom fields (JSON); absent: schema.ts's own. */
export const CUSTOM_FIELDS_META = 'customFields';
/** When the org's schema last changed (ISO), for describe's Last-Modified. */
export const SCHEMA_CHANGED_META = 'schemaChangedAt';

/** schema.ts's custom fields: what an org seeded without `customFields: false` has. */
export function builtInCustomFields(): CustomField[] {
  return SOBJECTS.flatMap((o) => o.fields.filter((f) => f.custom).map((field) => ({ object: o.name, field })));
}

/** Org features that add objects (schema.ts `feature`); where the store keeps them (JSON). */
export interface OrgFeatures {
  /** Shared Activities: TaskRelation and EventRelation, an activity on several Contacts. */
  sharedActivities?: boolean;
}
export const FEATURES_META = 'schemaFeatures';

export class OrgSchema {
  private readonly byLowerName: Map<string, SObjectDef>;
  private readonly byPrefix: Map<string, SObjectDef>;
  readonly sobjects: SObjectDef[];

  constructor(
    readonly customFields: CustomField[],
    readonly features: OrgFeatures = {},
  ) {
    this.sobjects = SOBJECTS.filter((o) => !o.feature || features[o.feature] === true).map((o) => {
      const own = customFields.filter((c) => c.object === o.name).map((c) => c.field);
      const standard = o.fields.filter((f) => !f.custom);
      if (own.length === 0 && standard.length === o.fields.length) return o;
      // Custom fields sit before OwnerId, where schema.ts puts its own.
      const owner = standard.findIndex((f) => f.name === 'OwnerId');
      const at = owner < 0 ? standard.length : owner;
      return { ...o, fields: [...standard.slice(0, at), ...own, ...standard.slice(at)] };
    });
    this.byLowerName = new Map(this.sobjects.map((o) => [o.name.toLowerCase(), o]));
    this.byPrefix = new Map(this.sobjects.map((o) => [o.keyPrefix, o]));
  }

  /** The sObject for a name, case-insensitively as Salesforce matches them. */
  find(name: string): SObjectDef | undefined {
    return this.byLowerName.get(name.toLowerCase());
  }

  /** The sObject a record id belongs to, by its 3-character key prefix. */
  forId(id: string): SObjectDef | undefined {
    return this.byPrefix.get(id.slice(0, 3));
  }
}

/** The org's custom fields as the store keeps them: JSON of CustomField[]. */
export function parseCustomFields(stored: string | undefined): CustomField[] {
  if (stored === undefined) return builtInCustomFields();
  return JSON.parse(stored) as CustomField[];
}
