/**
 * Tokens stay out of URLs and logs (issue 10, finding 15): the data API takes a session only from the
 * Authorization header, and a bug of ours is logged with the request's path, never its query string.
 */
import assert from 'node:assert/strict';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';

const INVALID_SESSION = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

/** What `work` writes to stderr (and nothing reaches the terminal meanwhile). */
async function stderrOf(work: () => Promise<void>): Promise<string> {
  const original = process.stderr.write;
  let captured = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await work();
  } finally {
    process.stderr.write = original;
  }
  return captured;
}

describe('local org: tokens in URLs', () => {
  let org: LocalOrg;
  let ann: string;

  before(async () => {
    org = await startTestOrg();
    ann = sessionFor(org, 'ann@test.example');
  });
  after(async () => org.close());

  it('refuses a session given as oauth_token on the data API: 401 INVALID_SESSION_ID', async () => {
    for (const path of ['/limits', '/sobjects', `/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`]) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await fetch(`${org.url}/services/data/v60.0${path}${sep}oauth_token=${encodeURIComponent(ann)}`);
      assert.equal(res.status, 401, path);
      assert.deepEqual(await res.json(), INVALID_SESSION, path);
    }
  });

  it('still takes the Authorization header (an oauth_token beside it changes nothing)', async () => {
    const res = await fetch(`${org.url}/services/data/v60.0/limits?oauth_token=not-a-session`, {
      headers: { authorization: `Bearer ${ann}` },
    });
    assert.equal(res.status, 200);
  });

  it("still serves the identity URL with oauth_token, as jsforce's identity() calls it (WIRE.md 0.1)", async () => {
    const res = await fetch(
      `${org.url}/id/${org.ctx.orgId()}/${userId(org, 'ann@test.example')}?format=json&oauth_token=${encodeURIComponent(ann)}`,
    );
    assert.equal(res.status, 200);
  });

  it('logs an unexpected error with the path only, on the data API, OAuth and SOAP login', async () => {
    const secret = 'query-secret-00D';
    const evaluate = org.ctx.access.evaluate;
    const find = org.ctx.apps.find;
    const bug = () => {
      throw new Error('a bug of ours');
    };
    let statuses: number[] = [];
    const logged = await stderrOf(async () => {
      org.ctx.access.evaluate = bug;
      org.ctx.apps.find = bug;
      try {
        statuses = await Promise.all(
          [
            fetch(`${org.url}/services/data/v60.0/limits?oauth_token=${secret}`, {
              headers: { authorization: `Bearer ${ann}` },
            }),
            fetch(`${org.url}/services/oauth2/token?code=${secret}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'grant_type=password&client_id=x',
            }),
            fetch(`${org.url}/services/oauth2/authorize?client_id=${secret}&response_type=code`),
            fetch(`${org.url}/services/Soap/u/60.0?sid=${secret}`, {
              method: 'POST',
              headers: { 'content-type': 'text/xml' },
              body: '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><login><username>ann@test.example</username><password>x</password></login></se:Body></se:Envelope>',
            }),
          ].map(async (p) => (await p).status),
        );
      } finally {
        org.ctx.access.evaluate = evaluate;
        org.ctx.apps.find = find;
      }
    });
    assert.deepEqual(statuses, [500, 500, 500, 500]);
    for (const path of [
      'GET /services/data/v60.0/limits:',
      'POST /services/oauth2/token:',
      'GET /services/oauth2/authorize:',
      'POST /services/Soap/u/60.0:',
    ]) {
      assert.ok(logged.includes(`local org: unexpected error on ${path} Error: a bug of ours`), `${path} in ${logged}`);
    }
    assert.ok(!logged.includes(secret), logged);
  });
});
