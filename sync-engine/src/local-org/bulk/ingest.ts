/**
 * Processing an ingest job after `UploadComplete`, in the background: the CSV is read, its header matched to the
 * object's fields, then the records go through the same DML as the REST API (dml.ts: validation, visibility, the
 * caller's rights) 200 at a time, each chunk its own transaction, yielding to the event loop between chunks so a
 * large job never stalls other requests. Results are kept as CSV lines: `sf__Id,sf__Created,...` for successes,
 * `sf__Id,sf__Error,...` for failures, and the untouched rows of an aborted job as unprocessed.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { OrgContext } from '../context';
import { RecordError } from '../errors';
import { findField } from '../schema';
import { createRecords, deleteRecords, updateRecords, upsertRecords, DmlResult, RecordInput } from '../dml';
import { CsvError, DELIMITERS, csvLine, csvRecords, parseCsv } from './csv';
import { BulkJobs, IngestJob } from './jobs';

export const INGEST_CHUNK = 200;
/** What a blank upload field and `#N/A` mean: leave the field alone, and set it to null. */
const NULL_VALUE = '#N/A';

function errorText(errors: RecordError[]): string {
  return errors.map((e) => `${e.statusCode}:${e.message}:${e.fields.join(',')} --`).join(' ');
}

/** The job's records written; the job ends JobComplete, Failed (the upload cannot be read) or Aborted. */
export async function processIngest(ctx: OrgContext, jobs: BulkJobs, job: IngestJob): Promise<void> {
  const started = Date.now();
  const d = DELIMITERS[job.columnDelimiter];
  jobs.setState(job, 'InProgress');
  const fail = (message: string) => {
    job.totalProcessingTime = Date.now() - started;
    jobs.setState(job, 'Failed', `InvalidBatch : ${message}`);
  };
  // Records are read from the upload as they are needed, so a large upload is parsed in chunks too.
  const records = csvRecords(job.upload ?? '', d);
  // The results take the upload's place in the user's allowance (each line is the upload's row plus an id).
  job.upload = undefined;
  const take = (n: number): string[][] => {
    const out: string[][] = [];
    while (out.length < n) {
      const r = records.next();
      if (r.done) break;
      out.push(r.value);
    }
    return out;
  };
  let header: string[] | undefined;
  try {
    header = take(1)[0];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    return fail(`The CSV upload cannot be read: ${err.message}`);
  }
  if (!header) return fail('The upload has no header row');
  job.header = header;
  const columns = header.map((name) => findField(job.object, name));
  const unknown = header.find((_name, i) => !columns[i]);
  if (unknown !== undefined) return fail(`Field name not found : ${unknown}`);
  if (job.operation === 'upsert' && !columns.some((f) => f?.name === job.externalIdFieldName))
    return fail(`Field name not found : ${job.externalIdFieldName}`);
  const idColumn = columns.findIndex((f) => f?.name === 'Id');
  if (job.operation === 'delete' && idColumn < 0) return fail('Field name not found : Id');

  for (;;) {
    let chunk: string[][];
    try {
      chunk = take(INGEST_CHUNK);
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      if ((job.state as string) === 'Aborted') break;
      // The records before the bad line are written and reported; the job fails at it.
      return fail(`The CSV upload cannot be read: ${err.message}`);
    }
    if (chunk.length === 0) break;
    if ((job.state as string) === 'Aborted') {
      // The rest is unprocessed; still read a chunk at a time.
      job.unprocessed.push(...chunk.map((r) => csvLine(r, d)));
      await yieldToEventLoop();
      continue;
    }
    const results = runChunk(
      ctx,
      job,
      chunk,
      columns.map((f) => f!.name),
      idColumn,
    );
    results.forEach((result, i) => {
      const row = chunk[i];
      if (result.success) {
        const created = job.operation === 'insert' || (job.operation === 'upsert' && result.created === true);
        job.successful.push(csvLine([result.id ?? '', String(created), ...row], d));
      } else {
        job.numberRecordsFailed += 1;
        job.failed.push(csvLine([result.id ?? '', errorText(result.errors), ...row], d));
      }
    });
    job.numberRecordsProcessed += chunk.length;
    job.systemModstamp = jobs.now();
    await yieldToEventLoop();
  }
  job.totalProcessingTime = Date.now() - started;
  if (job.state === 'InProgress') jobs.setState(job, 'JobComplete');
}

function runChunk(ctx: OrgContext, job: IngestJob, chunk: string[][], names: string[], idColumn: number): DmlResult[] {
  const width = names.length;
  const bad: Array<DmlResult | undefined> = chunk.map((row) =>
    row.length === width
      ? undefined
      : {
          success: false,
          errors: [
            {
              statusCode: 'INVALID_INPUT',
              message: `This row has ${row.length} fields; the header has ${width}`,
              fields: [],
            },
          ],
        },
  );
  const good = chunk.filter((_r, i) => !bad[i]);
  let results: DmlResult[];
  if (job.operation === 'delete') {
    results = deleteRecords(
      ctx,
      job.caller,
      good.map((r) => r[idColumn]),
      false,
    );
  } else {
    const records: RecordInput[] = good.map((row) => {
      const fields: Record<string, unknown> = {};
      row.forEach((value, i) => {
        if (value === '') return;
        fields[names[i]] = value === NULL_VALUE ? null : value;
      });
      return { type: job.object.name, fields };
    });
    if (job.operation === 'insert') results = createRecords(ctx, job.caller, records, false);
    else if (job.operation === 'update') results = updateRecords(ctx, job.caller, records, false);
    else results = upsertRecords(ctx, job.caller, job.object.name, job.externalIdFieldName!, records, false);
  }
  let next = 0;
  return bad.map((b) => b ?? results[next++]);
}

/** An Open job aborted after its upload: every uploaded row is unprocessed (an unreadable upload leaves none). */
export function abortOpenJob(job: IngestJob): void {
  if (job.upload === undefined) return;
  const d = DELIMITERS[job.columnDelimiter];
  try {
    const rows = parseCsv(job.upload, d);
    job.header = rows[0] ?? [];
    job.unprocessed = rows.slice(1).map((r) => csvLine(r, d));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
  }
  job.upload = undefined;
}
