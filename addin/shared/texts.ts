/**
 * Every text both panes (Outlook's, and Word's and Excel's) show that is not from the service's answers: the
 * service's client, the sign-in form and its window's pages, and what any failure shows. Each pane's own words are
 * in its texts (addin/taskpane/texts.ts, addin/office-docs/shared/texts.ts).
 */
import type { DialogCode } from '../office/dialog';

/** The Office application a pane is in, as its texts name it ('Office' outside one: a plain browser). */
export type OfficeApp = 'Outlook' | 'Word' | 'Excel' | 'Office';

const TRY_AGAIN = 'Select "Sign in with Salesforce" to try again.';

export const sharedTexts = {
  serviceDown: (url: string) =>
    `The sfo-compat service is not running at ${url}. Start it with "sfo-compat service" and try again.`,
  staleSecret:
    'Your session with the sfo-compat service has ended (the service was restarted or you signed in elsewhere). Sign in again.',
  badAnswer: (status: number) => `The sfo-compat service gave an answer the pane could not read (HTTP ${status}).`,
  orgUrlMissing: 'Org URL: enter your Salesforce login URL, for example https://login.salesforce.com.',
  orgUrlInvalid: 'Org URL: enter a URL that starts with https:// (or http:// for a local org).',
  usernameMissing: 'Username: enter your Salesforce username.',
  passwordMissing: 'Password: enter your Salesforce password.',
  signingIn: 'Signing in…',
  signedIn: (name: string, product: string) => `Signed in as ${name} (${product}).`,
  /** Who the service is signed in as, in the status. */
  account: (name: string, product: string) => `${name} (${product})`,
  /** An Office call failed (an `*Async` call's error result, or `Excel.run`/`Word.run` refused): Office's own words. */
  officeFailed: (app: OfficeApp, message: string) => `${app} could not do what the add-in asked: ${message}`,
  unexpected: 'Something went wrong in the pane. Close it and open it again.',
  signedOut: 'Signed out.',
  openedSignInWindow: 'Sign in to Salesforce in the window that opened…',
  /**
   * The sign-in window (an Office dialog, or a popup outside Office) ended without an answer, by Office's dialog code;
   * the application named is the one the pane is in.
   */
  signInWindow: (app: OfficeApp) =>
    ({
      closedByUser: `The Salesforce sign-in window was closed before you signed in. ${TRY_AGAIN}`,
      pageNotLoaded: `The Salesforce sign-in window could not load its page. Check the org URL and your connection. ${TRY_AGAIN}`,
      httpPage: `The Salesforce sign-in window was sent to an http:// page, which ${app} does not show. Use your org's https:// address (a local org on this machine: sign in with its username and password).`,
      domainNotTrusted: `${app} did not open the Salesforce sign-in window: its page is not on a domain the add-in's manifest lists (AppDomains). Tell whoever installed the add-in.`,
      httpsRequired: `${app} did not open the Salesforce sign-in window: the add-in is not served over https://. Tell whoever installed the add-in.`,
      alreadyOpen: 'A Salesforce sign-in window is already open. Finish signing in there, or close it and try again.',
      ignoredByUser: `The Salesforce sign-in window was not allowed to open. ${TRY_AGAIN}`,
      popupBlocked: 'The browser blocked the Salesforce sign-in window. Allow pop-ups for this page, then try again.',
    }) satisfies Record<keyof typeof DialogCode, string>,
  signInWindowFailed: (detail: string) => `The Salesforce sign-in window could not be used: ${detail}`,
  signInWindowBadAnswer: `The Salesforce sign-in window sent an answer the pane could not read. ${TRY_AGAIN}`,
  signInWindowOtherSignIn: `The Salesforce sign-in window answered for another sign-in (an older window?). ${TRY_AGAIN}`,
  /** oauth-start.html, given an address that is not an org's or Microsoft's authorize page (it opens nothing else). */
  notAnAuthorizePage:
    'This window opens only a Salesforce or Microsoft sign-in page, and the address it was given is not one. Close it and sign in from the add-in again.',
  /** oauth-callback.html, once it has handed the org's answer to the pane. */
  signInWindowDone: 'You can close this window.',
};
