/**
 * The ledger of "Add Email to Salesforce": per user and Internet message id, what adding it did. A Task create is
 * recorded as `sending` before the request goes out, so a retry after a crash or a lost answer knows to look
 * for the Task it may already have made instead of making a second one.
 */
import Database from 'better-sqlite3';

export type AddedEmail =
  | { state: 'sending'; contactId: string; startedAt: string }
  | { state: 'added'; contactId: string; taskId: string }
  | { state: 'unresolved'; unresolvedId: string };

type Row = {
  state: string;
  contact_id: string | null;
  task_id: string | null;
  unresolved_id: string | null;
  started_at: string;
};

export class AddedEmails {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS added_emails (user_key TEXT NOT NULL, message_id TEXT NOT NULL, state TEXT NOT NULL,
      contact_id TEXT, task_id TEXT, unresolved_id TEXT, started_at TEXT NOT NULL, PRIMARY KEY (user_key, message_id))`);
  }

  find(userKey: string, messageId: string): AddedEmail | undefined {
    const r = this.db
      .prepare(`SELECT * FROM added_emails WHERE user_key = ? AND message_id = ?`)
      .get(userKey, messageId) as Row | undefined;
    if (!r) return undefined;
    if (r.state === 'added') return { state: 'added', contactId: r.contact_id!, taskId: r.task_id! };
    if (r.state === 'unresolved') return { state: 'unresolved', unresolvedId: r.unresolved_id! };
    return { state: 'sending', contactId: r.contact_id!, startedAt: r.started_at };
  }

  sending(userKey: string, messageId: string, contactId: string, startedAt: string): void {
    this.put(userKey, messageId, 'sending', { contact: contactId, started: startedAt });
  }

  added(userKey: string, messageId: string, contactId: string, taskId: string, at: string): void {
    this.put(userKey, messageId, 'added', { contact: contactId, task: taskId, started: at });
  }

  unresolved(userKey: string, messageId: string, unresolvedId: string, at: string): void {
    this.put(userKey, messageId, 'unresolved', { unresolved: unresolvedId, started: at });
  }

  private put(
    userKey: string,
    messageId: string,
    state: string,
    v: { contact?: string; task?: string; unresolved?: string; started: string },
  ): void {
    this.db
      .prepare(
        `INSERT INTO added_emails (user_key, message_id, state, contact_id, task_id, unresolved_id, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (user_key, message_id) DO UPDATE SET state = excluded.state, contact_id = excluded.contact_id, task_id = excluded.task_id,
      unresolved_id = excluded.unresolved_id, started_at = CASE WHEN added_emails.state = 'sending' THEN added_emails.started_at ELSE excluded.started_at END`,
      )
      .run(userKey, messageId, state, v.contact ?? null, v.task ?? null, v.unresolved ?? null, v.started);
  }
}
