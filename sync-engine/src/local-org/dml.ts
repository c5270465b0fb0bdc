/**
 * Create, update, upsert and delete with Salesforce's validation and per-record results. Used by the
 * single-record REST routes, sObject Collections and the seed loader, so all three validate alike.
 */
import { OrgContext } from './context';
import { RecordError } from './errors';

export interface DmlCaller {
  userId: string;
  isAdmin: boolean;
}

export interface DmlResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

export interface RecordInput {
  /** The sObject type, from `attributes.type` or the URL. */
  type: string;
  /** Field values as sent (may include `attributes`, which is ignored). */
  fields: Record<string, unknown>;
}

/** Placeholder until the DML module lands: creates nothing. */
export function createRecords(ctx: OrgContext, caller: DmlCaller, records: RecordInput[], allOrNone: boolean): DmlResult[] {
  void ctx; void caller; void allOrNone;
  return records.map(() => ({ success: false, errors: [{ statusCode: 'UNKNOWN_EXCEPTION', message: 'not implemented', fields: [] }] }));
}
