/// <reference types="office-js" />
/** Office.js callbacks as promises: one place that reads `AsyncResult` (status and error). */

/** The `Office.AsyncResultStatus.Succeeded` value, written out so this runs (and is tested) without Office loaded. */
const SUCCEEDED = 'succeeded';

/** An Office.js call's failure, with Office's error code and message. */
export class OfficeCallError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'OfficeCallError';
  }
}

/** Call an Office.js `*Async` method and settle with its value or an `OfficeCallError`. */
export function officeAsync<T>(call: (callback: (result: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    call((result) => {
      if (String(result.status) === SUCCEEDED) resolve(result.value);
      else reject(new OfficeCallError(result.error?.code ?? null, result.error?.message ?? 'Office call failed'));
    });
  });
}
