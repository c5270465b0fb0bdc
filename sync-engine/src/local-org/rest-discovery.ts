/**
 * REST discovery: `GET /services/data/` lists the API versions (no authentication, no Sforce-Limit-Info;
 * WIRE.md 3.1) and `GET /services/data/vNN.0` lists the resources of a version (3.2). The REST gate in
 * rest-auth.ts authenticates the versioned path before it gets here.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { MAX_API_VERSION, MIN_API_VERSION } from './rest-auth';
import { identityUrl } from './identity';
import { baseUrl } from './request-info';
import { restErrors } from './errors';
import { sendJson } from './json-reply';

const SEASONS = ['Winter', 'Spring', 'Summer'];

/** The release name of an API version: 20.0 is Winter '11, three releases a year since. */
export function releaseLabel(major: number): string {
  const n = major - MIN_API_VERSION;
  const year = 11 + Math.floor(n / 3);
  return `${SEASONS[n % 3]} '${String(year).padStart(2, '0')}`;
}

export function apiVersions(): Array<{ label: string; url: string; version: string }> {
  const out = [];
  for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) {
    out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

/** The resources this org serves, with the version each appeared in; in Salesforce's order. */
const RESOURCES: ReadonlyArray<{ name: string; since: number; path: string | null }> = [
  { name: 'limits', since: 29, path: 'limits' },
  { name: 'query', since: 20, path: 'query' },
  { name: 'queryAll', since: 29, path: 'queryAll' },
  { name: 'identity', since: 20, path: null },
  { name: 'composite', since: 34, path: 'composite' },
  { name: 'search', since: 20, path: 'search' },
  { name: 'parameterizedSearch', since: 36, path: 'parameterizedSearch' },
  { name: 'sobjects', since: 20, path: 'sobjects' },
];

/** Register the version list and each version's resource list. */
export async function registerRestDiscovery(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  const versions = async (_req: FastifyRequest, reply: FastifyReply) => sendJson(reply, 200, apiVersions());
  app.get('/services/data/', versions);
  app.get('/services/data', versions);

  for (let major = MIN_API_VERSION; major <= MAX_API_VERSION; major++) {
    const resources = async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = req.caller;
      if (!caller) throw restErrors.invalidSession();
      const body: Record<string, string> = {};
      for (const r of RESOURCES) {
        if (major < r.since) continue;
        body[r.name] =
          r.path === null
            ? identityUrl(baseUrl(req), ctx.orgId(), caller.userId)
            : `/services/data/v${major}.0/${r.path}`;
      }
      return sendJson(reply, 200, body);
    };
    app.get(`/services/data/v${major}.0`, resources);
    app.get(`/services/data/v${major}.0/`, resources);
  }
}
