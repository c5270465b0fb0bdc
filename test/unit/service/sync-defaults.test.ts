/**
 * The service syncs with the defaults a configuration file gets (issue 12, finding 3: the defaults were written in
 * app/config.ts and again in the service and its command). A config file that names only what it must is the
 * reference; the service's default settings, its --interval default and the delete guard of the engine it builds
 * must say the same.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { readSyncConfig, SYNC_DEFAULTS } from '../../../sync-engine/src/app/config';
import { defaultSettings } from '../../../sync-engine/src/service/settings';
import { registerServiceCommand } from '../../../sync-engine/src/cli/service-command';

describe('sync defaults: one set, for a config file and for the service', () => {
  let dir: string;
  let minimal: ReturnType<typeof readSyncConfig>;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-defaults-'));
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        product: 'salesforce-for-outlook',
        org: { loginUrl: 'http://127.0.0.1:8700', username: 'ann@demo.example', password: 'x' },
        mailbox: { url: 'http://127.0.0.1:8701', token: 'token-1234' },
        dataDir: 'state',
      }),
    );
    minimal = readSyncConfig(file, {});
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a config file that leaves them out gets SYNC_DEFAULTS', () => {
    assert.equal(minimal.intervalSeconds, SYNC_DEFAULTS.intervalSeconds);
    assert.deepEqual(minimal.deleteGuard, SYNC_DEFAULTS.deleteGuard);
    for (const o of Object.values(minimal.objects)) assert.deepEqual(o, SYNC_DEFAULTS.object);
  });

  it("the service's default settings are a config file's", () => {
    assert.deepEqual(defaultSettings(), minimal.objects);
  });

  it("the service command's --interval default is a config file's", () => {
    const program = new Command();
    registerServiceCommand(program, () => undefined);
    const interval = program.commands[0].options.find((o) => o.long === '--interval')!;
    assert.equal(Number(interval.defaultValue), minimal.intervalSeconds);
  });
});
