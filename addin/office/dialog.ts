/// <reference types="office-js" />
/** Dialogs opened with `displayDialogAsync`: the support page, and a page that answers with one message (sign-in). */
import { OfficeCallError, officeAsync } from './async-result';

/**
 * `Office.EventType`'s values for a dialog, written out so this runs (and is tested) without Office loaded. office.js
 * defines them as these strings; the typings declare a numeric enum, hence the cast through unknown.
 */
const DIALOG_MESSAGE_RECEIVED = 'dialogMessageReceived' as unknown as Office.EventType;
const DIALOG_EVENT_RECEIVED = 'dialogEventReceived' as unknown as Office.EventType;

/** Office's codes for a dialog that could not open or ended without a message (learn.microsoft.com, dialog-handle-errors-events). */
export const DialogCode = {
  /** The page could not be loaded: not found, or its URL is wrong. */
  pageNotLoaded: 12002,
  /** The dialog was sent to an http:// page; Office shows https:// only. */
  httpPage: 12003,
  /** The first page is not on the add-in's own domain (or, on the web, that domain is missing from AppDomains). */
  domainNotTrusted: 12004,
  /** The first page's URL is http://. */
  httpsRequired: 12005,
  /** The user closed the dialog. */
  closedByUser: 12006,
  /** A dialog is already open from this pane. */
  alreadyOpen: 12007,
  /** The user chose not to let the dialog open (Office on the web). */
  ignoredByUser: 12009,
  /** The browser blocked the dialog's window. */
  popupBlocked: 12011,
} as const;

/** A dialog that could not open or ended before its page sent a message, with Office's code (`DialogCode`). */
export class DialogError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'DialogError';
  }
}

/** What a dialog's page sent with `messageParent`; `origin` is undefined on clients without DialogOrigin 1.1. */
export interface DialogMessage {
  message: string;
  origin: string | undefined;
}

/** Open `url` (on the add-in's own origin) in an Office dialog. */
export function openDialog(
  ui: Office.UI,
  url: string,
  options: Office.DialogOptions = { height: 60, width: 40 },
): Promise<Office.Dialog> {
  return officeAsync<Office.Dialog>((cb) => ui.displayDialogAsync(url, options, cb));
}

/** Open `url` in a dialog and settle with the first message its page sends (the dialog then closed), or a `DialogError`. */
export async function dialogMessage(ui: Office.UI, url: string, options: Office.DialogOptions): Promise<DialogMessage> {
  let dialog: Office.Dialog;
  try {
    dialog = await openDialog(ui, url, options);
  } catch (err) {
    if (err instanceof OfficeCallError) throw new DialogError(err.code, err.message);
    throw err;
  }
  return new Promise((resolve, reject) => {
    // The first message or event settles it; a later one (Office may report the close it was asked for) is ignored.
    let settled = false;
    dialog.addEventHandler(DIALOG_MESSAGE_RECEIVED, (args) => {
      if (settled || !('message' in args)) return;
      settled = true;
      dialog.close();
      resolve({ message: args.message, origin: args.origin });
    });
    dialog.addEventHandler(DIALOG_EVENT_RECEIVED, (args) => {
      if (settled || !('error' in args)) return;
      settled = true;
      // A dialog the user closed is gone; one whose page failed is still open, showing Office's error: close it.
      if (args.error !== DialogCode.closedByUser) dialog.close();
      reject(new DialogError(args.error, `The dialog ended without a message (Office code ${args.error}).`));
    });
  });
}

/**
 * A sign-in window whose last page is not ours (the Microsoft sign-in ends on msal's loopback page in the service),
 * so it sends no message: the pane watches the service instead, and closes the window once it has its answer.
 */
export interface WatchedWindow {
  /** Settles (never rejects) with how the window ended on its own: the user closed it, or its page failed. */
  ended: Promise<DialogError>;
  close(): void;
}

/** Open `url` (on the add-in's own origin) in an Office dialog to watch; rejects with a `DialogError` if it cannot open. */
export async function watchedDialog(ui: Office.UI, url: string, options: Office.DialogOptions): Promise<WatchedWindow> {
  let dialog: Office.Dialog;
  try {
    dialog = await openDialog(ui, url, options);
  } catch (err) {
    if (err instanceof OfficeCallError) throw new DialogError(err.code, err.message);
    throw err;
  }
  let closed = false;
  const ended = new Promise<DialogError>((resolve) => {
    dialog.addEventHandler(DIALOG_EVENT_RECEIVED, (args) => {
      if (closed || !('error' in args)) return;
      closed = true;
      if (args.error !== DialogCode.closedByUser) dialog.close();
      resolve(new DialogError(args.error, `The dialog ended (Office code ${args.error}).`));
    });
  });
  return {
    ended,
    close() {
      if (closed) return;
      closed = true;
      dialog.close();
    },
  };
}
