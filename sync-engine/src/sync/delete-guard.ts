/**
 * The delete guard: a run that would delete more than `deleteGuard.maxShare` of an object's synced records on one
 * side (and at least GUARD_MIN_DELETES of them) stops before deleting anything; its deletes stay queued until the
 * share is raised or the deletes are undone (docs/sync-engine.md, "Delete guard").
 */
import { SyncObject } from './objects';
import { SideName, StopReason } from './types';

/** The delete guard ignores runs that delete fewer records than this, whatever their share. */
export const GUARD_MIN_DELETES = 5;

const NONE: Record<SideName, number> = { salesforce: 0, outlook: 0 };

/**
 * The guard's verdict on an object's planned deletes: a stop when they would take too large a share of a side. The
 * share is the run's: deletes this run already made on a side (`deleted`: a plan after its writes, such as the
 * replans of stale writes) count with the planned ones, and `total` is the synced records before any of them.
 */
export function deleteGuard(
  object: SyncObject,
  deletes: Record<SideName, number>,
  total: number,
  maxShare: number,
  deleted: Record<SideName, number> = NONE,
): StopReason | undefined {
  for (const side of ['salesforce', 'outlook'] as SideName[]) {
    const run = deleted[side] + deletes[side];
    if (deletes[side] > 0 && run >= GUARD_MIN_DELETES && run > maxShare * total) {
      return {
        kind: 'deleteGuard',
        object,
        side,
        deletes: deletes[side],
        total,
        maxShare,
        ...(deleted[side] > 0 ? { deleted: deleted[side] } : {}),
      };
    }
  }
  return undefined;
}
