/**
 * Which of the mapped Salesforce fields this org lets this user read and write, from its describe of Contact, Event
 * and Task. A stock org has no custom field: Outlook's company then links the contact to an Account (as Salesforce
 * for Outlook did), and creates are matched after a crash by who made them and what they hold instead of by
 * `OutlookId__c`. A field the user cannot write is left out of writes, said once per run, not per record.
 */
import { SYNC_OBJECTS, SyncObject } from '../objects';
import { FIELDS_OF, SOBJECT_OF } from './salesforce-records';
import { notice } from '../../products/notices';

/** What the plan needs of a describe's field. */
export interface DescribedField {
  name: string;
  createable?: boolean;
  updateable?: boolean;
  externalId?: boolean;
  picklistValues?: Array<{ value: string; active?: boolean }>;
}

/** The external id field that makes creates from Outlook idempotent across crashes, when the org has it. */
export const EXTERNAL_ID = 'OutlookId__c';
/** The custom company field of orgs set up for the sync before issue 14; the Account link otherwise. */
export const COMPANY_FIELD = 'Company__c';

export interface FieldPlan {
  /** Fields to select, per object (besides Id, SystemModstamp, IsDeleted); `Account.Name` in account mode. */
  read: Record<SyncObject, string[]>;
  /** Fields a create may set, and an update may change. */
  create: Record<SyncObject, Set<string>>;
  update: Record<SyncObject, Set<string>>;
  /** Picklist values the org lists, by `Object.Field`: a value it does not list is not written. */
  picklists: Map<string, Set<string>>;
  /** Whether creates are upserts on OutlookId__c. */
  externalId: Record<SyncObject, boolean>;
  /** Where Outlook's company goes: the custom field, the contact's Account, or nowhere the user may read. */
  company: 'field' | 'account' | 'none';
  /** One line per field left out, for the run's report. */
  warnings: string[];
}

/** The plan for an org with every mapped field (schema.ts's own; the default of a side built without a describe). */
export function fullPlan(): FieldPlan {
  const all = (o: SyncObject) => new Set([...FIELDS_OF[o], EXTERNAL_ID]);
  return {
    read: { ...FIELDS_OF },
    create: { contacts: all('contacts'), events: all('events'), tasks: all('tasks') },
    update: { contacts: all('contacts'), events: all('events'), tasks: all('tasks') },
    picklists: new Map(),
    externalId: { contacts: true, events: true, tasks: true },
    company: 'field',
    warnings: [],
  };
}

/** The plan for the org whose describe of Contact, Event and Task (their `fields`) is given. */
export function planFields(described: Record<SyncObject, DescribedField[]>): FieldPlan {
  const plan: FieldPlan = {
    read: { contacts: [], events: [], tasks: [] },
    create: { contacts: new Set(), events: new Set(), tasks: new Set() },
    update: { contacts: new Set(), events: new Set(), tasks: new Set() },
    picklists: new Map(),
    externalId: { contacts: false, events: false, tasks: false },
    company: 'none',
    warnings: [],
  };
  for (const object of SYNC_OBJECTS) {
    const type = SOBJECT_OF[object];
    const byName = new Map(described[object].map((f) => [f.name.toLowerCase(), f]));
    const has = (name: string) => byName.get(name.toLowerCase());
    const take = (name: string) => {
      const f = has(name)!;
      plan.read[object].push(name);
      if (f.createable) plan.create[object].add(name);
      if (f.updateable) plan.update[object].add(name);
      if (f.picklistValues?.length)
        plan.picklists.set(
          `${type}.${name}`,
          new Set(f.picklistValues.filter((v) => v.active !== false).map((v) => v.value)),
        );
      if (!f.createable || !f.updateable)
        plan.warnings.push(
          notice('sync.fieldNotWritable', {
            field: `${type}.${name}`,
            access: f.createable ? 'not updateable' : f.updateable ? 'not createable' : 'read-only',
          }),
        );
    };
    for (const name of FIELDS_OF[object]) {
      if (name === COMPANY_FIELD) continue;
      if (has(name)) take(name);
      else plan.warnings.push(notice('sync.fieldMissing', { field: `${type}.${name}` }));
    }
    if (object === 'contacts') {
      const field = has(COMPANY_FIELD);
      const account = has('AccountId');
      // An org set up with Company__c keeps it (what earlier versions synced); a stock org links an Account.
      if (field) {
        take(COMPANY_FIELD);
        plan.company = 'field';
      } else if (account) {
        plan.read.contacts.push('AccountId', 'Account.Name');
        if (account.createable) plan.create.contacts.add('AccountId');
        if (account.updateable) plan.update.contacts.add('AccountId');
        plan.company = 'account';
      } else plan.warnings.push(notice('sync.companyNotSynced'));
    }
    const ext = has(EXTERNAL_ID);
    if (ext?.externalId && ext.createable && ext.updateable) {
      plan.externalId[object] = true;
      plan.read[object].push(EXTERNAL_ID);
      plan.create[object].add(EXTERNAL_ID);
      plan.update[object].add(EXTERNAL_ID);
    }
  }
  return plan;
}

/** A record's values as this org takes them: fields the user may write in this write, picklist values it lists. */
export function writableValues(
  plan: FieldPlan,
  object: SyncObject,
  kind: 'create' | 'update',
  values: Record<string, unknown>,
): Record<string, unknown> {
  const allowed = kind === 'create' ? plan.create[object] : plan.update[object];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!allowed.has(name)) continue;
    const listed = plan.picklists.get(`${SOBJECT_OF[object]}.${name}`);
    if (listed && typeof value === 'string' && !listed.has(value)) continue;
    out[name] = value;
  }
  return out;
}
