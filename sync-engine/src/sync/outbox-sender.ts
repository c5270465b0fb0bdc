/**
 * Sending the outbox: queued writes in batches read from SQLite, each batch's results stored in one transaction.
 * A write that fails for a reason that may pass (a 5xx, a reset connection, an answer that is not the side's)
 * stays queued and the rest of the batch goes on; such writes go again a few times in the same run, after a
 * pause, and what still fails waits for the next run and is reported as pending. Sending again is safe: an update
 * or a delete says the same thing twice, and a create that was sent before is first matched by content on the
 * side (it may have been carried out before its answer was lost), exactly as after a crash.
 */
import { SyncObject } from './config';
import { Link, QueuedWrite, StateStore } from './state-store';
import { SyncReport, RecordIssue } from './report';
import { Side, SideName, SyncStop, WriteResult } from './types';
import { contentHash } from './canonical';

/**
 * Writes sent between two stores of their results. Salesforce takes 200 in one sObject Collections call. Outlook
 * takes one request per record, so its batch is a trade: a crash leaves at most that many writes to match on the
 * next run, and each batch costs two durable transactions. 25 ran within noise of 50 on a first sync of 1,500
 * contacts; 10 was about 8% slower.
 */
export const WRITE_BATCH: Record<SideName, number> = { salesforce: 200, outlook: 25 };

/**
 * The pauses before each new round of a run's failed writes. Three rounds leave about one write in 8,000 of a
 * mailbox failing 5% of them for the next run; the pauses let a brief outage pass without holding a run long.
 */
export const WRITE_RETRY_DELAYS_MS = [500, 1_000, 2_000];

/** At most this many pending writes are named in a report (the counts are always exact). */
const DEFERRED_LISTED = 100;

export interface SendOptions {
  /** Waits between rounds of failed writes. */
  sleep: (ms: number) => Promise<void>;
  retryDelaysMs?: number[];
  onProgress?: (done: number, total: number, what: string) => void;
}

type Failure = Extract<WriteResult, { ok: false }>;

/** Sends the outbox for one run and keeps, per queued write, why its last attempt failed. */
export class OutboxSender {
  private done = 0;
  private total = 0;
  /** The last failure of each write that may go through later, by outbox seq. */
  private readonly failures = new Map<number, RecordIssue>();
  /** Writes that failed every round of this run: they wait for the next run. */
  private readonly exhausted = new Set<number>();

  constructor(private readonly sides: Record<SideName, Side>, private readonly store: StateStore, private readonly report: SyncReport,
    private readonly o: SendOptions) {}

  /** Send what is queued for these objects (only what was sent before, with `attemptedOnly`), Salesforce first. */
  async sendAll(objects: SyncObject[], attemptedOnly = false): Promise<void> {
    this.total = this.done + objects.reduce((n, obj) => n + this.store.outboxCount(obj, attemptedOnly), 0);
    for (const object of objects) {
      for (const target of ['salesforce', 'outlook'] as SideName[]) await this.sendQueued(object, target, attemptedOnly);
    }
  }

  /** The writes still queued whose last attempt failed, with why (for the run's report). */
  deferred(): RecordIssue[] {
    return [...this.failures.values()].slice(0, DEFERRED_LISTED);
  }

  private async sendQueued(object: SyncObject, target: SideName, attemptedOnly: boolean): Promise<void> {
    let failed: number[] = [];
    // One batch at a time from the queue: a failure that may pass stays queued behind `after`.
    for (let after = 0; ;) {
      const read = this.store.outboxBatch(object, target, after, WRITE_BATCH[target], attemptedOnly);
      if (read.length === 0) break;
      after = read[read.length - 1].seq;
      const batch = read.filter((w) => !this.exhausted.has(w.seq));
      if (batch.length) failed.push(...await this.sendBatch(object, target, batch));
      this.done += read.length;
      this.o.onProgress?.(this.done, this.total, `${object} -> ${target}`);
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
        failed.push(...await this.sendBatch(object, target, batch));
      }
    }
    for (const seq of failed) this.exhausted.add(seq);
  }

  /** Send one batch and store its results; returns the seqs of the writes that failed for a reason that may pass. */
  private async sendBatch(object: SyncObject, target: SideName, batch: QueuedWrite[]): Promise<number[]> {
    const side = this.sides[target];
    const requests: QueuedWrite[] = [];
    const claimed = new Set<string>();
    for (const w of batch) requests.push(await resolveRetriedCreate(w, side, this.store, claimed));
    this.store.markAttempted(batch.map((w) => w.seq));
    let results: WriteResult[];
    let stop: SyncStop | null = null;
    try {
      results = await side.write(object, requests.map((r) => r.request));
    } catch (err) {
      // A side that stopped part way through the batch: keep what it did, then stop the run.
      if (!(err instanceof SyncStop) || !err.partialResults) throw err;
      stop = err;
      results = err.partialResults;
    }
    const finished: number[] = [];
    const retry: number[] = [];
    const linkUpdates: Link[] = [];
    const linkDeletes: Array<{ object: SyncObject; sfId: string }> = [];
    results.forEach((res, j) => {
      const w = requests[j];
      if (res.ok) {
        finished.push(w.seq);
        this.failures.delete(w.seq);
        count(this.report, target, object, w.request.kind);
        const link = linkFor(this.store, object, target, w, res);
        if (link) linkUpdates.push(link);
        if (w.request.kind === 'delete' && target === 'salesforce') linkDeletes.push({ object, sfId: w.request.id! });
      } else if (!res.retryable) {
        // A bad record is reported and dropped from the queue; the rest of the batch goes on.
        finished.push(w.seq);
        this.failures.delete(w.seq);
        this.report.errors.push(issue(object, target, w, res));
      } else {
        retry.push(w.seq);
        this.failures.set(w.seq, issue(object, target, w, res));
      }
    });
    this.store.completeWrites(finished, linkUpdates, linkDeletes);
    if (stop) throw stop;
    return retry;
  }
}

function issue(object: SyncObject, side: SideName, w: QueuedWrite, res: Failure): RecordIssue {
  return { object, side, sourceId: w.sourceId ?? w.request.id ?? null, code: res.code, message: res.message, fields: res.fields };
}

/**
 * A create that was sent before (a crash, or a failure that may have come after the side carried it out): match
 * instead of creating again. A record already linked, or claimed by another retried create of the batch, is
 * someone else's.
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
