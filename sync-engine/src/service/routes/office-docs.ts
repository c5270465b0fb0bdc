/**
 * The Word and Excel add-in's calls (Connect for Office): an object's fields, Word's merge fields, a query's rows, and
 * saving a sheet's changed and new rows. Each runs on the signed-in account's session; lost API access answers
 * the signed-in product's own sync text (403).
 */
import { FastifyInstance } from 'fastify';
import { SyncService } from '../service';
import { mergeFields, objectFields, runQuery, saveRows } from '../office-docs/org-calls';
import { MAX_QUERY_ROWS, parseObjectName, parseOfficeQuery, parseOfficeSave } from '../office-docs/requests';

export function registerOfficeDocsRoutes(app: FastifyInstance, service: SyncService): void {
  app.get<{ Params: { object: string } }>('/api/office/objects/:object/fields', async (req) => {
    const object = parseObjectName(req.params.object);
    return service.withOrgDescribes('read the fields of this object', (d) => objectFields(d, object));
  });
  app.get<{ Params: { object: string } }>('/api/office/merge-fields/:object', async (req) => {
    const object = parseObjectName(req.params.object);
    return service.withOrgDescribes('read the merge fields', (d) => mergeFields(d, object));
  });
  app.post('/api/office/query', async (req) => {
    const query = parseOfficeQuery(req.body);
    return service.withOrgSession('read these records', (conn) => runQuery(conn, query, MAX_QUERY_ROWS));
  });
  app.post('/api/office/save', async (req) => {
    const save = parseOfficeSave(req.body);
    return service.withOrgSession('save these rows', (conn, failure) => saveRows(conn, save, failure));
  });
}
