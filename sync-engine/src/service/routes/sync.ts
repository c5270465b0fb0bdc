/** Status, "sync now", connecting the Outlook mailbox, pause and resume, "start over" from an unusable state, and the last sync report. */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';

export function registerSyncRoutes(app: FastifyInstance, service: SyncService): void {
  app.get('/api/status', async () => service.status());
  app.post('/api/sync-now', async () => service.syncNow());
  app.post('/api/pause', async () => service.pause());
  app.post('/api/resume', async () => service.resume());
  app.post('/api/start-over', async () => service.startOver());
  app.post('/api/mailbox/connect', async () => service.connectMailbox());
  app.post('/api/mailbox/cancel-connect', async () => service.cancelMailboxConnect());
  app.post('/api/mailbox/disconnect', async () => service.disconnectMailbox());
  app.get('/api/report', async () => ({ report: service.report() }));
}
