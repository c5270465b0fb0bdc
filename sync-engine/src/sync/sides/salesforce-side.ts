/**
 * Salesforce as a Side: reads the signed-in user's records changed since a SystemModstamp checkpoint
 * (queryAll, so deletes show as IsDeleted), pages at 2,000, writes in sObject Collections of 200.
 * Lost API access, throttling and an unreachable org stop the run (SyncStop); record errors are values.
 */
import crypto from 'node:crypto';
import { Connection } from '../../salesforce/connection';
import { queryPages, queryPath, soqlString } from '../../salesforce/query';
import { COLLECTION_LIMIT, createRecords, upsertRecords, SaveResult } from '../../salesforce/collections';
import { COMPOSITE_LIMIT, SubResult, Subrequest, composite, subrequestError } from '../../salesforce/composite';
import { SalesforceApiError } from '../../salesforce/errors';
import { stopFor } from '../stop-reason';
import { SyncObject } from '../objects';
import {
  Canonical,
  CanonicalContact,
  ChangeBatch,
  MadeByLookup,
  SentCreate,
  Side,
  SideChange,
  SyncStop,
  WriteRequest,
  WriteResult,
} from '../types';
import { CompanyLink, CompanyMemory } from '../company-links';
import { createRecord } from '../../salesforce/sobjects';
import { notice } from '../../products/notices';
import { eventWindow } from '../event-window';
import { madeByLookup } from './salesforce-made-by';
import { salesforceInstant } from '../../common/clock';
import { SOBJECT_OF, fromSalesforce, toSalesforce } from '../mappers/salesforce-records';
import { EXTERNAL_ID, FieldPlan, fullPlan, writableValues } from '../mappers/salesforce-fields';
import { SALESFORCE_GROUPS, changedProperties } from '../mappers/changed-fields';

export interface SalesforceSideOptions {
  connection: Connection;
  userId: string;
  /** Called on every request the side makes (the report counts them). */
  onRequest?: () => void;
  /** For the events window; default the system clock. */
  now?: () => Date;
  /** Waits for a second to pass before a target edited just now is read again (default a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** The fields this org lets the user read and write (salesforce-fields.ts); default every mapped field. */
  fields?: FieldPlan;
  /** Where a stock org's contacts keep the company they were written with (company-links.ts); default in memory. */
  companies?: CompanyMemory;
  /** Create an Account for a company no Account the user can see is named (`objects.contacts.createAccounts`). */
  createAccounts?: boolean;
  /** A line for the run's report: a company left without an Account, an Account created. */
  onNotice?: (text: string) => void;
  /** Where the side says what the log should know (a Composite read refused, read one by one instead). */
  warn?: (text: string) => void;
}

/**
 * Each read starts this long before the org's time of the previous read (its first page's `Date` header). A
 * SystemModstamp can land below a time already read past: the org's clock stepped back (NTP steps by seconds to a
 * couple of minutes), or a transaction committed after a later one was read (a record edited while a long read was
 * paging). Five minutes covers both with room. What it reads again is an echo (its content is what the link holds)
 * and writes nothing; it costs the rows changed in those minutes, once: at the default interval (10 minutes) the
 * next run starts after them.
 */
export const READ_OVERLAP_MS = 5 * 60_000;

/**
 * Outlook ids (as external id values: 64 hex digits) in one query of what creates sent before made: 100 take about
 * 7 KB of the URL, well under Salesforce's 16,384 bytes of URL and headers.
 */
const EXTERNAL_IDS_PER_QUERY = 100;

/** Salesforce takes at most 5 query subrequests in one Composite call. */
const COMPOSITE_QUERY_LIMIT = 5;

/**
 * The external id value for an Outlook id. Salesforce matches external ids regardless of letter case while Graph
 * ids are case-sensitive, so two Outlook ids differing only in case would upsert into one record (a lost record,
 * found by the benchmark): store a case-safe digest instead of the raw id.
 */
export function outlookExternalId(outlookId: string): string {
  return crypto.createHash('sha256').update(outlookId).digest('hex');
}

export class SalesforceSide implements Side {
  readonly name = 'salesforce' as const;
  private requests = 0;
  private readonly fields: FieldPlan;
  private readonly companies: CompanyMemory;

  constructor(private readonly o: SalesforceSideOptions) {
    this.fields = o.fields ?? fullPlan();
    const held = new Map<string, CompanyLink>();
    this.companies = o.companies ?? { get: (id) => held.get(idKey(id)), set: (id, l) => void held.set(idKey(id), l) };
  }

  /** A record's canonical content; a stock org's contact's company as it was written while its Account is the same. */
  private canonical(object: SyncObject, r: Record<string, unknown>): Canonical {
    const data = fromSalesforce(object, r);
    if (object !== 'contacts' || this.fields.company !== 'account') return data;
    const held = this.companies.get(String(r.Id));
    const account = typeof r.AccountId === 'string' && r.AccountId ? idKey(r.AccountId) : null;
    if (held && (held.accountId ? idKey(held.accountId) : null) === account) return { ...data, company: held.company };
    return data;
  }

  /** A record as a change: deleted, or its content at its SystemModstamp. */
  private asChange(object: SyncObject, id: string, r: Record<string, unknown>): SideChange {
    return r.IsDeleted === true
      ? { id, deleted: true }
      : { id, version: String(r.SystemModstamp), deleted: false, data: this.canonical(object, r) };
  }

  /**
   * Outlook's company as the contact's Account (a stock org): `Company__c` in each row becomes `AccountId`, the one
   * Account of that name the user can see; none or several leave the contact without one (said in the report), or
   * with a new Account when the configuration asks for it.
   */
  private async linkCompanies(object: SyncObject, rows: Array<Record<string, unknown>>): Promise<void> {
    if (object !== 'contacts' || this.fields.company !== 'account') return;
    const names = [
      ...new Set(rows.map((r) => r.Company__c).filter((c): c is string => typeof c === 'string' && c !== '')),
    ];
    const byName = new Map<string, string[]>();
    for (let i = 0; i < names.length; i += 100) {
      const chunk = names.slice(i, i + 100);
      const soql = `SELECT Id, Name FROM Account WHERE Name IN (${chunk.map(soqlString).join(', ')})`;
      for await (const page of this.guarded(queryPages<Record<string, unknown>>(this.o.connection, soql)))
        for (const a of page.records) {
          const key = String(a.Name).toLowerCase();
          byName.set(key, [...(byName.get(key) ?? []), String(a.Id)]);
        }
    }
    for (const r of rows) {
      if (!('Company__c' in r)) continue;
      const name = typeof r.Company__c === 'string' && r.Company__c !== '' ? r.Company__c : null;
      delete r.Company__c;
      if (name === null) {
        r.AccountId = null;
        continue;
      }
      const found = byName.get(name.toLowerCase()) ?? [];
      if (found.length === 0 && this.o.createAccounts) {
        this.count();
        const id = await this.guard(createRecord(this.o.connection, 'Account', { Name: name, OwnerId: this.o.userId }));
        byName.set(name.toLowerCase(), [id]);
        found.push(id);
        this.o.onNotice?.(notice('sync.accountCreated', { company: name }));
      }
      if (found.length === 1) r.AccountId = found[0];
      else {
        r.AccountId = null;
        this.o.onNotice?.(
          found.length === 0
            ? notice('sync.companyNoAccount', { company: name })
            : notice('sync.companyAmbiguous', { company: name, matches: String(found.length) }),
        );
      }
    }
  }

  /** Remember what a contact's company was written as, and the Account it linked (a stock org). */
  private rememberCompany(object: SyncObject, id: string, data: Canonical, row: Record<string, unknown>): void {
    if (object !== 'contacts' || this.fields.company !== 'account' || !('AccountId' in row)) return;
    const company = (data as CanonicalContact).company;
    this.companies.set(id, { company, accountId: typeof row.AccountId === 'string' ? row.AccountId : null });
  }

  requestCount(): number {
    return this.requests;
  }

  /** First pages of this run's reads, read together (prefetch), by object, until their read takes them. */
  private readonly prefetched = new Map<SyncObject, { soql: string; page: unknown; readAt: number | null }>();

  private count(n = 1): void {
    this.requests += n;
    for (let i = 0; i < n; i++) this.o.onRequest?.();
  }

  /** Await a client call, turning run-stopping failures into SyncStop. */
  private guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      throw toStop(err);
    });
  }

  /** A collections call: one request per 200 records. */
  private collections(p: Promise<SaveResult[]>, records: number): Promise<SaveResult[]> {
    this.count(Math.ceil(records / 200));
    return this.guard(p);
  }

  /**
   * The first page of every object's read in one Composite call (one API call for all of them, where
   * `composite/batch` would count each): an idle run costs one request. `changesSince` takes its page from here; a
   * page that did not come (the call refused, a subrequest failed) is read alone, as without this. A failure that
   * stops a run stops it here.
   */
  async prefetch(reads: Array<{ object: SyncObject; checkpoint: string | null }>): Promise<void> {
    this.prefetched.clear();
    const queries = reads
      .slice(0, COMPOSITE_QUERY_LIMIT)
      .map((r) => ({ ...r, ...this.readQuery(r.object, r.checkpoint) }));
    if (queries.length < 2) return;
    let results: SubResult[];
    try {
      this.count();
      results = await composite(
        this.o.connection,
        queries.map((q, i) => ({ method: 'GET', path: queryPath(q.soql, { all: q.all }), referenceId: `read${i}` })),
        false,
      );
    } catch (err) {
      if (!(err instanceof SalesforceApiError)) throw err; // a bug of ours, not the org's answer
      // Access lost or throttling stops the run here, after this one request: a read alone would meet the same. A
      // failure that may pass (a reset, a 5xx) is left to the reads alone, which retry as reads do.
      const stop = toStop(err);
      if (stop instanceof SyncStop && stop.reason.kind !== 'unreachable') throw stop;
      this.o.warn?.(
        `Salesforce refused the Composite call of this run's reads; reading each object alone: ${(err as Error).message}`,
      );
      return;
    }
    const readAt = this.o.connection.serverTime;
    results.forEach((r, i) => {
      const q = queries[i];
      if (r.httpStatusCode === 200) this.prefetched.set(q.object, { soql: q.soql, page: r.body, readAt });
    });
  }

  /** The query of an object's read from a checkpoint (everything when null). */
  private readQuery(
    object: SyncObject,
    checkpoint: string | null,
  ): { soql: string; all: boolean; window?: { start: Date; end: Date } } {
    const fields = ['Id', 'SystemModstamp', 'IsDeleted', ...this.fields.read[object]].join(', ');
    // The checkpoint is where this read starts (inclusive; READ_OVERLAP_MS before the previous read): what was read
    // before is an echo the planner skips.
    const where = [`OwnerId = ${soqlString(this.o.userId)}`];
    if (checkpoint) where.push(`SystemModstamp >= ${checkpoint}`);
    // A full listing of events lists the Outlook calendar view's window. A read of what changed is not bounded by it:
    // an event moved out of the window must be seen to be followed (event-removals.ts keeps an unlinked one out).
    const window = object === 'events' && checkpoint === null ? eventWindow(this.o.now?.() ?? new Date()) : undefined;
    if (window)
      where.push(`EndDateTime >= ${window.start.toISOString()} AND StartDateTime <= ${window.end.toISOString()}`);
    const soql = `SELECT ${fields} FROM ${SOBJECT_OF[object]} WHERE ${where.join(' AND ')} ORDER BY SystemModstamp, Id`;
    return { soql, all: checkpoint !== null, ...(window ? { window } : {}) };
  }

  async changesSince(
    object: SyncObject,
    checkpoint: string | null,
    onPage?: (changes: SideChange[]) => void,
    onFullListing?: () => void,
  ): Promise<ChangeBatch> {
    const { soql, all, window } = this.readQuery(object, checkpoint);
    if (checkpoint === null) onFullListing?.();
    const held = this.prefetched.get(object);
    this.prefetched.delete(object);
    const first = held && held.soql === soql ? held : undefined;
    const changes: SideChange[] = [];
    let latest: string | null = null;
    let readAt: number | null = first ? first.readAt : null;
    const pages = queryPages<Record<string, unknown>>(this.o.connection, soql, { all, first: first?.page });
    for (let n = 0; ; n++) {
      const next = await this.guard(pages.next());
      if (next.done) break;
      readAt ??= this.o.connection.serverTime;
      // A first page read in the Composite call was counted with it.
      if (n > 0 || !first) this.count();
      const page: SideChange[] = onPage ? [] : changes;
      for (const r of next.value.records) {
        const id = String(r.Id);
        const stamp = salesforceInstant(r.SystemModstamp, `${SOBJECT_OF[object]}.SystemModstamp`);
        if (!latest || stamp > latest) latest = stamp;
        page.push(
          r.IsDeleted === true
            ? { id, deleted: true }
            : { id, version: String(r.SystemModstamp), deleted: false, data: this.canonical(object, r) },
        );
      }
      if (onPage && page.length) onPage(page);
    }
    return {
      changes,
      checkpoint: nextCheckpoint(checkpoint, readAt, latest),
      complete: checkpoint === null,
      ...(window ? { window } : {}),
    };
  }

  /**
   * Creates as upserts (sObject Collections); updates and deletes conditional on the version they were planned
   * against. The targets are read again first (one query per 200): one whose SystemModstamp moved since, or that is
   * gone, is not written and comes back stale with what it holds now. The rest are written conditional on the
   * LastModifiedDate that read found (If-Unmodified-Since, 412 when it changed since), so an edit made between that
   * read and the write is not overwritten either: updates as sObject Rows PATCHes, 25 to a Composite call (sObject
   * Collections take no precondition); a delete, which Salesforce's conditional headers do not cover, as a Composite
   * of its own with allOrNone: a conditional empty PATCH and the DELETE, in one transaction. An update sends only the
   * fields whose values changed.
   */
  async write(object: SyncObject, requests: WriteRequest[]): Promise<WriteResult[]> {
    const type = SOBJECT_OF[object];
    const out = new Map<string, WriteResult>();
    const creates = requests.filter((r) => r.kind === 'create');
    const targets = requests.filter((r) => r.kind !== 'create');
    const held = await this.heldSince(
      object,
      targets.map((r) => r.id!),
    );
    const updates: Array<{ r: WriteRequest; fields: Record<string, unknown>; since: string | null }> = [];
    const deletes: Array<{ r: WriteRequest; since: string | null }> = [];
    for (const r of targets) {
      // Not found at all (not visible to the user, or gone from the recycle bin): the org's answer to the write says which.
      const now = held.get(idKey(r.id!));
      const current = now ? this.asChange(object, r.id!, now) : undefined;
      const since = now && now.IsDeleted !== true ? httpDate(String(now.LastModifiedDate ?? '')) : null;
      const moved = !!current && !current.deleted && !!r.version && current.version !== r.version;
      if (r.kind === 'delete') {
        // A record already gone is what a delete wanted.
        if (current?.deleted) out.set(r.key, { key: r.key, ok: true, id: r.id!, version: null });
        else if (moved) out.set(r.key, { key: r.key, ok: false, stale: true, current: current! });
        else deletes.push({ r, since });
        continue;
      }
      if (current && (current.deleted || moved)) {
        out.set(r.key, { key: r.key, ok: false, stale: true, current });
        continue;
      }
      const whole = toSalesforce(object, r.data!);
      const fields =
        current && !current.deleted
          ? changedProperties(SALESFORCE_GROUPS[object], current.data, r.data!, whole)
          : whole;
      // The company goes as AccountId on a stock org (linkCompanies, below).
      const { Company__c: company, ...rest } = fields;
      const asWritten =
        company !== undefined && this.fields.company === 'account' ? { ...rest, AccountId: null } : fields;
      if (Object.keys(writableValues(this.fields, object, 'update', asWritten)).length === 0)
        out.set(r.key, {
          key: r.key,
          ok: true,
          id: r.id!,
          version: current && !current.deleted ? current.version : null,
        });
      else updates.push({ r, fields, since });
    }
    await this.linkCompanies(
      object,
      updates.map((u) => u.fields),
    );
    for (const u of updates) {
      this.rememberCompany(object, u.r.id!, u.r.data!, u.fields);
      u.fields = writableValues(this.fields, object, 'update', u.fields);
    }
    if (creates.length) {
      // Upsert on the Outlook id: a create retried after a crash finds the record it made instead of making another.
      const upsert = this.fields.externalId[object];
      const values = creates.map((r) => toSalesforce(object, r.data!));
      await this.linkCompanies(object, values);
      const rows = values.map((v, i) => ({
        ...writableValues(this.fields, object, 'create', v),
        OwnerId: this.o.userId,
        ...(upsert ? { [EXTERNAL_ID]: creates[i].sourceId ? outlookExternalId(creates[i].sourceId!) : null } : {}),
      }));
      // Without the field (a stock org), a create sent again after a crash is matched by madeBy instead.
      const withKey = upsert && creates.every((r) => r.sourceId);
      const results = await this.collections(
        withKey
          ? upsertRecords(this.o.connection, type, EXTERNAL_ID, rows)
          : createRecords(this.o.connection, type, rows),
        rows.length,
      );
      collect(out, creates, results);
      creates.forEach((r, i) => {
        const res = out.get(r.key);
        if (res?.ok) this.rememberCompany(object, res.id, r.data!, values[i]);
      });
    }
    const changed: WriteRequest[] = [];
    const rowPath = (id: string) => `/sobjects/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
    const condition = (since: string | null) => (since ? { httpHeaders: { 'If-Unmodified-Since': since } } : {});
    for (let i = 0; i < updates.length; i += COMPOSITE_LIMIT) {
      const chunk = updates.slice(i, i + COMPOSITE_LIMIT);
      const results = await this.composite(
        chunk.map(({ r, fields, since }, j) => ({
          method: 'PATCH' as const,
          path: rowPath(r.id!),
          referenceId: `u${j}`,
          body: fields,
          ...condition(since),
        })),
        false,
      );
      chunk.forEach(({ r }, j) => {
        const res = results[j];
        if (res.httpStatusCode < 300) out.set(r.key, { key: r.key, ok: true, id: r.id!, version: null });
        else if (res.httpStatusCode === 412) changed.push(r);
        // Deleted since the read: a delete on this side, planned as one.
        else if (isGoneAnswer(res))
          out.set(r.key, { key: r.key, ok: false, stale: true, current: { id: r.id!, deleted: true } });
        else out.set(r.key, failure(r, res));
      });
    }
    for (const { r, since } of deletes) {
      // The empty PATCH carries the precondition; allOrNone makes the DELETE happen only when it holds.
      const [check, del] = await this.composite(
        [
          { method: 'PATCH', path: rowPath(r.id!), referenceId: 'check', body: {}, ...condition(since) },
          { method: 'DELETE', path: rowPath(r.id!), referenceId: 'remove' },
        ],
        true,
      );
      if (del.httpStatusCode < 300 || isGoneAnswer(check) || isGoneAnswer(del))
        out.set(r.key, { key: r.key, ok: true, id: r.id!, version: null });
      else if (check.httpStatusCode === 412) changed.push(r);
      else out.set(r.key, failure(r, check.httpStatusCode >= 300 && !isHalted(check) ? check : del));
    }
    if (changed.length) {
      // Changed after the read: what it holds now goes back to the planner.
      const now = await this.currentRecords(
        object,
        changed.map((r) => r.id!),
      );
      for (const r of changed) {
        const rec = now.get(idKey(r.id!));
        out.set(r.key, {
          key: r.key,
          ok: false,
          stale: true,
          current: rec ? this.asChange(object, r.id!, rec) : { id: r.id!, deleted: true },
        });
      }
    }
    return requests.map((r) => out.get(r.key)!);
  }

  /**
   * What creates sent before made, read once for the batch of them (the rules in salesforce-made-by.ts), deleted ones
   * included (queryAll: the user may have deleted it since): with OutlookId__c, the user's records holding the creates'
   * Outlook ids; without it (a stock org), the records this user created since the batch's earliest `since`.
   */
  async madeBy(object: SyncObject, creates: SentCreate[]): Promise<MadeByLookup> {
    const sent = creates.filter((c) => c.request.sourceId && c.request.data);
    const byKey = this.fields.externalId[object];
    const rows: Array<Record<string, unknown>> = [];
    if (sent.length) {
      const since = new Date(Math.min(...sent.map((c) => c.since.getTime())));
      const read = ['Id', 'SystemModstamp', 'IsDeleted', 'CreatedDate', ...this.fields.read[object]];
      const fields = [...new Set(byKey ? [...read, EXTERNAL_ID] : read)];
      const mine =
        `SELECT ${fields.join(', ')} FROM ${SOBJECT_OF[object]} WHERE OwnerId = ${soqlString(this.o.userId)} ` +
        `AND CreatedDate >= ${soqlDateTime(since)}`;
      const queries: string[] = [];
      if (byKey) {
        const ids = [...new Set(sent.map((c) => outlookExternalId(c.request.sourceId!)))];
        for (let i = 0; i < ids.length; i += EXTERNAL_IDS_PER_QUERY)
          queries.push(
            `${mine} AND ${EXTERNAL_ID} IN (${ids
              .slice(i, i + EXTERNAL_IDS_PER_QUERY)
              .map(soqlString)
              .join(', ')})`,
          );
      } else queries.push(`${mine} AND CreatedById = ${soqlString(this.o.userId)}`);
      for (const soql of queries)
        for await (const page of this.guarded(
          queryPages<Record<string, unknown>>(this.o.connection, soql, { all: true }),
        ))
          rows.push(...page.records);
    }
    const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : null);
    return madeByLookup(object, {
      rows,
      // Salesforce compares external ids regardless of case.
      externalId: byKey
        ? { of: (c) => outlookExternalId(c.request.sourceId!).toLowerCase(), in: (r) => lower(r[EXTERNAL_ID]) }
        : null,
      canonical: (r) => this.canonical(object, r),
    });
  }

  /**
   * The targets as the org holds them now, read so that their LastModifiedDate can serve as a precondition.
   * If-Unmodified-Since has whole seconds: an edit in the same second as a record's LastModifiedDate would pass it.
   * The read itself sees every edit before it; so a record modified less than two seconds (by the org's `Date`, which
   * has whole seconds too) before the read is read again once its second has passed, and the precondition covers the
   * rest. That waits only for records edited just now, at most about two seconds.
   */
  private async heldSince(object: SyncObject, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const held = await this.currentRecords(object, ids);
    for (let round = 0; round < 3; round++) {
      const readAt = this.o.connection.serverTime;
      if (readAt === null) return held;
      const readSecond = Math.floor(readAt / 1000);
      const recent = [...held.values()].filter((r) => {
        const modified = Date.parse(String(r.LastModifiedDate ?? ''));
        return r.IsDeleted !== true && !Number.isNaN(modified) && Math.floor(modified / 1000) >= readSecond - 1;
      });
      if (recent.length === 0) return held;
      const newest = Math.max(...recent.map((r) => Math.floor(Date.parse(String(r.LastModifiedDate)) / 1000)));
      await (this.o.sleep ?? defaultSleep)((newest + 2 - readSecond) * 1000);
      const again = await this.currentRecords(
        object,
        recent.map((r) => String(r.Id)),
      );
      for (const r of recent) {
        const key = idKey(String(r.Id));
        const now = again.get(key);
        if (now) held.set(key, now);
        else held.delete(key);
      }
    }
    return held;
  }

  /** A Composite call of at most 25 subrequests: one request. */
  private composite(subrequests: Subrequest[], allOrNone: boolean): Promise<SubResult[]> {
    this.count();
    return this.guard(composite(this.o.connection, subrequests, allOrNone));
  }

  /** The records with these ids the user sees as the org holds them now, deleted ones included (queryAll), by idKey. */
  private async currentRecords(object: SyncObject, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    const fields = ['Id', 'SystemModstamp', 'LastModifiedDate', 'IsDeleted', ...this.fields.read[object]].join(', ');
    for (let i = 0; i < ids.length; i += COLLECTION_LIMIT) {
      const chunk = ids.slice(i, i + COLLECTION_LIMIT);
      const soql = `SELECT ${fields} FROM ${SOBJECT_OF[object]} WHERE Id IN (${chunk.map(soqlString).join(', ')})`;
      for await (const page of this.guarded(
        queryPages<Record<string, unknown>>(this.o.connection, soql, { all: true }),
      )) {
        for (const r of page.records) out.set(idKey(String(r.Id)), r);
      }
    }
    return out;
  }

  /** A query's pages, counted, with run-stopping failures as SyncStop. */
  private async *guarded<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
    for (;;) {
      const next = await this.guard(pages.next());
      if (next.done) return;
      this.count();
      yield next.value;
    }
  }
}

/** A SOQL datetime literal, in whole seconds (rounded down, so the instant itself is included). */
function soqlDateTime(d: Date): string {
  return `${new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A record id without its case-safe suffix: the 15 characters that name it, whichever form a caller holds. */
const idKey = (id: string) => id.slice(0, 15);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Salesforce datetime as an HTTP date (whole seconds, as If-Unmodified-Since takes it), or null. */
function httpDate(stamp: string): string | null {
  const ms = Date.parse(stamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : new Date(ms).toUTCString();
}

/** A subrequest that found no record to write (deleted, or never was). */
function isGoneAnswer(r: SubResult): boolean {
  const code = r.httpStatusCode >= 300 ? subrequestError(r).errorCode : '';
  return r.httpStatusCode === 404 || code === 'ENTITY_IS_DELETED' || code === 'INVALID_CROSS_REFERENCE_KEY';
}

/** A subrequest rolled back because another of its allOrNone call failed. */
function isHalted(r: SubResult): boolean {
  return subrequestError(r).errorCode === 'PROCESSING_HALTED';
}

/** A write the org refused, as a value (a bad record), or one that may pass (a locked row). */
function failure(r: WriteRequest, res: SubResult): WriteResult {
  const e = subrequestError(res);
  return {
    key: r.key,
    ok: false,
    code: e.errorCode,
    message: e.message,
    fields: e.fields,
    retryable: e.errorCode === 'UNABLE_TO_LOCK_ROW' || res.httpStatusCode >= 500,
  };
}

function collect(out: Map<string, WriteResult>, requests: WriteRequest[], results: SaveResult[]): void {
  requests.forEach((r, i) => {
    const res = results[i];
    if (res?.success) out.set(r.key, { key: r.key, ok: true, id: res.id ?? r.id ?? '', version: null });
    else {
      const e = res?.errors[0];
      out.set(r.key, {
        key: r.key,
        ok: false,
        code: e?.statusCode ?? 'UNKNOWN',
        message: e?.message ?? 'no result for this record',
        fields: e?.fields ?? [],
        retryable: e?.statusCode === 'UNABLE_TO_LOCK_ROW',
      });
    }
  });
}

/**
 * Where the next read starts: READ_OVERLAP_MS before the org's time of this read. An org that sends no `Date` (not
 * Salesforce's own) falls back to the newest SystemModstamp read, less the overlap, never before this read's start.
 */
export function nextCheckpoint(checkpoint: string | null, readAt: number | null, latestStamp: string | null): string {
  if (readAt !== null) return new Date(Math.max(0, readAt - READ_OVERLAP_MS)).toISOString();
  const latest = latestStamp === null ? NaN : Date.parse(latestStamp) - READ_OVERLAP_MS;
  const start = checkpoint === null ? 0 : Date.parse(checkpoint);
  return new Date(Math.max(Number.isNaN(start) ? 0 : start, Number.isNaN(latest) ? 0 : latest)).toISOString();
}

/** Whole-run failures become SyncStop (stop-reason.ts); everything else propagates. */
function toStop(err: unknown): unknown {
  const stop = err instanceof SalesforceApiError ? stopFor(err.failure) : null;
  return stop ? new SyncStop(stop) : err;
}
