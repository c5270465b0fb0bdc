/**
 * The service's HTTP API for the pane: fastify on 127.0.0.1 only (default port 8702). Every answer is JSON;
 * every error is `{"error":{"code","message"}}`, never a stack trace. Order of checks on each request: the
 * Host is a loopback name, the Origin is the add-in's (CORS), then the secret (except sign-in and health).
 */
import { addJsonBodyParser } from '../common/json-body';
import { JsonShapeLimits } from '../common/json-shape';
import { ErrorVocabulary, mapFastifyError } from '../common/fastify-errors';
import { AddressInfo } from 'node:net';
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, serviceErrors } from './errors';
import { DEFAULT_ADDIN_ORIGINS, registerCors } from './cors';
import { registerHostGuard } from './host-guard';
import { SyncService, ServiceOptions } from './service';
import { registerAccountRoutes } from './routes/account';
import { registerSyncRoutes } from './routes/sync';
import { registerSettingsRoutes } from './routes/settings';
import { registerEmailRoutes } from './routes/email';
import { registerOAuthRoutes } from './routes/oauth';
import { registerOfficeDocsRoutes } from './routes/office-docs';
import { registerSidePanelRoutes } from './routes/side-panel';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered without the secret (sign-in hands it out). */
    public?: boolean;
  }
}

export const DEFAULT_SERVICE_PORT = 8702;
/** The one address the service listens on: never another interface. */
export const SERVICE_HOST = '127.0.0.1';
/** An email's text is cut to 32,000 characters; the rest of a body is small. */
const BODY_LIMIT = 1024 * 1024;
/**
 * The most structure a body may hold, counted before it is parsed: the largest request is a save of 400 sheet rows
 * (200 updates and 200 creates) with their fields, about 1,000 objects and a few tens of thousands of values.
 */
export const BODY_SHAPE: JsonShapeLimits = { containers: 2_000, values: 60_000 };

export interface ServiceServerOptions extends ServiceOptions {
  port?: number;
  /** Origins of the add-in's pages (default https://localhost:3000 and http://localhost:3000). */
  addinOrigins?: string[];
}

export interface RunningService {
  url: string;
  /** The socket's address (always 127.0.0.1) and port. */
  address: AddressInfo;
  service: SyncService;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Build the API over a service (not listening yet). */
export async function buildServiceApp(
  service: SyncService,
  o: { addinOrigins?: string[]; log?: ServiceOptions['log'] } = {},
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, return503OnClosing: false });
  const log = o.log ?? (() => undefined);

  app.removeAllContentTypeParsers();
  addJsonBodyParser(app, (_text, err) => serviceErrors.badJson(err.message), {
    limits: BODY_SHAPE,
    onExcess: (excess) => serviceErrors.jsonTooComplex(excess.exceeds, excess.limit),
  });

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store');
  });
  registerHostGuard(app);
  registerCors(app, o.addinOrigins ?? DEFAULT_ADDIN_ORIGINS);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (req.is404 || req.routeOptions.config.public) return;
    const refused = service.secret.check(req.headers.authorization);
    if (refused) throw refused;
  });

  const errors = serviceErrorsFor(log);
  app.setErrorHandler((err: FastifyError | ServiceError, req, reply) => {
    sendError(reply, mapFastifyError(err, req, errors, { bodyLimit: BODY_LIMIT }));
  });
  app.setNotFoundHandler((req, reply) => {
    sendError(reply, serviceErrors.notFound(req.method, req.url));
  });

  registerAccountRoutes(app, service);
  registerSyncRoutes(app, service);
  registerSettingsRoutes(app, service);
  registerEmailRoutes(app, service);
  registerSidePanelRoutes(app, service);
  registerOAuthRoutes(app, service, o.addinOrigins ?? DEFAULT_ADDIN_ORIGINS);
  registerOfficeDocsRoutes(app, service);
  return app;
}

/** Start the service and its API on 127.0.0.1:port (0 picks a free port). */
export async function startServiceServer(o: ServiceServerOptions): Promise<RunningService> {
  const service = new SyncService(o);
  try {
    const app = await buildServiceApp(service, o);
    await app.listen({ port: o.port ?? DEFAULT_SERVICE_PORT, host: SERVICE_HOST });
    const address = app.server.address() as AddressInfo;
    // A kept OAuth sign-in syncs again without waiting for the pane (in the background: the API answers meanwhile).
    void service
      .resumeKeptSignIn()
      .catch((err: unknown) => o.log?.('error', `resuming the kept sign-in: ${(err as Error).stack ?? String(err)}`));
    return {
      url: `http://${SERVICE_HOST}:${address.port}`,
      address,
      service,
      app,
      close: async () => {
        await app.close();
        await service.close();
      },
    };
  } catch (err) {
    await service.close();
    throw err;
  }
}

function sendError(reply: FastifyReply, err: ServiceError): void {
  void reply.code(err.status).type('application/json; charset=utf-8').send(JSON.stringify(err.toBody()));
}

/** Any failure as the pane's error: a client's mistake is a 4xx naming it, our own bug a 500 with no internals. */
function serviceErrorsFor(log: NonNullable<ServiceOptions['log']>): ErrorVocabulary<ServiceError> {
  return {
    own: (err): err is ServiceError => err instanceof ServiceError,
    bodyTooLarge: (limit) => serviceErrors.bodyTooLarge(limit),
    unsupportedMediaType: (type) => serviceErrors.unsupportedMediaType(type),
    emptyBody: () => serviceErrors.bodyRequired(),
    badJson: (message) => serviceErrors.badJson(message),
    badRequest: (status, message) => serviceErrors.badRequest(status, message),
    internal: (err, req) => {
      log('error', `unexpected error on ${req.method} ${req.url.split('?')[0]}: ${err.stack ?? err.message}`);
      return serviceErrors.internal();
    },
  };
}
