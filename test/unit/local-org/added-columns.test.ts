/** An org file made before `Organization.NamespacePrefix` and `TrialExpirationDate` existed opens with them (null). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { OrgStore } from '../../../sync-engine/src/local-org/store';

describe('local-org/added-columns', function () {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'added-columns-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds the columns an older org file lacks, its rows kept and the new fields null', () => {
    const file = path.join(dir, 'org.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE sobj_Organization ("Id" TEXT PRIMARY KEY, "Name" TEXT, "InstanceName" TEXT)`);
    old.prepare(`INSERT INTO sobj_Organization VALUES ('00DDx0000000001AAA', 'Old Org', 'Dx')`).run();
    old.close();

    const store = new OrgStore(file);
    try {
      const row = store.db.prepare(`SELECT * FROM sobj_Organization`).get() as Record<string, unknown>;
      assert.equal(row.Name, 'Old Org');
      assert.ok('NamespacePrefix' in row && 'TrialExpirationDate' in row, Object.keys(row).join(','));
      assert.equal(row.NamespacePrefix, null);
      assert.equal(row.TrialExpirationDate, null);
    } finally {
      store.close();
    }
  });
});
