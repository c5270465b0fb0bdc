/** The sync report of one run: counts per side and object, per-record errors and warnings, why it stopped. */
import { SyncObject } from './config';
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
   * Queued writes whose last attempt failed for a reason that may pass (a server error, a reset connection, an
   * answer that was not the side's): why, per record (the first 100). They go again on the next run.
   */
  deferred: RecordIssue[];
  /** Failed writes sent again within this run. */
  retriedWrites: number;
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
    startedAt, endedAt: null, dryRun,
    counts: { salesforce: zero(), outlook: zero() },
    matched: { contacts: 0, events: 0, tasks: 0 },
    conflicts: { contacts: 0, events: 0, tasks: 0 },
    errors: [], warnings: [], pending: 0, stopped: null,
    pendingWrites: { salesforce: { contacts: 0, events: 0, tasks: 0 }, outlook: { contacts: 0, events: 0, tasks: 0 } },
    deferred: [], retriedWrites: 0, notices: [],
    requests: { salesforce: 0, outlook: 0 },
  };
}
