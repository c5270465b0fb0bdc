/** The replication windows of `GET /sobjects/{Type}/updated` and `/deleted` (WIRE.md 6.1 and 6.2). */
import { OrgContext } from './context';
import { RestCaller } from './rest-auth';
import { SalesforceRestError, restErrors } from './errors';
import { SObjectDef } from './schema';
import { quoteIdent, tableName } from './store';
import { ownRecordsField } from './visibility';
import { toSalesforceDateTime, parseSalesforceDateTime } from '../common/clock';
import { isReplicateable } from './describe';

const MINUTE = 60_000;
const REPLICATION_DAYS = 30;

/** The `start` and `end` query parameters as sent, unparsed. */
export interface ReplicationRange {
  start: string | undefined;
  end: string | undefined;
}

function replicationError(message: string): SalesforceRestError {
  return new SalesforceRestError(400, 'INVALID_REPLICATION_DATE', message);
}

function truncateToMinute(d: Date): Date {
  return new Date(Math.floor(d.getTime() / MINUTE) * MINUTE);
}

/**
 * The window `[start, latestDateCovered)` of an updated/deleted call. Salesforce ignores seconds, so both ends
 * are truncated to the minute; the next call starting at latestDateCovered misses nothing and repeats nothing.
 * An end in the future is covered only up to now.
 */
function replicationWindow(ctx: OrgContext, range: ReplicationRange): { start: string; covered: string } {
  const parse = (name: 'start' | 'end') => {
    const text = range[name];
    if (text === undefined || text === '')
      throw new SalesforceRestError(400, 'MISSING_ARGUMENT', `${name} parameter is required`);
    const d = parseSalesforceDateTime(text);
    if (!d) throw replicationError(`${name} is not a valid date/time: ${text}`);
    return truncateToMinute(d);
  };
  const start = parse('start');
  const end = parse('end');
  const now = truncateToMinute(ctx.store.clock.now());
  if (start.getTime() >= end.getTime())
    throw replicationError('startDate must chronologically precede endDate by more than one minute');
  if (start.getTime() < now.getTime() - REPLICATION_DAYS * 24 * 60 * MINUTE) {
    throw replicationError(`startDate cannot be more than ${REPLICATION_DAYS} days ago`);
  }
  const covered = new Date(Math.max(start.getTime(), Math.min(end.getTime(), now.getTime())));
  return { start: start.toISOString(), covered: covered.toISOString() };
}

function changedRows(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, range: ReplicationRange, deleted: boolean) {
  if (!isReplicateable(obj)) throw restErrors.notFound();
  const window = replicationWindow(ctx, range);
  const own = ownRecordsField(obj, caller);
  const rows = ctx.store.db
    .prepare(
      `SELECT "Id", "SystemModstamp" FROM ${tableName(obj)} WHERE "IsDeleted" = ? AND "SystemModstamp" >= ? AND "SystemModstamp" < ?${own ? ` AND ${quoteIdent(own)} = ?` : ''}
     ORDER BY "SystemModstamp", "Id"`,
    )
    .all(deleted ? 1 : 0, window.start, window.covered, ...(own ? [caller.userId] : [])) as Array<{
    Id: string;
    SystemModstamp: string;
  }>;
  return { rows, latestDateCovered: toSalesforceDateTime(window.covered) };
}

/** The body of `/updated`: the ids the caller can see that changed in the window. */
export function updatedIds(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, range: ReplicationRange) {
  const { rows, latestDateCovered } = changedRows(ctx, caller, obj, range, false);
  return { ids: rows.map((r) => r.Id), latestDateCovered };
}

/** The body of `/deleted`: the records the caller could see that were deleted in the window. */
export function deletedIds(ctx: OrgContext, caller: RestCaller, obj: SObjectDef, range: ReplicationRange) {
  const { rows, latestDateCovered } = changedRows(ctx, caller, obj, range, true);
  // Nothing is ever purged here, so deleted records are available since the org was created.
  const org = ctx.store.db.prepare(`SELECT "CreatedDate" FROM sobj_Organization LIMIT 1`).get() as {
    CreatedDate: string;
  };
  return {
    deletedRecords: rows.map((r) => ({ id: r.Id, deletedDate: toSalesforceDateTime(r.SystemModstamp) })),
    earliestDateAvailable: toSalesforceDateTime(truncateToMinute(new Date(org.CreatedDate)).toISOString()),
    latestDateCovered,
  };
}
