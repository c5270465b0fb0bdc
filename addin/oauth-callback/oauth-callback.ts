/// <reference types="office-js" />
/**
 * The page the org sends the sign-in window back to (`?code=&state=`, or `?error=&error_description=&state=`): it
 * hands that to the pane, with `messageParent` in an Office dialog, else to the popup's opener on this origin.
 */
import { sharedTexts } from '../shared/texts';
import { applyOfficeTheme } from '../office/theme';
import { callbackOf } from './callback-message';

/** Office's dialog API, or null when the page is not in an Office dialog (a popup of a pane in a plain browser). */
async function officeUi(): Promise<Office.UI | null> {
  if (typeof Office === 'undefined' || typeof Office.onReady !== 'function') return null;
  await Office.onReady();
  // Not the host from onReady: a dialog of an older desktop Outlook has none. Outside Office, context has no ui.
  return typeof Office.context?.ui?.messageParent === 'function' ? Office.context.ui : null;
}

async function answer(): Promise<void> {
  const message = callbackOf(new URLSearchParams(window.location.search));
  const ui = await officeUi();
  applyOfficeTheme(document.documentElement);
  if (ui) ui.messageParent(JSON.stringify(message));
  // Only to the pane's own origin: the code must not reach another page that opened this window.
  else window.opener?.postMessage(message, window.location.origin);
  document.getElementById('message')!.textContent = sharedTexts.signInWindowDone;
}

void answer();
