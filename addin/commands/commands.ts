/// <reference types="office-js" />
/** The manifest's function file: the ribbon's buttons open the pane; this only offers the support dialog. */
import { openDialog } from '../office/dialog';

/** Open the support page in a dialog; the event completes whether or not the dialog opened. */
export async function showSupport(event: Office.AddinCommands.Event): Promise<void> {
  try {
    await openDialog(Office.context.ui, new URL('support.html', window.location.href).href);
  } finally {
    event.completed();
  }
}

if (typeof Office !== 'undefined') {
  Office.onReady(() => Office.actions?.associate('showSupport', showSupport));
}
