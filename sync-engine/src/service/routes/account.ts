/**
 * `POST /api/sign-in` (public: it hands out the secret; replacing another account needs the current secret),
 * `POST /api/sign-out`, `GET /api/health` (public).
 */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';
import { parseSignIn } from '../sign-in';

export function registerAccountRoutes(app: FastifyInstance, service: SyncService): void {
  app.get('/api/health', { config: { public: true } }, async () => ({ ok: true, service: 'sfo-compat' }));

  app.post('/api/sign-in', { config: { public: true } }, async (req) =>
    service.signIn(parseSignIn(req.body), service.holdsSecret(req.headers.authorization)),
  );

  app.post('/api/sign-out', async () => {
    await service.signOut();
    return { ok: true };
  });
}
