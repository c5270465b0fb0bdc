/**
 * A misspelled key at any level of the sync configuration is an error naming it (issue 12, finding 8): before,
 * `deleteGuard.maxShar`, `objects.contacts.winer` and `org.pasword` were ignored, leaving the default in place.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, readSyncConfig } from '../../../sync-engine/src/app/config';

describe('sync config: unknown keys at every level', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-config-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const base = () => ({
    product: 'salesforce-for-outlook',
    org: { loginUrl: 'http://127.0.0.1:8700', username: 'ann@test.example', password: 'pw' },
    mailbox: { url: 'http://127.0.0.1:8701', token: 't' },
    dataDir: 'state',
  });
  const problemsOf = (config: unknown): string[] => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(config));
    try {
      readSyncConfig(file, {});
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems;
    }
  };

  it('a sound configuration has no problem', () => {
    assert.deepEqual(
      problemsOf({
        ...base(),
        objects: { contacts: { direction: 'both', winner: 'outlook' } },
        deleteGuard: { maxShare: 0.2 },
      }),
      [],
    );
  });

  it('one problem per misspelled key, each naming where it is, the key it is near, and the keys expected there', () => {
    const config = {
      ...base(),
      org: { loginUrl: 'http://127.0.0.1:8700', username: 'ann@test.example', password: 'pw', pasword: 'typo' },
      mailbox: { url: 'http://127.0.0.1:8701', token: 't', tokne: 'x' },
      objects: { contacts: { direction: 'both', winer: 'outlook' } },
      deleteGuard: { maxShar: 0.1 },
      intervalSecond: 60,
    };
    assert.deepEqual(problemsOf(config).sort(), [
      'deleteGuard.maxShar: unknown key (did you mean maxShare? expected maxShare)',
      'intervalSecond: unknown key (did you mean intervalSeconds? expected product, productVersion, org, mailbox, objects, intervalSeconds, dataDir, deleteGuard)',
      'mailbox.tokne: unknown key (did you mean token? expected url, token, tokenEnv, clientId, tenant, authority)',
      'objects.contacts.winer: unknown key (did you mean winner? expected direction, winner, createAccounts)',
      'org.pasword: unknown key (did you mean password? expected loginUrl, clientId, username, password, passwordEnv)',
    ]);
  });

  it('a key far from any known one gets no suggestion', () => {
    assert.deepEqual(problemsOf({ ...base(), org: { ...base().org, colour: 'blue' } }), [
      'org.colour: unknown key (expected loginUrl, clientId, username, password, passwordEnv)',
    ]);
  });
});
