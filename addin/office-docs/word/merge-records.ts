/// <reference types="office-js" />
/**
 * Word's actions with records: find a Contact's or Lead's records, fill the template for one, or merge it with every
 * record a condition finds (one document each). The fields read are the template's own merge fields.
 */
import type { OfficeRow } from '../../../sync-engine/src/service/contract';
import { PaneProblem } from '../../shared/pane-problem';
import { OfficeDocsApi } from '../shared/office-docs-api';
import { officeDocsTexts as t } from '../shared/texts';
import { WordRun, fillDocument, mailMerge, templateFields } from './merge-fields';

/** The most documents one merge makes. */
export const MAX_MERGE = 200;

export interface WordDeps {
  run: WordRun;
  api: OfficeDocsApi;
}

/** Records of `object` that `where` (a SOQL condition, or none) finds, by name, for the user to choose from. */
export async function findRecords(
  api: OfficeDocsApi,
  object: string,
  where: string,
): Promise<Array<{ id: string; name: string }>> {
  const answer = await api.query({ object, fields: ['Name'], where: where || undefined, limit: MAX_MERGE });
  return answer.records.map((r) => ({ id: String(r.Id), name: String(r.Name ?? r.Id) }));
}

/** The template's object and fields; throws the user's text when it has none. */
async function template(d: WordDeps): Promise<{ object: string; fields: string[] }> {
  const found = await d.run((ctx) => templateFields(ctx));
  if (!found.object) throw new PaneProblem(t.noMergeFields);
  return { object: found.object, fields: found.fields };
}

/** Fill this document for the record `id`; answers the record read. */
export async function fillForRecord(d: WordDeps, id: string): Promise<OfficeRow> {
  const { object, fields } = await template(d);
  const answer = await d.api.query({ object, fields, ids: [id] });
  const record = answer.records[0];
  if (!record) throw new PaneProblem(t.recordNotFound(object, id));
  await d.run((ctx) => fillDocument(ctx, record));
  return record;
}

/** One document per record `where` finds (at most MAX_MERGE); answers the records, in the documents' order. */
export async function mergeAll(d: WordDeps, where: string): Promise<OfficeRow[]> {
  const { object, fields } = await template(d);
  const answer = await d.api.query({ object, fields, where: where || undefined, limit: MAX_MERGE });
  await d.run((ctx) => mailMerge(ctx, answer.records));
  return answer.records;
}
