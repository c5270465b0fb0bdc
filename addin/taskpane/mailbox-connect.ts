/// <reference types="office-js" />
/**
 * "Connect your Outlook mailbox": msal-node's interactive sign-in, which the service runs. The service answers the
 * Microsoft sign-in page; the pane shows it in a window (an Office dialog in Outlook, through oauth-start.html as
 * Office requires; a popup outside Office). The sign-in ends on msal's loopback page in the service, which tells the
 * pane nothing, so the pane watches the service's status until the connect has finished, then closes the window.
 */
import { DialogCode, DialogError, WatchedWindow } from '../office/dialog';
import type { MailboxConnectStarted, ServiceStatus } from '../../sync-engine/src/service/contract';
import { SignInWindowFailure, startPageOf } from '../shared/oauth-sign-in';
import { texts } from './texts';

/** The dialog's size (% of the screen), as its own window: Microsoft's sign-in page refuses to be framed. */
export const MAILBOX_DIALOG: Office.DialogOptions = { height: 60, width: 30, displayInIframe: false };
/** How often the pane asks the service whether the connect has finished. */
export const POLL_MS = 1000;
/** After the window ended, one last look this much later: the sign-in's answer may be reaching the service. */
export const GRACE_MS = 1500;

/** What the flow needs from the service and from the host. */
export interface MailboxConnectSteps {
  /** `POST /api/mailbox/connect`: the Microsoft sign-in page. */
  start(): Promise<MailboxConnectStarted>;
  /** Show `url` in a window to watch; throws a `DialogError` when it cannot open. */
  openWindow(url: string): Promise<WatchedWindow>;
  /** `GET /api/status`. */
  status(): Promise<ServiceStatus>;
  /** `POST /api/mailbox/cancel-connect`: the user gave up. */
  cancel(): Promise<ServiceStatus>;
  wait(ms: number): Promise<void>;
}

/** A window that ended before the mailbox was connected, in the user's words. */
export function mailboxWindowFailure(err: DialogError): SignInWindowFailure {
  const name = (Object.keys(DialogCode) as Array<keyof typeof DialogCode>).find((k) => DialogCode[k] === err.code);
  return new SignInWindowFailure(err.code, name ? texts.mailbox.window[name] : texts.mailbox.windowFailed(err.message));
}

/**
 * Run the connect from the pane at `origin`; resolves with the status once the service has finished it (connected,
 * or `mailbox.connectError` saying why not); throws a `SignInWindowFailure` when the window ended first.
 */
export async function connectMailbox(steps: MailboxConnectSteps, origin: string): Promise<ServiceStatus> {
  const { authorizeUrl } = await steps.start();
  let win: WatchedWindow;
  try {
    win = await steps.openWindow(startPageOf(origin, authorizeUrl));
  } catch (err) {
    if (!(err instanceof DialogError)) throw err;
    await steps.cancel();
    throw mailboxWindowFailure(err);
  }
  let ended: DialogError | null = null;
  void win.ended.then((e) => (ended = e));
  try {
    for (;;) {
      const status = await steps.status();
      if (!status.mailbox?.connecting) return status;
      if (ended) {
        await steps.wait(GRACE_MS);
        const last = await steps.status();
        if (!last.mailbox?.connecting) return last;
        await steps.cancel();
        throw mailboxWindowFailure(ended);
      }
      await steps.wait(POLL_MS);
    }
  } finally {
    win.close();
  }
}
