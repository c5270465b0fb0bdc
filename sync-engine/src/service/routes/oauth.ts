/**
 * `POST /api/oauth/start` and `POST /api/oauth/finish` (public, like sign-in: finishing hands out the secret, and
 * replacing another account needs the current secret).
 */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';
import { parseOAuthFinish, parseOAuthStart } from '../oauth-sign-in';

export function registerOAuthRoutes(app: FastifyInstance, service: SyncService, addinOrigins: string[]): void {
  app.post('/api/oauth/start', { config: { public: true } }, async (req) =>
    service.startOAuth(parseOAuthStart(req.body, addinOrigins), service.holdsSecret(req.headers.authorization)),
  );
  app.post('/api/oauth/finish', { config: { public: true } }, async (req) =>
    service.finishOAuth(parseOAuthFinish(req.body), service.holdsSecret(req.headers.authorization)),
  );
}
