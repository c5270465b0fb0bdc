/** `GET /api/settings` and `PUT /api/settings`: refused while API access is off, with the product's text. */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';
import { applySettingsChange } from '../settings';

export function registerSettingsRoutes(app: FastifyInstance, service: SyncService): void {
  app.get('/api/settings', async () => ({ objects: service.settings() }));
  app.put('/api/settings', async (req) => ({
    objects: await service.changeSettings((current) => applySettingsChange(current, req.body)),
  }));
}
