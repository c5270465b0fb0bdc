/**
 * One sync run: read what changed on each side (stored with its checkpoint), plan, then send the queued
 * writes. A SyncStop (lost API access, throttling, an unreachable side, the delete guard) ends the run at
 * once with everything read and queued kept, so the next run continues where this one stopped.
 */
import { ObjectSettings, SyncObject, SYNC_OBJECTS } from './objects';
import { Plan } from './planner';
import { planInChunks, plannedDeletes } from './plan-chunks';
import { deleteGuard } from './delete-guard';
import { StateStore } from './state-store';
import { SyncReport, emptyReport } from './report';
import { Side, SideChange, SideName, StopReason, SyncStop } from './types';
import { DEFERRED_LISTED, OutboxSender, replanOvertakenWrites } from './outbox-sender';
import { EventCopies } from './event-copies';
import { eventWindow } from './event-window';
import { concludeFullListing, startFullListing } from './full-listing';
import { settleEventRemovals } from './event-removals';
import { contentHash } from './canonical';

/** What a run works on. */
export interface RunInput {
  config: RunSettings;
  sides: Record<SideName, Side>;
  store: StateStore;
}

export interface RunOptions {
  dryRun?: boolean;
  now?: () => Date;
  /** Called as work progresses (a progress bar on a terminal). */
  onProgress?: (done: number, total: number, what: string) => void;
  /** Waits between rounds of writes that failed for a reason that may pass (default a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** The pauses before each round of failed writes (default WRITE_RETRY_DELAYS_MS). */
  retryDelaysMs?: number[];
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
 * Rounds of planning again, in one run, what writes found changed on their target. A target edited again during
 * each round (someone typing) is left in the inbox for the next run after this many.
 */
export const REPLAN_ROUNDS = 3;

/** What a run needs of the configuration: each object's direction and winner, and the delete guard's share. */
export interface RunSettings {
  objects: Record<SyncObject, ObjectSettings>;
  deleteGuard: { maxShare: number };
}

/** Run once. Throws nothing for stops: they are in report.stopped. */
export async function runOnce({ config, sides, store }: RunInput, o: RunOptions = {}): Promise<RunResult> {
  const now = o.now ?? (() => new Date());
  const report = emptyReport(now().toISOString(), !!o.dryRun);
  const plans: PlanSummary[] = [];
  const objects = SYNC_OBJECTS.filter((obj) => config.objects[obj].direction !== 'none');
  const before = { salesforce: sides.salesforce.requestCount(), outlook: sides.outlook.requestCount() };
  const sender = new OutboxSender(sides, store, report, {
    sleep: o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    retryDelaysMs: o.retryDelaysMs,
    onProgress: o.onProgress,
    now,
  });
  const guarded: StopReason[] = [];
  // A dry run goes through the same steps on a scratch copy of the state file: it moves no checkpoint, queues
  // nothing in the real file, sends nothing, and holds no lock another engine on the same file would wait for.
  const steps = async (work: StateStore) => {
    // Writes an earlier run sent (or may have sent) without storing their results go out again before anything
    // is read: a create that reached a side before a crash is matched and linked now, so the reads below see it
    // as the echo of our own write, not as a new record to copy back (a duplicate on the other side). Writes
    // never attempted cannot have reached a side; they wait for the send phase.
    if (!o.dryRun) await sender.sendAll(objects, { attemptedOnly: true });
    const copies = new EventCopies(work.db);
    // What those found changed is in the inbox now, planned below with what the reads bring.
    sender.takeReplanned();
    const summaries = new Map<SyncObject, PlanSummary>();
    const plan = (object: SyncObject) => {
      let summary = summaries.get(object);
      if (!summary) {
        summary = { object, matched: 0, conflicts: 0, byKind: {}, writes: [] };
        summaries.set(object, summary);
        plans.push(summary);
      }
      const before = { matched: summary.matched, conflicts: summary.conflicts };
      planInChunks(work, object, config.objects[object], (p) => {
        work.commitPlan(object, p.planned, p.writes, p.linkUpdates, p.linkDeletes);
        summarize(summary!, p, !!o.dryRun);
      });
      report.matched[object] += summary.matched - before.matched;
      report.conflicts[object] += summary.conflicts - before.conflicts;
    };
    /** Whether the delete guard stopped the object in this run: nothing more of it is planned or sent. */
    const stopped = (object: SyncObject) => guarded.some((g) => g.kind === 'deleteGuard' && g.object === object);
    /**
     * Plan the object's inbox unless the deletes it would make trip the guard: then it stays unplanned (nothing of it
     * queued, all of it kept for the next run), the object is stopped for the rest of the run, and the other objects
     * go on. Every plan that can delete passes here: each read's, the read-back's after creates, and the replans of
     * writes found stale (an edit against a delete the user made while the run wrote becomes a delete).
     */
    const guardThenPlan = (object: SyncObject): void => {
      // The run's deletes so far count too: their links are gone from the count but were synced records.
      const deleted = {
        salesforce: report.counts.salesforce[object].deleted,
        outlook: report.counts.outlook[object].deleted,
      };
      const guard = deleteGuard(
        object,
        plannedDeletes(work, object, config.objects[object]),
        work.linkCount(object) + deleted.salesforce + deleted.outlook,
        config.deleteGuard.maxShare,
        deleted,
      );
      if (guard) guarded.push(guard);
      else plan(object);
    };
    // Every object's first page of each side in one request (an idle run: one request a side).
    for (const side of [sides.salesforce, sides.outlook])
      await side.prefetch?.(objects.map((object) => ({ object, checkpoint: work.checkpoint(side.name, object) })));
    for (const object of objects) {
      const settings = config.objects[object];
      const planned = work.plannedDirection(object);
      // The direction changed: records the old one left alone (never copied, or edited on the side that did not
      // sync) are listed again in full, after the usual read (which is what reports deletions).
      const relist = planned !== null && planned !== settings.direction;
      for (const side of [sides.salesforce, sides.outlook]) {
        await readSide(work, side, object, work.checkpoint(side.name, object), copies, now);
        // Outlook items an earlier run made and never read back (it stopped first): a delete of one would be reported
        // by no delta round, so the object is listed in full, which takes a linked copy it does not find for deleted.
        const unread = side.name === 'outlook' && !relist && work.unreadCreates(object) > 0;
        if (relist || unread) await readSide(work, side, object, null, copies, now);
      }
      // What left the calendar view is settled (deleted, moved, or its series moved) before the guard counts deletes.
      if (object === 'events') await settleEventRemovals(work, copies, sides.outlook, eventWindow(now()));
      work.setPlannedDirection(object, settings.direction);
      report.replanned += replanOvertakenWrites(work, object);
      guardThenPlan(object);
    }
    const sendable = objects.filter((obj) => !stopped(obj));
    if (!o.dryRun) {
      await sender.sendAll(sendable);
      // Writes whose target changed since they were planned: planned again with what it holds now (a conflict the
      // winner decides), through the guard, and sent. An object the guard stops keeps its replans in the inbox.
      for (let round = 0; round < REPLAN_ROUNDS && sender.takeReplanned() > 0; round++) {
        for (const object of sendable) if (!stopped(object)) guardThenPlan(object);
        await sender.sendAll(sendable.filter((obj) => !stopped(obj)));
      }
      // The mailbox's delta reports a delete only of an item its token knew. Items this run created are read back
      // now and planned (echoes: their versions are noted), so a copy the user deletes before the next run is
      // reported then; anything else the read brings waits in the outbox for the next run.
      // The user's deletes made while this run wrote arrive here too, so they go through the guard. An object the
      // replans stopped is read back all the same (so the delta knows its new items) and not planned: what the read
      // brings waits in the inbox with its replans.
      for (const object of sendable) {
        if (report.counts.outlook[object].created === 0) continue;
        await readSide(work, sides.outlook, object, work.checkpoint('outlook', object), copies, now);
        // An event this run's own update moved out of the window shows as removed here: not a delete.
        if (object === 'events') await settleEventRemovals(work, copies, sides.outlook, eventWindow(now()));
        if (stopped(object)) continue;
        report.replanned += replanOvertakenWrites(work, object);
        guardThenPlan(object);
      }
    }
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
  report.pendingWrites = store.outboxCounts();
  report.deferred = store.failedWrites(DEFERRED_LISTED);
  report.requests = {
    salesforce: sides.salesforce.requestCount() - before.salesforce,
    outlook: sides.outlook.requestCount() - before.outlook,
  };
  report.endedAt = now().toISOString();
  return { report, plans };
}

/**
 * Read what changed on one side into the inbox, each page as it arrives; the checkpoint moves once the read is
 * complete. A full listing (no checkpoint, or one the side starts on its own) reports no deletions: what an earlier
 * full listing stored before it stopped part way is dropped first (a record deleted since must not be planned from
 * that stale page), and a complete one ends, with its checkpoint, by taking the linked records it left out for
 * deleted (full-listing.ts).
 */
async function readSide(
  store: StateStore,
  side: Side,
  object: SyncObject,
  checkpoint: string | null,
  copies: EventCopies,
  now: () => Date,
): Promise<void> {
  let listing = false;
  const startListing = () => {
    if (listing) return;
    listing = true;
    startFullListing(store, side.name, object, eventWindow(now()));
  };
  if (checkpoint === null) startListing();
  const outlook = side.name === 'outlook';
  const unread = outlook && store.startUnreadRound(object);
  const linked = (id: string) =>
    !!(side.name === 'salesforce' ? store.linkBySf(object, id) : store.linkByOl(object, id));
  const put = (page: SideChange[]) => {
    if (unread)
      store.noteRead(
        object,
        page.map((c) => c.id),
      );
    // A listing must see every record it lists (what it leaves out is taken for deleted).
    store.putChanges(side.name, object, listing ? page : page.filter((c) => !heldAlready(store, side, object, c)));
    if (object === 'events') copies.note(side.name, page, linked);
  };
  const batch = await side.changesSince(object, checkpoint, (page) => store.transaction(() => put(page)), startListing);
  store.transaction(() => {
    put(batch.changes);
    store.storeChanges(side.name, object, [], batch.checkpoint);
    if (batch.complete) concludeFullListing(store, side.name, object, batch.window, copies);
    if (outlook) store.concludeUnreadRound(object, listing && batch.complete);
  });
}

/**
 * An Outlook record read as its link already holds it: the version the link noted and the content it last synced. Our
 * own creates and updates read back (the mailbox's delta must see them, runner.ts), and the overlap of reads, come
 * so; planning one does nothing (planner.ts: an unchanged pair with the versions it has), so it is not stored to be
 * planned. Salesforce's versions come from reads, not from its write results, so its echoes are planned as ever.
 */
function heldAlready(store: StateStore, side: Side, object: SyncObject, c: SideChange): boolean {
  if (side.name !== 'outlook' || c.deleted) return false;
  const link = store.linkByOl(object, c.id);
  return !!link && link.olVersion === c.version && link.hash === contentHash(c.data);
}

/** Add a chunk's plan to the object's summary. */
function summarize(summary: PlanSummary, plan: Plan, withWrites: boolean): void {
  summary.matched += plan.matched;
  summary.conflicts += plan.conflicts;
  for (const w of plan.writes) {
    const kind = `${w.request.kind} in ${w.target}`;
    summary.byKind[kind] = (summary.byKind[kind] ?? 0) + 1;
    if (withWrites)
      summary.writes.push({ target: w.target, kind: w.request.kind, id: w.request.id, sourceId: w.sourceId });
  }
}
