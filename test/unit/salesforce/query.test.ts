import assert from 'node:assert/strict';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import { query, queryAll, soqlString } from '../../../sync-engine/src/salesforce/query';
import { fakeServer, FakeServer } from './fake-server';

describe('salesforce/query', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('follows nextRecordsUrl until done', async () => {
    server = await fakeServer((req) => {
      if (req.url.startsWith('/services/data/v60.0/query?q=')) {
        return {
          body: {
            totalSize: 5,
            done: false,
            nextRecordsUrl: '/services/data/v60.0/query/01gLOC-2',
            records: [{ Id: '1' }, { Id: '2' }],
          },
        };
      }
      if (req.url === '/services/data/v60.0/query/01gLOC-2') {
        return {
          body: {
            totalSize: 5,
            done: false,
            nextRecordsUrl: '/services/data/v60.0/query/01gLOC-4',
            records: [{ Id: '3' }, { Id: '4' }],
          },
        };
      }
      if (req.url === '/services/data/v60.0/query/01gLOC-4')
        return { body: { totalSize: 5, done: true, records: [{ Id: '5' }] } };
      return { status: 404, body: [{ message: 'no', errorCode: 'NOT_FOUND' }] };
    });
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    const r = await query<{ Id: string }>(conn, 'SELECT Id FROM Contact');
    assert.equal(r.totalSize, 5);
    assert.deepEqual(
      r.records.map((x) => x.Id),
      ['1', '2', '3', '4', '5'],
    );
    assert.equal(new URL(server.url + server.seen[0].url).searchParams.get('q'), 'SELECT Id FROM Contact');
  });

  it('queryAll asks /queryAll', async () => {
    server = await fakeServer(() => ({ body: { totalSize: 0, done: true, records: [] } }));
    const conn = new Connection({ instanceUrl: server.url, accessToken: 'T' });
    await queryAll(conn, 'SELECT Id FROM Contact');
    assert.match(server.seen[0].url, /^\/services\/data\/v60\.0\/queryAll\?q=/);
  });

  it('quotes SOQL strings', () => {
    assert.equal(soqlString("O'Brien \\ x"), "'O\\'Brien \\\\ x'");
  });
});
