/**
 * Bulk API 2.0 over REST (Bulk API 2.0 and Bulk API Developer Guide): ingest jobs at `/jobs/ingest` (create, CSV
 * upload with `PUT .../batches`, `UploadComplete` or `Aborted` by PATCH, job info, `successfulResults`,
 * `failedResults`, `unprocessedrecords`, delete) and query jobs at `/jobs/query` (create, job info, abort,
 * `results` paged with `Sforce-Locator` and `maxRecords`, delete). Jobs run in the background (bulk/ingest.ts,
 * bulk/query-job.ts). Every request goes through the REST gate: session, the access rule, one API call each.
 * An upload's size is held to the data API's body limit before it is read.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { RestCaller } from './rest-auth';
import { SObjectDef, findField } from './schema';
import { OrgSchema } from './org-schema';
import { V, jsonBody, queryParam, resource } from './rest-common';
import { sendJson } from './json-reply';
import { compileSoql } from './soql/compile';
import { BulkJobs, IngestJob, IngestOperation, Job, QueryJob, bulkError, fullJobInfo, jobInfo } from './bulk/jobs';
import { DELIMITERS } from './bulk/csv';
import { abortOpenJob, processIngest } from './bulk/ingest';
import { processQuery } from './bulk/query-job';

/**
 * Records a results page holds unless `maxRecords` asks for fewer (or more). Large, because jsforce 3.10.16 pipes
 * each page into one CSV parser without waiting for the previous page to drain, so its `bulk2.query` garbles
 * results of more than one page (jsforce issue 1740, also against Salesforce).
 */
export const DEFAULT_RESULTS_PAGE = 100_000;
const INGEST_OPERATIONS = ['insert', 'update', 'upsert', 'delete'];
const invalidJob = (message: string) => bulkError(400, 'INVALIDJOB', `InvalidJob : ${message}`);

function jobOptions(body: Record<string, unknown>, allowed: string[]) {
  for (const key of Object.keys(body))
    if (!allowed.includes(key)) throw invalidJob(`Unrecognized field "${key}"; expected ${allowed.join(', ')}`);
  const { contentType, columnDelimiter, lineEnding } = body;
  if (contentType !== undefined && contentType !== 'CSV') throw invalidJob('contentType: only CSV is supported');
  if (columnDelimiter !== undefined && (typeof columnDelimiter !== 'string' || !(columnDelimiter in DELIMITERS)))
    throw invalidJob(`columnDelimiter: one of ${Object.keys(DELIMITERS).join(', ')} is required`);
  if (lineEnding !== undefined && lineEnding !== 'LF' && lineEnding !== 'CRLF')
    throw invalidJob('lineEnding: LF or CRLF is required');
  return {
    columnDelimiter: (columnDelimiter as string | undefined) ?? 'COMMA',
    lineEnding: (lineEnding as 'LF' | 'CRLF' | undefined) ?? 'LF',
  };
}

function objectOf(name: unknown, schema: OrgSchema): SObjectDef {
  if (typeof name !== 'string' || name === '') throw invalidJob('object: the sObject type is required');
  const obj = schema.find(name);
  if (!obj) throw invalidJob(`object: sObject type '${name}' is not supported`);
  return obj;
}

function sendCsv(reply: FastifyReply, text: string, headers: Record<string, string> = {}): void {
  reply.code(200).header('content-type', 'text/csv');
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  reply.send(text);
}

const eol = (job: Job) => (job.lineEnding === 'CRLF' ? '\r\n' : '\n');
const delimiterChar = (name: string) => DELIMITERS[name];
const list = (jobs: Job[]) => ({ done: true, records: jobs.map(fullJobInfo), nextRecordsUrl: null });

/** A PATCH's new state: `UploadComplete` (ingest) or `Aborted`. */
function requestedState(req: FastifyRequest, allowed: string[]): string {
  const body = jsonBody(req, 'JobStateRequest');
  const state = body.state;
  if (typeof state !== 'string' || !allowed.includes(state))
    throw bulkError(400, 'INVALIDJOBSTATE', `state: one of ${allowed.join(', ')} is required`);
  return state;
}

const notReady = (job: Job) =>
  bulkError(412, 'JOB_NOT_COMPLETE', `can only download results of a completed bulk job. Current state: ${job.state}`);

/** Register `/jobs/ingest` and `/jobs/query`. */
export async function registerRestBulk(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const jobs = new BulkJobs(ctx);
  const now = () => jobs.now();
  const base = (caller: RestCaller) => ({
    id: jobs.newId(),
    caller,
    createdDate: now(),
    systemModstamp: now(),
    apiVersion: caller.apiVersion,
    numberRecordsProcessed: 0,
    totalProcessingTime: 0,
    bytes: 0,
  });
  const background = (job: Job, work: () => Promise<void>) => {
    // A bug of ours fails the job rather than the process; the client sees state Failed.
    setImmediate(() => {
      work().catch(() => jobs.setState(job, 'Failed', 'InternalError : the local org could not process this job'));
    });
  };

  // ---- ingest
  resource(app, [`${V}/jobs/ingest`, `${V}/jobs/ingest/`], {
    GET: (_req, reply, caller) => sendJson(reply, 200, list(jobs.list(caller, 'ingest'))),
    POST: (req, reply, caller) => {
      const body = jsonBody(req, 'IngestJobRequest');
      const options = jobOptions(body, [
        'object',
        'operation',
        'externalIdFieldName',
        'contentType',
        'columnDelimiter',
        'lineEnding',
        'assignmentRuleId',
      ]);
      const obj = objectOf(body.object, ctx.schemaFor(caller));
      const operation = body.operation;
      if (typeof operation !== 'string' || !INGEST_OPERATIONS.includes(operation))
        throw invalidJob(`operation: one of ${INGEST_OPERATIONS.join(', ')} is required (hardDelete is not served)`);
      let externalIdFieldName: string | undefined;
      if (operation === 'upsert') {
        const field =
          typeof body.externalIdFieldName === 'string' ? findField(obj, body.externalIdFieldName) : undefined;
        if (!field || !(field.externalId || field.name === 'Id'))
          throw invalidJob(`externalIdFieldName: an external id field of ${obj.name} is required for upsert`);
        externalIdFieldName = field.name;
      }
      const job: IngestJob = {
        ...base(caller),
        kind: 'ingest',
        object: obj,
        operation: operation as IngestOperation,
        externalIdFieldName,
        state: 'Open',
        ...options,
        numberRecordsFailed: 0,
        header: [],
        successful: [],
        failed: [],
        unprocessed: [],
      };
      jobs.add(job);
      sendJson(reply, 200, jobInfo(job));
    },
  });

  resource(app, [`${V}/jobs/ingest/:id`], {
    GET: (req, reply, caller) => sendJson(reply, 200, fullJobInfo(ingestJob(req, caller))),
    PATCH: (req, reply, caller) => {
      const job = ingestJob(req, caller);
      const state = requestedState(req, ['UploadComplete', 'Aborted']);
      if (state === 'Aborted') {
        if (!['Open', 'UploadComplete', 'InProgress'].includes(job.state))
          throw bulkError(400, 'INVALIDJOBSTATE', `The job is ${job.state}; only an unfinished job can be aborted`);
        if (job.state === 'Open') abortOpenJob(job);
        jobs.setState(job, 'Aborted');
      } else {
        if (job.state !== 'Open')
          throw bulkError(400, 'INVALIDJOBSTATE', `The job is ${job.state}; only an Open job can be closed`);
        jobs.setState(job, 'UploadComplete');
        background(job, () => processIngest(ctx, jobs, job));
      }
      sendJson(reply, 200, jobInfo(job));
    },
    DELETE: (req, reply, caller) => {
      const job = ingestJob(req, caller);
      if (job.state === 'InProgress')
        throw bulkError(400, 'INVALIDJOBSTATE', 'The job is InProgress; abort it or wait for it to finish');
      jobs.delete(job.id);
      reply.code(204).send();
    },
  });

  resource(app, [`${V}/jobs/ingest/:id/batches`, `${V}/jobs/ingest/:id/batches/`], {
    PUT: (req, reply, caller) => {
      const job = ingestJob(req, caller);
      const type = String(req.headers['content-type'] ?? '');
      if (!/^text\/csv(;|$)/i.test(type) || typeof req.body !== 'string')
        throw bulkError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type '${type}' is not supported. Use text/csv.`);
      if (job.state !== 'Open')
        throw bulkError(409, 'INVALIDJOBSTATE', `The job is ${job.state}; data can be uploaded to an Open job only`);
      if (job.upload !== undefined)
        throw bulkError(
          400,
          'BULK_API_ERROR',
          `Found multiple contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
        );
      if (!jobs.fits(job, req.body.length)) throw BulkJobs.overAllowance(ctx.options.bulkBytesPerUser);
      job.upload = req.body;
      job.bytes += req.body.length;
      reply.code(201).send();
    },
  });

  const ingestResults =
    (kind: 'successful' | 'failed' | 'unprocessed') =>
    (req: FastifyRequest, reply: FastifyReply, caller: RestCaller) => {
      const job = ingestJob(req, caller);
      if (!['JobComplete', 'Failed', 'Aborted'].includes(job.state)) throw notReady(job);
      const d = delimiterChar(job.columnDelimiter);
      const quote = (names: string[]) => names.map((n) => `"${n.replace(/"/g, '""')}"`).join(d);
      const head =
        kind === 'successful'
          ? quote(['sf__Id', 'sf__Created', ...job.header])
          : kind === 'failed'
            ? quote(['sf__Id', 'sf__Error', ...job.header])
            : quote(job.header);
      const lines = kind === 'successful' ? job.successful : kind === 'failed' ? job.failed : job.unprocessed;
      sendCsv(reply, [head, ...lines].map((l) => l + eol(job)).join(''));
    };
  resource(app, [`${V}/jobs/ingest/:id/successfulResults`, `${V}/jobs/ingest/:id/successfulResults/`], {
    GET: ingestResults('successful'),
  });
  resource(app, [`${V}/jobs/ingest/:id/failedResults`, `${V}/jobs/ingest/:id/failedResults/`], {
    GET: ingestResults('failed'),
  });
  resource(app, [`${V}/jobs/ingest/:id/unprocessedrecords`, `${V}/jobs/ingest/:id/unprocessedrecords/`], {
    GET: ingestResults('unprocessed'),
  });

  // ---- query
  resource(app, [`${V}/jobs/query`, `${V}/jobs/query/`], {
    GET: (_req, reply, caller) => sendJson(reply, 200, list(jobs.list(caller, 'query'))),
    POST: (req, reply, caller) => {
      const body = jsonBody(req, 'QueryJobRequest');
      const options = jobOptions(body, ['operation', 'query', 'contentType', 'columnDelimiter', 'lineEnding']);
      const operation = body.operation ?? 'query';
      if (operation !== 'query' && operation !== 'queryAll')
        throw invalidJob('operation: query or queryAll is required');
      if (typeof body.query !== 'string' || body.query.trim() === '')
        throw invalidJob('query: a SOQL query is required');
      // The query is compiled now, so a query that cannot run is refused at once with its SOQL error.
      const plan = compileSoql(body.query, {
        now: ctx.store.clock.now(),
        includeDeleted: operation === 'queryAll',
        viewer: caller,
        schema: ctx.schemaFor(caller),
      });
      if (plan.kind !== 'records')
        throw invalidJob(
          'query: aggregate queries (COUNT(), GROUP BY, aggregate functions) are not supported by Bulk API 2.0',
        );
      const job: QueryJob = {
        ...base(caller),
        kind: 'query',
        object: plan.obj,
        operation,
        query: body.query,
        state: 'UploadComplete',
        ...options,
        lines: [],
      };
      jobs.add(job);
      background(job, () => processQuery(ctx, jobs, job, plan));
      sendJson(reply, 200, jobInfo(job));
    },
  });

  resource(app, [`${V}/jobs/query/:id`], {
    GET: (req, reply, caller) => sendJson(reply, 200, fullJobInfo(queryJob(req, caller))),
    PATCH: (req, reply, caller) => {
      const job = queryJob(req, caller);
      requestedState(req, ['Aborted']);
      if (!['UploadComplete', 'InProgress'].includes(job.state))
        throw bulkError(400, 'INVALIDJOBSTATE', `The job is ${job.state}; only an unfinished job can be aborted`);
      jobs.setState(job, 'Aborted');
      job.lines = [];
      sendJson(reply, 200, jobInfo(job));
    },
    DELETE: (req, reply, caller) => {
      const job = queryJob(req, caller);
      if (job.state === 'InProgress')
        throw bulkError(400, 'INVALIDJOBSTATE', 'The job is InProgress; abort it or wait for it to finish');
      jobs.delete(job.id);
      reply.code(204).send();
    },
  });

  resource(app, [`${V}/jobs/query/:id/results`, `${V}/jobs/query/:id/results/`], {
    GET: (req, reply, caller) => {
      const job = queryJob(req, caller);
      if (job.state !== 'JobComplete') throw notReady(job);
      if (job.apiVersion !== caller.apiVersion)
        throw bulkError(409, 'INVALIDJOBSTATE', `Get the results with the job's API version, v${job.apiVersion}`);
      const rawMax = queryParam(req, 'maxRecords');
      const max = rawMax === undefined ? DEFAULT_RESULTS_PAGE : Number(rawMax);
      if (!Number.isInteger(max) || max < 1)
        throw bulkError(400, 'INVALIDREQUEST', 'maxRecords: a whole number of records, 1 or more, is required');
      const rawLocator = queryParam(req, 'locator');
      const offset = rawLocator === undefined ? 0 : Number(Buffer.from(rawLocator, 'base64url').toString('utf8'));
      const total = job.lines.length - 1;
      if (
        !Number.isInteger(offset) ||
        offset < 0 ||
        offset > total ||
        (rawLocator !== undefined && !/^[A-Za-z0-9_-]+$/.test(rawLocator))
      )
        throw bulkError(
          400,
          'INVALIDREQUEST',
          `locator: '${String(rawLocator).slice(0, 40)}' is not a locator of this job`,
        );
      const slice = job.lines.slice(1 + offset, 1 + offset + max);
      const next = offset + slice.length;
      const locator = next < total ? Buffer.from(String(next)).toString('base64url') : 'null';
      const text = [job.lines[0], ...slice].map((l) => l + eol(job)).join('');
      sendCsv(reply, text, { 'Sforce-Locator': locator, 'Sforce-NumberOfRecords': String(slice.length) });
    },
  });

  function ingestJob(req: FastifyRequest, caller: RestCaller): IngestJob {
    return jobs.get(caller, (req.params as { id: string }).id, 'ingest');
  }
  function queryJob(req: FastifyRequest, caller: RestCaller): QueryJob {
    return jobs.get(caller, (req.params as { id: string }).id, 'query');
  }
}
