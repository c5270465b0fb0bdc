/// <reference types="office-js" />
/**
 * The sign-in dialog's first page: Office opens only a page on the add-in's own origin, so this one goes on to the
 * org's authorize page in `?to=`, and to nothing else.
 */
import { sharedTexts } from '../shared/texts';
import { applyOfficeTheme } from '../office/theme';
import { isAuthorizeUrl } from './authorize-url';

/**
 * Office gives the dialog's host info to its first page only (`_host_Info` in the URL); office.js keeps it in the
 * tab's session storage, where office.js on oauth-callback.html finds it and so offers `messageParent`. Going on
 * once Office is ready lets it do that; without office.js (a plain browser's popup) there is nothing to wait for.
 */
async function officeReady(): Promise<void> {
  if (typeof Office !== 'undefined' && typeof Office.onReady === 'function') await Office.onReady();
}

async function goOn(): Promise<void> {
  const to = new URLSearchParams(window.location.search).get('to');
  if (to === null || !isAuthorizeUrl(to)) {
    document.getElementById('message')!.textContent = sharedTexts.notAnAuthorizePage;
    return;
  }
  await officeReady();
  applyOfficeTheme(document.documentElement);
  window.location.replace(to);
}

void goOn();
