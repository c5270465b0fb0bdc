/**
 * The Outlook mailbox (Microsoft Graph or the local mailbox) as a Side: delta rounds for contacts, the
 * calendar view (occurrences of recurring series come as their own items) and the default To Do list;
 * writes in `$batch`es of up to 20 records, at most 4 batches in flight (Outlook's concurrency limit per mailbox). A write that fails for a reason that may pass (a 5xx, a reset, a garbage
 * answer) is a per-record result the runner sends again; throttling past the client's retries, lost tokens, an
 * unreachable mailbox and a run of failed writes in a row stop the run.
 */
import pLimit from 'p-limit';
import { GraphMailbox } from '../../graph/mailbox-client';
import { awaitedLater } from '../../common/awaited-later';
import { GraphApiError } from '../../graph/errors';
import { stopFor } from '../stop-reason';
import { DeltaPage } from '../../graph/paging';
import { SyncObject } from '../objects';
import {
  ChangeBatch,
  Canonical,
  MadeByLookup,
  SentCreate,
  EventWhereabouts,
  Side,
  SideChange,
  SyncStop,
  WriteRequest,
  WriteResult,
} from '../types';
import { MailboxZone, fromOutlook, outlookChange } from '../mappers/outlook-records';
import { ContactEntryMemory } from '../contact-entries';
import { resolveTimeZone } from '../../common/time-zone-names';
import { bestMatch, contentHash, matchKeys } from '../canonical';
import { EventWindow, eventWindow } from '../event-window';
import { locateEvents } from './event-whereabouts';
import { WriteOutcome, currentItem, writeBatch } from './outlook-writes';
import { BATCHES_IN_FLIGHT, BATCH_LIMIT, BatchAnswer, sendBatch } from '../../graph/batch';

export { keepUnmappedEntries } from './outlook-writes';

/** One batch's answers, in the order of its writes. */
interface GroupResults {
  results: WriteResult[];
  failedWhole: boolean;
}

interface IndexedItem {
  id: string;
  version: string;
  /** Hash of the item's canonical content. */
  hash: string;
  /** When the mailbox made it (ms; NaN when it does not say). */
  createdAt: number;
  /** The item as a read gives it, kept for one made since the retried creates of the listing's batch (see madeBy). */
  change?: SideChange;
}

export class OutlookSide implements Side {
  readonly name = 'outlook' as const;
  /** The mailbox's time zone, read once, the first time a To Do due date is read or written. */
  private zone: Promise<MailboxZone | null> | null = null;
  /** Match indexes for retried creates, by object (see findMatch). */
  private readonly indexes = new Map<SyncObject, Promise<Map<string, IndexedItem[]>>>();
  /** Writes (by key) that failed for a reason that may pass, one after another (see FAILURES_IN_A_ROW_TO_STOP). */
  private readonly failedInARow = new Set<string>();

  /**
   * The mailbox's slots for batches in flight (Outlook's concurrency limit counts a batch's requests one by one), shared
   * by every write call of this side: the outbox sends its next writes before it stores the last ones' results.
   */
  private readonly batchSlots = pLimit(BATCHES_IN_FLIGHT);

  /** First pages of this run's delta reads, read together (prefetch), by object, until their read takes them. */
  private readonly prefetched = new Map<SyncObject, { link: string; page: unknown }>();

  constructor(
    private readonly mailbox: GraphMailbox,
    private readonly now: () => number = Date.now,
    /** Which of a contact's entries are not synced (contact-entries.ts); without it, the first one always is. */
    private readonly entries?: ContactEntryMemory,
    /** Where the side says what the log should know (a `$batch` of reads refused, read one by one instead). */
    private readonly warn?: (text: string) => void,
  ) {}

  /**
   * The first page of every object's delta round in one `$batch`: an idle run costs one request. `changesSince`
   * takes its page from here; a page that did not come (the batch refused, a request in it failed: a forgotten delta
   * token, throttling) is read alone, as without this; a failure of the batch that stops a run stops it here. Reads
   * that start a new round (no delta link) are not batched.
   */
  async prefetch(reads: Array<{ object: SyncObject; checkpoint: string | null }>): Promise<void> {
    this.prefetched.clear();
    const links = reads.flatMap(({ object, checkpoint }) => {
      const link = this.deltaLinkOf(object, checkpoint);
      return link ? [{ object, link }] : [];
    });
    if (links.length < 2) return;
    let answers: BatchAnswer[];
    try {
      answers = await sendBatch(
        this.mailbox.http,
        links.map(({ object, link }) => this.collection(object).deltaRequest(link)),
      );
    } catch (err) {
      if (!(err instanceof GraphApiError)) throw err; // a bug of ours, not the mailbox's answer
      // Access lost or throttling stops the run here, after this one request: a read alone would meet the same. A
      // failure that may pass (a reset, a 5xx) is left to the reads alone, which retry as reads do.
      const stop = toStop(err);
      if (stop instanceof SyncStop && stop.reason.kind !== 'unreachable') throw stop;
      this.warn?.(
        `the mailbox refused the $batch of this run's reads; reading each object alone: ${(err as Error).message}`,
      );
      return;
    }
    answers.forEach((a, i) => {
      if (a.ok) this.prefetched.set(links[i].object, { link: links[i].link, page: a.data });
    });
  }

  private collection(object: SyncObject) {
    return object === 'contacts'
      ? this.mailbox.contacts
      : object === 'events'
        ? this.mailbox.events
        : this.mailbox.tasks;
  }

  /**
   * Where a read from this checkpoint follows a delta round: its link, or undefined to start a new round. A calendar
   * view's delta link keeps the window of its first round; a new round (with a window around today) starts once a
   * week, so events added far ahead keep coming. Links keep the re-read free of duplicates.
   */
  private deltaLinkOf(object: SyncObject, checkpoint: string | null): string | undefined {
    if (!checkpoint) return undefined;
    if (object !== 'events') return checkpoint;
    const saved = parseEventCheckpoint(checkpoint);
    return saved && this.now() - saved.since < EVENT_WINDOW_RENEW_MS ? saved.link : undefined;
  }

  requestCount(): number {
    return this.mailbox.stats.requests;
  }

  async changesSince(
    object: SyncObject,
    checkpoint: string | null,
    onPage?: (changes: SideChange[]) => void,
    onFullListing?: () => void,
  ): Promise<ChangeBatch> {
    try {
      return await this.read(object, checkpoint, onPage, onFullListing);
    } catch (err) {
      // The mailbox forgot our delta token: list everything again; links keep it free of duplicates.
      if (err instanceof GraphApiError && err.failure.kind === 'syncStateLost' && checkpoint)
        return this.guard(this.read(object, null, onPage, onFullListing));
      throw toStop(err);
    }
  }

  private async read(
    object: SyncObject,
    checkpoint: string | null,
    onPage?: (changes: SideChange[]) => void,
    onFullListing?: () => void,
  ): Promise<ChangeBatch> {
    const link = this.deltaLinkOf(object, checkpoint);
    const held = this.prefetched.get(object);
    this.prefetched.delete(object);
    const first = held && link && held.link === link ? held.page : undefined;
    // A round from the start lists everything: what it leaves out is gone (full-listing.ts).
    if (!link) onFullListing?.();
    const window = object === 'events' && !link ? eventWindow(new Date(this.now())) : undefined;
    // Map each page as it arrives: a first round of 100,000 contacts never sits in memory as raw Graph items.
    const pages: AsyncGenerator<DeltaPage<Record<string, unknown>>, string> = object === 'contacts'
      ? this.mailbox.contacts.deltaPages(link, first)
      : object === 'events'
        ? this.mailbox.events.deltaPages(link, window, first)
        : this.mailbox.tasks.deltaPages(link, {}, first);
    const changes: SideChange[] = [];
    let next = await pages.next();
    while (!next.done) {
      // The next page is on its way while this one is mapped and stored (the mailbox would wait for us otherwise).
      const ahead = awaitedLater(pages.next());
      // Let it leave (the client takes a few turns of the event loop to write it) before the synchronous work below.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const page: SideChange[] = onPage ? [] : changes;
      const zone = await this.zoneFor(object, next.value.changed);
      for (const item of next.value.changed) {
        // A series master is not an occurrence: its occurrences and exceptions come as their own items.
        if (object === 'events' && (item.type === 'seriesMaster' || item.isCancelled === true)) continue;
        page.push(
          outlookChange(object, item, zone, object === 'contacts' ? this.entries?.get(String(item.id)) : undefined),
        );
      }
      for (const r of next.value.removed) page.push({ id: r.id, deleted: true });
      if (onPage && page.length) onPage(page);
      next = await ahead;
    }
    const deltaLink = next.value;
    if (object !== 'events') return { changes, checkpoint: deltaLink, complete: checkpoint === null };
    const since = link && checkpoint ? parseEventCheckpoint(checkpoint)!.since : this.now();
    return {
      changes,
      checkpoint: JSON.stringify({ link: deltaLink, since }),
      complete: !link,
      ...(window ? { window } : {}),
    };
  }

  /** Where events the calendar view stopped showing are now (event-whereabouts.ts). */
  locateEvents(gone: Array<{ id: string; masterId: string | null }>, window: EventWindow): Promise<EventWhereabouts[]> {
    return locateEvents(this.mailbox.events, gone, window, toStop);
  }

  async write(object: SyncObject, requests: WriteRequest[]): Promise<WriteResult[]> {
    // What we write changes what a match would find.
    this.indexes.delete(object);
    const zone = object === 'tasks' && requests.some((r) => hasDueDate(r)) ? await this.mailboxZone() : null;
    const zoneOf = (r: WriteRequest) => (hasDueDate(r) ? zone : null);
    const groups: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) groups.push(requests.slice(i, i + BATCH_LIMIT));
    // Batches take the mailbox's slots in the order sent, with the batches of any other write call of this side.
    let failed = false;
    const settled = await Promise.allSettled(
      groups.map((group) =>
        this.batchSlots(async () => {
          // Once one batch stopped the run, no more start (null: never sent).
          if (failed) return null;
          try {
            return await this.writeGroup(object, group, zoneOf);
          } catch (reason) {
            failed = true;
            throw reason;
          }
        }),
      ),
    );
    // Every answer, in place; a write with none (its batch stopped the run before it, or never went) has a hole.
    const out: Array<WriteResult | undefined> = new Array(requests.length);
    let stop: SyncStop | null = null;
    for (const [g, group] of settled.entries()) {
      const at = g * BATCH_LIMIT;
      if (group.status === 'fulfilled') {
        group.value?.results.forEach((r, k) => (out[at + k] = r));
        continue;
      }
      const err: unknown = group.reason;
      if (!(err instanceof SyncStop)) throw err;
      stop ??= err;
      (err.partialResults ?? []).forEach((r, k) => (out[at + k] = r));
    }
    if (stop) throw new SyncStop(stop.reason, out);
    for (const [g, group] of settled.entries()) {
      const { results, failedWhole } = (group as PromiseFulfilledResult<GroupResults>).value;
      for (const [k, result] of results.entries()) {
        // A batch that failed whole is one failure, not twenty.
        if (failedWhole && k > 0) continue;
        if (!result.ok && 'retryable' in result && result.retryable)
          this.failedInARow.add(requests[g * BATCH_LIMIT + k].key);
        else this.failedInARow.clear();
        // One failed write is a blip (the same one failing again too); this many different ones in a row is a
        // mailbox that is down: stop instead of failing them all (every answer is kept).
        if (this.failedInARow.size >= FAILURES_IN_A_ROW_TO_STOP) {
          this.failedInARow.clear();
          const last = result as Extract<WriteResult, { retryable: boolean }>;
          throw new SyncStop(
            {
              kind: 'unreachable',
              side: 'outlook',
              message: `${FAILURES_IN_A_ROW_TO_STOP} writes in a row failed; the last: ${last.message}`,
            },
            out,
          );
        }
      }
    }
    return out as WriteResult[];
  }

  /**
   * One `$batch` of writes (outlook-writes.ts), each answer sorted: a bad record, one that may pass, or one that stops
   * the run. A stop is thrown (SyncStop) once every answer of the batch is sorted, with all of them in place and a
   * hole where the stopping writes were: the writes after it were answered too, and their results are kept. A batch
   * that failed whole (`failedWhole`) fails each of its writes so.
   */
  private async writeGroup(
    object: SyncObject,
    group: WriteRequest[],
    zoneOf: (r: WriteRequest) => MailboxZone | null,
  ): Promise<GroupResults> {
    let outcomes: WriteOutcome[];
    let failedWhole = false;
    try {
      outcomes = await writeBatch(this.mailbox, object, group, zoneOf, this.entries);
    } catch (err) {
      if (!(err instanceof GraphApiError)) throw err;
      outcomes = group.map(() => err);
      failedWhole = true;
    }
    const results: Array<WriteResult | undefined> = [];
    let stop: unknown = null;
    for (const [i, outcome] of outcomes.entries()) {
      if (!(outcome instanceof GraphApiError)) {
        results.push(outcome);
        continue;
      }
      const key = group[i].key;
      // A batch refused whole says nothing of its records (Graph refuses a batch it cannot read): they go again.
      if (recordRefused(outcome) && !failedWhole)
        results.push({ key, ok: false, code: outcome.code, message: outcome.message, fields: [], retryable: false });
      // A failure that may pass: the rest of the batch goes on, and this write goes again (see outbox-sender.ts).
      else if (mayPass(outcome) || (failedWhole && recordRefused(outcome)))
        results.push({ key, ok: false, code: outcome.code, message: outcome.message, fields: [], retryable: true });
      else {
        results.push(undefined);
        stop ??= toStop(outcome);
      }
    }
    if (stop instanceof SyncStop) throw new SyncStop(stop.reason, results);
    if (stop) throw stop;
    return { results: results as WriteResult[], failedWhole };
  }

  /**
   * After a crash between sending a create and storing its result: find the record it made. The folder is
   * listed once and indexed by match key; the index lasts until this side writes to the object again, so a
   * batch of retried creates costs one listing, not one per record.
   */
  async findMatch(
    object: SyncObject,
    data: Canonical,
    taken: (id: string) => boolean = () => false,
  ): Promise<{ id: string; version: string; hash: string } | undefined> {
    const index = await this.matchIndex(object);
    const found = bestMatch(
      object,
      data,
      (key) => (index.get(key) ?? []).filter((c) => !taken(c.id)),
      (c) => c.hash,
    );
    return found && { id: found.id, version: found.version, hash: found.hash };
  }

  /**
   * The copies creates sent before made: for each, an item with the create's match keys that the mailbox made at its
   * `since` or later, as the batch's listing gives it (the one holding exactly what was sent first). The folder is
   * listed afresh, once for the batch, and serves its matches by content too (findMatch); reading each copy found
   * again cost a request each. One deleted since is not listed, so it cannot be told from a create that never
   * reached the mailbox.
   */
  async madeBy(object: SyncObject, creates: SentCreate[]): Promise<MadeByLookup> {
    this.indexes.delete(object);
    const index = await this.matchIndex(object, Math.min(...creates.map((c) => c.since.getTime())));
    return {
      find: async ({ request, since }, taken) => {
        if (!request.data) return undefined;
        const found = bestMatch(
          object,
          request.data,
          (key) => (index.get(key) ?? []).filter((c) => c.createdAt >= since.getTime() && !taken(c.id)),
          (c) => c.hash,
        );
        return found?.change;
      },
    };
  }

  async current(object: SyncObject, id: string): Promise<SideChange> {
    // A task's due date is read through the mailbox's zone, as every read of it is.
    const zone = object === 'tasks' ? await this.mailboxZone() : null;
    return this.guard(currentItem(this.mailbox, object, id, zone, this.entries));
  }

  /** The folder's items by match key; those made at `keepSince` or later keep their content (madeBy). */
  private matchIndex(object: SyncObject, keepSince = Infinity): Promise<Map<string, IndexedItem[]>> {
    let index = this.indexes.get(object);
    if (!index) {
      index = this.guard(this.listForMatching(object)).then(async (items) => {
        const byKey = new Map<string, IndexedItem[]>();
        const zone = await this.zoneFor(object, items);
        for (const item of items) {
          const content = fromOutlook(object, item, zone);
          const id = String(item.id);
          const entry: IndexedItem = {
            id,
            version: String(item['@odata.etag'] ?? ''),
            hash: contentHash(content),
            createdAt: Date.parse(String(item.createdDateTime ?? '')),
          };
          if (entry.createdAt >= keepSince)
            entry.change = outlookChange(object, item, zone, object === 'contacts' ? this.entries?.get(id) : undefined);
          for (const key of matchKeys(object, content)) {
            const same = byKey.get(key);
            if (same) same.push(entry);
            else byKey.set(key, [entry]);
          }
        }
        return byKey;
      });
      // A failed listing is not kept: the next call lists again.
      const pending = index;
      pending.catch(() => {
        if (this.indexes.get(object) === pending) this.indexes.delete(object);
      });
      this.indexes.set(object, pending);
    }
    return index;
  }

  private async listForMatching(object: SyncObject): Promise<Array<Record<string, unknown>>> {
    if (object === 'contacts') return (await this.mailbox.contacts.list()) as Array<Record<string, unknown>>;
    if (object === 'tasks') return (await this.mailbox.tasks.list()) as Array<Record<string, unknown>>;
    const round = (await this.mailbox.events.delta()).changed as Array<Record<string, unknown>>;
    return round.filter((item) => item.type !== 'seriesMaster' && item.isCancelled !== true);
  }

  /**
   * The mailbox's zone when `items` hold a To Do due date (else null: an idle run asks nothing more). Read once per
   * side; a zone that cannot be read or resolved falls back to the nearest midnight, said in the log of the caller.
   */
  private async zoneFor(object: SyncObject, items: Array<Record<string, unknown>>): Promise<MailboxZone | null> {
    if (object !== 'tasks' || !items.some((i) => i.dueDateTime)) return null;
    return this.mailboxZone();
  }

  private mailboxZone(): Promise<MailboxZone | null> {
    this.zone ??= this.guard(
      this.mailbox.timeZone().catch((err: unknown) => {
        // Reading the settings takes MailboxSettings.Read, which a sign-in from before it was asked for lacks: the
        // nearest midnight serves, and the log says how to give the zone back.
        if (!(err instanceof GraphApiError) || err.statusCode !== 403) throw err;
        this.warn?.(
          "The mailbox's time zone could not be read (the sign-in lacks the MailboxSettings.Read permission): To Do due dates are taken at the nearest midnight. Connect the mailbox again to grant it.",
        );
        return null;
      }),
    ).then((name) => {
      const iana = name ? resolveTimeZone(name) : undefined;
      return name && iana ? { name, iana } : null;
    });
    return this.zone;
  }

  private guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      throw toStop(err);
    });
  }
}

const hasDueDate = (r: WriteRequest) => !!(r.data as { dueDate?: unknown } | undefined)?.dueDate;

/**
 * A mailbox that fails this many different writes in a row is down, not having a blip: the run stops (everything stays
 * queued). With 5% of writes failing at random, eight in a row comes about once in 25 billion writes.
 */
export const FAILURES_IN_A_ROW_TO_STOP = 8;

/**
 * A failed write worth sending again: a server error or a connection lost mid-request (it may or may not have
 * been carried out), or an answer that was not Graph's (a proxy's page, a body cut short).
 */
function mayPass(err: GraphApiError): boolean {
  return err.failure.kind === 'transient' || (err.failure.kind === 'unreachable' && err.code === 'NOT_GRAPH');
}

/** A write the mailbox refused for this record alone: report it, go on. */
function recordRefused(err: GraphApiError): boolean {
  return err.failure.kind === 'validation' || err.failure.kind === 'notFound' || err.failure.kind === 'conflict';
}

/** Whole-run failures become SyncStop (stop-reason.ts); everything else propagates. */
function toStop(err: unknown): unknown {
  const stop = err instanceof GraphApiError ? stopFor(err.failure) : null;
  return stop ? new SyncStop(stop) : err;
}

/** How long a calendar view delta round is followed before a new one starts around today. */
export const EVENT_WINDOW_RENEW_MS = 7 * 24 * 60 * 60_000;

function parseEventCheckpoint(checkpoint: string): { link: string; since: number } | undefined {
  try {
    const v = JSON.parse(checkpoint) as { link?: unknown; since?: unknown };
    return typeof v.link === 'string' && typeof v.since === 'number' ? { link: v.link, since: v.since } : undefined;
  } catch {
    return undefined;
  }
}
