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
import { PageOptions, firstPage, page } from './soql/execute';
import { queryErrors } from './soql/query-errors';
import { queryColumns } from './soql/column-metadata';
import { callerOf, queryParam } from './rest-common';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;

type Resource = 'query' | 'queryAll';

/** `Sforce-Query-Options: batchSize=N`, held to Salesforce's 200..2000. */
export function batchSizeFrom(header: unknown): number {
  const m = typeof header === 'string' ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

function pageOptions(req: FastifyRequest, caller: RestCaller, resource: Resource): PageOptions {
  return {
    userId: caller.userId,
    apiVersion: caller.apiVersion,
    batchSize: batchSizeFrom(req.headers['sforce-query-options']),
    resource,
  };
}

/** Register `query` and `queryAll` with their next-page urls. */
export async function registerRestQuery(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const cursors = new QueryCursors(ctx.store.clock);

  for (const resource of ['query', 'queryAll'] as const) {
    const run = async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = callerOf(req);
      const q = (req.query as Record<string, unknown> | undefined)?.q;
      const soql = Array.isArray(q) ? q[0] : q;
      if (typeof soql !== 'string' || soql.trim() === '') throw queryErrors.missingQuery();
      const plan = compileSoql(soql, {
        now: ctx.store.clock.now(),
        includeDeleted: resource === 'queryAll',
        // Every object the query touches shows only what the caller may see (visibility.ts).
        viewer: caller,
        schema: ctx.schemaFor(caller),
      });
      // `columns=true` (the Salesforce CLI's `data query`): the query's columns, not its rows.
      if (queryParam(req, 'columns') === 'true') return sendJson(reply, 200, queryColumns(plan));
      sendJson(reply, 200, firstPage(ctx.store.db, cursors, plan, pageOptions(req, caller, resource)));
    };
    app.get(`/services/data/:version/${resource}`, run);
    app.get(`/services/data/:version/${resource}/`, run);

    app.get(`/services/data/:version/${resource}/:locator`, async (req, reply) => {
      const caller = callerOf(req);
      const locator = parseLocator((req.params as { locator: string }).locator);
      const cursor = locator && cursors.get(caller.userId, locator.id);
      if (!locator || !cursor || locator.offset > cursor.ids.length) throw queryErrors.invalidLocator();
      sendJson(reply, 200, page(ctx.store.db, cursor, locator.offset, pageOptions(req, caller, resource)));
    });
  }
}
