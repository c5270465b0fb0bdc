/**
 * Salesforce as a Side: reads the signed-in user's records changed since a SystemModstamp checkpoint
 * (queryAll, so deletes show as IsDeleted), pages at 2,000, writes in sObject Collections of 200.
 * Lost API access, throttling and an unreachable org stop the run (SyncStop); record errors are values.
 */
import crypto from 'node:crypto';
import { Connection } from '../../salesforce/connection';
import { queryPages, soqlString } from '../../salesforce/query';
import {
  COLLECTION_LIMIT,
  createRecords,
  deleteRecords,
  updateRecords,
  upsertRecords,
  SaveResult,
} from '../../salesforce/collections';
import { SalesforceApiError } from '../../salesforce/errors';
import { stopFor } from '../stop-reason';
import { SyncObject } from '../objects';
import { ChangeBatch, Side, SideChange, SyncStop, WriteRequest, WriteResult } from '../types';
import { eventWindow } from '../event-window';
import { salesforceInstant } from '../../common/clock';
import { FIELDS_OF, SOBJECT_OF, fromSalesforce, toSalesforce } from '../mappers/salesforce-records';
import { SALESFORCE_GROUPS, changedProperties } from '../mappers/changed-fields';

export interface SalesforceSideOptions {
  connection: Connection;
  userId: string;
  /** Called on every request the side makes (the report counts them). */
  onRequest?: () => void;
  /** For the events window; default the system clock. */
  now?: () => Date;
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

/** The external id field that makes creates from Outlook idempotent across crashes. */
const EXTERNAL_ID = 'OutlookId__c';

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

  constructor(private readonly o: SalesforceSideOptions) {}

  requestCount(): number {
    return this.requests;
  }

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

  async changesSince(
    object: SyncObject,
    checkpoint: string | null,
    onPage?: (changes: SideChange[]) => void,
    onFullListing?: () => void,
  ): Promise<ChangeBatch> {
    const fields = ['Id', 'SystemModstamp', 'IsDeleted', ...FIELDS_OF[object]].join(', ');
    // The checkpoint is where this read starts (inclusive; READ_OVERLAP_MS before the previous read): what was read
    // before is an echo the planner skips.
    const where = [`OwnerId = ${soqlString(this.o.userId)}`];
    if (checkpoint) where.push(`SystemModstamp >= ${checkpoint}`);
    // A full listing of events lists the Outlook calendar view's window. A read of what changed is not bounded by it:
    // an event moved out of the window must be seen to be followed (event-removals.ts keeps an unlinked one out).
    const window = object === 'events' && checkpoint === null ? eventWindow(this.o.now?.() ?? new Date()) : undefined;
    if (window)
      where.push(`EndDateTime >= ${window.start.toISOString()} AND StartDateTime <= ${window.end.toISOString()}`);
    if (checkpoint === null) onFullListing?.();
    const soql = `SELECT ${fields} FROM ${SOBJECT_OF[object]} WHERE ${where.join(' AND ')} ORDER BY SystemModstamp, Id`;
    const changes: SideChange[] = [];
    let latest: string | null = null;
    let readAt: number | null = null;
    const pages = queryPages<Record<string, unknown>>(this.o.connection, soql, { all: checkpoint !== null });
    for (;;) {
      const next = await this.guard(pages.next());
      if (next.done) break;
      readAt ??= this.o.connection.serverTime;
      this.count();
      const page: SideChange[] = onPage ? [] : changes;
      for (const r of next.value.records) {
        const id = String(r.Id);
        const stamp = salesforceInstant(r.SystemModstamp, `${SOBJECT_OF[object]}.SystemModstamp`);
        if (!latest || stamp > latest) latest = stamp;
        page.push(
          r.IsDeleted === true
            ? { id, deleted: true }
            : { id, version: String(r.SystemModstamp), deleted: false, data: fromSalesforce(object, r) },
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
   * Creates as upserts; updates and deletes conditional on the version they were planned against. sObject
   * Collections have no precondition, so the records they target are read again (one query per 200) just before:
   * one whose SystemModstamp moved since, or that is gone, is not written and comes back stale with what it holds
   * now. An update sends only the fields whose values changed. (What changes between that query and the call,
   * milliseconds later, is not seen: Salesforce's `If-Unmodified-Since` would close that, at one request per record.)
   */
  async write(object: SyncObject, requests: WriteRequest[]): Promise<WriteResult[]> {
    const type = SOBJECT_OF[object];
    const out = new Map<string, WriteResult>();
    const creates = requests.filter((r) => r.kind === 'create');
    const held = await this.currentRecords(
      object,
      requests.filter((r) => r.kind !== 'create').map((r) => r.id!),
    );
    const updates: Array<WriteRequest & { fields: Record<string, unknown> }> = [];
    const deletes: WriteRequest[] = [];
    for (const r of requests) {
      if (r.kind === 'create') continue;
      // Not found at all (not visible to the user, or gone from the recycle bin): the org's answer to the write says which.
      const now = held.get(idKey(r.id!));
      const current: SideChange | undefined = !now
        ? undefined
        : now.IsDeleted === true
          ? { id: r.id!, deleted: true }
          : { id: r.id!, version: String(now.SystemModstamp), deleted: false, data: fromSalesforce(object, now) };
      const moved = !!current && !current.deleted && !!r.version && current.version !== r.version;
      if (r.kind === 'delete') {
        // A record already gone is what a delete wanted.
        if (current?.deleted) out.set(r.key, { key: r.key, ok: true, id: r.id!, version: null });
        else if (moved) out.set(r.key, { key: r.key, ok: false, stale: true, current: current! });
        else deletes.push(r);
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
      if (Object.keys(fields).length === 0)
        out.set(r.key, {
          key: r.key,
          ok: true,
          id: r.id!,
          version: current && !current.deleted ? current.version : null,
        });
      else updates.push({ ...r, fields });
    }
    if (creates.length) {
      // Upsert on the Outlook id: a create retried after a crash finds the record it made instead of making another.
      const rows = creates.map((r) => ({
        ...toSalesforce(object, r.data!),
        OwnerId: this.o.userId,
        [EXTERNAL_ID]: r.sourceId ? outlookExternalId(r.sourceId) : null,
      }));
      const withKey = creates.every((r) => r.sourceId);
      const results = await this.collections(
        withKey
          ? upsertRecords(this.o.connection, type, EXTERNAL_ID, rows)
          : createRecords(this.o.connection, type, rows),
        rows.length,
      );
      collect(out, creates, results);
    }
    if (updates.length) {
      const rows = updates.map((r) => ({ ...r.fields, Id: r.id! }));
      const results = await this.collections(updateRecords(this.o.connection, type, rows), rows.length);
      // Deleted between the query and the update: a delete on this side, planned as one.
      updates.forEach((r, i) => {
        if (isGone(results[i]))
          out.set(r.key, { key: r.key, ok: false, stale: true, current: { id: r.id!, deleted: true } });
      });
      collect(
        out,
        updates.filter((_r, i) => !isGone(results[i])),
        results.filter((res) => !isGone(res)),
      );
    }
    if (deletes.length) {
      const results = await this.collections(
        deleteRecords(
          this.o.connection,
          deletes.map((r) => r.id!),
        ),
        deletes.length,
      );
      collect(
        out,
        deletes,
        results.map((r) => (isGone(r) ? { ...r, success: true, errors: [] } : r)),
      );
    }
    return requests.map((r) => out.get(r.key)!);
  }

  /** The records with these ids the user sees as the org holds them now, deleted ones included (queryAll), by idKey. */
  private async currentRecords(object: SyncObject, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    const fields = ['Id', 'SystemModstamp', 'IsDeleted', ...FIELDS_OF[object]].join(', ');
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

/** A record id without its case-safe suffix: the 15 characters that name it, whichever form a caller holds. */
const idKey = (id: string) => id.slice(0, 15);

/** A record that is not there to write (deleted, or never was). */
function isGone(r: SaveResult | undefined): boolean {
  return (
    !!r &&
    !r.success &&
    r.errors.some((e) => e.statusCode === 'ENTITY_IS_DELETED' || e.statusCode === 'INVALID_CROSS_REFERENCE_KEY')
  );
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
