/**
 * The sign-in window outside Office (the pane in a plain browser): a popup whose last page posts its answer back to
 * the pane, settled as an Office dialog is, so the sign-in flow does not care which one it got.
 */
import { DialogCode, DialogError, DialogMessage, WatchedWindow } from '../office/dialog';

/** How often to look whether the user closed the popup: a closed window sends no event to its opener. */
const CLOSED_POLL_MS = 250;

/** Open `url` in a popup of `win` and settle with the first message its page posts from `win`'s origin, or a `DialogError`. */
export function popupMessage(win: Window, url: string): Promise<DialogMessage> {
  // No `noopener`: the callback page answers through window.opener.
  const popup = win.open(url, '_blank', 'popup,width=520,height=680');
  if (!popup) return Promise.reject(new DialogError(DialogCode.popupBlocked, 'The browser blocked the popup.'));
  return new Promise((resolve, reject) => {
    const stop = () => {
      win.removeEventListener('message', onMessage);
      win.clearInterval(closedCheck);
    };
    const onMessage = (event: MessageEvent) => {
      // Only this popup's own page on the pane's origin (the callback page) may answer.
      if (event.source !== popup || event.origin !== win.location.origin) return;
      stop();
      popup.close();
      resolve({
        message: typeof event.data === 'string' ? event.data : JSON.stringify(event.data),
        origin: event.origin,
      });
    };
    const closedCheck = win.setInterval(() => {
      if (!popup.closed) return;
      stop();
      reject(new DialogError(DialogCode.closedByUser, 'The popup was closed.'));
    }, CLOSED_POLL_MS);
    win.addEventListener('message', onMessage);
  });
}

/** Open `url` in a popup of `win` to watch (outside Office), as `watchedDialog` does in Office. */
export function watchedPopup(win: Window, url: string): WatchedWindow {
  const popup = win.open(url, '_blank', 'popup,width=520,height=680');
  if (!popup) throw new DialogError(DialogCode.popupBlocked, 'The browser blocked the popup.');
  let closedCheck = 0;
  const ended = new Promise<DialogError>((resolve) => {
    closedCheck = win.setInterval(() => {
      if (!popup.closed) return;
      win.clearInterval(closedCheck);
      resolve(new DialogError(DialogCode.closedByUser, 'The popup was closed.'));
    }, CLOSED_POLL_MS);
  });
  return {
    ended,
    close() {
      win.clearInterval(closedCheck);
      popup.close();
    },
  };
}
