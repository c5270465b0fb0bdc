/**
 * The synchronizer's vocabulary. It sees each remote as a Side (a port with two calls: read what changed,
 * write records) and each record in a canonical, side-neutral form. It knows neither axios nor Graph nor Salesforce.
 */
import { SyncObject } from './objects';

export type SideName = 'salesforce' | 'outlook';

/** Side-neutral content of a contact. Absent optional fields are null, never undefined. */
export interface CanonicalContact {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  mobilePhone: string | null;
  company: string | null;
  title: string | null;
  department: string | null;
  street: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  notes: string | null;
}

/** An event occurrence as both sides can hold it: times are UTC instants; all-day events carry dates. */
export interface CanonicalEvent {
  subject: string | null;
  location: string | null;
  /** ISO instant (`2026-03-08T14:00:00.000Z`) for timed events; `YYYY-MM-DD` for all-day events. */
  start: string;
  end: string;
  isAllDay: boolean;
  notes: string | null;
  showAs: 'busy' | 'free' | 'oof';
  isPrivate: boolean;
}

export interface CanonicalTask {
  subject: string | null;
  /** `YYYY-MM-DD` or null. */
  dueDate: string | null;
  status: 'notStarted' | 'inProgress' | 'completed' | 'waitingOnOthers' | 'deferred';
  priority: 'low' | 'normal' | 'high';
  notes: string | null;
}

export interface CanonicalByObject {
  contacts: CanonicalContact;
  events: CanonicalEvent;
  tasks: CanonicalTask;
}
export type Canonical = CanonicalContact | CanonicalEvent | CanonicalTask;

/** One record as a side reports it: present with content, or deleted. */
export type SideChange =
  | { id: string; version: string; deleted: false; data: Canonical; series?: SeriesPlace }
  | { id: string; deleted: true };

/** Where an Outlook occurrence or exception sits in its series: what matches it again once the series moves. */
export interface SeriesPlace {
  masterId: string;
  /** Where the pattern put it, an ISO instant (Graph's `originalStart`). */
  originalStart: string;
}

export interface ChangeBatch {
  changes: SideChange[];
  /** Where the next read starts; saved only after `changes` are stored. */
  checkpoint: string;
  /** True when this read listed everything (a first read, a relist, or one the side started on its own). */
  complete: boolean;
  /** Events: the calendar window a complete read listed (what lies outside it was not listed, and is not gone). */
  window?: { start: Date; end: Date };
}

/** Where an event the calendar view stopped showing is now. */
export type EventWhereabouts =
  /** It still exists, here (moved out of the window, or changed). */
  | { id: string; found: Extract<SideChange, { deleted: false }> }
  | { id: string; deleted: true }
  /** Its series still exists but shows nothing in the window: where this occurrence went cannot be told. */
  | { id: string; outOfSight: true };

export interface WriteRequest {
  /** Our key for the operation, echoed in the result. */
  key: string;
  kind: 'create' | 'update' | 'delete';
  /** The target record for update and delete. */
  id?: string;
  data?: Canonical;
  /**
   * The other side's record this write carries: its id (an external id on Salesforce, for idempotent creates), the
   * deleted record for a delete. A write that finds its target changed goes back to the planner with it.
   */
  sourceId?: string;
  /** The source record's version this write carries (for the link, and for planning again). */
  sourceVersion?: string | null;
  /** A create that brings back a record deleted on the target: that record's id (never taken for this create's own). */
  replaces?: string;
  /**
   * The target's version the update or delete was planned against: a target that changed since is not written
   * (Graph's If-Match; Salesforce's SystemModstamp read again just before), and comes back as a stale result.
   */
  version?: string | null;
}

/** A create sent before whose answer was lost, and the earliest time a record it made may say it was made. */
export interface SentCreate {
  request: WriteRequest;
  since: Date;
}

/** What a batch of creates sent before made, as read once for the batch (Side.madeBy). */
export interface MadeByLookup {
  /**
   * The record only this create could have made: created at its `since` or later, as it was read (deleted when the
   * user deleted it since, where the side keeps deleted records); `taken` ids are not candidates.
   */
  find(create: SentCreate, taken: (id: string) => boolean): Promise<SideChange | undefined>;
}

export type WriteResult =
  | { key: string; ok: true; id: string; version: string | null }
  | { key: string; ok: false; code: string; message: string; fields: string[]; retryable: boolean }
  /** Nothing was written: the target changed or went since the write was planned. `current` is what it holds now. */
  | { key: string; ok: false; stale: true; current: SideChange };

/** A remote as the synchronizer sees it. Failures that stop a run (lost access, throttling) are thrown as SyncStop. */
export interface Side {
  readonly name: SideName;
  /**
   * Changes since a checkpoint, or everything when the checkpoint is null. With `onPage`, each page of changes
   * goes to it as it arrives and the batch's `changes` is empty, so a large first read never sits in memory whole.
   * `onFullListing` is called before a read that lists everything starts, also one the side starts on its own (a
   * delta token the mailbox forgot, a new calendar view round): what the listing does not show is gone.
   */
  changesSince(
    object: SyncObject,
    checkpoint: string | null,
    onPage?: (changes: SideChange[]) => void,
    onFullListing?: () => void,
  ): Promise<ChangeBatch>;
  /**
   * Read the first page of each of these reads together, in one request where the side can (Salesforce's Composite,
   * Graph's `$batch`), for `changesSince` to take when it makes the same read: an idle run then costs one request a
   * side. What it could not read is read alone; lost access or throttling is thrown as SyncStop, as a read's is.
   */
  prefetch?(reads: Array<{ object: SyncObject; checkpoint: string | null }>): Promise<void>;
  /**
   * Events the calendar view stopped showing (a delta's `@removed`, or absent from a full listing): each one's
   * whereabouts, looked up one by one. `masterId` is the series of an occurrence, when known.
   */
  locateEvents?(
    gone: Array<{ id: string; masterId: string | null }>,
    window: { start: Date; end: Date },
  ): Promise<EventWhereabouts[]>;
  /** Write in the side's own batch size; per-record failures are values. */
  write(object: SyncObject, requests: WriteRequest[]): Promise<WriteResult[]>;
  /**
   * Find a record matching content, for creates that may have happened before a crash; records for which
   * `taken` says true (already linked, or claimed by another retried create) are not candidates.
   */
  findMatch?(
    object: SyncObject,
    data: Canonical,
    taken?: (id: string) => boolean,
  ): Promise<{ id: string; version: string; hash: string } | undefined>;
  /**
   * The records creates sent before (their answers lost) made, when the side can tell them from the user's own, read
   * once for a batch of such creates: the answer finds each one's record in what was read (MadeByLookup). Salesforce
   * finds it by the Outlook id the create set as external id, in the recycle bin too; Outlook by the create's match
   * keys (a copy deleted since cannot be told from one never made).
   */
  madeBy?(object: SyncObject, creates: SentCreate[]): Promise<MadeByLookup>;
  /** What the side holds now for a record (deleted when it is gone). */
  current?(object: SyncObject, id: string): Promise<SideChange>;
  /** Requests sent so far (for the report and the benchmarks). */
  requestCount(): number;
}

/** Why a run stopped before it finished. */
export type StopReason =
  | { kind: 'accessRevoked'; errorCode: string; message: string; fromLogin?: boolean }
  | { kind: 'rateLimited'; side: SideName; retryAfterMs: number }
  | {
      kind: 'deleteGuard';
      object: SyncObject;
      side: SideName;
      /** Deletes the plan would make. */
      deletes: number;
      total: number;
      maxShare: number;
      /** Deletes this run made on the side before it stopped (absent when none). */
      deleted?: number;
    }
  | { kind: 'authFailed'; side: SideName; message: string }
  | { kind: 'unreachable'; side: SideName; message: string };

/**
 * Thrown by a side when the whole run must stop; everything read and queued is kept. A side that stops part way
 * through a batch of writes gives the results of the writes it did send, in order, so they are stored.
 */
export class SyncStop extends Error {
  constructor(
    readonly reason: StopReason,
    /**
     * A write call stopped part way: the answers it had, by the position of their requests. A request with none (a
     * hole, or past the end) was not answered: it may or may not have been carried out.
     */
    readonly partialResults?: Array<WriteResult | undefined>,
  ) {
    super(reason.kind);
    this.name = 'SyncStop';
  }
}
