/**
 * The org's refusal of what the user typed (a field it has not, a condition it cannot read, an object it does not
 * know), as a 400 naming the input at fault, with Salesforce's own words; null for any other failure.
 */
import { SalesforceApiError } from '../../salesforce/errors';
import { ServiceError, serviceErrors } from '../errors';
import { OfficeQuery, OfficeSave } from './requests';

const INPUT_CODES = new Set(['INVALID_FIELD', 'MALFORMED_QUERY', 'INVALID_TYPE']);

/** Whether the org refused a call for what the user typed (not for who is calling, nor for its own trouble). */
export const isInputRefusal = (err: SalesforceApiError): boolean => INPUT_CODES.has(err.errorCode);

/** Salesforce's message without the query and caret it quotes first: its last line. */
function said(err: SalesforceApiError): string {
  const lines = err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[lines.length - 1] ?? err.errorCode;
}

function noSuchColumn(err: SalesforceApiError): string | null {
  return /No such column '([^']+)'/.exec(err.message)?.[1] ?? null;
}

/** A query the org refused for its text. */
export function queryInputError(err: SalesforceApiError, q: OfficeQuery): ServiceError | null {
  if (!INPUT_CODES.has(err.errorCode)) return null;
  const detail = `Salesforce did not accept it: ${said(err)}`;
  if (q.kind === 'soql') return serviceErrors.invalid('soql', detail);
  if (err.errorCode === 'INVALID_TYPE') return serviceErrors.invalid('object', detail);
  if (err.errorCode === 'INVALID_FIELD') {
    const column = noSuchColumn(err)?.toLowerCase();
    const at = column === undefined ? -1 : q.requested.findIndex((f) => f.toLowerCase() === column);
    if (at !== -1) return serviceErrors.invalid(`fields[${at}]`, detail);
  }
  return serviceErrors.invalid(q.where ? 'where' : 'fields', detail);
}

/** The fields of a row's `values` that the org named in refusing a call (`No such column 'X'`): none if it named none. */
export function refusedFields(err: SalesforceApiError, values: Record<string, unknown>): string[] {
  const column = noSuchColumn(err)?.toLowerCase();
  return column === undefined ? [] : Object.keys(values).filter((k) => k.toLowerCase() === column);
}

/**
 * A row of a save call the org refused whole for its input (a field it does not know), once an earlier call of the
 * same save was written: Salesforce's code and words, and the refused field where this row sent it.
 */
export function refusedRowError(
  err: SalesforceApiError,
  values: Record<string, unknown>,
): { code: string; message: string; fields: string[] } {
  return { code: err.errorCode, message: said(err), fields: refusedFields(err, values) };
}

/** A save the org refused whole for a field or object it does not know. */
export function saveInputError(err: SalesforceApiError, s: OfficeSave): ServiceError | null {
  if (!isInputRefusal(err)) return null;
  const detail = `Salesforce did not accept it: ${said(err)}`;
  if (err.errorCode === 'INVALID_TYPE') return serviceErrors.invalid('object', detail);
  const column = noSuchColumn(err)?.toLowerCase();
  for (const [i, r] of s.rows.entries()) {
    const name = Object.keys(r.values).find((k) => k.toLowerCase() === column);
    if (name) return serviceErrors.invalid(`rows[${i}].values.${name}`, detail);
  }
  return serviceErrors.invalid('rows', detail);
}
