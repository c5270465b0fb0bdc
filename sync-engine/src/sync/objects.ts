/**
 * What syncs: the three objects, the directions one can sync in, and who wins a conflict. The synchronizer's own
 * vocabulary, used by its core (planner, runner, sides) and by the configuration file that sets it (app/config.ts).
 */

export const SYNC_OBJECTS = ['contacts', 'events', 'tasks'] as const;
export type SyncObject = (typeof SYNC_OBJECTS)[number];
export const DIRECTIONS = ['none', 'salesforce-to-outlook', 'outlook-to-salesforce', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export type Winner = 'salesforce' | 'outlook';

export interface ObjectSettings {
  direction: Direction;
  winner: Winner;
}
