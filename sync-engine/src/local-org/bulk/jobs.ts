/**
 * Bulk API 2.0 jobs (Bulk API 2.0 and Bulk API Developer Guide): ingest jobs (`insert`, `update`, `upsert`,
 * `delete`) and query jobs (`query`, `queryAll`), their states and the job info Salesforce answers. Jobs live in
 * memory for the life of the org process (Salesforce keeps them 7 days); each belongs to the user who created it.
 */
import { randomInt } from 'node:crypto';
import { OrgContext } from '../context';
import { RestCaller } from '../rest-auth';
import { SalesforceRestError } from '../errors';
import { SObjectDef } from '../schema';
import { makeId } from '../ids';
import { toSalesforceDateTime } from '../../common/clock';

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete';
export type QueryOperation = 'query' | 'queryAll';

interface JobBase {
  id: string;
  object: SObjectDef;
  caller: RestCaller;
  createdDate: string;
  systemModstamp: string;
  state: JobState;
  apiVersion: string;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: string;
  numberRecordsProcessed: number;
  totalProcessingTime: number;
  errorMessage?: string;
  /** Bytes of upload and results this job holds (counted against the user's bulkBytesPerUser). */
  bytes: number;
}

export interface IngestJob extends JobBase {
  kind: 'ingest';
  operation: IngestOperation;
  externalIdFieldName?: string;
  /** The uploaded CSV, until processing reads it. */
  upload?: string;
  numberRecordsFailed: number;
  /** Result lines (CSV, without header) and the upload's header. */
  header: string[];
  successful: string[];
  failed: string[];
  unprocessed: string[];
}

export interface QueryJob extends JobBase {
  kind: 'query';
  operation: QueryOperation;
  query: string;
  /** Result lines: the header, then one per record. */
  lines: string[];
}

export type Job = IngestJob | QueryJob;

/** At most this many jobs a user keeps at once (Salesforce limits jobs per 24 hours; this bounds memory). */
export const MAX_JOBS_PER_USER = 100;

export const bulkError = (status: number, code: string, message: string) =>
  new SalesforceRestError(status, code, message);

export const notFound = () => bulkError(404, 'NOT_FOUND', 'The requested resource does not exist');

/** The org's jobs: ids `750...` as Salesforce gives them. */
export class BulkJobs {
  private readonly jobs = new Map<string, Job>();
  private sequence = randomInt(1, 1_000_000);

  constructor(private readonly ctx: OrgContext) {}

  newId(): string {
    this.sequence += 1;
    return makeId('750', 'Dx', this.sequence);
  }

  add(job: Job): void {
    const mine = [...this.jobs.values()].filter((j) => j.caller.userId === job.caller.userId);
    if (mine.length >= MAX_JOBS_PER_USER)
      throw bulkError(
        400,
        'LIMIT_EXCEEDED',
        `You have ${MAX_JOBS_PER_USER} Bulk API 2.0 jobs; delete finished jobs before creating more.`,
      );
    this.jobs.set(job.id, job);
  }

  /** A job of the caller's of the given kind, or NOT_FOUND (another user's job is not there for them). */
  get<K extends Job['kind']>(caller: RestCaller, id: string, kind: K): Extract<Job, { kind: K }> {
    const job = this.jobs.get(id);
    if (!job || job.kind !== kind || job.caller.userId !== caller.userId) throw notFound();
    return job as Extract<Job, { kind: K }>;
  }

  list(caller: RestCaller, kind: Job['kind']): Job[] {
    return [...this.jobs.values()].filter((j) => j.kind === kind && j.caller.userId === caller.userId);
  }

  /** Bytes the user's jobs hold. */
  bytesHeld(userId: string): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.caller.userId === userId) n += j.bytes;
    return n;
  }

  /** Whether `more` bytes for this job stay within its user's allowance. */
  fits(job: Job, more: number): boolean {
    return this.bytesHeld(job.caller.userId) + more <= this.ctx.options.bulkBytesPerUser;
  }

  /** LIMIT_EXCEEDED for an upload past the user's allowance. */
  static overAllowance(limit: number): SalesforceRestError {
    return bulkError(
      400,
      'LIMIT_EXCEEDED',
      `Your Bulk API 2.0 jobs hold more than ${limit} bytes of uploads and results; delete finished jobs first.`,
    );
  }

  delete(id: string): void {
    this.jobs.delete(id);
  }

  now(): string {
    return toSalesforceDateTime(this.ctx.store.clock.now().toISOString());
  }

  setState(job: Job, state: JobState, errorMessage?: string): void {
    job.state = state;
    job.systemModstamp = this.now();
    if (errorMessage) job.errorMessage = errorMessage;
  }
}

const delimiterName = (job: Job) => job.columnDelimiter;

/** The job info of a create or state change (no counters), as Salesforce answers them. */
export function jobInfo(job: Job): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object.name,
    createdById: job.caller.userId,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
  };
  if (job.kind === 'ingest' && job.externalIdFieldName) info.externalIdFieldName = job.externalIdFieldName;
  info.concurrencyMode = 'Parallel';
  info.contentType = 'CSV';
  info.apiVersion = Number(job.apiVersion);
  if (job.kind === 'ingest') info.contentUrl = `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`;
  info.lineEnding = job.lineEnding;
  info.columnDelimiter = delimiterName(job);
  return info;
}

/** `GET /jobs/{ingest|query}/{id}`: the job info with its counters. */
export function fullJobInfo(job: Job): Record<string, unknown> {
  const info = jobInfo(job);
  if (job.kind === 'ingest') {
    delete info.contentUrl;
    return {
      ...info,
      jobType: 'V2Ingest',
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      retries: 0,
      totalProcessingTime: job.totalProcessingTime,
      apiActiveProcessingTime: job.totalProcessingTime,
      apexProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }
  return {
    ...info,
    jobType: 'V2Query',
    numberRecordsProcessed: job.numberRecordsProcessed,
    retries: 0,
    totalProcessingTime: job.totalProcessingTime,
    isPkChunkingSupported: true,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}
