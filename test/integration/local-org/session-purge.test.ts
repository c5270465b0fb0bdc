/**
 * Expired and revoked sessions leave the org's data file (issue 10, finding 18: 14,474 rows after a load test):
 * at start, and as new sessions are opened.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalOrg, startLocalOrg } from '../../../sync-engine/src/local-org';
import { SESSION_SECONDS } from '../../../sync-engine/src/local-org/sessions';
import { ManualClock, testSeed } from '../../helpers/org';

const SESSION_MS = SESSION_SECONDS * 1000;

describe('local org: expired and revoked sessions are purged', function () {
  this.timeout(30_000);
  let dir: string;
  let clock: ManualClock;
  let org: LocalOrg;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-sessions-'));
    clock = new ManualClock();
    org = await startLocalOrg({ seed: testSeed(), dataDir: dir, port: 0, clock });
  });
  afterEach(async () => {
    await org.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = () =>
    (
      org.ctx.store.db.prepare(`SELECT kind, COUNT(*) AS n FROM sessions GROUP BY kind ORDER BY kind`).all() as Array<{
        kind: string;
        n: number;
      }>
    ).map((r) => `${r.kind}:${r.n}`);

  async function passwordGrant(): Promise<{ access_token: string; status: number }> {
    const res = await fetch(`${org.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'reporting-client',
        client_secret: 'reporting-secret',
        username: 'ann@test.example',
        password: 'Ann-pass-1',
      }).toString(),
    });
    return { ...((await res.json()) as { access_token: string }), status: res.status };
  }

  it('drops expired sessions when new ones are opened, and keeps live ones', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await passwordGrant()).status, 200);
    assert.deepEqual(rows(), ['access:5']);
    clock.advance(SESSION_MS - 60_000);
    const live = await passwordGrant();
    clock.advance(120_000); // the first five are now past their 2 hours; the sixth is not
    await passwordGrant();
    assert.deepEqual(rows(), ['access:2']);
    const res = await fetch(`${org.url}/services/data/v60.0/limits`, {
      headers: { authorization: `Bearer ${live.access_token}` },
    });
    assert.equal(res.status, 200);
  });

  it('drops expired sessions at start', async () => {
    for (let i = 0; i < 3; i++) await passwordGrant();
    await org.close();
    clock.advance(SESSION_MS + 1000);
    org = await startLocalOrg({ dataDir: dir, port: 0, clock });
    assert.deepEqual(rows(), []);
  });

  it('deletes a revoked session at once', async () => {
    const { access_token } = await passwordGrant();
    const res = await fetch(`${org.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: access_token }).toString(),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(rows(), []);
  });
});
