/**
 * Every text of the Word and Excel add-in that is not from the service's answers; the sign-in's, and what a failure
 * shows, are both panes' (addin/shared/texts.ts).
 */
export const officeDocsTexts = {
  notInOffice: 'Not running inside Word or Excel: sign in works, the sheet and document actions need Word or Excel.',
  filling: 'Reading from Salesforce…',
  filled: (rows: number, object: string, complete: boolean) =>
    `${rows} ${object} row${rows === 1 ? '' : 's'} in the sheet${complete ? '.' : ' (Salesforce holds more: narrow the query).'}`,
  refreshUnsaved: (rows: number) =>
    `${rows} row${rows === 1 ? ' has' : 's have'} edits not saved to Salesforce. Save them first, or refresh anyway and lose them.`,
  saving: 'Saving to Salesforce…',
  saved: (updated: number, created: number, failed: number) =>
    `Saved: ${updated} updated, ${created} created${failed > 0 ? `, ${failed} not saved (see the Save result column)` : ''}.`,
  nothingToSave: 'No edits to save: every row matches what was read from Salesforce.',
  rowSaved: 'Saved',
  rowCreated: 'Created',
  rowFailed: (errors: Array<{ code: string; message: string; fields: string[] }>) =>
    `Not saved: ${errors.map((e) => `${e.message}${e.fields.length > 0 ? ` (${e.fields.join(', ')})` : ''}`).join('; ') || 'Salesforce gave no reason'}`,
  rowNotSaved: (why: string) => `Not saved yet: ${why}`,
  readOnlyNotSaved: (columns: string[]) =>
    `${columns.join(', ')} cannot be changed from this sheet (read-only in Salesforce), so ${columns.length === 1 ? 'that edit was' : 'those edits were'} not saved.`,
  notASalesforceSheet: 'This sheet was not filled from Salesforce: fill it first.',
  sheetGone: (table: string) => `The table ${table} is no longer in the workbook: fill the sheet again.`,
  objectMissing: 'Object: enter an object API name, for example Contact.',
  /** "Show fields": the fields listed to choose from (Id is always in the sheet, so not listed). */
  fieldsOf: (n: number, object: string) => `${n} field${n === 1 ? '' : 's'} of ${object}.`,
  /** The sheet's Id column was deleted: its rows no longer say which records they are. */
  noIdColumn: 'This sheet has no Id column any more: fill it again.',
  fieldsMissing: 'Fields: choose at least one field.',
  inserted: (field: string) => `Inserted the merge field ${field}.`,
  noMergeFields: 'This document has no Salesforce merge fields yet: insert some first.',
  mixedMergeFields: (objects: string[]) =>
    `This template mixes merge fields of ${objects.join(' and ')}: keep one object's fields.`,
  recordNotFound: (object: string, id: string) => `No ${object} ${id} that you can see in Salesforce.`,
  found: (n: number) => `${n} record${n === 1 ? '' : 's'} found.`,
  filledDocument: (name: string) => `Filled the document for ${name}.`,
  merged: (n: number) => `Made ${n} document${n === 1 ? '' : 's'}, one per record.`,
  chooseRecord: 'Record: choose a record to fill the document with.',
};
