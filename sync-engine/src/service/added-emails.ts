/**
 * The ledger of "Add Email to Salesforce": per user and Internet message id, what adding it did. A Task create is
 * recorded as `sending` before the request goes out, so a retry after a crash or a lost answer knows to look
 * for the Task it may already have made instead of making a second one.
 */
import Database from 'better-sqlite3';

/** Where the side panel put an item (`side-panel/add-item.ts`): the record, its Who and What, when. */
export interface AddedWhere {
  sobject: 'Task' | 'Event';
  who: Array<{ id: string; name: string }>;
  what: { id: string; name: string } | null;
}

export type AddedEmail =
  | { state: 'sending'; contactId: string; startedAt: string; where: AddedWhere | null }
  | { state: 'added'; contactId: string; taskId: string; addedAt: string; where: AddedWhere | null }
  | { state: 'unresolved'; unresolvedId: string; addedAt: string };

type Row = {
  state: string;
  contact_id: string | null;
  task_id: string | null;
  unresolved_id: string | null;
  started_at: string;
  detail: string | null;
};

export class AddedEmails {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS added_emails (user_key TEXT NOT NULL, message_id TEXT NOT NULL, state TEXT NOT NULL,
      contact_id TEXT, task_id TEXT, unresolved_id TEXT, started_at TEXT NOT NULL, PRIMARY KEY (user_key, message_id))`);
    // Added by the side panel: where an item went (a ledger from before it has no such column).
    const columns = db.prepare(`PRAGMA table_info(added_emails)`).all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'detail')) db.exec(`ALTER TABLE added_emails ADD COLUMN detail TEXT`);
  }

  find(userKey: string, messageId: string): AddedEmail | undefined {
    const r = this.db
      .prepare(`SELECT * FROM added_emails WHERE user_key = ? AND message_id = ?`)
      .get(userKey, messageId) as Row | undefined;
    if (!r) return undefined;
    const where = r.detail === null ? null : (JSON.parse(r.detail) as AddedWhere);
    if (r.state === 'added')
      return { state: 'added', contactId: r.contact_id!, taskId: r.task_id!, addedAt: r.started_at, where };
    if (r.state === 'unresolved') return { state: 'unresolved', unresolvedId: r.unresolved_id!, addedAt: r.started_at };
    return { state: 'sending', contactId: r.contact_id!, startedAt: r.started_at, where };
  }

  /** `where`: the side panel's add (its record, Who and What); null for "Add Email to Salesforce". */
  sending(
    userKey: string,
    messageId: string,
    contactId: string,
    startedAt: string,
    where: AddedWhere | null = null,
  ): void {
    this.put(userKey, messageId, 'sending', { contact: contactId, started: startedAt, where });
  }

  added(
    userKey: string,
    messageId: string,
    contactId: string,
    taskId: string,
    at: string,
    where: AddedWhere | null = null,
  ): void {
    this.put(userKey, messageId, 'added', { contact: contactId, task: taskId, started: at, where });
  }

  unresolved(userKey: string, messageId: string, unresolvedId: string, at: string): void {
    this.put(userKey, messageId, 'unresolved', { unresolved: unresolvedId, started: at });
  }

  private put(
    userKey: string,
    messageId: string,
    state: string,
    v: { contact?: string; task?: string; unresolved?: string; started: string; where?: AddedWhere | null },
  ): void {
    this.db
      .prepare(
        `INSERT INTO added_emails (user_key, message_id, state, contact_id, task_id, unresolved_id, started_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (user_key, message_id) DO UPDATE SET state = excluded.state, contact_id = excluded.contact_id, task_id = excluded.task_id,
      unresolved_id = excluded.unresolved_id, detail = excluded.detail,
      started_at = CASE WHEN added_emails.state = 'sending' AND excluded.state != 'added' THEN added_emails.started_at ELSE excluded.started_at END`,
      )
      .run(
        userKey,
        messageId,
        state,
        v.contact ?? null,
        v.task ?? null,
        v.unresolved ?? null,
        v.started,
        v.where ? JSON.stringify(v.where) : null,
      );
  }
}
