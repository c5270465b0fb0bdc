/** The sync report of one run: counts per side and object, per-record errors and warnings, why it stopped. */
import { SyncObject } from './objects';
import { SideName, StopReason } from './types';

export interface Counts {
  created: number;
  updated: number;
  deleted: number;
}

export interface RecordIssue {
  object: SyncObject;
  side: SideName;
  /** The record's id on the side it came from, when known. */
  sourceId: string | null;
  code: string;
  message: string;
  fields: string[];
}

/** A queued write whose last attempt failed. */
export interface PendingFailure extends RecordIssue {
  /**
   * The side refused it (a bad record: a value too long, a required field missing): it is sent again each run and
   * reported each time, until it goes through or a newer change of its record replaces it. Otherwise the failure
   * may pass by itself (a server error, a reset connection).
   */
  refused: boolean;
  /** How many times it was sent. */
  attempts: number;
}

export interface SyncReport {
  startedAt: string;
  endedAt: string | null;
  dryRun: boolean;
  /** Writes made on each side, per object. */
  counts: Record<SideName, Record<SyncObject, Counts>>;
  matched: Record<SyncObject, number>;
  conflicts: Record<SyncObject, number>;
  errors: RecordIssue[];
  warnings: RecordIssue[];
  /** Changes still waiting when the run ended, read or queued (kept for the next run). */
  pending: number;
  /** Writes still queued when the run ended, per side they go to and object. */
  pendingWrites: Record<SideName, Record<SyncObject, number>>;
  /**
   * Queued writes whose last attempt failed, in this run or before: why, per record (the first 100), and whether the
   * side refused the record or the failure may pass (a server error, a reset connection, an answer that was not the
   * side's). They go again on the next run.
   */
  deferred: PendingFailure[];
  /** Failed writes sent again within this run. */
  retriedWrites: number;
  /** Writes that found their target changed or gone since they were planned: planned again, not written. */
  replanned: number;
  stopped: StopReason | null;
  /** What the engine did on its own that the user should know (the state file restored from its last good copy). */
  notices: string[];
  requests: Record<SideName, number>;
}

const zero = (): Record<SyncObject, Counts> => ({
  contacts: { created: 0, updated: 0, deleted: 0 },
  events: { created: 0, updated: 0, deleted: 0 },
  tasks: { created: 0, updated: 0, deleted: 0 },
});

export function emptyReport(startedAt: string, dryRun: boolean): SyncReport {
  return {
    startedAt,
    endedAt: null,
    dryRun,
    counts: { salesforce: zero(), outlook: zero() },
    matched: { contacts: 0, events: 0, tasks: 0 },
    conflicts: { contacts: 0, events: 0, tasks: 0 },
    errors: [],
    warnings: [],
    pending: 0,
    stopped: null,
    pendingWrites: { salesforce: { contacts: 0, events: 0, tasks: 0 }, outlook: { contacts: 0, events: 0, tasks: 0 } },
    deferred: [],
    retriedWrites: 0,
    replanned: 0,
    notices: [],
    requests: { salesforce: 0, outlook: 0 },
  };
}
