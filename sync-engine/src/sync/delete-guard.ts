/**
 * The delete guard: a run that would delete more than `deleteGuard.maxShare` of an object's synced records on one
 * side (and at least GUARD_MIN_DELETES of them) stops before deleting anything; its deletes stay queued until the
 * share is raised or the deletes are undone (docs/sync-engine.md, "Delete guard").
 */
import { SyncObject } from './objects';
import { SideName, StopReason } from './types';

/** The delete guard ignores runs that delete fewer records than this, whatever their share. */
export const GUARD_MIN_DELETES = 5;

/** The guard's verdict on an object's planned deletes: a stop when they would take too large a share of a side. */
export function deleteGuard(
  object: SyncObject,
  deletes: Record<SideName, number>,
  total: number,
  maxShare: number,
): StopReason | undefined {
  for (const side of ['salesforce', 'outlook'] as SideName[]) {
    if (deletes[side] >= GUARD_MIN_DELETES && deletes[side] > maxShare * total) {
      return { kind: 'deleteGuard', object, side, deletes: deletes[side], total, maxShare };
    }
  }
  return undefined;
}
