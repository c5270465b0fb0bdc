/// <reference types="office-js" />
/** A dialog (the support page) opened with `displayDialogAsync`. */
import { officeAsync } from './async-result';

/** Open `url` (on the add-in's own origin) in an Office dialog. */
export function openDialog(ui: Office.UI, url: string, options: Office.DialogOptions = { height: 60, width: 40 }): Promise<Office.Dialog> {
  return officeAsync<Office.Dialog>((cb) => ui.displayDialogAsync(url, options, cb));
}
