/** `GET /services/data/vNN.0/limits` (WIRE.md 6.3): the daily API allocation is the one the gate counts. */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { requestsUsedToday } from './rest-auth';
import { resource, V } from './rest-common';
import { sendJson } from './json-reply';

/** The org's limits (also a composite subrequest); only the daily API requests are counted, the others are always untouched. */
export function orgLimits(ctx: OrgContext): Record<string, { Max: number; Remaining: number }> {
  const max = ctx.options.dailyRequestLimit;
  const same = (n: number) => ({ Max: n, Remaining: n });
  return {
    ConcurrentAsyncGetReportInstances: same(200),
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - requestsUsedToday(ctx)) },
    DailyBulkApiRequests: same(5000),
    DataStorageMB: same(1024),
    FileStorageMB: same(1024),
    SingleEmail: same(1000),
  };
}

/** Register `/limits`. */
export async function registerRestLimits(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/limits`, `${V}/limits/`], {
    GET: (_req, reply) => sendJson(reply, 200, orgLimits(ctx)),
  });
}
