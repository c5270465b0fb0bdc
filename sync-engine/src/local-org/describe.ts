/**
 * Describe global and sObject describe (WIRE.md section 7), rendered from schema.ts. Every key of Salesforce's
 * recorded describe is present, because clients (jsforce's `SELECT *` expansion, retrieve without fields, schema
 * caches) read them without checking; values that do not apply here take Salesforce's neutral defaults.
 */
import { SOBJECTS, SObjectDef, FieldDef, FieldType } from './schema';
import { OrgSchema } from './org-schema';
import { sobjectsUrl } from './record-render';

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

/** Child relationship names Salesforce gives standard objects; other lookups have none (null). */
const CHILD_RELATIONSHIP_NAMES: Record<string, string> = {
  'Contact.AccountId': 'Contacts',
  'Account.ParentId': 'ChildAccounts',
  'Opportunity.AccountId': 'Opportunities',
  'Case.AccountId': 'Cases',
  'Case.ContactId': 'Cases',
  'Lead.ConvertedAccountId': 'ConvertedLeads',
  'Lead.ConvertedContactId': 'ConvertedLeads',
  'Event.WhoId': 'Events',
  'Event.WhatId': 'Events',
  'Task.WhoId': 'Tasks',
  'Task.WhatId': 'Tasks',
  'PermissionSetAssignment.AssigneeId': 'PermissionSetAssignments',
  'PermissionSetAssignment.PermissionSetId': 'Assignments',
  'User.ProfileId': 'Users',
};

/** System fields Salesforce always fills: never nillable, defaulted on create. */
const SYSTEM_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);

function urls(obj: SObjectDef, apiVersion: string): Record<string, string> {
  const base = `${sobjectsUrl(apiVersion)}/${obj.name}`;
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    listviews: `${base}/listviews`,
    describe: `${base}/describe`,
    quickActions: `${base}/quickActions`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
}

/** Whether the object keeps change history (SystemModstamp), so `updated`/`deleted` and replication work. */
export function isReplicateable(obj: SObjectDef): boolean {
  return obj.fields.some((f) => f.name === 'SystemModstamp');
}

/** One entry of describe global, also the `objectDescribe` of an sObject's basic information. */
export function describeSummary(obj: SObjectDef, apiVersion: string): Record<string, unknown> {
  const writable = obj.writeAccess !== 'none';
  const replicateable = isReplicateable(obj);
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: writable && obj.createable,
    custom: false,
    customSetting: false,
    deepCloneable: false,
    deletable: writable && obj.deletable,
    deprecatedAndHidden: false,
    feedEnabled: obj.owned,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: obj.keyPrefix,
    label: obj.label,
    labelPlural: obj.labelPlural,
    layoutable: obj.owned,
    mergeable: obj.name === 'Contact' || obj.name === 'Account',
    mruEnabled: obj.owned,
    name: obj.name,
    queryable: true,
    replicateable,
    retrieveable: true,
    searchable: obj.owned,
    triggerable: replicateable,
    undeletable: obj.owned,
    updateable: writable && obj.updateable,
    urls: urls(obj, apiVersion),
  };
}

/** `GET /sobjects`. */
export function describeGlobal(schema: OrgSchema, apiVersion: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: schema.sobjects.map((o) => describeSummary(o, apiVersion)) };
}

/** `GET /sobjects/{Type}/describe`. */
export function describeSObject(obj: SObjectDef, apiVersion: string): Record<string, unknown> {
  const summary = describeSummary(obj, apiVersion);
  const base = `${sobjectsUrl(apiVersion)}/${obj.name}`;
  const masterRecordType = '012000000000000AAA';
  return {
    actionOverrides: [],
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    childRelationships: childRelationships(obj),
    compactLayoutable: obj.owned,
    createable: summary.createable,
    custom: false,
    customSetting: false,
    deepCloneable: false,
    defaultImplementation: null,
    deletable: summary.deletable,
    deprecatedAndHidden: false,
    extendedBy: null,
    extendsInterfaces: null,
    feedEnabled: summary.feedEnabled,
    fields: obj.fields.map(describeField),
    hasSubtypes: false,
    implementedBy: null,
    implementsInterfaces: null,
    isInterface: false,
    isSubtype: false,
    keyPrefix: obj.keyPrefix,
    label: obj.label,
    labelPlural: obj.labelPlural,
    layoutable: summary.layoutable,
    listviewable: null,
    lookupLayoutable: null,
    mergeable: summary.mergeable,
    mruEnabled: summary.mruEnabled,
    name: obj.name,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    queryable: true,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: masterRecordType,
        urls: { layout: `${base}/describe/layouts/${masterRecordType}` },
      },
    ],
    replicateable: summary.replicateable,
    retrieveable: true,
    searchLayoutable: obj.owned,
    searchable: summary.searchable,
    sobjectDescribeOption: 'FULL',
    supportedScopes: obj.owned
      ? [
          { label: `All ${obj.labelPlural.toLowerCase()}`, name: 'everything' },
          { label: `My ${obj.labelPlural.toLowerCase()}`, name: 'mine' },
        ]
      : [{ label: `All ${obj.labelPlural.toLowerCase()}`, name: 'everything' }],
    triggerable: summary.triggerable,
    undeletable: summary.undeletable,
    updateable: summary.updateable,
    urls: summary.urls,
  };
}

function childRelationships(parent: SObjectDef): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const child of SOBJECTS) {
    for (const f of child.fields) {
      if (!f.referenceTo?.includes(parent.name)) continue;
      out.push({
        cascadeDelete: false,
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: f.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: CHILD_RELATIONSHIP_NAMES[`${child.name}.${f.name}`] ?? null,
        restrictedDelete: false,
      });
    }
  }
  return out;
}

/** One field, with every key Salesforce's describe has (alphabetical, as recorded). */
export function describeField(f: FieldDef): Record<string, unknown> {
  const text = ['string', 'textarea', 'email', 'phone', 'url', 'picklist'].includes(f.type);
  const idLike = f.type === 'id' || f.type === 'reference';
  const length = text ? (f.length ?? 255) : idLike ? 18 : 0;
  const longText = f.type === 'textarea' && length > 255;
  const system = SYSTEM_FIELDS.has(f.name);
  const defaulted = system || f.defaultValue !== undefined || f.name === 'OwnerId' || f.type === 'boolean';
  return {
    aggregatable: !longText && f.type !== 'boolean',
    aiPredictionField: false,
    autoNumber: f.autoNumber ?? false,
    byteLength: text ? length * 3 : length,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: null,
    controllerName: null,
    createable: f.createable,
    custom: f.name.endsWith('__c'),
    defaultValue: f.type === 'picklist' ? null : (f.defaultValue ?? null),
    defaultValueFormula: null,
    defaultedOnCreate: defaulted || (f.autoNumber ?? false),
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? 9 : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId ?? false,
    extraTypeInfo: f.type === 'textarea' ? (longText ? 'plaintextarea' : null) : null,
    filterable: !longText,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: !longText && !['double', 'currency', 'percent'].includes(f.type) && f.type !== 'datetime',
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.idLookup ?? false,
    inlineHelpText: null,
    label: f.label,
    length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField ?? false,
    namePointing: (f.referenceTo?.length ?? 0) > 1,
    nillable: !system && !f.required && f.type !== 'boolean' && f.name !== 'OwnerId',
    permissionable: !system && !f.required && f.type !== 'boolean' && f.createable,
    picklistValues: (f.picklistValues ?? []).map((v) => ({
      active: true,
      defaultValue: v === f.defaultValue,
      label: v,
      validFor: null,
      value: v,
    })),
    polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
    precision: ['double', 'currency', 'percent'].includes(f.type) ? 18 : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: false,
    scale: f.type === 'currency' || f.type === 'percent' ? 2 : 0,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[f.type],
    sortable: !longText,
    type: f.type,
    unique: f.name === 'Username' || (f.unique ?? false),
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

/** The child object and lookup field a parent's child relationship stands for (`Account` + `Contacts`), any letter case. */
export function childRelationship(
  parent: SObjectDef,
  name: string,
): { child: SObjectDef; field: FieldDef } | undefined {
  for (const child of SOBJECTS)
    for (const field of child.fields)
      if (
        field.referenceTo?.includes(parent.name) &&
        CHILD_RELATIONSHIP_NAMES[`${child.name}.${field.name}`]?.toLowerCase() === name.toLowerCase()
      )
        return { child, field };
  return undefined;
}
