/// <reference types="office-js" />
/**
 * What the add-in remembers of each Salesforce sheet: its query (to refresh it), its object, and its baseline (what
 * was read, to find the edits). Kept in the workbook's own settings, so it travels with the file and a reopened
 * workbook still knows which rows are unsaved; never a secret.
 */
import type { OfficeQueryRequest } from '../../../sync-engine/src/service/contract';
import { officeAsync } from '../../office/async-result';
import { SheetBaseline } from './sheet-changes';

export interface SheetState {
  object: string;
  query: OfficeQueryRequest;
  types: Record<string, string>;
  baseline: SheetBaseline;
}

export interface SheetStateStore {
  get(tableName: string): SheetState | null;
  set(tableName: string, state: SheetState): Promise<void>;
}

const KEY_PREFIX = 'sfoSheet:';

/** The workbook's settings (`Office.context.document.settings`), saved after each change. */
export function workbookStateStore(settings: Office.Settings): SheetStateStore {
  return {
    get: (tableName) => (settings.get(KEY_PREFIX + tableName) as SheetState | null) ?? null,
    async set(tableName, state) {
      settings.set(KEY_PREFIX + tableName, state);
      await officeAsync<void>((cb) => settings.saveAsync(cb));
    },
  };
}

/** In memory (the page outside Office, and tests). */
export function memoryStateStore(): SheetStateStore & { states: Map<string, SheetState> } {
  const states = new Map<string, SheetState>();
  return {
    states,
    get: (tableName) => states.get(tableName) ?? null,
    async set(tableName, state) {
      states.set(tableName, structuredClone(state));
    },
  };
}
