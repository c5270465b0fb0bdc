/**
 * `GET /tooling/query?q=...`: the Tooling API's query, which the Salesforce CLI runs for objects this org does not
 * have (`SourceMember` for source tracking, `ApexClass`, `DebugLevel`...). It answers the Tooling query result with
 * no records, not 404, so the commands that only look go on; a query that names no object is MALFORMED_QUERY.
 */
import { FastifyInstance } from 'fastify';
import { V, queryParam, resource } from './rest-common';
import { sendJson } from './json-reply';
import { queryErrors } from './soql/query-errors';

const FROM = /\bFROM\s+([A-Za-z][A-Za-z0-9_]*)\b/i;

/** Register `tooling/query`. */
export async function registerRestToolingQuery(app: FastifyInstance): Promise<void> {
  resource(app, [`${V}/tooling/query`, `${V}/tooling/query/`], {
    GET: (req, reply) => {
      const q = queryParam(req, 'q');
      if (q === undefined || q.trim() === '') throw queryErrors.missingQuery();
      if (!/^\s*SELECT\b/i.test(q) || !FROM.test(q))
        throw queryErrors.malformed(`unexpected token: '${q.trim().split(/\s+/)[0]}'`);
      sendJson(reply, 200, {
        size: 0,
        totalSize: 0,
        done: true,
        queryLocator: null,
        entityTypeName: null,
        records: [],
      });
    },
  });
}
