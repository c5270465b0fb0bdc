/**
 * The side panel (docs/side-panel.md): `POST /api/side-panel/people` (who in the item is in Salesforce),
 * `POST /api/side-panel/create-person`, `GET /api/side-panel/related?q=` (a What by name), `POST /api/side-panel/add`.
 */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';
import { parsePeople } from '../side-panel/people-input';
import { parseCreatePerson } from '../side-panel/create-person';
import { parseRelatedQuery } from '../side-panel/related-search';
import { parseAddItem } from '../side-panel/add-item-input';

export function registerSidePanelRoutes(app: FastifyInstance, service: SyncService): void {
  app.post('/api/side-panel/people', async (req) => service.sidePanelPeople(parsePeople(req.body)));
  app.post('/api/side-panel/create-person', async (req) => service.createPerson(parseCreatePerson(req.body)));
  app.get('/api/side-panel/related', async (req) => ({
    records: await service.relatedRecords(parseRelatedQuery((req.query as Record<string, unknown>).q)),
  }));
  app.post('/api/side-panel/add', async (req) => service.addItem(parseAddItem(req.body)));
}
