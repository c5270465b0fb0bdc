/**
 * The sObjects the local org serves, described the way Salesforce's describe call does. The store creates
 * its tables from these definitions, validation reads lengths and required fields from them, and describe
 * renders them, so one table drives storage, validation, SOQL and the wire.
 */

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Maximum length for text types. */
  length?: number;
  /** Must be given on create (Salesforce: not nillable, createable, not defaulted on create). */
  required?: boolean;
  createable: boolean;
  updateable: boolean;
  /** Target sObjects for references. */
  referenceTo?: string[];
  /** Name of the parent relationship for references (`Profile` for `ProfileId`). */
  relationshipName?: string;
  picklistValues?: string[];
  defaultValue?: string | number | boolean | null;
  /** Whether the field can be the key of an upsert (`externalId` or `idLookup` in describe). */
  idLookup?: boolean;
  externalId?: boolean;
  /** An external id that no two records may share (letter case aside, as `caseSensitive: false` fields compare). */
  unique?: boolean;
  nameField?: boolean;
  /** Numbered by the org on create (`Case.CaseNumber`). */
  autoNumber?: boolean;
  /** A custom field an admin adds (`__c`): an org has it only once it was created (org-schema.ts). */
  custom?: boolean;
  /**
   * Field-level security: users read it only through a FieldPermissions row of a permission set they hold, as a
   * field created through the Tooling API on a real org (field-security.ts). Absent: every user reads it.
   */
  secured?: boolean;
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  /** Who may write it: `any` (record owner data) or `admin` (setup data, needs Manage Users / Modify All Data). */
  writeAccess: 'any' | 'admin' | 'none';
  /** Records are owned by a user (OwnerId) and visible to their owner and admins. */
  owned: boolean;
  /**
   * Records a user sees only when they are theirs: the field naming whose they are, and who sees everyone's
   * (`admin`: Modify All Data or Manage Users; `manageUsers`: Manage Users only). Absent: every user sees every record.
   */
  privateTo?: { userField: string; everyoneWith: 'admin' | 'manageUsers' };
  /** Only in an org with this feature on (org-schema.ts); elsewhere the object does not exist. */
  feature?: 'sharedActivities';
  fields: FieldDef[];
}

/** Owned records: their owner's, and every admin's. */
const ownerPrivate = { userField: 'OwnerId', everyoneWith: 'admin' } as const;

const ro = { createable: false, updateable: false } as const;
const rw = { createable: true, updateable: true } as const;
const createOnly = { createable: true, updateable: false } as const;

function systemFields(label: string): FieldDef[] {
  return [
    { name: 'Id', label: `${label} ID`, type: 'id', length: 18, ...ro, idLookup: true },
    { name: 'IsDeleted', label: 'Deleted', type: 'boolean', ...ro, defaultValue: false },
    { name: 'CreatedDate', label: 'Created Date', type: 'datetime', ...ro },
    {
      name: 'CreatedById',
      label: 'Created By ID',
      type: 'reference',
      length: 18,
      ...ro,
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
    },
    { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', ...ro },
    {
      name: 'LastModifiedById',
      label: 'Last Modified By ID',
      type: 'reference',
      length: 18,
      ...ro,
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
    },
    { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', ...ro },
  ];
}

const owner: FieldDef = {
  name: 'OwnerId',
  label: 'Owner ID',
  type: 'reference',
  length: 18,
  ...rw,
  referenceTo: ['User'],
  relationshipName: 'Owner',
};

/** Street, city, state, postal code and country: `Billing`, `Shipping`, or none (Lead's own address). */
function address(prefix: string): FieldDef[] {
  const label = (part: string) => (prefix ? `${prefix} ${part}` : part);
  return [
    { name: `${prefix}Street`, label: label('Street'), type: 'textarea', length: 255, ...rw },
    { name: `${prefix}City`, label: label('City'), type: 'string', length: 40, ...rw },
    { name: `${prefix}State`, label: label('State/Province'), type: 'string', length: 80, ...rw },
    { name: `${prefix}PostalCode`, label: label('Zip/Postal Code'), type: 'string', length: 20, ...rw },
    { name: `${prefix}Country`, label: label('Country'), type: 'string', length: 80, ...rw },
  ];
}

/** A stock org's picklists (Setup's defaults in every new org). */
const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Manufacturing',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
];
const RATINGS = ['Hot', 'Warm', 'Cold'];
const SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];

/** A stock org's opportunity stages, with what each implies (Setup > Opportunity Stages). */
export const OPPORTUNITY_STAGES: Array<{
  name: string;
  closed: boolean;
  won: boolean;
  probability: number;
  forecast: string;
}> = [
  { name: 'Prospecting', closed: false, won: false, probability: 10, forecast: 'Pipeline' },
  { name: 'Qualification', closed: false, won: false, probability: 10, forecast: 'Pipeline' },
  { name: 'Needs Analysis', closed: false, won: false, probability: 20, forecast: 'Pipeline' },
  { name: 'Value Proposition', closed: false, won: false, probability: 50, forecast: 'Pipeline' },
  { name: 'Id. Decision Makers', closed: false, won: false, probability: 60, forecast: 'Pipeline' },
  { name: 'Perception Analysis', closed: false, won: false, probability: 70, forecast: 'Pipeline' },
  { name: 'Proposal/Price Quote', closed: false, won: false, probability: 75, forecast: 'Pipeline' },
  { name: 'Negotiation/Review', closed: false, won: false, probability: 90, forecast: 'Pipeline' },
  { name: 'Closed Won', closed: true, won: true, probability: 100, forecast: 'Closed' },
  { name: 'Closed Lost', closed: true, won: false, probability: 0, forecast: 'Omitted' },
];

/** What an activity's polymorphic `WhoId` (a person) and `WhatId` (a business record) may point at. */
export const WHO_TARGETS = ['Contact', 'Lead'];
export const WHAT_TARGETS = ['Account', 'Opportunity', 'Case'];

const permissionFields: FieldDef[] = [
  { name: 'PermissionsApiEnabled', label: 'API Enabled', type: 'boolean', ...rw, defaultValue: false },
  { name: 'PermissionsViewSetup', label: 'View Setup and Configuration', type: 'boolean', ...rw, defaultValue: false },
  { name: 'PermissionsManageUsers', label: 'Manage Users', type: 'boolean', ...rw, defaultValue: false },
  { name: 'PermissionsModifyAllData', label: 'Modify All Data', type: 'boolean', ...rw, defaultValue: false },
];

export const SOBJECTS: SObjectDef[] = [
  {
    name: 'Organization',
    label: 'Organization',
    labelPlural: 'Organizations',
    keyPrefix: '00D',
    createable: false,
    updateable: true,
    deletable: false,
    writeAccess: 'admin',
    owned: false,
    fields: [
      ...systemFields('Organization'),
      { name: 'Name', label: 'Name', type: 'string', length: 80, ...ro, nameField: true },
      {
        name: 'OrganizationType',
        label: 'Edition',
        type: 'picklist',
        length: 40,
        ...ro,
        picklistValues: [
          'Enterprise Edition',
          'Unlimited Edition',
          'Performance Edition',
          'Developer Edition',
          'Professional Edition',
          'Team Edition',
          'Personal Edition',
        ],
      },
      { name: 'IsSandbox', label: 'Is Sandbox', type: 'boolean', ...ro, defaultValue: false },
      { name: 'InstanceName', label: 'Instance Name', type: 'string', length: 5, ...ro },
      // Null in an org that is neither a trial nor a namespaced developer org; every sf command selects both.
      { name: 'NamespacePrefix', label: 'Namespace Prefix', type: 'string', length: 15, ...ro },
      { name: 'TrialExpirationDate', label: 'Trial Expiration Date', type: 'datetime', ...ro },
      // Local-org extensions (custom fields): the org features and the enforcement switch of ACCESS.md.
      {
        name: 'Edition__c',
        label: 'Edition (local org)',
        type: 'picklist',
        length: 40,
        ...ro,
        picklistValues: [
          'enterprise',
          'unlimited',
          'performance',
          'developer',
          'professional',
          'group',
          'contact-manager',
        ],
      },
      { name: 'ApiEnabledFeature__c', label: 'API Enabled (org feature)', type: 'boolean', ...rw, defaultValue: false },
      {
        name: 'CustomizableProfilesFeature__c',
        label: 'Customizable Profiles (org feature)',
        type: 'boolean',
        ...rw,
        defaultValue: false,
      },
      {
        name: 'EnforceApiEnabled__c',
        label: 'Enforce API Enabled for allowlisted apps',
        type: 'boolean',
        ...rw,
        defaultValue: true,
      },
    ],
  },
  {
    name: 'UserLicense',
    label: 'User License',
    labelPlural: 'User Licenses',
    keyPrefix: '100',
    createable: false,
    updateable: false,
    deletable: false,
    writeAccess: 'none',
    owned: false,
    fields: [
      ...systemFields('User License'),
      { name: 'Name', label: 'Name', type: 'string', length: 40, ...ro, nameField: true },
      { name: 'MasterLabel', label: 'Master Label', type: 'string', length: 40, ...ro },
      { name: 'LicenseDefinitionKey', label: 'License Definition Key', type: 'string', length: 40, ...ro },
      { name: 'Status', label: 'Status', type: 'string', length: 40, ...ro },
    ],
  },
  {
    name: 'Profile',
    label: 'Profile',
    labelPlural: 'Profiles',
    keyPrefix: '00e',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'admin',
    owned: false,
    fields: [
      ...systemFields('Profile'),
      { name: 'Name', label: 'Name', type: 'string', length: 255, required: true, ...rw, nameField: true },
      {
        name: 'UserLicenseId',
        label: 'User License ID',
        type: 'reference',
        length: 18,
        required: true,
        ...createOnly,
        referenceTo: ['UserLicense'],
        relationshipName: 'UserLicense',
      },
      {
        name: 'UserType',
        label: 'User Type',
        type: 'picklist',
        length: 40,
        ...ro,
        picklistValues: ['Standard', 'CsnOnly', 'PowerPartner'],
      },
      { name: 'Description', label: 'Description', type: 'string', length: 255, ...rw },
      ...permissionFields,
    ],
  },
  {
    name: 'PermissionSet',
    label: 'Permission Set',
    labelPlural: 'Permission Sets',
    keyPrefix: '0PS',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'admin',
    owned: false,
    fields: [
      ...systemFields('Permission Set'),
      { name: 'Name', label: 'Name', type: 'string', length: 80, required: true, ...rw, nameField: true },
      { name: 'Label', label: 'Label', type: 'string', length: 80, required: true, ...rw },
      { name: 'Description', label: 'Description', type: 'string', length: 255, ...rw },
      { name: 'IsOwnedByProfile', label: 'Is Owned By Profile', type: 'boolean', ...ro, defaultValue: false },
      {
        name: 'ProfileId',
        label: 'Profile ID',
        type: 'reference',
        length: 18,
        ...ro,
        referenceTo: ['Profile'],
        relationshipName: 'Profile',
      },
      ...permissionFields,
    ],
  },
  {
    name: 'PermissionSetAssignment',
    label: 'Permission Set Assignment',
    labelPlural: 'Permission Set Assignments',
    keyPrefix: '0Pa',
    createable: true,
    updateable: false,
    deletable: true,
    writeAccess: 'admin',
    owned: false,
    fields: [
      ...systemFields('Permission Set Assignment'),
      {
        name: 'AssigneeId',
        label: 'Assignee ID',
        type: 'reference',
        length: 18,
        required: true,
        ...createOnly,
        referenceTo: ['User'],
        relationshipName: 'Assignee',
      },
      {
        name: 'PermissionSetId',
        label: 'Permission Set ID',
        type: 'reference',
        length: 18,
        required: true,
        ...createOnly,
        referenceTo: ['PermissionSet'],
        relationshipName: 'PermissionSet',
      },
    ],
  },
  {
    // Field-level security: read and edit of one field (`Contact.OutlookId__c`) for a permission set's users.
    name: 'FieldPermissions',
    label: 'Field Permissions',
    labelPlural: 'Field Permissions',
    keyPrefix: '01k',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'admin',
    owned: false,
    fields: [
      ...systemFields('Field Permissions'),
      {
        name: 'ParentId',
        label: 'Parent ID',
        type: 'reference',
        length: 18,
        required: true,
        ...createOnly,
        referenceTo: ['PermissionSet'],
        relationshipName: 'Parent',
      },
      { name: 'SobjectType', label: 'Sobject Type Name', type: 'string', length: 40, required: true, ...createOnly },
      { name: 'Field', label: 'Field Name', type: 'string', length: 255, required: true, ...createOnly },
      { name: 'PermissionsRead', label: 'Read Permission', type: 'boolean', ...rw, defaultValue: false },
      { name: 'PermissionsEdit', label: 'Edit Permission', type: 'boolean', ...rw, defaultValue: false },
    ],
  },
  {
    name: 'User',
    label: 'User',
    labelPlural: 'Users',
    keyPrefix: '005',
    createable: true,
    updateable: true,
    deletable: false,
    writeAccess: 'admin',
    owned: false,
    fields: [
      ...systemFields('User'),
      {
        name: 'Username',
        label: 'Username',
        type: 'string',
        length: 80,
        required: true,
        ...rw,
        externalId: true,
        idLookup: true,
      },
      { name: 'FirstName', label: 'First Name', type: 'string', length: 40, ...rw },
      { name: 'LastName', label: 'Last Name', type: 'string', length: 80, required: true, ...rw },
      { name: 'Name', label: 'Full Name', type: 'string', length: 121, ...ro, nameField: true },
      { name: 'Email', label: 'Email', type: 'email', length: 128, required: true, ...rw },
      { name: 'Alias', label: 'Alias', type: 'string', length: 8, ...rw },
      { name: 'IsActive', label: 'Active', type: 'boolean', ...rw, defaultValue: true },
      {
        name: 'ProfileId',
        label: 'Profile ID',
        type: 'reference',
        length: 18,
        required: true,
        ...rw,
        referenceTo: ['Profile'],
        relationshipName: 'Profile',
      },
      {
        name: 'UserType',
        label: 'User Type',
        type: 'picklist',
        length: 40,
        ...ro,
        picklistValues: ['Standard', 'CsnOnly', 'PowerPartner'],
      },
      {
        name: 'TimeZoneSidKey',
        label: 'Time Zone',
        type: 'picklist',
        length: 40,
        ...rw,
        defaultValue: 'America/Los_Angeles',
      },
      { name: 'LastLoginDate', label: 'Last Login', type: 'datetime', ...ro },
    ],
  },
  {
    name: 'LoginHistory',
    label: 'Login History',
    labelPlural: 'Login History',
    keyPrefix: '0Ya',
    createable: false,
    updateable: false,
    deletable: false,
    writeAccess: 'none',
    owned: false,
    // Salesforce shows other users' logins only to users with Manage Users.
    privateTo: { userField: 'UserId', everyoneWith: 'manageUsers' },
    fields: [
      { name: 'Id', label: 'Login History ID', type: 'id', length: 18, ...ro, idLookup: true },
      { name: 'UserId', label: 'User ID', type: 'reference', length: 18, ...ro, referenceTo: ['User'] },
      { name: 'LoginTime', label: 'Login Time', type: 'datetime', ...ro },
      { name: 'LoginType', label: 'Login Type', type: 'picklist', length: 40, ...ro },
      { name: 'SourceIp', label: 'Source IP', type: 'string', length: 39, ...ro },
      { name: 'LoginUrl', label: 'Login URL', type: 'string', length: 255, ...ro },
      { name: 'Browser', label: 'Browser', type: 'string', length: 64, ...ro },
      { name: 'Platform', label: 'Platform', type: 'string', length: 64, ...ro },
      { name: 'Status', label: 'Status', type: 'string', length: 128, ...ro },
      { name: 'Application', label: 'Application', type: 'string', length: 64, ...ro },
      { name: 'ClientVersion', label: 'Client Version', type: 'string', length: 64, ...ro },
      { name: 'ApiType', label: 'API Type', type: 'string', length: 64, ...ro },
      { name: 'ApiVersion', label: 'API Version', type: 'string', length: 32, ...ro },
    ],
  },
  {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Account'),
      { name: 'Name', label: 'Account Name', type: 'string', length: 255, required: true, ...rw, nameField: true },
      {
        name: 'Type',
        label: 'Account Type',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: [
          'Prospect',
          'Customer - Direct',
          'Customer - Channel',
          'Channel Partner / Reseller',
          'Installation Partner',
          'Technology Partner',
          'Other',
        ],
      },
      {
        name: 'ParentId',
        label: 'Parent Account ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: ['Account'],
        relationshipName: 'Parent',
      },
      ...address('Billing'),
      ...address('Shipping'),
      { name: 'Phone', label: 'Account Phone', type: 'phone', length: 40, ...rw },
      { name: 'Fax', label: 'Account Fax', type: 'phone', length: 40, ...rw },
      { name: 'AccountNumber', label: 'Account Number', type: 'string', length: 40, ...rw },
      { name: 'Website', label: 'Website', type: 'url', length: 255, ...rw },
      { name: 'Industry', label: 'Industry', type: 'picklist', length: 255, ...rw, picklistValues: INDUSTRIES },
      { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', ...rw },
      { name: 'NumberOfEmployees', label: 'Employees', type: 'int', ...rw },
      {
        name: 'Ownership',
        label: 'Ownership',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: ['Public', 'Private', 'Subsidiary', 'Other'],
      },
      { name: 'Rating', label: 'Account Rating', type: 'picklist', length: 255, ...rw, picklistValues: RATINGS },
      { name: 'Site', label: 'Account Site', type: 'string', length: 80, ...rw },
      { name: 'AccountSource', label: 'Account Source', type: 'picklist', length: 255, ...rw, picklistValues: SOURCES },
      { name: 'Description', label: 'Account Description', type: 'textarea', length: 32000, ...rw },
      owner,
    ],
  },
  {
    name: 'Lead',
    label: 'Lead',
    labelPlural: 'Leads',
    keyPrefix: '00Q',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Lead'),
      {
        name: 'Salutation',
        label: 'Salutation',
        type: 'picklist',
        length: 40,
        ...rw,
        picklistValues: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'],
      },
      { name: 'FirstName', label: 'First Name', type: 'string', length: 40, ...rw },
      { name: 'LastName', label: 'Last Name', type: 'string', length: 80, required: true, ...rw },
      { name: 'Name', label: 'Full Name', type: 'string', length: 121, ...ro, nameField: true },
      { name: 'Title', label: 'Title', type: 'string', length: 128, ...rw },
      { name: 'Company', label: 'Company', type: 'string', length: 255, required: true, ...rw },
      ...address(''),
      { name: 'Phone', label: 'Phone', type: 'phone', length: 40, ...rw },
      { name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40, ...rw },
      { name: 'Fax', label: 'Fax', type: 'phone', length: 40, ...rw },
      { name: 'Email', label: 'Email', type: 'email', length: 80, ...rw, idLookup: true },
      { name: 'Website', label: 'Website', type: 'url', length: 255, ...rw },
      { name: 'Description', label: 'Description', type: 'textarea', length: 32000, ...rw },
      { name: 'LeadSource', label: 'Lead Source', type: 'picklist', length: 255, ...rw, picklistValues: SOURCES },
      {
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
        defaultValue: 'Open - Not Contacted',
      },
      { name: 'Industry', label: 'Industry', type: 'picklist', length: 255, ...rw, picklistValues: INDUSTRIES },
      { name: 'Rating', label: 'Rating', type: 'picklist', length: 255, ...rw, picklistValues: RATINGS },
      { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', ...rw },
      { name: 'NumberOfEmployees', label: 'Employees', type: 'int', ...rw },
      // Salesforce sets these when a lead is converted (convertLead); an insert may load an already converted lead.
      { name: 'IsConverted', label: 'Converted', type: 'boolean', ...createOnly, defaultValue: false },
      { name: 'ConvertedDate', label: 'Converted Date', type: 'date', ...ro },
      {
        name: 'ConvertedAccountId',
        label: 'Converted Account ID',
        type: 'reference',
        length: 18,
        ...ro,
        referenceTo: ['Account'],
        relationshipName: 'ConvertedAccount',
      },
      {
        name: 'ConvertedContactId',
        label: 'Converted Contact ID',
        type: 'reference',
        length: 18,
        ...ro,
        referenceTo: ['Contact'],
        relationshipName: 'ConvertedContact',
      },
      {
        name: 'ConvertedOpportunityId',
        label: 'Converted Opportunity ID',
        type: 'reference',
        length: 18,
        ...ro,
        referenceTo: ['Opportunity'],
        relationshipName: 'ConvertedOpportunity',
      },
      { name: 'IsUnreadByOwner', label: 'Unread By Owner', type: 'boolean', ...rw, defaultValue: false },
      owner,
    ],
  },
  {
    name: 'Opportunity',
    label: 'Opportunity',
    labelPlural: 'Opportunities',
    keyPrefix: '006',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Opportunity'),
      {
        name: 'AccountId',
        label: 'Account ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: ['Account'],
        relationshipName: 'Account',
      },
      { name: 'Name', label: 'Name', type: 'string', length: 120, required: true, ...rw, nameField: true },
      { name: 'Description', label: 'Description', type: 'textarea', length: 32000, ...rw },
      {
        name: 'StageName',
        label: 'Stage',
        type: 'picklist',
        length: 255,
        required: true,
        ...rw,
        picklistValues: OPPORTUNITY_STAGES.map((s) => s.name),
      },
      { name: 'Amount', label: 'Amount', type: 'currency', ...rw },
      { name: 'Probability', label: 'Probability (%)', type: 'percent', ...rw },
      { name: 'CloseDate', label: 'Close Date', type: 'date', required: true, ...rw },
      {
        name: 'Type',
        label: 'Opportunity Type',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: [
          'Existing Customer - Upgrade',
          'Existing Customer - Replacement',
          'Existing Customer - Downgrade',
          'New Customer',
        ],
      },
      { name: 'NextStep', label: 'Next Step', type: 'string', length: 255, ...rw },
      { name: 'LeadSource', label: 'Lead Source', type: 'picklist', length: 255, ...rw, picklistValues: SOURCES },
      // Read from the stage, as Salesforce derives them from the stage's settings.
      { name: 'IsClosed', label: 'Closed', type: 'boolean', ...ro, defaultValue: false },
      { name: 'IsWon', label: 'Won', type: 'boolean', ...ro, defaultValue: false },
      {
        name: 'ForecastCategoryName',
        label: 'Forecast Category',
        type: 'picklist',
        length: 255,
        ...ro,
        picklistValues: ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'],
      },
      owner,
    ],
  },
  {
    name: 'Case',
    label: 'Case',
    labelPlural: 'Cases',
    keyPrefix: '500',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Case'),
      // An auto-number: the store numbers cases in order (00001001, 00001002, ...).
      {
        name: 'CaseNumber',
        label: 'Case Number',
        type: 'string',
        length: 30,
        ...ro,
        nameField: true,
        autoNumber: true,
      },
      {
        name: 'ContactId',
        label: 'Contact ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: ['Contact'],
        relationshipName: 'Contact',
      },
      {
        name: 'AccountId',
        label: 'Account ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: ['Account'],
        relationshipName: 'Account',
      },
      { name: 'SuppliedName', label: 'Web Name', type: 'string', length: 80, ...rw },
      { name: 'SuppliedEmail', label: 'Web Email', type: 'email', length: 80, ...rw },
      { name: 'SuppliedPhone', label: 'Web Phone', type: 'string', length: 40, ...rw },
      {
        name: 'Type',
        label: 'Case Type',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'],
      },
      {
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: ['New', 'Working', 'Escalated', 'Closed'],
        defaultValue: 'New',
      },
      {
        name: 'Reason',
        label: 'Case Reason',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: [
          'Installation',
          'Equipment Complexity',
          'Performance',
          'Breakdown',
          'Equipment Design',
          'Feedback',
          'Other',
        ],
      },
      {
        name: 'Origin',
        label: 'Case Origin',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: ['Phone', 'Email', 'Web'],
      },
      { name: 'Subject', label: 'Subject', type: 'string', length: 255, ...rw },
      {
        name: 'Priority',
        label: 'Priority',
        type: 'picklist',
        length: 255,
        ...rw,
        picklistValues: ['High', 'Medium', 'Low'],
        defaultValue: 'Medium',
      },
      { name: 'Description', label: 'Description', type: 'textarea', length: 32000, ...rw },
      { name: 'IsClosed', label: 'Closed', type: 'boolean', ...ro, defaultValue: false },
      { name: 'ClosedDate', label: 'Closed Date', type: 'datetime', ...ro },
      { name: 'IsEscalated', label: 'Escalated', type: 'boolean', ...rw, defaultValue: false },
      owner,
    ],
  },
  {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Contact'),
      {
        name: 'AccountId',
        label: 'Account ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: ['Account'],
        relationshipName: 'Account',
      },
      {
        name: 'Salutation',
        label: 'Salutation',
        type: 'picklist',
        length: 40,
        ...rw,
        picklistValues: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'],
      },
      { name: 'FirstName', label: 'First Name', type: 'string', length: 40, ...rw },
      { name: 'LastName', label: 'Last Name', type: 'string', length: 80, required: true, ...rw },
      { name: 'Name', label: 'Full Name', type: 'string', length: 121, ...ro, nameField: true },
      { name: 'Title', label: 'Title', type: 'string', length: 128, ...rw },
      { name: 'Department', label: 'Department', type: 'string', length: 80, ...rw },
      { name: 'Email', label: 'Email', type: 'email', length: 80, ...rw, idLookup: true },
      { name: 'Phone', label: 'Business Phone', type: 'phone', length: 40, ...rw },
      { name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40, ...rw },
      { name: 'HomePhone', label: 'Home Phone', type: 'phone', length: 40, ...rw },
      { name: 'Fax', label: 'Business Fax', type: 'phone', length: 40, ...rw },
      { name: 'MailingStreet', label: 'Mailing Street', type: 'textarea', length: 255, ...rw },
      { name: 'MailingCity', label: 'Mailing City', type: 'string', length: 40, ...rw },
      { name: 'MailingState', label: 'Mailing State/Province', type: 'string', length: 80, ...rw },
      { name: 'MailingPostalCode', label: 'Mailing Zip/Postal Code', type: 'string', length: 20, ...rw },
      { name: 'MailingCountry', label: 'Mailing Country', type: 'string', length: 80, ...rw },
      { name: 'Description', label: 'Contact Description', type: 'textarea', length: 32000, ...rw },
      { name: 'Company__c', label: 'Company', type: 'string', length: 255, ...rw, custom: true },
      {
        name: 'OutlookId__c',
        label: 'Outlook ID',
        type: 'string',
        length: 255,
        ...rw,
        externalId: true,
        idLookup: true,
        custom: true,
      },
      owner,
    ],
  },
  {
    name: 'Event',
    label: 'Event',
    labelPlural: 'Events',
    keyPrefix: '00U',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Activity'),
      {
        name: 'WhoId',
        label: 'Name ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: WHO_TARGETS,
        relationshipName: 'Who',
      },
      {
        name: 'WhatId',
        label: 'Related To ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: WHAT_TARGETS,
        relationshipName: 'What',
      },
      { name: 'Subject', label: 'Subject', type: 'string', length: 255, ...rw, nameField: true },
      { name: 'Location', label: 'Location', type: 'string', length: 255, ...rw },
      { name: 'IsAllDayEvent', label: 'All-Day Event', type: 'boolean', ...rw, defaultValue: false },
      { name: 'ActivityDateTime', label: 'Due Date Time', type: 'datetime', ...rw },
      { name: 'ActivityDate', label: 'Due Date Only', type: 'date', ...rw },
      { name: 'StartDateTime', label: 'Start Date Time', type: 'datetime', required: true, ...rw },
      { name: 'EndDateTime', label: 'End Date Time', type: 'datetime', required: true, ...rw },
      { name: 'DurationInMinutes', label: 'Duration', type: 'int', ...rw },
      { name: 'Description', label: 'Description', type: 'textarea', length: 32000, ...rw },
      {
        name: 'ShowAs',
        label: 'Show Time As',
        type: 'picklist',
        length: 40,
        ...rw,
        picklistValues: ['Busy', 'OutOfOffice', 'Free'],
        defaultValue: 'Busy',
      },
      { name: 'IsPrivate', label: 'Private', type: 'boolean', ...rw, defaultValue: false },
      {
        name: 'OutlookId__c',
        label: 'Outlook ID',
        type: 'string',
        length: 255,
        ...rw,
        externalId: true,
        idLookup: true,
        custom: true,
      },
      owner,
    ],
  },
  {
    name: 'Task',
    label: 'Task',
    labelPlural: 'Tasks',
    keyPrefix: '00T',
    createable: true,
    updateable: true,
    deletable: true,
    writeAccess: 'any',
    owned: true,
    privateTo: ownerPrivate,
    fields: [
      ...systemFields('Activity'),
      {
        name: 'WhoId',
        label: 'Name ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: WHO_TARGETS,
        relationshipName: 'Who',
      },
      {
        name: 'WhatId',
        label: 'Related To ID',
        type: 'reference',
        length: 18,
        ...rw,
        referenceTo: WHAT_TARGETS,
        relationshipName: 'What',
      },
      { name: 'Subject', label: 'Subject', type: 'string', length: 255, ...rw, nameField: true },
      { name: 'ActivityDate', label: 'Due Date Only', type: 'date', ...rw },
      {
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        length: 40,
        ...rw,
        picklistValues: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
        defaultValue: 'Not Started',
      },
      {
        name: 'Priority',
        label: 'Priority',
        type: 'picklist',
        length: 40,
        ...rw,
        picklistValues: ['High', 'Normal', 'Low'],
        defaultValue: 'Normal',
      },
      { name: 'IsClosed', label: 'Closed', type: 'boolean', ...ro, defaultValue: false },
      {
        name: 'Type',
        label: 'Type',
        type: 'picklist',
        length: 40,
        ...rw,
        picklistValues: ['Call', 'Email', 'Meeting', 'Other'],
      },
      {
        name: 'TaskSubtype',
        label: 'Task Subtype',
        type: 'picklist',
        length: 40,
        ...createOnly,
        picklistValues: ['Task', 'Email', 'Call'],
        defaultValue: 'Task',
      },
      { name: 'Description', label: 'Comments', type: 'textarea', length: 32000, ...rw },
      { name: 'ReminderDateTime', label: 'Reminder Date/Time', type: 'datetime', ...rw },
      { name: 'IsReminderSet', label: 'Reminder Set', type: 'boolean', ...rw, defaultValue: false },
      {
        name: 'OutlookId__c',
        label: 'Outlook ID',
        type: 'string',
        length: 255,
        ...rw,
        externalId: true,
        idLookup: true,
        custom: true,
      },
      owner,
    ],
  },
  activityRelation('Task', '0RT'),
  activityRelation('Event', '0RE'),
];

/**
 * Shared Activities (Setup > Activity Settings): `TaskRelation` or `EventRelation`, one row per person and record of
 * an activity, so it can have up to 50 Contacts. Salesforce lists them by the activity's owner's access; here, as
 * their creator's.
 */
function activityRelation(activity: 'Task' | 'Event', keyPrefix: string): SObjectDef {
  return {
    name: `${activity}Relation`,
    label: `${activity} Relation`,
    labelPlural: `${activity} Relations`,
    keyPrefix,
    createable: true,
    updateable: false,
    deletable: true,
    writeAccess: 'any',
    owned: false,
    privateTo: { userField: 'CreatedById', everyoneWith: 'admin' },
    feature: 'sharedActivities',
    fields: [
      ...systemFields(`${activity} Relation`),
      {
        name: `${activity}Id`,
        label: `${activity} ID`,
        type: 'reference',
        length: 18,
        ...createOnly,
        required: true,
        referenceTo: [activity],
        relationshipName: activity,
      },
      {
        name: 'RelationId',
        label: 'Relation ID',
        type: 'reference',
        length: 18,
        ...createOnly,
        required: true,
        referenceTo: [...WHO_TARGETS, ...WHAT_TARGETS],
        relationshipName: 'Relation',
      },
      { name: 'IsWhat', label: 'Is What', type: 'boolean', ...createOnly, defaultValue: false },
      {
        name: 'AccountId',
        label: 'Account ID',
        type: 'reference',
        length: 18,
        ...ro,
        referenceTo: ['Account'],
        relationshipName: 'Account',
      },
    ],
  };
}

const byLowerName = new Map(SOBJECTS.map((o) => [o.name.toLowerCase(), o]));
const byPrefix = new Map(SOBJECTS.map((o) => [o.keyPrefix, o]));

/** The sObject definition for a name, case-insensitively as Salesforce matches them. */
export function findSObject(name: string): SObjectDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** The sObject a record id belongs to, by its 3-character key prefix. */
export function sobjectForId(id: string): SObjectDef | undefined {
  return byPrefix.get(id.slice(0, 3));
}

/** Number types: int, double, and the decimal kinds Salesforce describes apart (`currency`, `percent`). */
export function isNumeric(field: FieldDef): boolean {
  return ['int', 'double', 'currency', 'percent'].includes(field.type);
}

/** By definition: an org's own view of an object (org-schema.ts) is a definition of its own. */
const fieldIndex = new WeakMap<SObjectDef, Map<string, FieldDef>>();

/** A field of an sObject, case-insensitively. */
export function findField(obj: SObjectDef, name: string): FieldDef | undefined {
  let index = fieldIndex.get(obj);
  if (!index) {
    index = new Map(obj.fields.map((f) => [f.name.toLowerCase(), f]));
    fieldIndex.set(obj, index);
  }
  return index.get(name.toLowerCase());
}

/** The reference field behind a parent relationship name (`Profile` -> `ProfileId`). */
export function findRelationship(obj: SObjectDef, relationshipName: string): FieldDef | undefined {
  const lower = relationshipName.toLowerCase();
  return obj.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}
