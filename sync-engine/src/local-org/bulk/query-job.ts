/**
 * Processing a query job in the background: the ids are selected in one statement (a snapshot, as Salesforce
 * takes one), then the rows are read and written as CSV lines 2,000 at a time, yielding to the event loop between
 * chunks. Columns are the query's, in select order, a parent's fields as `Account.Name`; values as Bulk API 2.0
 * writes them: every value quoted, null empty, booleans `true`/`false`, datetimes `2026-01-01T00:00:00.000Z`.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { OrgContext } from '../context';
import { RecordsPlan } from '../soql/compile';
import { RenderNode, wireValue } from '../soql/render';
import { DELIMITERS, csvLine } from './csv';
import { BulkJobs, QueryJob } from './jobs';

export const QUERY_CHUNK = 2000;

function headers(nodes: RenderNode[], prefix = ''): string[] {
  return nodes.flatMap((n) => (n.kind === 'field' ? [`${prefix}${n.key}`] : headers(n.children, `${prefix}${n.key}.`)));
}

function values(nodes: RenderNode[], row: unknown[]): Array<string | null> {
  return nodes.flatMap((n): Array<string | null> => {
    if (n.kind === 'parent') {
      if (row[n.idColumn] === null || row[n.idColumn] === undefined) return headers(n.children).map(() => null);
      return values(n.children, row);
    }
    const v = wireValue(n.field, row[n.column]);
    if (v === null || v === undefined) return [null];
    if (n.field.type === 'datetime' && typeof v === 'string') return [v.replace(/\+0000$/, 'Z')];
    return [String(v)];
  });
}

/** The job's result lines built; the job ends JobComplete (or stays Aborted). */
export async function processQuery(ctx: OrgContext, jobs: BulkJobs, job: QueryJob, plan: RecordsPlan): Promise<void> {
  const started = Date.now();
  const d = DELIMITERS[job.columnDelimiter];
  jobs.setState(job, 'InProgress');
  const db = ctx.store.db;
  const ids = db
    .prepare(plan.ids.sql)
    .pluck()
    .all(...plan.ids.params, plan.ids.named) as string[];
  job.lines = [csvLine(headers(plan.shape.nodes), d)];
  const page = db.prepare(plan.page.sql).raw();
  for (let start = 0; start < ids.length; start += QUERY_CHUNK) {
    await yieldToEventLoop();
    if ((job.state as string) === 'Aborted') return;
    const chunk = ids.slice(start, start + QUERY_CHUNK);
    const rows = page.all(JSON.stringify(chunk), plan.page.named) as unknown[][];
    const byId = new Map(rows.map((r) => [r[0] as string, r]));
    let added = 0;
    for (const id of chunk) {
      const row = byId.get(id);
      if (!row) continue;
      const line = csvLine(values(plan.shape.nodes, row), d);
      job.lines.push(line);
      added += line.length + 1;
    }
    if (!jobs.fits(job, added)) {
      // The user's jobs would hold too much: the job fails and lets go of what it read.
      job.lines = [];
      job.bytes = 0;
      job.totalProcessingTime = Date.now() - started;
      jobs.setState(
        job,
        'Failed',
        `ExceededQuota : the results are larger than the ${ctx.options.bulkBytesPerUser} bytes a user's Bulk API 2.0 jobs may hold`,
      );
      return;
    }
    job.bytes += added;
    job.numberRecordsProcessed = job.lines.length - 1;
  }
  job.totalProcessingTime = Date.now() - started;
  if (job.state === 'InProgress') jobs.setState(job, 'JobComplete');
}
