/**
 * The add-in's pages (dist/) served to Outlook or a browser: fastify with @fastify/static on localhost, over
 * https when a certificate is given (Outlook loads add-ins over https only), else over http.
 */
import { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export interface AddinSiteOptions {
  /** The built pane (dist/). */
  root: string;
  /** 0 picks a free port. */
  port: number;
  /** Default localhost: the manifest's origin is https://localhost:3000. */
  host?: string;
  /** Certificate and key (PEM) for https. */
  tls?: { cert: string | Buffer; key: string | Buffer } | null;
}

export interface AddinSite {
  /** Like https://localhost:3000. */
  origin: string;
  close(): Promise<void>;
}

export async function startAddinSite(o: AddinSiteOptions): Promise<AddinSite> {
  const host = o.host ?? 'localhost';
  // One type for both: the https server differs only in how it accepts connections.
  const app = (o.tls
    ? Fastify({ logger: false, https: { cert: o.tls.cert, key: o.tls.key } })
    : Fastify({ logger: false })) as unknown as FastifyInstance;
  await app.register(fastifyStatic, { root: o.root, index: false, cacheControl: false });
  app.addHook('onSend', async (_req, reply) => {
    // A rebuilt pane is what the next load gets.
    reply.header('Cache-Control', 'no-cache');
  });
  // `localhost` listens on each loopback address it resolves to (127.0.0.1 and ::1), and nothing else.
  await app.listen({ port: o.port, host });
  const port = (app.server.address() as AddressInfo).port;
  return { origin: `${o.tls ? 'https' : 'http'}://${host}:${port}`, close: () => app.close() };
}
