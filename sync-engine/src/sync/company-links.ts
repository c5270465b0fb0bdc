/**
 * Outlook's company on a stock org, as Salesforce for Outlook kept it: the contact links to the one Account of that
 * name the user can see. What was written is remembered per contact (the company's text and the Account it linked,
 * or none), so a company with no Account, or more than one, reads back as Outlook wrote it instead of as a cleared
 * company; once the contact's Account changes in Salesforce, its company is that Account's name.
 */
import Database from 'better-sqlite3';

export interface CompanyLink {
  company: string | null;
  accountId: string | null;
}

/** Where the engine keeps CompanyLinks, by Salesforce contact id (15 characters). */
export interface CompanyMemory {
  get(sfId: string): CompanyLink | undefined;
  set(sfId: string, link: CompanyLink): void;
}

export class CompanyLinksTable implements CompanyMemory {
  /** Prepared once: `get` runs for every Contact read. */
  private readonly one: Database.Statement;
  private readonly put: Database.Statement;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS company_links (sf_id TEXT PRIMARY KEY, company TEXT, account_id TEXT)`);
    this.one = db.prepare(`SELECT company, account_id AS accountId FROM company_links WHERE sf_id = ?`);
    this.put = db.prepare(`INSERT OR REPLACE INTO company_links (sf_id, company, account_id) VALUES (?, ?, ?)`);
  }

  get(sfId: string): CompanyLink | undefined {
    const row = this.one.get(sfId.slice(0, 15)) as CompanyLink | undefined;
    return row ? { company: row.company, accountId: row.accountId } : undefined;
  }

  set(sfId: string, link: CompanyLink): void {
    this.put.run(sfId.slice(0, 15), link.company, link.accountId);
  }
}
