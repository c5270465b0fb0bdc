/**
 * A failed `org serve` leaves the data dir as it found it (issue 12, finding 12: a failed start left an empty
 * org.sqlite, which the next start then opened as an org with no seed). Through the built CLI: a bad seed, no seed
 * for an empty dir, and a port in use, on a fresh dir and on one that already holds an org.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../helpers/sync-cli';
import { startLocalOrg } from '../../../sync-engine/src/local-org';
import { REPO_ROOT } from '../../helpers/shared';

const SEED = path.join(REPO_ROOT, 'test', 'fixtures', 'org-seed.json');

describe('org serve: a failed start leaves no half-made org', function () {
  this.timeout(60_000);
  let root: string;
  let busy: net.Server;
  let busyPort: number;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-org-serve-'));
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => busy.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The files a start left in a data dir (none when the dir is gone). */
  const left = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

  it('a bad seed: exit 2 naming the problem, and no org.sqlite', async () => {
    const bad = path.join(root, 'bad-seed.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ organization: { name: 'X', edition: 'enterprise' }, profiles: [], users: [] }),
    );
    const data = path.join(root, 'bad');
    const r = await runCli(['org', 'serve', '--seed', bad, '--port', '0', '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /profiles: at least one profile is needed/);
    assert.deepEqual(left(data), []);
  });

  it('no seed for an empty data dir: exit 2 saying to give one, and no org.sqlite', async () => {
    const data = path.join(root, 'none');
    const r = await runCli(['org', 'serve', '--port', '0', '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /give a seed file \(--seed FILE\)/);
    assert.deepEqual(left(data), []);
    // The next start with a seed seeds it (an empty file left behind would have been opened instead).
    const org = await startLocalOrg({ seedFile: SEED, dataDir: data, port: 0 });
    try {
      assert.equal(org.seeded, true);
    } finally {
      await org.close();
    }
  });

  it('the port in use on a fresh data dir: exit 2 naming the port, and no org.sqlite', async () => {
    const data = path.join(root, 'fresh');
    const r = await runCli(['org', 'serve', '--seed', SEED, '--port', String(busyPort), '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`port ${busyPort} is in use`));
    assert.deepEqual(left(data), []);
  });

  it('the port in use on a data dir that holds an org: exit 2, and the org is kept as it was', async () => {
    const data = path.join(root, 'kept');
    const first = await startLocalOrg({ seedFile: SEED, dataDir: data, port: 0 });
    await first.close();
    const before = left(data);
    assert.ok(before.includes('org.sqlite'), before.join(', '));
    const r = await runCli(['org', 'serve', '--port', String(busyPort), '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(left(data).includes('org.sqlite'));
    const again = await startLocalOrg({ dataDir: data, port: 0 });
    try {
      assert.equal(again.seeded, false, 'the org is opened, not seeded again');
    } finally {
      await again.close();
    }
  });
});
