/**
 * One sync run: read what changed on each side (stored with its checkpoint), plan, then send the queued
 * writes. A SyncStop (lost API access, throttling, an unreachable side, the delete guard) ends the run at
 * once with everything read and queued kept, so the next run continues where this one stopped.
 */
import { SyncConfig, SyncObject, SYNC_OBJECTS } from './config';
import { Plan } from './planner';
import { planInChunks, plannedDeletes } from './plan-chunks';
import { Link, QueuedWrite, StateStore } from './state-store';
import { SyncReport, emptyReport } from './report';
import { Side, SideName, StopReason, SyncStop, WriteResult } from './types';
import { contentHash } from './canonical';

export interface RunOptions {
  dryRun?: boolean;
  now?: () => Date;
  /** Called as work progresses (a progress bar on a terminal). */
  onProgress?: (done: number, total: number, what: string) => void;
}

/** What a run planned for one object: counts always; each write only in a dry run (which prints them). */
export interface PlanSummary {
  object: SyncObject;
  matched: number;
  conflicts: number;
  byKind: Record<string, number>;
  writes: Array<{ target: SideName; kind: string; id?: string; sourceId: string | null }>;
}

export interface RunResult {
  report: SyncReport;
  plans: PlanSummary[];
}

/**
 * Writes sent between two stores of their results. Salesforce takes 200 in one sObject Collections call. Outlook
 * takes one request per record, so its batch is a trade: a crash leaves at most that many writes to match on the
 * next run, and each batch costs two durable transactions. 25 ran within noise of 50 on a first sync of 1,500
 * contacts; 10 was about 8% slower.
 */
const WRITE_BATCH: Record<SideName, number> = { salesforce: 200, outlook: 25 };
/** The delete guard ignores runs that delete fewer records than this, whatever their share. */
const GUARD_MIN_DELETES = 5;

/** Run once. Throws nothing for stops: they are in report.stopped. */
export async function runOnce(config: SyncConfig, sides: Record<SideName, Side>, store: StateStore, o: RunOptions = {}): Promise<RunResult> {
  const now = o.now ?? (() => new Date());
  const report = emptyReport(now().toISOString(), !!o.dryRun);
  const plans: PlanSummary[] = [];
  const objects = SYNC_OBJECTS.filter((obj) => config.objects[obj].direction !== 'none');
  const before = { salesforce: sides.salesforce.requestCount(), outlook: sides.outlook.requestCount() };
  let done = 0;
  const guarded: StopReason[] = [];
  // A dry run goes through the same steps on a scratch copy of the state file: it moves no checkpoint, queues
  // nothing in the real file, sends nothing, and holds no lock another engine on the same file would wait for.
  const steps = async (work: StateStore) => {
    // Writes an earlier run sent (or may have sent) without storing their results go out again before anything
    // is read: a create that reached a side before a crash is matched and linked now, so the reads below see it
    // as the echo of our own write, not as a new record to copy back (a duplicate on the other side). Writes
    // never attempted cannot have reached a side; they wait for the send phase.
    if (!o.dryRun) done = await sendAll(objects, sides, work, report, done, o, true);
    for (const object of objects) {
      const settings = config.objects[object];
      const planned = work.plannedDirection(object);
      // The direction changed: records the old one left alone (never copied, or edited on the side that did not
      // sync) are listed again in full, after the usual read (which is what reports deletions).
      const relist = planned !== null && planned !== settings.direction;
      for (const side of [sides.salesforce, sides.outlook]) {
        await readSide(work, side, object, work.checkpoint(side.name, object));
        if (relist) await readSide(work, side, object, null);
      }
      work.setPlannedDirection(object, settings.direction);
      const guard = deleteGuard(object, plannedDeletes(work, object, settings), work.linkCount(object), config.deleteGuard.maxShare);
      if (guard) {
        // This object's inbox stays unplanned; the other objects go on.
        guarded.push(guard);
        continue;
      }
      const summary: PlanSummary = { object, matched: 0, conflicts: 0, byKind: {}, writes: [] };
      plans.push(summary);
      planInChunks(work, object, settings, (plan) => {
        work.commitPlan(object, plan.planned, plan.writes, plan.linkUpdates, plan.linkDeletes);
        summarize(summary, plan, !!o.dryRun);
      });
      report.matched[object] += summary.matched;
      report.conflicts[object] += summary.conflicts;
    }
    if (!o.dryRun) await sendAll(objects.filter((obj) => !guarded.some((g) => g.kind === 'deleteGuard' && g.object === obj)), sides, work, report, done, o);
    if (guarded.length) report.stopped = guarded[0];
  };
  const scratch = o.dryRun ? await store.scratchCopy() : null;
  try {
    await steps(scratch?.store ?? store);
  } catch (err) {
    if (!(err instanceof SyncStop)) throw err;
    report.stopped = err.reason;
  } finally {
    scratch?.dispose();
  }
  report.pending = store.pendingCount();
  report.requests = {
    salesforce: sides.salesforce.requestCount() - before.salesforce,
    outlook: sides.outlook.requestCount() - before.outlook,
  };
  report.endedAt = now().toISOString();
  return { report, plans };
}

/**
 * Read what changed on one side into the inbox, each page as it arrives; the checkpoint moves once the read is
 * complete. A full listing (no checkpoint) reports no deletions, so what an earlier full listing stored before it
 * stopped part way is dropped first: a record deleted since must not be planned from that stale page.
 */
async function readSide(store: StateStore, side: Side, object: SyncObject, checkpoint: string | null): Promise<void> {
  if (checkpoint === null) store.dropListedChanges(side.name, object);
  const batch = await side.changesSince(object, checkpoint, (page) => store.putChanges(side.name, object, page));
  store.storeChanges(side.name, object, batch.changes, batch.checkpoint);
}

/** Send what is queued (all of it, or what `which` picks), object by object, Salesforce first; returns the progress count. */
async function sendAll(objects: SyncObject[], sides: Record<SideName, Side>, store: StateStore, report: SyncReport, done: number, o: RunOptions,
  attemptedOnly = false): Promise<number> {
  const total = done + objects.reduce((n, obj) => n + store.outboxCount(obj, attemptedOnly), 0);
  for (const object of objects) {
    for (const target of ['salesforce', 'outlook'] as SideName[]) {
      done = await sendQueued(object, target, sides[target], store, report, done, total, o, attemptedOnly);
    }
  }
  return done;
}

async function sendQueued(object: SyncObject, target: SideName, side: Side, store: StateStore, report: SyncReport, done: number, total: number, o: RunOptions,
  attemptedOnly: boolean): Promise<number> {
  // One batch at a time from the queue: a retryable failure stays queued behind `after` for the next run.
  for (let after = 0; ;) {
    const batch = store.outboxBatch(object, target, after, WRITE_BATCH[target], attemptedOnly);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].seq;
    const requests: QueuedWrite[] = [];
    const claimed = new Set<string>();
    for (const w of batch) requests.push(await resolveRetriedCreate(w, side, store, claimed));
    store.markAttempted(batch.map((w) => w.seq));
    const results = await side.write(object, requests.map((r) => r.request));
    const finished: number[] = [];
    const linkUpdates: Link[] = [];
    const linkDeletes: Array<{ object: SyncObject; sfId: string }> = [];
    results.forEach((res, j) => {
      const w = requests[j];
      if (res.ok) {
        finished.push(w.seq);
        count(report, target, object, w.request.kind);
        const link = linkFor(store, object, target, w, res);
        if (link) linkUpdates.push(link);
        if (w.request.kind === 'delete' && target === 'salesforce') linkDeletes.push({ object, sfId: w.request.id! });
      } else if (!res.retryable) {
        // A bad record is reported and dropped from the queue; the rest of the batch goes on.
        finished.push(w.seq);
        report.errors.push({ object, side: target, sourceId: w.sourceId, code: res.code, message: res.message, fields: res.fields });
      }
    });
    store.completeWrites(finished, linkUpdates, linkDeletes);
    done += batch.length;
    o.onProgress?.(done, total, `${object} -> ${target}`);
  }
  return done;
}

/**
 * A create that was sent before (a crash came before its result was stored): match instead of creating again.
 * A record already linked, or claimed by another retried create of the batch, is someone else's.
 */
async function resolveRetriedCreate(w: QueuedWrite, side: Side, store: StateStore, claimed: Set<string>): Promise<QueuedWrite> {
  if (w.request.kind !== 'create' || w.attempts === 0 || !side.findMatch || !w.request.data) return w;
  const taken = (id: string) => claimed.has(id) || !!existingLink(store, w.object, side.name, id);
  const found = await side.findMatch(w.object, w.request.data, taken);
  if (!found) return w;
  claimed.add(found.id);
  return { ...w, request: { ...w.request, kind: 'update', id: found.id } };
}

function count(report: SyncReport, side: SideName, object: SyncObject, kind: 'create' | 'update' | 'delete'): void {
  const c = report.counts[side][object];
  if (kind === 'create') c.created += 1;
  else if (kind === 'update') c.updated += 1;
  else c.deleted += 1;
}

function linkFor(store: StateStore, object: SyncObject, target: SideName, w: QueuedWrite, res: Extract<WriteResult, { ok: true }>): Link | undefined {
  if (w.request.kind === 'delete') return undefined;
  const hash = w.hash ?? (w.request.data ? contentHash(w.request.data) : '');
  if (w.request.kind === 'create' || (w.request.kind === 'update' && w.attempts > 0 && w.sourceId && !existingLink(store, object, target, res.id))) {
    const sourceId = w.sourceId!;
    return target === 'salesforce'
      ? { object, sfId: res.id, olId: sourceId, sfVersion: res.version, olVersion: null, hash }
      : { object, sfId: sourceId, olId: res.id, sfVersion: null, olVersion: res.version, hash };
  }
  const link = existingLink(store, object, target, res.id);
  if (!link) return undefined;
  return target === 'salesforce' ? { ...link, sfVersion: res.version ?? link.sfVersion, hash } : { ...link, olVersion: res.version ?? link.olVersion, hash };
}

function existingLink(store: StateStore, object: SyncObject, target: SideName, id: string): Link | undefined {
  return target === 'salesforce' ? store.linkBySf(object, id) : store.linkByOl(object, id);
}

/** The delete guard's verdict on an object's planned deletes: a stop when they would take too large a share of a side. */
function deleteGuard(object: SyncObject, deletes: Record<SideName, number>, total: number, maxShare: number): StopReason | undefined {
  for (const side of ['salesforce', 'outlook'] as SideName[]) {
    if (deletes[side] >= GUARD_MIN_DELETES && deletes[side] > maxShare * total) {
      return { kind: 'deleteGuard', object, side, deletes: deletes[side], total, maxShare };
    }
  }
  return undefined;
}

/** Add a chunk's plan to the object's summary. */
function summarize(summary: PlanSummary, plan: Plan, withWrites: boolean): void {
  summary.matched += plan.matched;
  summary.conflicts += plan.conflicts;
  for (const w of plan.writes) {
    const kind = `${w.request.kind} in ${w.target}`;
    summary.byKind[kind] = (summary.byKind[kind] ?? 0) + 1;
    if (withWrites) summary.writes.push({ target: w.target, kind: w.request.kind, id: w.request.id, sourceId: w.sourceId });
  }
}
