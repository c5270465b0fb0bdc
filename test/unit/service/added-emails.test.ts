/**
 * The Add Email ledger (service/added-emails.ts) across the side panel's change: a ledger written before it (no
 * `detail` column) opens, keeps its rows, and takes where the side panel put an item.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { AddedEmails } from '../../../sync-engine/src/service/added-emails';

describe('service: the Add Email ledger', () => {
  it('a ledger from before the side panel gains its column and keeps what it held', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE added_emails (user_key TEXT NOT NULL, message_id TEXT NOT NULL, state TEXT NOT NULL,
      contact_id TEXT, task_id TEXT, unresolved_id TEXT, started_at TEXT NOT NULL, PRIMARY KEY (user_key, message_id))`);
    db.prepare(
      `INSERT INTO added_emails VALUES ('ann', '<old@x>', 'added', '003A', '00TA', NULL, '2026-01-02T03:04:05.000Z')`,
    ).run();
    const ledger = new AddedEmails(db);
    assert.deepEqual(ledger.find('ann', '<old@x>'), {
      state: 'added',
      contactId: '003A',
      taskId: '00TA',
      addedAt: '2026-01-02T03:04:05.000Z',
      where: null,
    });
    const where = {
      sobject: 'Event' as const,
      who: [{ id: '003B', name: 'Grace' }],
      what: { id: '001A', name: 'Navy' },
    };
    ledger.sending('ann', 'meeting:m1', '003B', '2026-02-01T00:00:00.000Z', where);
    ledger.added('ann', 'meeting:m1', '003B', '00UA', '2026-02-01T00:00:01.000Z', where);
    assert.deepEqual(ledger.find('ann', 'meeting:m1'), {
      state: 'added',
      contactId: '003B',
      taskId: '00UA',
      addedAt: '2026-02-01T00:00:01.000Z',
      where,
    });
    // Opening it again changes nothing.
    assert.deepEqual(new AddedEmails(db).find('ann', '<old@x>')?.state, 'added');
  });
});
