/**
 * What creates sent to Salesforce before (their answers lost) made, found in rows read once for a batch of them
 * (SalesforceSide.madeBy reads them): a query for each create read the same rows again for every one, 200 queries for
 * the 200 creates a crash can leave. The rules are the same for each create as when it had its own query: a record
 * created at its `since` or later, not taken, not the record it brings back; a live one before one in the recycle
 * bin. With OutlookId__c, the one holding the create's Outlook id; without it (a stock org), one sharing the create's
 * match keys, the one holding exactly what was sent first, strongest key first.
 */
import { parseSalesforceDateTime } from '../../common/clock';
import { bestMatch, contentHash, matchKeys } from '../canonical';
import { SyncObject } from '../objects';
import { Canonical, MadeByLookup, SentCreate, SideChange } from '../types';

/** A row read for the lookup, with what the rules ask of it worked out once. */
interface MadeRow {
  id: string;
  createdAt: number;
  deleted: boolean;
  version: string;
  data: Canonical;
  hash: string;
}

export interface MadeByRows {
  /** The rows read: the user's records with the batch's external ids, or made since the batch's earliest `since`. */
  rows: Array<Record<string, unknown>>;
  /** With OutlookId__c: the value a create set and the value a row holds (lower case); without it, match by content. */
  externalId: { of: (create: SentCreate) => string; in: (row: Record<string, unknown>) => string | null } | null;
  /** A row's canonical content, as every read of this side gives it. */
  canonical: (row: Record<string, unknown>) => Canonical;
}

/** The lookup over rows read once: each create's record found by the same rules as a query of its own. */
export function madeByLookup(object: SyncObject, r: MadeByRows): MadeByLookup {
  // Rows by the key a create finds them with: its external id, or each of their match keys (a stock org).
  const byKey = new Map<string, MadeRow[]>();
  const add = (key: string, row: MadeRow) => {
    const same = byKey.get(key);
    if (same) same.push(row);
    else byKey.set(key, [row]);
  };
  for (const row of r.rows) {
    const data = r.canonical(row);
    const made: MadeRow = {
      id: String(row.Id),
      createdAt: parseSalesforceDateTime(String(row.CreatedDate))?.getTime() ?? 0,
      deleted: row.IsDeleted === true,
      version: String(row.SystemModstamp),
      data,
      hash: contentHash(data),
    };
    if (r.externalId) {
      const key = r.externalId.in(row);
      if (key !== null) add(key, made);
    } else for (const key of matchKeys(object, data)) add(key, made);
  }

  const candidates = (rows: MadeRow[], create: SentCreate, taken: (id: string) => boolean): MadeRow[] =>
    rows
      .filter(
        (m) =>
          m.createdAt >= create.since.getTime() &&
          !taken(m.id) &&
          (!create.request.replaces || idKey(m.id) !== idKey(create.request.replaces)),
      )
      // A live record before one in the recycle bin (a stable sort: otherwise in the order read).
      .sort((a, b) => Number(a.deleted) - Number(b.deleted));

  return {
    async find(create, taken): Promise<SideChange | undefined> {
      if (!create.request.sourceId || !create.request.data) return undefined;
      let found: MadeRow | undefined;
      if (r.externalId) found = candidates(byKey.get(r.externalId.of(create)) ?? [], create, taken)[0];
      else
        found = bestMatch(
          object,
          create.request.data,
          (key) => candidates(byKey.get(key) ?? [], create, taken),
          (m) => m.hash,
        );
      if (!found) return undefined;
      return found.deleted
        ? { id: found.id, deleted: true }
        : { id: found.id, version: found.version, deleted: false, data: found.data };
    },
  };
}

/** A record id without its case-safe suffix (as salesforce-side.ts compares them). */
const idKey = (id: string) => id.slice(0, 15);
