/**
 * The conflict policy, in one place: which side's changes flow in a direction, who wins when both sides changed a
 * record, and what becomes of a record edited on one side and deleted on the other. The planner asks; it decides
 * nothing of this itself.
 */
import { Direction, ObjectSettings } from './objects';
import { SideName } from './types';

/** Whether changes made on `from` flow to the other side in this direction. */
export function flows(direction: Direction, from: SideName): boolean {
  return (
    direction === 'both' ||
    (from === 'salesforce' ? direction === 'salesforce-to-outlook' : direction === 'outlook-to-salesforce')
  );
}

export const otherSide = (s: SideName): SideName => (s === 'salesforce' ? 'outlook' : 'salesforce');

/**
 * Who wins a conflict (both sides edited one record, or first-sync matching found different content). The configured
 * winner applies when both directions sync (SYNC-CONFIG: "who wins a conflict when direction is both"); one way, the
 * side that syncs wins, or its edit would be dropped silently.
 */
export function winnerOf(settings: ObjectSettings): SideName {
  if (settings.direction === 'salesforce-to-outlook') return 'salesforce';
  if (settings.direction === 'outlook-to-salesforce') return 'outlook';
  return settings.winner;
}

/**
 * A record deleted on `deletedOn`, and on the other side edited (`survivorEdited`) or not:
 * - `recreate`: the editing side wins, so the record comes back where it was deleted (a conflict);
 * - `hold`: the delete was made on a side whose changes do not flow; it waits, with its link, for a direction that
 *   lets it (docs/sync-engine.md: one rule for one way and none);
 * - `delete`: the delete flows to the other side (a conflict when the other side had edited it, and lost).
 */
export type DeleteOutcome = 'recreate' | 'hold' | 'delete';

export function deleteOutcome(settings: ObjectSettings, deletedOn: SideName, survivorEdited: boolean): DeleteOutcome {
  if (survivorEdited && winnerOf(settings) !== deletedOn) return 'recreate';
  if (!flows(settings.direction, deletedOn)) return 'hold';
  return 'delete';
}
