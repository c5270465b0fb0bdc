/**
 * SOQL over REST: `GET /services/data/vNN.0/query?q=...` (and `/query/?q=`, `queryAll`), and next pages at
 * `/query/{locator}` (jsforce takes the last segment of `nextRecordsUrl` as the locator, WIRE.md 0.1).
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { RestCaller } from './rest-auth';
import { sendJson } from './json-reply';
import { compileSoql } from './soql/compile';
import { QueryCursors, parseLocator } from './soql/cursors';
import { firstPage, page } from './soql/execute';
import { queryErrors } from './soql/query-errors';
import { queryColumns } from './soql/column-metadata';
import { callerOf, queryParam } from './rest-common';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;

export type Resource = 'query' | 'queryAll';

/** `Sforce-Query-Options: batchSize=N`, held to Salesforce's 200..2000. */
export function batchSizeFrom(header: unknown): number {
  const m = typeof header === 'string' ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

const cursorsByOrg = new WeakMap<OrgContext, QueryCursors>();

/** The org's open query cursors, shared by `/query` and the composite subrequests that query. */
function cursorsOf(ctx: OrgContext): QueryCursors {
  let cursors = cursorsByOrg.get(ctx);
  if (!cursors) {
    cursors = new QueryCursors(ctx.store.clock);
    cursorsByOrg.set(ctx, cursors);
  }
  return cursors;
}

export interface QueryRequest {
  soql: unknown;
  resource: Resource;
  batchSize: number;
  /** `columns=true`: the query's columns, not its rows. */
  columns?: boolean;
}

/** A query's first page (or its columns), as `GET /query?q=` answers it; also a composite subrequest. */
export function runQuery(ctx: OrgContext, caller: RestCaller, r: QueryRequest): unknown {
  if (typeof r.soql !== 'string' || r.soql.trim() === '') throw queryErrors.missingQuery();
  const plan = compileSoql(r.soql, {
    now: ctx.store.clock.now(),
    includeDeleted: r.resource === 'queryAll',
    // Every object the query touches shows only what the caller may see (visibility.ts).
    viewer: caller,
    schema: ctx.schemaFor(caller),
  });
  if (r.columns) return queryColumns(plan);
  const options = {
    userId: caller.userId,
    apiVersion: caller.apiVersion,
    batchSize: r.batchSize,
    resource: r.resource,
  };
  return firstPage(ctx.store.db, cursorsOf(ctx), plan, options);
}

/** The page a `nextRecordsUrl` locator names, or INVALID_QUERY_LOCATOR. */
export function queryPage(
  ctx: OrgContext,
  caller: RestCaller,
  rawLocator: string,
  resource: Resource,
  batchSize: number,
): unknown {
  const locator = parseLocator(rawLocator);
  const cursor = locator && cursorsOf(ctx).get(caller.userId, locator.id);
  if (!locator || !cursor || locator.offset > cursor.ids.length) throw queryErrors.invalidLocator();
  const options = { userId: caller.userId, apiVersion: caller.apiVersion, batchSize, resource };
  return page(ctx.store.db, cursor, locator.offset, options);
}

/** Register `query` and `queryAll` with their next-page urls. */
export async function registerRestQuery(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  for (const resource of ['query', 'queryAll'] as const) {
    const run = async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = callerOf(req);
      const q = (req.query as Record<string, unknown> | undefined)?.q;
      const soql = Array.isArray(q) ? q[0] : q;
      const batchSize = batchSizeFrom(req.headers['sforce-query-options']);
      // `columns=true` (the Salesforce CLI's `data query`): the query's columns, not its rows.
      const columns = queryParam(req, 'columns') === 'true';
      sendJson(reply, 200, runQuery(ctx, caller, { soql, resource, batchSize, columns }));
    };
    app.get(`/services/data/:version/${resource}`, run);
    app.get(`/services/data/:version/${resource}/`, run);

    app.get(`/services/data/:version/${resource}/:locator`, async (req, reply) => {
      const caller = callerOf(req);
      const batchSize = batchSizeFrom(req.headers['sforce-query-options']);
      sendJson(reply, 200, queryPage(ctx, caller, (req.params as { locator: string }).locator, resource, batchSize));
    });
  }
}
