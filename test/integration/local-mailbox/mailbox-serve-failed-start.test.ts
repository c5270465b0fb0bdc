/**
 * A failed `mailbox serve` leaves the data dir as it found it, as `org serve` does (issue 12, finding 12: a failed
 * start left an empty mailbox.sqlite, which the next start opened as a mailbox with no seed). Through the built CLI:
 * a bad seed, no seed for an empty dir, and a port in use, on a fresh dir (with --tls, whose certificate folder goes
 * too) and on one that already holds a mailbox.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../helpers/sync-cli';
import { startLocalMailbox } from '../../../sync-engine/src/local-mailbox';

const SEED = { mailboxes: [{ user: 'ann@test.example', token: 'ann-mailbox-token', contacts: [] }] };

describe('mailbox serve: a failed start leaves no half-made mailbox', function () {
  this.timeout(60_000);
  let root: string;
  let seedFile: string;
  let busy: net.Server;
  let busyPort: number;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-mailbox-serve-'));
    seedFile = path.join(root, 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify(SEED));
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => busy.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });

  const left = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

  it('a bad seed: exit 2 naming the problem, and nothing left', async () => {
    const bad = path.join(root, 'bad-seed.json');
    fs.writeFileSync(bad, JSON.stringify({ mailboxes: [{ user: 'ann@test.example' }] }));
    const data = path.join(root, 'bad');
    const r = await runCli(['mailbox', 'serve', '--seed', bad, '--port', '0', '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /mailboxes\[0\]\.token/);
    assert.deepEqual(left(data), []);
  });

  it('no seed for an empty data dir: exit 2 saying to give one, nothing left, and the next start seeds it', async () => {
    const data = path.join(root, 'none');
    const r = await runCli(['mailbox', 'serve', '--port', '0', '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /give a seed file \(--seed FILE\)/);
    assert.deepEqual(left(data), []);
    const mailbox = await startLocalMailbox({ seedFile, dataDir: data, port: 0 });
    try {
      assert.equal(mailbox.seeded, true);
    } finally {
      await mailbox.close();
    }
  });

  it('the port in use on a fresh data dir with --tls: exit 2 naming the port, and nothing left', async () => {
    const data = path.join(root, 'fresh');
    const r = await runCli([
      'mailbox',
      'serve',
      '--seed',
      seedFile,
      '--port',
      String(busyPort),
      '--data',
      data,
      '--tls',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${busyPort}`));
    assert.deepEqual(left(data), []);
  });

  it('the port in use on a data dir that holds a mailbox: exit 2, and the mailbox is kept as it was', async () => {
    const data = path.join(root, 'kept');
    const first = await startLocalMailbox({ seedFile, dataDir: data, port: 0 });
    await first.close();
    assert.ok(left(data).includes('mailbox.sqlite'));
    const r = await runCli(['mailbox', 'serve', '--port', String(busyPort), '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    const again = await startLocalMailbox({ dataDir: data, port: 0 });
    try {
      assert.equal(again.seeded, false, 'the mailbox is opened, not seeded again');
    } finally {
      await again.close();
    }
  });
});
