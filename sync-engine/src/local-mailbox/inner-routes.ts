/**
 * The Graph routes of resource() (http.ts), kept also in a router of our own, so a request inside a `$batch` can run
 * its handler in-process (batch-step.ts) instead of through a fake HTTP exchange (fastify's `inject`, about 40% of
 * a batched create's cost). The router is the one fastify uses (find-my-way), with the options the server gives
 * fastify's, so a url finds the same route and the same parameters either way.
 */
import FindMyWay from 'find-my-way';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MailboxRecord } from './store';

/** The router options of the mailbox's fastify app (server.ts) and of this router: paths match without case. */
export const ROUTER_OPTIONS = { caseSensitive: false, ignoreTrailingSlash: true } as const;

export type RouteHandler = (req: FastifyRequest, reply: FastifyReply, mailbox: MailboxRecord) => unknown;

export interface InnerRoute {
  handler: RouteHandler;
  /** The route's body limit in bytes (body-limits.ts). */
  bodyLimit: number;
}

export interface FoundRoute {
  route: InnerRoute;
  params: Record<string, string | undefined>;
  query: Record<string, string>;
}

type Router = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

const routers = new WeakMap<FastifyInstance, Router>();

function routerOf(app: FastifyInstance): Router {
  let router = routers.get(app);
  if (!router) {
    router = FindMyWay(ROUTER_OPTIONS);
    routers.set(app, router);
  }
  return router;
}

/** Keep a route beside the app's (`url` with its `/v1.0` prefix, as registered on the app). */
export function addInnerRoute(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  route: InnerRoute,
): void {
  routerOf(app).on(method, url, () => undefined, route);
}

/** The route a method and url (path and query) find, or null when none does (fastify then answers for itself). */
export function findInnerRoute(app: FastifyInstance, method: string, url: string): FoundRoute | null {
  const found = routers.get(app)?.find(method as FindMyWay.HTTPMethod, url);
  if (!found) return null;
  return { route: found.store as InnerRoute, params: found.params, query: found.searchParams };
}
