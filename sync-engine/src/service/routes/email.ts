/** `POST /api/add-email` ("Add Email to Salesforce") and `GET /api/unresolved` (emails that matched no Contact). */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';
import { parseAddEmail } from '../add-email';

export function registerEmailRoutes(app: FastifyInstance, service: SyncService): void {
  app.post('/api/add-email', async (req) => service.addEmail(parseAddEmail(req.body)));
  app.get('/api/unresolved', async () => ({ items: service.unresolvedItems() }));
}
