/**
 * Private data on disk (issue 10, finding 7): every data dir is 0700 and every file in it 0600, SQLite's -wal and
 * -shm included, for the org, the mailbox, the service and the engine; what an older version left looser is
 * tightened at start.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startLocalOrg } from '../../sync-engine/src/local-org';
import { startLocalMailbox } from '../../sync-engine/src/local-mailbox';
import { openServiceDb } from '../../sync-engine/src/service/service-db';
import { StateStore } from '../../sync-engine/src/sync/state-store';
import { testSeed } from '../helpers/org';
import { testMailboxSeed } from '../helpers/mailbox';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** The mode of the dir and of each file in it, by name. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir).toString(8) };
  for (const f of fs.readdirSync(dir)) out[f] = mode(path.join(dir, f)).toString(8);
  return out;
}

function allPrivate(files: string[]): Record<string, string> {
  return Object.fromEntries([['.', '700'], ...files.map((f) => [f, '600'])]);
}

/**
 * A database as an older version left it: the dir 0755, the file and its -wal and -shm 0644. A connection is kept
 * open so the -wal and -shm stay on disk (SQLite deletes them when the last connection closes).
 */
function leaveLoose(dir: string, file: string): Database.Database {
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, file));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS leftover (x)');
  fs.chmodSync(dir, 0o755);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(path.join(dir, f), 0o644);
  return db;
}

describe('private data files: 0700 dirs, 0600 files, -wal and -shm too', function () {
  this.timeout(30_000);
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-private-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the org: a new data dir, org.sqlite and its -wal and -shm, while it runs', async () => {
    const data = path.join(root, 'org');
    const org = await startLocalOrg({ seed: testSeed(), dataDir: data, port: 0 });
    try {
      assert.deepEqual(modes(data), allPrivate(['org.sqlite', 'org.sqlite-shm', 'org.sqlite-wal']));
    } finally {
      await org.close();
    }
  });

  it('the org: an existing data dir left 0755 and files left 0644 are tightened at start', async () => {
    const data = path.join(root, 'org');
    await (await startLocalOrg({ seed: testSeed(), dataDir: data, port: 0 })).close();
    const older = leaveLoose(data, 'org.sqlite');
    const org = await startLocalOrg({ dataDir: data, port: 0 });
    try {
      assert.equal(org.seeded, false);
      assert.deepEqual(modes(data), allPrivate(['org.sqlite', 'org.sqlite-shm', 'org.sqlite-wal']));
    } finally {
      await org.close();
      older.close();
    }
  });

  it('the mailbox: an existing data dir and files left loose are tightened at start', async () => {
    const data = path.join(root, 'mailbox');
    await (await startLocalMailbox({ seed: testMailboxSeed(), dataDir: data, port: 0 })).close();
    const older = leaveLoose(data, 'mailbox.sqlite');
    const mailbox = await startLocalMailbox({ dataDir: data, port: 0 });
    try {
      assert.deepEqual(modes(data), allPrivate(['mailbox.sqlite', 'mailbox.sqlite-shm', 'mailbox.sqlite-wal']));
    } finally {
      await mailbox.close();
      older.close();
    }
  });

  it('the service: service.sqlite and a -wal and -shm left loose', () => {
    const data = path.join(root, 'service');
    const older = leaveLoose(data, 'service.sqlite');
    fs.chmodSync(data, 0o700);
    const db = openServiceDb(data);
    try {
      assert.deepEqual(modes(data), allPrivate(['service.sqlite', 'service.sqlite-shm', 'service.sqlite-wal']));
    } finally {
      db.close();
      older.close();
    }
  });

  it('the engine: an existing data dir left 0755, state.sqlite and its -wal and -shm left 0644', () => {
    const data = path.join(root, 'engine');
    const older = leaveLoose(data, 'state.sqlite');
    const store = new StateStore(data);
    try {
      assert.deepEqual(modes(data), allPrivate(['state.sqlite', 'state.sqlite-shm', 'state.sqlite-wal']));
    } finally {
      store.close();
      older.close();
    }
  });

  it('the engine: a new data dir and its files, while the state is open', () => {
    const data = path.join(root, 'new-engine');
    const store = new StateStore(data);
    try {
      assert.deepEqual(modes(data), allPrivate(['state.sqlite', 'state.sqlite-shm', 'state.sqlite-wal']));
    } finally {
      store.close();
    }
  });
});
