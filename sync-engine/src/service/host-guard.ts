/**
 * Accept only requests addressed to the loopback names. A web page that rebinds its own DNS name to 127.0.0.1
 * reaches the port but sends its own name in Host, so it is refused (DNS rebinding).
 */
import { FastifyInstance } from 'fastify';
import { serviceErrors } from './errors';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);

export function registerHostGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const host = String(req.headers.host ?? '');
    const name = host.replace(/:\d+$/, '').toLowerCase();
    if (!LOOPBACK_NAMES.has(name)) throw serviceErrors.hostNotAllowed(host);
  });
}
