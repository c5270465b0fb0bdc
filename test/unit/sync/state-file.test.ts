/**
 * Opening the state file (state-file.ts), keeping its last good copy (last-good-copy.ts) and describing a failed
 * run (run-failure.ts), on real SQLite files in temp folders: which state is opened, restored or refused, what is
 * set aside, and that a failure names its file and fix.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openState, StateFileError } from '../../../sync-engine/src/sync/state-file';
import { keepLastGoodCopy, LAST_GOOD_COPY, SYNCED_MARK } from '../../../sync-engine/src/sync/last-good-copy';
import { describeRunFailure } from '../../../sync-engine/src/sync/run-failure';
import { StateStore } from '../../../sync-engine/src/sync/state-store';

const NOW = () => new Date('2026-12-01T10:00:00.000Z');

describe('sync/state-file: opening, restoring and refusing the state', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-state-file-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const state = (dir: string) => path.join(dir, 'state.sqlite');

  /** A data dir that synced: one link and a checkpoint, then its last good copy. */
  async function syncedDir(): Promise<string> {
    const dir = newDir();
    const { store } = openState(dir, { now: NOW });
    store.storeChanges('outlook', 'contacts', [], 'delta-1');
    store.putLink({ object: 'contacts', sfId: '003A', olId: 'OL-A', sfVersion: null, olVersion: null, hash: 'h1' });
    assert.equal(await keepLastGoodCopy(store.db, dir, NOW()), true);
    store.close();
    return dir;
  }

  it('a new data dir: a new state, nothing to say; no copy is kept of a state without history', async () => {
    const dir = newDir();
    const { store, notices } = openState(dir, { now: NOW });
    assert.deepEqual(notices, []);
    assert.equal(fs.statSync(state(dir)).mode & 0o777, 0o600);
    assert.equal(await keepLastGoodCopy(store.db, dir, NOW()), false);
    assert.ok(!fs.existsSync(path.join(dir, LAST_GOOD_COPY)));
    assert.ok(!fs.existsSync(path.join(dir, SYNCED_MARK)));
    store.close();
  });

  it('the copy: 0600, one plain file (no WAL) that passes quick_check; the mark says when', async () => {
    const dir = await syncedDir();
    const copy = path.join(dir, LAST_GOOD_COPY);
    assert.equal(fs.statSync(copy).mode & 0o777, 0o600);
    const db = new Database(copy, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
    assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
    db.close();
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, SYNCED_MARK), 'utf8')), {
      firstCopyAt: NOW().toISOString(),
      lastCopyAt: NOW().toISOString(),
    });
    assert.ok(!fs.readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary file left');
  });

  it('a sound state with history opens as it is', async () => {
    const dir = await syncedDir();
    const { store, notices } = openState(dir, { now: NOW });
    assert.deepEqual(notices, []);
    assert.equal(store.linkCount('contacts'), 1);
    store.close();
  });

  it('missing, with journal files left behind: restored from the copy; the stale -wal is set aside, not replayed onto it', async () => {
    const dir = await syncedDir();
    fs.rmSync(state(dir));
    fs.writeFileSync(`${state(dir)}-wal`, Buffer.alloc(4096, 7));
    const { store, notices } = openState(dir, { now: NOW });
    assert.equal(store.linkCount('contacts'), 1);
    assert.equal(store.checkpoint('outlook', 'contacts'), 'delta-1');
    assert.equal(notices.length, 1);
    assert.match(
      notices[0],
      /is missing: restored the last good copy taken 2026-12-01T10:00:00\.000Z\..* The journal files it left are kept as .*state\.sqlite\.leftover-2026-12-01T10-00-00-000Z-wal\.$/,
    );
    assert.deepEqual(
      fs.readFileSync(path.join(dir, 'state.sqlite.leftover-2026-12-01T10-00-00-000Z-wal')),
      Buffer.alloc(4096, 7),
    );
    store.close();
  });

  it('a state emptied of its tables\' rows is "empty" when the data dir synced before: restored', async () => {
    const dir = await syncedDir();
    const db = new Database(state(dir));
    db.exec('DELETE FROM links; DELETE FROM checkpoints;');
    db.close();
    const { store, notices } = openState(dir, { now: NOW });
    assert.equal(store.linkCount('contacts'), 1);
    assert.match(
      notices[0],
      /is empty: restored the last good copy.* The empty file is kept as .*state\.sqlite\.empty-2026-12-01T10-00-00-000Z( \(with its journal files\))?\.$/,
    );
    store.close();
  });

  it('damaged, and the copy damaged too: STATE_CORRUPT naming both files, and nothing is changed on disk', async () => {
    const dir = await syncedDir();
    fs.writeFileSync(state(dir), 'not a database '.repeat(300));
    fs.writeFileSync(path.join(dir, LAST_GOOD_COPY), 'not a database either '.repeat(300));
    const before = fs.readdirSync(dir).sort();
    assert.throws(
      () => openState(dir, { now: NOW, howToResync: 'run: resync-it' }),
      (err: unknown) => {
        assert.ok(err instanceof StateFileError);
        assert.equal(err.code, 'STATE_CORRUPT');
        assert.equal(err.file, state(dir));
        assert.equal(
          err.message,
          `The sync state file ${state(dir)} is damaged (file is not a database), and there is no good copy to restore (${path.join(dir, LAST_GOOD_COPY)}: unreadable (file is not a database)). The engine cannot sync with it.`,
        );
        assert.equal(
          err.fix,
          'To start over, run: resync-it. The links still readable in the damaged file are kept (nothing is duplicated, and what they cover is not copied back); anything else is matched as in a first sync; nothing is deleted; the damaged file is kept beside it.',
        );
        return true;
      },
    );
    assert.deepEqual(fs.readdirSync(dir).sort(), before);
  });

  it('resync: the state, its copy and the mark are set aside; the new state is empty and a later open does not restore the old one', async () => {
    const dir = await syncedDir();
    const { store, notices } = openState(dir, { now: NOW, resync: true });
    assert.equal(store.linkCount('contacts'), 0);
    assert.equal(store.checkpoint('outlook', 'contacts'), null);
    store.close();
    assert.match(notices[0], /^Started over from an empty state, as asked:/);
    const stamp = '2026-12-01T10-00-00-000Z';
    for (const f of [
      `state.sqlite.set-aside-${stamp}`,
      `${LAST_GOOD_COPY}.set-aside-${stamp}`,
      `${SYNCED_MARK}.set-aside-${stamp}`,
    ])
      assert.ok(fs.existsSync(path.join(dir, f)), f);
    const reopened = openState(dir, { now: NOW });
    assert.deepEqual(reopened.notices, [], "the emptied state is the user's choice, not a loss to repair");
    assert.equal(reopened.store.linkCount('contacts'), 0);
    reopened.store.close();
  });
});

describe('sync/run-failure: what a failed run says', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-run-failure-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SQLite out of room (SQLITE_FULL, here from max_page_count): DISK_FULL, about the state file', () => {
    const store = new StateStore(dir);
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true })}`);
    let caught: unknown;
    try {
      store.putChanges(
        'outlook',
        'contacts',
        Array.from({ length: 500 }, (_, i) => ({ id: `id-${i}`, deleted: true as const })),
      );
    } catch (err) {
      caught = err;
    }
    store.close();
    assert.equal((caught as { code?: string }).code, 'SQLITE_FULL');
    assert.deepEqual(describeRunFailure(caught, dir), {
      code: 'DISK_FULL',
      file: path.join(dir, 'state.sqlite'),
      message: `The disk holding ${path.join(dir, 'state.sqlite')} is full (database or disk is full).`,
      fix: 'Free some space on that disk, then run the sync again. Everything read and queued before is kept.',
    });
  });

  it('an I/O error on a full disk (SQLite at open, growing its WAL files): DISK_FULL; on a disk with room: INTERNAL', () => {
    // What better-sqlite3 throws when the disk has no room for the -shm file at open (seen by npm run chaos).
    const ioError = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHMSIZE' });
    const full = describeRunFailure(ioError, dir, undefined, () => 12_288);
    assert.equal(full.code, 'DISK_FULL');
    assert.equal(full.message, `The disk holding ${path.join(dir, 'state.sqlite')} is full (disk I/O error).`);
    const roomy = describeRunFailure(ioError, dir, undefined, () => 50 * 1024 ** 3);
    assert.equal(roomy.code, 'INTERNAL');
    // The real disk under the test's data dir is measured (it has room here).
    assert.equal(describeRunFailure(ioError, dir).code, 'INTERNAL');
  });

  it('another engine holding the write lock: STATE_BUSY', () => {
    const a = new StateStore(dir);
    const b = new Database(path.join(dir, 'state.sqlite'), { timeout: 0 });
    a.db.exec('BEGIN IMMEDIATE');
    let caught: unknown;
    try {
      b.exec('BEGIN IMMEDIATE');
    } catch (err) {
      caught = err;
    }
    a.db.exec('ROLLBACK');
    b.close();
    a.close();
    const f = describeRunFailure(caught, dir);
    assert.equal(f.code, 'STATE_BUSY');
    assert.equal(f.file, path.join(dir, 'state.sqlite'));
  });

  it('anything else: INTERNAL, pointing at the log; never the stack', () => {
    const f = describeRunFailure(new TypeError("Cannot read properties of undefined (reading 'id')"), dir);
    assert.deepEqual(f, {
      code: 'INTERNAL',
      file: path.join(dir, 'sync.log'),
      message: "The sync run failed: Cannot read properties of undefined (reading 'id')",
      fix: `The details are in ${path.join(dir, 'sync.log')}. Everything read and queued before is kept; run the sync again.`,
    });
  });
});
