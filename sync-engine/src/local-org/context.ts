/** Everything a local-org route needs, built once per server. */
import { OrgStore } from './store';
import { Sessions } from './sessions';
import { Credentials } from './credentials';
import { PASSWORD_COST, ScryptCost } from '../common/password-hash';
import { ConnectedApps } from './connected-apps';
import { AccessCheck } from './access-check';
import { FieldSecurity } from './field-security';
import { OrgSchema } from './org-schema';

export interface OrgOptions {
  /** Apply the access rule on every REST request (the article's behaviour). Off only to measure its cost. */
  checkAccessOnEveryRequest: boolean;
  /** Cache decisions until the org's access data changes. */
  cacheAccessDecisions: boolean;
  /** Daily API request allocation; `REQUEST_LIMIT_EXCEEDED` past it. */
  dailyRequestLimit: number;
  /** Largest request body the data API accepts, in bytes (sign-in endpoints take 64 KB, request-limits.ts). */
  bodyLimit: number;
  /** Bytes of Bulk API 2.0 uploads and results the org holds for one user at once (bulk/jobs.ts). */
  bulkBytesPerUser: number;
  /**
   * The scrypt cost of the org's password hashes (default Node's, about 50 ms a hash). Tests that start hundreds of
   * throwaway orgs lower it; a hash of another cost still verifies, and is stored again at this one.
   */
  passwordCost: ScryptCost;
}

export const DEFAULT_ORG_OPTIONS: OrgOptions = {
  checkAccessOnEveryRequest: true,
  cacheAccessDecisions: true,
  dailyRequestLimit: 1_000_000,
  bodyLimit: 20 * 1024 * 1024,
  bulkBytesPerUser: 256 * 1024 * 1024,
  passwordCost: PASSWORD_COST,
};

export interface RequestStats {
  /** Data API requests that reached the org (after authentication), by `METHOD path-kind`. */
  byKind: Map<string, number>;
  total: number;
  /** Requests refused by the access rule. */
  refusedByRule: number;
  /** Describes answered, top-level and inside Composite calls, by `Type status` (describe-count.ts). */
  describes: Map<string, number>;
}

export class OrgContext {
  readonly sessions: Sessions;
  readonly credentials: Credentials;
  readonly apps: ConnectedApps;
  readonly access: AccessCheck;
  readonly fieldSecurity: FieldSecurity;
  readonly stats: RequestStats = { byKind: new Map(), total: 0, refusedByRule: 0, describes: new Map() };

  constructor(
    readonly store: OrgStore,
    readonly options: OrgOptions = DEFAULT_ORG_OPTIONS,
  ) {
    this.sessions = new Sessions(store, () => this.orgId().slice(0, 15));
    this.credentials = new Credentials(store, options.passwordCost);
    this.apps = new ConnectedApps(store);
    this.access = new AccessCheck(store, options.cacheAccessDecisions);
    this.fieldSecurity = new FieldSecurity(store);
  }

  /** The objects and fields this caller may use (field-level security of the fields an admin created). */
  schemaFor(caller: { userId: string }): OrgSchema {
    return this.fieldSecurity.schemaFor(caller.userId);
  }

  private cachedOrgId: string | undefined;

  /** The 18-character organization id. */
  orgId(): string {
    if (!this.cachedOrgId) {
      const row = this.store.db.prepare(`SELECT "Id" FROM sobj_Organization LIMIT 1`).get() as
        { Id: string } | undefined;
      if (!row) throw new Error('the org is not seeded');
      this.cachedOrgId = row.Id;
    }
    return this.cachedOrgId;
  }
}
