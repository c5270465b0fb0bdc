/**
 * Polymorphic parents (`Task.Who`, `Event.What`): a reference with more than one target is joined as Salesforce's
 * `Name` object, one row per record of any target with the fields they share (`Id`, `Name`, `Type`, ...). Each
 * target contributes only the records the reader may see, so `Who.Name` of another user's private lead is null,
 * as a parent of a plain lookup is.
 */
import { FieldDef, SObjectDef, findField } from '../schema';
import { quoteIdent, tableName } from '../store';
import { VisibleRows } from '../visibility';

const ro = { createable: false, updateable: false } as const;

/** Salesforce's `Name` sObject: what SOQL reads through a polymorphic relationship without TYPEOF. */
export const NAME_OBJECT: SObjectDef = {
  name: 'Name',
  label: 'Name',
  labelPlural: 'Names',
  keyPrefix: '000',
  createable: false,
  updateable: false,
  deletable: false,
  writeAccess: 'none',
  owned: false,
  fields: [
    { name: 'Id', label: 'ID', type: 'id', length: 18, ...ro },
    { name: 'Name', label: 'Name', type: 'string', length: 255, ...ro, nameField: true },
    { name: 'Type', label: 'Type', type: 'string', length: 40, ...ro },
    { name: 'FirstName', label: 'First Name', type: 'string', length: 40, ...ro },
    { name: 'LastName', label: 'Last Name', type: 'string', length: 80, ...ro },
    { name: 'Title', label: 'Title', type: 'string', length: 128, ...ro },
    { name: 'Email', label: 'Email', type: 'email', length: 128, ...ro },
    { name: 'Phone', label: 'Phone', type: 'phone', length: 40, ...ro },
    { name: 'IsActive', label: 'Active', type: 'boolean', ...ro },
    { name: 'OwnerId', label: 'Owner ID', type: 'reference', length: 18, ...ro, referenceTo: ['User'] },
  ],
};

/** Whether a reference points at more than one object (and so is read as `Name`). */
export function isPolymorphic(field: FieldDef): boolean {
  return (field.referenceTo?.length ?? 0) > 1;
}

/**
 * The SQL of the `Name` rows of `targets`, each limited to what the reader sees: `(SELECT ... UNION ALL ...)`.
 * `alias` names the join; each branch gets its own alias derived from it.
 */
export function nameRowsSql(targets: SObjectDef[], alias: string, visible: VisibleRows): string {
  const branches = targets.map((obj, i) => {
    const a = `${alias}_${i}`;
    const columns = NAME_OBJECT.fields.map((f) => {
      const as = quoteIdent(f.name);
      if (f.name === 'Type') return `'${obj.name}' AS ${as}`;
      if (f.name === 'Name') {
        const nameField = obj.fields.find((x) => x.nameField);
        return `${nameField ? `${a}.${quoteIdent(nameField.name)}` : 'NULL'} AS ${as}`;
      }
      if (f.name === 'IsActive') return `${findField(obj, 'IsActive') ? `${a}."IsActive"` : '1'} AS ${as}`;
      return `${findField(obj, f.name) ? `${a}.${quoteIdent(f.name)}` : 'NULL'} AS ${as}`;
    });
    const condition = visible(obj, a);
    return `SELECT ${columns.join(', ')} FROM ${tableName(obj)} ${a}${condition ? ` WHERE ${condition}` : ''}`;
  });
  return `(${branches.join(' UNION ALL ')})`;
}
