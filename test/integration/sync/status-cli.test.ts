/**
 * `sfo-compat status` reads only the local state (issue 12, finding 9): it needs neither the password nor the
 * mailbox token (their environment variables may be unset), and it creates nothing for a data dir that never synced.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SyncWorld, startSyncWorld, ANN_TOKEN } from '../../helpers/sync';
import { runCli } from '../../helpers/sync-cli';

describe('sfo-compat status: local state only', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const write = (name: string, content: unknown) => {
    const file = path.join(w.dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const config = (secrets: object) => ({
    product: 'salesforce-for-outlook',
    dataDir: 'status-state',
    objects: { contacts: { direction: 'both' }, events: { direction: 'none' }, tasks: { direction: 'none' } },
    ...secrets,
  });

  before(async () => {
    w = await startSyncWorld();
  });
  after(async () => w?.close());

  it('before any sync: exit 0, "never-synced", and no state dir made; the secrets\' environment variables unset', async () => {
    const file = write(
      'by-env.json',
      config({
        org: { loginUrl: w.org.url, username: 'ann@test.example', passwordEnv: 'SFO_STATUS_TEST_UNSET_PASSWORD' },
        mailbox: { url: w.mailbox.url, tokenEnv: 'SFO_STATUS_TEST_UNSET_TOKEN' },
      }),
    );
    const r = await runCli(['status', '--config', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.state, 'never-synced');
    assert.ok(!fs.existsSync(path.join(w.dir, 'status-state')), 'status made no state');
  });

  it('after a sync: the same configuration without the secrets shows the last run', async () => {
    const withSecrets = write(
      'inline.json',
      config({
        org: { loginUrl: w.org.url, username: 'ann@test.example', password: 'Ann-pass-1' },
        mailbox: { url: w.mailbox.url, token: ANN_TOKEN },
      }),
    );
    assert.equal((await runCli(['sync', '--config', withSecrets, '--once', '--json'])).code, 0);
    const r = await runCli(['status', '--config', path.join(w.dir, 'by-env.json'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.state, 'idle');
    assert.match(r.json.lastRun, /^\d{4}-/);
  });
});
