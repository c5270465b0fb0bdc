/**
 * CORS for the add-in's pages only. A request from an allowed origin gets `Access-Control-Allow-Origin` for that
 * origin (and a preflight its answer); a request from any other origin is refused with no CORS headers, so a web
 * page elsewhere can neither read answers nor make the service act. Requests without an Origin (a command line,
 * a test) pass: the secret protects them.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serviceErrors } from './errors';

/** The add-in's origins when none is configured: its https dev server, and http for a dev server without TLS. */
export const DEFAULT_ADDIN_ORIGINS = ['https://localhost:3000', 'http://localhost:3000'];

const ALLOW_METHODS = 'GET, POST, PUT, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type';
const PREFLIGHT_MAX_AGE_S = '600';

/** An origin as browsers send it (`scheme://host[:port]`), or undefined when the value is not an http(s) URL. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (!allowed.has(origin)) throw serviceErrors.originNotAllowed(origin);
    reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      reply
        .header('Access-Control-Allow-Methods', ALLOW_METHODS)
        .header('Access-Control-Allow-Headers', ALLOW_HEADERS)
        .header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
      // Chrome asks before a page reaches a loopback address (Private Network Access).
      if (req.headers['access-control-request-private-network'] === 'true')
        reply.header('Access-Control-Allow-Private-Network', 'true');
      await reply.code(204).send();
    }
  });
}
