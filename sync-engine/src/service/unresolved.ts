/**
 * Unresolved items: emails added to Salesforce whose sender matched no Contact, kept as Salesforce for Outlook
 * kept them, to be assigned later. One row per user and message (the Internet message id).
 */
import Database from 'better-sqlite3';

export interface UnresolvedEmail {
  id: string;
  internetMessageId: string;
  senderAddress: string;
  senderName: string | null;
  subject: string;
  receivedDateTime: string;
  /** The message text as sent (already cut to what a Task's Description holds), for assigning it later. */
  body: string;
  createdAt: string;
}

type Row = {
  id: number;
  message_id: string;
  sender_address: string;
  sender_name: string | null;
  subject: string;
  received: string;
  body: string;
  created_at: string;
};

export class UnresolvedItems {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS unresolved_emails (id INTEGER PRIMARY KEY AUTOINCREMENT, user_key TEXT NOT NULL,
      message_id TEXT NOT NULL, sender_address TEXT NOT NULL, sender_name TEXT, subject TEXT NOT NULL, received TEXT NOT NULL,
      body TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (user_key, message_id))`);
  }

  /** Keep an email; adding the same message again returns the item already kept. */
  add(userKey: string, e: Omit<UnresolvedEmail, 'id'>): UnresolvedEmail {
    this.db
      .prepare(
        `INSERT INTO unresolved_emails (user_key, message_id, sender_address, sender_name, subject, received, body, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_key, message_id) DO NOTHING`,
      )
      .run(
        userKey,
        e.internetMessageId,
        e.senderAddress,
        e.senderName,
        e.subject,
        e.receivedDateTime,
        e.body,
        e.createdAt,
      );
    return this.byMessageId(userKey, e.internetMessageId)!;
  }

  byMessageId(userKey: string, internetMessageId: string): UnresolvedEmail | undefined {
    const row = this.db
      .prepare(`SELECT * FROM unresolved_emails WHERE user_key = ? AND message_id = ?`)
      .get(userKey, internetMessageId) as Row | undefined;
    return row && toItem(row);
  }

  /** The email was added to Salesforce after all (the side panel, with a Who the user picked): no longer unresolved. */
  resolved(userKey: string, internetMessageId: string): void {
    this.db
      .prepare(`DELETE FROM unresolved_emails WHERE user_key = ? AND message_id = ?`)
      .run(userKey, internetMessageId);
  }

  /** A user's unresolved items, newest first. */
  list(userKey: string): UnresolvedEmail[] {
    const rows = this.db
      .prepare(`SELECT * FROM unresolved_emails WHERE user_key = ? ORDER BY id DESC`)
      .all(userKey) as Row[];
    return rows.map(toItem);
  }
}

function toItem(r: Row): UnresolvedEmail {
  return {
    id: String(r.id),
    internetMessageId: r.message_id,
    senderAddress: r.sender_address,
    senderName: r.sender_name,
    subject: r.subject,
    receivedDateTime: r.received,
    body: r.body,
    createdAt: r.created_at,
  };
}
