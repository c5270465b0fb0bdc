/** The mailbox on disk (kept across restarts, private file modes) and over https with its self-signed certificate. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, graphCaller, testMailboxSeed, walk } from '../../helpers/mailbox';
import { httpsGet as httpsGetText } from '../../helpers/loopback';

/** GET over https trusting only the given certificate, the body as JSON. */
async function httpsGet(
  url: string,
  ca: string,
  token: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  const res = await httpsGetText(url, ca, { Authorization: `Bearer ${token}` });
  return { status: res.status, headers: res.headers, body: res.text ? JSON.parse(res.text) : undefined };
}

describe('local mailbox: persistence and https', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-mailbox-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps items, ids and delta tokens across a restart, in a 0700 directory with 0600 files (the -wal and -shm too)', async () => {
    const data = path.join(dir, 'mailbox');
    const first = await startLocalMailbox({ seed: testMailboxSeed(), dataDir: data, port: 0 });
    assert.equal(first.seeded, true);
    const call1 = graphCaller(first, ANN.token);
    const made = (await call1('POST', '/me/contacts', { body: { givenName: 'Persistent' } })).body;
    const round = await walk(call1, '/me/contacts/delta');
    const token = new URL(round.deltaLink!).searchParams.get('$deltatoken')!;
    await first.close();
    assert.equal(fs.statSync(data).mode & 0o777, 0o700);
    for (const f of fs.readdirSync(data)) assert.equal(fs.statSync(path.join(data, f)).mode & 0o777, 0o600, f);

    const second = await startLocalMailbox({ dataDir: data, port: 0 });
    try {
      assert.equal(second.seeded, false);
      const call2 = graphCaller(second, ANN.token);
      assert.equal((await call2('GET', `/me/contacts/${made.id}`)).body.givenName, 'Persistent');
      await call2('DELETE', `/me/contacts/${made.id}`);
      const next = await walk(call2, `/me/contacts/delta?$deltatoken=${token}`);
      assert.deepEqual(next.items, [
        { '@odata.type': '#microsoft.graph.contact', id: made.id, '@removed': { reason: 'deleted' } },
      ]);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on an empty data dir without a seed', async () => {
    await assert.rejects(
      startLocalMailbox({ dataDir: path.join(dir, 'empty'), port: 0 }),
      /is empty: give a seed file/,
    );
  });

  it('serves https with a self-signed certificate it makes, and links keep https://localhost:port', async function () {
    this.timeout(20_000);
    const data = path.join(dir, 'tls-mailbox');
    const mb = await startLocalMailbox({ seed: testMailboxSeed(), dataDir: data, port: 0, tls: true });
    try {
      assert.match(mb.url, /^https:\/\/localhost:\d+$/);
      assert.ok(mb.certificate && fs.existsSync(mb.certificate.path));
      assert.equal(fs.statSync(path.join(data, 'tls', 'key.pem')).mode & 0o777, 0o600);
      const me = await httpsGet(`${mb.url}/v1.0/me`, mb.certificate!.pem, ANN.token);
      assert.equal(me.status, 200);
      assert.equal(me.body['@odata.context'], `${mb.url}/v1.0/$metadata#users/$entity`);
      const page = await httpsGet(`${mb.url}/v1.0/me/contacts/delta?$select=surname`, mb.certificate!.pem, ANN.token);
      assert.ok(String(page.body['@odata.deltaLink']).startsWith(`${mb.url}/v1.0/me/contacts/delta?$deltatoken=`));
      const viaIp = await httpsGet(
        `${mb.url.replace('localhost', '127.0.0.1')}/v1.0/me/contacts?$top=1`,
        mb.certificate!.pem,
        ANN.token,
      );
      assert.ok(
        String(viaIp.body['@odata.nextLink']).startsWith(
          `${mb.url.replace('localhost', '127.0.0.1')}/v1.0/me/contacts?`,
        ),
        'links use the host the request came in on',
      );
      // Plain http to the https port is not answered as Graph.
      await assert.rejects(
        fetch(`${mb.url.replace('https', 'http')}/v1.0/me`).then((r) => {
          if (r.status < 400) throw new Error('served');
          throw new Error('refused');
        }),
      );
    } finally {
      await mb.close();
    }
    // The certificate is reused on the next start.
    const again = await startLocalMailbox({ dataDir: data, port: 0, tls: true });
    try {
      assert.equal(again.certificate!.pem, fs.readFileSync(path.join(data, 'tls', 'cert.pem'), 'utf8'));
    } finally {
      await again.close();
    }
  });
});
