/**
 * Sending the outbox: queued writes in batches read from SQLite, each batch's results stored in one transaction.
 * A write that fails for a reason that may pass (a 5xx, a reset connection, an answer that is not the side's)
 * stays queued and the rest of the batch goes on; such writes go again a few times in the same run, after a
 * pause, and what still fails waits for the next run and is reported as pending. Sending again is safe: an update
 * or a delete is conditional on the version it was planned against, and a create that was sent before is first
 * matched by content on the side (it may have been carried out before its answer was lost), exactly as after a crash.
 *
 * A write the side refuses (a bad record) stays queued too, and goes once each run until it passes or a newer
 * change of its record replaces it, so every run reports it. A write whose target changed or went since it was
 * planned writes nothing: what it was about goes back to the inbox, and the runner plans it again (a conflict
 * the winner decides), unless the target already holds what it meant to write (its earlier attempt went through).
 */
import { SyncObject } from './objects';
import { BatchOutcome, Link, QueuedWrite, Replan, StateStore } from './state-store';
import { SyncReport, RecordIssue } from './report';
import { MadeByLookup, SentCreate, Side, SideChange, SideName, SyncStop, WriteResult } from './types';
import { contentHash } from './canonical';
import { awaitedLater } from '../common/awaited-later';

/**
 * Writes sent between two stores of their results (each store is two durable transactions, during which nothing is
 * in flight). Salesforce takes 200 in one sObject Collections call. Outlook takes 20 in one `$batch`, 4 batches in
 * flight: 200 keep them full across ten batches (a first sync of 20,000 records to Outlook took 9.3 s against 10.1 s
 * with 80), and a crash leaves at most that many writes to match on the next run, as on Salesforce.
 */
export const WRITE_BATCH: Record<SideName, number> = { salesforce: 200, outlook: 200 };

/**
 * Batches sent before the one before them is stored: while the engine stores a batch's results (SQLite, synchronous),
 * the next is already at the side. Outlook's `$batch`es share the mailbox's 4 slots (outlook-side.ts), so one ahead
 * keeps them full through the store (a first sync of 20,000 records to Outlook: 5.8 s against 7.4 s with none, the
 * mean of 3 runs each of the sync bench on a 2-core machine).
 * Salesforce's writes go one collection at a time: parallel DML on one org fights over row locks (a Contact's
 * Account), for little gain.
 */
export const SEND_AHEAD: Record<SideName, number> = { salesforce: 0, outlook: 1 };

/**
 * The pauses before each new round of a run's failed writes. Three rounds leave about one write in 8,000 of a
 * mailbox failing 5% of them for the next run; the pauses let a brief outage pass without holding a run long.
 */
export const WRITE_RETRY_DELAYS_MS = [500, 1_000, 2_000];

/** At most this many pending writes are named in a report (the counts are always exact). */
export const DEFERRED_LISTED = 100;

export interface SendOptions {
  /** Waits between rounds of failed writes. */
  sleep: (ms: number) => Promise<void>;
  retryDelaysMs?: number[];
  onProgress?: (done: number, total: number, what: string) => void;
  /** This machine's clock, for when a write was first sent (default the system clock). */
  now?: () => Date;
}

type Failure = Extract<WriteResult, { retryable: boolean }>;

/** Sends the outbox for one run. */
export class OutboxSender {
  private done = 0;
  private total = 0;
  /** Writes done with for this run (refused, or failed every round): they wait for the next run. */
  private readonly exhausted = new Set<number>();
  /** Writes sent back to the planner since the last takeReplanned(). */
  private replanned = 0;

  constructor(
    private readonly sides: Record<SideName, Side>,
    private readonly store: StateStore,
    private readonly report: SyncReport,
    private readonly o: SendOptions,
  ) {}

  /** Send what is queued for these objects (only what was sent before, with `attemptedOnly`), Salesforce first. */
  async sendAll(objects: SyncObject[], o: { attemptedOnly?: boolean } = {}): Promise<void> {
    const attemptedOnly = o.attemptedOnly ?? false;
    this.total = this.done + objects.reduce((n, obj) => n + this.store.outboxCount(obj, attemptedOnly), 0);
    for (const object of objects) {
      for (const target of ['salesforce', 'outlook'] as SideName[])
        await this.sendQueued({ object, target, attemptedOnly });
    }
  }

  /** How many writes went back to the planner since the last call (their changes wait in the inbox). */
  takeReplanned(): number {
    const n = this.replanned;
    this.replanned = 0;
    return n;
  }

  private async sendQueued({
    object,
    target,
    attemptedOnly,
  }: {
    object: SyncObject;
    target: SideName;
    attemptedOnly: boolean;
  }): Promise<void> {
    let failed: number[] = [];
    // Batches in the order queued: a failure that may pass stays queued behind `after`. Up to SEND_AHEAD[target] more
    // go while one's results are stored, so the side is not idle meanwhile.
    const sending: Array<Promise<number[]>> = [];
    try {
      for (let after = 0; ;) {
        const read = this.store.outboxBatch(object, target, after, WRITE_BATCH[target], attemptedOnly);
        if (read.length === 0) break;
        after = read[read.length - 1].seq;
        // A write done with for this run is skipped, unless a newer plan replaced it since (it was never sent then).
        const batch = read.filter((w) => !this.exhausted.has(w.seq) || w.attempts === 0);
        // A create sent before is matched against what the side holds: the batches before it are stored first.
        if (batch.some(sentBefore)) while (sending.length) failed.push(...(await sending.shift()!));
        if (batch.length) sending.push(awaitedLater(this.sendBatch(object, target, batch)));
        while (sending.length > SEND_AHEAD[target]) failed.push(...(await sending.shift()!));
        this.done += read.length;
        this.o.onProgress?.(this.done, this.total, `${object} -> ${target}`);
      }
      while (sending.length) failed.push(...(await sending.shift()!));
    } finally {
      // A batch that stopped the run: the others in flight are answered and stored before the stop goes on.
      await Promise.allSettled(sending);
    }
    for (const delayMs of this.o.retryDelaysMs ?? WRITE_RETRY_DELAYS_MS) {
      if (failed.length === 0) break;
      await this.o.sleep(delayMs);
      // Read again: their attempts count moved on, so a create is matched by content before it is sent again.
      const again = this.store.outboxWrites(failed);
      failed = [];
      for (let i = 0; i < again.length; i += WRITE_BATCH[target]) {
        const batch = again.slice(i, i + WRITE_BATCH[target]);
        this.report.retriedWrites += batch.length;
        failed.push(...(await this.sendBatch(object, target, batch)));
      }
    }
    for (const seq of failed) this.exhausted.add(seq);
  }

  /** Send one batch and store its results; returns the seqs of the writes that failed for a reason that may pass. */
  private async sendBatch(object: SyncObject, target: SideName, batch: QueuedWrite[]): Promise<number[]> {
    const side = this.sides[target];
    const outcome: BatchOutcome = { done: [], linkUpdates: [], linkDeletes: [], failed: [], replans: [] };
    const requests: QueuedWrite[] = [];
    const claimed = new Set<string>();
    // What the batch's creates sent before made, read once for all of them.
    const sent = batch.map(sentCreate).filter((c): c is SentCreate => c !== undefined);
    const made = sent.length && side.madeBy ? await side.madeBy(object, sent) : undefined;
    for (const w of batch) {
      const resolved = await resolveRetriedCreate(w, side, this.store, claimed, made);
      if ('replan' in resolved) this.replan(outcome, resolved.replan);
      else if ('adopt' in resolved) this.adopt(outcome, object, target, resolved.adopt);
      else requests.push(resolved.send);
    }
    this.store.markAttempted(
      requests.map((w) => w.seq),
      this.o.now?.() ?? new Date(),
    );
    let results: Array<WriteResult | undefined> = [];
    let stop: SyncStop | null = null;
    try {
      if (requests.length)
        results = await side.write(
          object,
          requests.map((r) => r.request),
        );
    } catch (err) {
      // A side that stopped part way through the batch: keep what it did, then stop the run.
      if (!(err instanceof SyncStop) || !err.partialResults) throw err;
      stop = err;
      results = err.partialResults;
    }
    const kindSent = new Map(batch.map((w) => [w.seq, w.request.kind]));
    const retry: number[] = [];
    results.forEach((res, j) => {
      const w = requests[j];
      // Not answered (the run stopped first): it stays queued as sent, and is matched before it goes again.
      if (!res) return;
      if (res.ok) {
        this.confirm(outcome, object, target, w, res);
        // A create sent again as an update of the record it made before its answer was lost is still a create.
        count(this.report, target, object, kindSent.get(w.seq)!);
        if (target === 'outlook' && kindSent.get(w.seq) === 'create') madeInOutlook(outcome, object, res.id);
      } else if ('stale' in res) {
        // The target holds what this write meant to write: an earlier attempt went through (its answer was lost).
        if (!res.current.deleted && w.hash !== null && contentHash(res.current.data) === w.hash) {
          this.confirm(outcome, object, target, w, {
            key: w.request.key,
            ok: true,
            id: res.current.id,
            version: res.current.version,
          });
          return;
        }
        this.replan(outcome, replanOf(w, res.current));
      } else if (!res.retryable) {
        // A bad record is reported and stays queued for the next run; the rest of the batch goes on.
        this.exhausted.add(w.seq);
        outcome.failed.push({ seq: w.seq, code: res.code, message: res.message, fields: res.fields, refused: true });
        this.report.errors.push(issue(object, target, w, res));
      } else {
        retry.push(w.seq);
        outcome.failed.push({ seq: w.seq, code: res.code, message: res.message, fields: res.fields, refused: false });
      }
    });
    this.store.completeWrites(outcome);
    if (stop) throw stop;
    return retry;
  }

  /**
   * A create sent before whose record was found (resolveRetriedCreate): it leaves the queue, counted as the create it
   * was; its link is stored as the create left it, and what the record holds now goes to the inbox to be planned (an
   * echo when the user did nothing to it).
   */
  private adopt(
    outcome: BatchOutcome,
    object: SyncObject,
    target: SideName,
    a: { link: Link; current: SideChange; seq: number },
  ): void {
    outcome.linkUpdates.push(a.link);
    if (target === 'outlook') madeInOutlook(outcome, object, a.link.olId);
    outcome.replans.push({ seq: a.seq, object, target, current: a.current, source: null });
    // Planned again in this run when the run is past its reads (see runner.ts).
    this.replanned += 1;
    count(this.report, target, object, 'create');
  }

  private replan(outcome: BatchOutcome, r: Replan): void {
    outcome.replans.push(r);
    this.replanned += 1;
    this.report.replanned += 1;
  }

  /** A write carried out: it leaves the queue, and its link follows (a delete's goes with it). */
  private confirm(
    outcome: BatchOutcome,
    object: SyncObject,
    target: SideName,
    w: QueuedWrite,
    res: Extract<WriteResult, { ok: true }>,
  ): void {
    outcome.done.push(w.seq);
    const link = linkFor(this.store, object, target, w, res);
    if (link) outcome.linkUpdates.push(link);
    if (w.request.kind === 'delete') {
      const gone = existingLink(this.store, object, target, w.request.id!);
      if (gone) outcome.linkDeletes.push({ object, sfId: gone.sfId });
    }
  }
}

/**
 * Queued updates and deletes whose target a read reported changed or gone (they waited in the queue: a run stopped,
 * a failure) go back to the planner with the change they carried, as a stale write does, before the object is
 * planned; returns how many. Planned first, the target's change would look like the only one of its pair and
 * overwrite the side the queued write came from; this way the two are a conflict the winner decides. A target
 * reported at the version the write was planned against (a read's overlap) leaves the write queued.
 */
export function replanOvertakenWrites(store: StateStore, object: SyncObject): number {
  const replans = store
    .queuedWritesToReported(object)
    .filter(({ write, current }) => current.deleted || current.version !== write.request.version)
    .map(({ write, current }) => replanOf(write, current));
  if (replans.length) store.completeWrites({ done: [], linkUpdates: [], linkDeletes: [], failed: [], replans });
  return replans.length;
}

/**
 * A stale write, planned again: the target as it is now, and the change the write carried from its source (an
 * edit's content, or a delete). Together they are an edit against an edit, or an edit against a delete.
 */
function replanOf(w: QueuedWrite, current: SideChange): Replan {
  const sourceId = w.request.sourceId ?? w.sourceId;
  let source: SideChange | null = null;
  if (sourceId && w.request.kind === 'delete') source = { id: sourceId, deleted: true };
  else if (sourceId && w.request.data)
    source = { id: sourceId, version: w.request.sourceVersion ?? '', deleted: false, data: w.request.data };
  return { seq: w.seq, object: w.object, target: w.target, current, source };
}

function issue(object: SyncObject, side: SideName, w: QueuedWrite, res: Failure): RecordIssue {
  return {
    object,
    side,
    sourceId: w.sourceId ?? w.request.id ?? null,
    code: res.code,
    message: res.message,
    fields: res.fields,
  };
}

/**
 * How far before a create's first send a record it made may say it was made: the side's clock against this
 * machine's (clocks step by seconds to a couple of minutes; READ_OVERLAP_MS in salesforce-side.ts says the same).
 */
export const MADE_SINCE_MARGIN_MS = 5 * 60_000;

/** An Outlook item a write made: kept until a completed read sees it (StateStore.unreadCreates). */
function madeInOutlook(outcome: BatchOutcome, object: SyncObject, olId: string): void {
  (outcome.madeInOutlook ??= []).push({ object, olId });
}

/** A create sent before (resolveRetriedCreate looks for what it made before sending it again). */
const sentBefore = (w: QueuedWrite): boolean =>
  w.request.kind === 'create' && w.attempts > 0 && !w.refused && !!w.request.data;

/** A create sent before, with the earliest a record it made may say it was made; undefined for any other write. */
function sentCreate(w: QueuedWrite): SentCreate | undefined {
  if (!sentBefore(w) || !w.firstAttemptedAt || !w.sourceId) return undefined;
  return { request: w.request, since: new Date(Date.parse(w.firstAttemptedAt) - MADE_SINCE_MARGIN_MS) };
}

/** What a create sent before comes to, before anything is sent again. */
type RetriedCreate =
  | { send: QueuedWrite }
  | { replan: Replan }
  /** The record it made, found: linked as the create left it; what the user did to it since is planned as theirs. */
  | { adopt: { link: Link; current: SideChange; seq: number } };

/**
 * A create that was sent before (a crash, or a failure that may have come after the side carried it out): find what
 * it made instead of making another. First the record only this create could have made (Side.madeBy, read once for
 * the batch: made since it was first sent): it is linked as the create wrote it, and what it holds now goes to the
 * inbox, so a user's edit or delete of it since is planned as any edit or delete of a linked record (it reaches the
 * other side) instead of being undone by the create sent again. Otherwise a match by content, as at a first sync: a
 * record already linked, or claimed by another retried create of the batch, is someone else's; one holding what was
 * sent is confirmed (sent as an update, which finds nothing to change); one holding something else is not
 * overwritten: it goes to the planner with the create's source, to be matched and decided like any pair found at a
 * first sync.
 */
async function resolveRetriedCreate(
  w: QueuedWrite,
  side: Side,
  store: StateStore,
  claimed: Set<string>,
  madeBy: MadeByLookup | undefined,
): Promise<RetriedCreate> {
  // A refused create was answered: it made nothing to find.
  if (!sentBefore(w) || !w.request.data) return { send: w };
  const taken = (id: string) => claimed.has(id) || !!existingLink(store, w.object, side.name, id);
  const sent = sentCreate(w);
  if (madeBy && sent && w.sourceId) {
    const made = await madeBy.find(sent, taken);
    if (made) {
      claimed.add(made.id);
      const hash = w.hash ?? contentHash(w.request.data);
      const version = made.deleted ? null : made.version;
      const sourceVersion = w.request.sourceVersion ?? null;
      const link: Link =
        side.name === 'salesforce'
          ? { object: w.object, sfId: made.id, olId: w.sourceId, sfVersion: version, olVersion: sourceVersion, hash }
          : { object: w.object, sfId: w.sourceId, olId: made.id, sfVersion: sourceVersion, olVersion: version, hash };
      return { adopt: { link, current: made, seq: w.seq } };
    }
  }
  if (!side.findMatch) return { send: w };
  const found = await side.findMatch(w.object, w.request.data, taken);
  if (!found) return { send: w };
  claimed.add(found.id);
  if (found.hash !== contentHash(w.request.data) && side.current)
    return { replan: replanOf(w, await side.current(w.object, found.id)) };
  return { send: { ...w, request: { ...w.request, kind: 'update', id: found.id } } };
}

function count(report: SyncReport, side: SideName, object: SyncObject, kind: 'create' | 'update' | 'delete'): void {
  const c = report.counts[side][object];
  if (kind === 'create') c.created += 1;
  else if (kind === 'update') c.updated += 1;
  else c.deleted += 1;
}

function linkFor(
  store: StateStore,
  object: SyncObject,
  target: SideName,
  w: QueuedWrite,
  res: Extract<WriteResult, { ok: true }>,
): Link | undefined {
  if (w.request.kind === 'delete') return undefined;
  const hash = w.hash ?? (w.request.data ? contentHash(w.request.data) : '');
  if (
    w.request.kind === 'create' ||
    (w.request.kind === 'update' && w.attempts > 0 && w.sourceId && !existingLink(store, object, target, res.id))
  ) {
    const sourceId = w.sourceId!;
    const sourceVersion = w.request.sourceVersion ?? null;
    return target === 'salesforce'
      ? { object, sfId: res.id, olId: sourceId, sfVersion: res.version, olVersion: sourceVersion, hash }
      : { object, sfId: sourceId, olId: res.id, sfVersion: sourceVersion, olVersion: res.version, hash };
  }
  const link = existingLink(store, object, target, res.id);
  if (!link) return undefined;
  return target === 'salesforce'
    ? { ...link, sfVersion: res.version ?? link.sfVersion, hash }
    : { ...link, olVersion: res.version ?? link.olVersion, hash };
}

function existingLink(store: StateStore, object: SyncObject, target: SideName, id: string): Link | undefined {
  return target === 'salesforce' ? store.linkBySf(object, id) : store.linkByOl(object, id);
}
