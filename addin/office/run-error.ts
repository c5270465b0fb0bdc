/// <reference types="office-js" />
/** A batch of `Excel.run` or `Word.run` the host refused: office.js's `OfficeExtension.Error` (a code, the host's words). */
export function isOfficeRunError(err: unknown): err is OfficeExtension.Error {
  // OfficeExtension is there only with an application-specific API (Excel, Word) loaded.
  return typeof OfficeExtension !== 'undefined' && err instanceof OfficeExtension.Error;
}
