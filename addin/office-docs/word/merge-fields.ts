/// <reference types="office-js" />
/**
 * Word mail-merge templates filled from Salesforce: a merge field is a content control tagged
 * `sfo-merge:<Object>:<field>` (`sfo-merge:Contact:Account.Name`) showing «field» until filled. Filling replaces each
 * control's text and keeps the control, so the template keeps its fields and fills again for another record; a
 * merge makes one new document per record from the template, leaving the template as it is. Every function takes
 * `Word.run`'s context, so a test drives it with office-addin-mock.
 */
import type { OfficeCell, OfficeRow } from '../../../sync-engine/src/service/contract';
import { PaneProblem } from '../../shared/pane-problem';
import { officeDocsTexts as t } from '../shared/texts';

export const MERGE_TAG_PREFIX = 'sfo-merge:';

/** `Word.run`, or a test's stand-in for it. */
export type WordRun = <T>(batch: (ctx: Word.RequestContext) => Promise<T>) => Promise<T>;

export interface MergeField {
  object: string;
  /** The field's path from the object (`FirstName`, `Account.Name`). */
  name: string;
  label: string;
}

/** The tag of a merge field's content control. */
export const mergeTag = (f: { object: string; name: string }): string => `${MERGE_TAG_PREFIX}${f.object}:${f.name}`;

/** The merge field a tag names, or null for a control that is not one. */
export function parseMergeTag(tag: string | null | undefined): { object: string; name: string } | null {
  const m = /^sfo-merge:([A-Za-z][A-Za-z0-9_]*):([A-Za-z][A-Za-z0-9_.]*)$/.exec(tag ?? '');
  return m ? { object: m[1], name: m[2] } : null;
}

/** What a field shows before the template is filled. */
export const placeholderOf = (name: string): string => `«${name}»`;

/** What a field shows once filled: the value as text, nothing for an empty field. */
export function mergeText(v: OfficeCell | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** Insert a merge field at the selection (replacing what is selected). */
export async function insertMergeField(ctx: Word.RequestContext, field: MergeField): Promise<void> {
  const control = ctx.document.getSelection().insertContentControl();
  control.tag = mergeTag(field);
  control.title = field.label;
  control.insertText(placeholderOf(field.name), 'Replace');
  await ctx.sync();
}

/** The merge fields the document holds: its object and each field once, in document order. */
export async function templateFields(ctx: Word.RequestContext): Promise<{ object: string | null; fields: string[] }> {
  const controls = ctx.document.body.contentControls;
  controls.load('items');
  await ctx.sync();
  const found = controls.items.map((c) => parseMergeTag(c.tag)).filter((f) => f !== null);
  const objects = [...new Set(found.map((f) => f.object))];
  if (objects.length > 1) throw new PaneProblem(t.mixedMergeFields(objects));
  return { object: objects[0] ?? null, fields: [...new Set(found.map((f) => f.name))] };
}

/** Fill this document's merge fields with one record; answers how many were filled. */
export async function fillDocument(ctx: Word.RequestContext, record: OfficeRow): Promise<number> {
  return fillControls(ctx, ctx.document.body.contentControls, record);
}

/** One new document per record, each the template filled with it and opened; the template stays as it is. */
export async function mailMerge(ctx: Word.RequestContext, records: OfficeRow[]): Promise<number> {
  const template = ctx.document.body.getOoxml();
  await ctx.sync();
  for (const record of records) {
    const doc = ctx.application.createDocument();
    doc.body.insertOoxml(template.value, 'Replace');
    await fillControls(ctx, doc.body.contentControls, record);
    doc.open();
    await ctx.sync();
  }
  return records.length;
}

async function fillControls(
  ctx: Word.RequestContext,
  controls: Word.ContentControlCollection,
  record: OfficeRow,
): Promise<number> {
  controls.load('items');
  await ctx.sync();
  let filled = 0;
  for (const control of controls.items) {
    const field = parseMergeTag(control.tag);
    if (!field) continue;
    control.insertText(mergeText(record[field.name]), 'Replace');
    filled++;
  }
  await ctx.sync();
  return filled;
}
