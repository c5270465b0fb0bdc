/**
 * "Connect your Outlook mailbox" (addin/taskpane/mailbox-connect.ts) with the service and the window as fakes: which
 * page the window opens, that the pane watches the service's status and closes the window once the connect is done,
 * and how a window that ends first reaches the user (and tells the service to stop waiting).
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DialogCode, DialogError, WatchedWindow } from '../../../../addin/office/dialog';
import { GRACE_MS, MailboxConnectSteps, connectMailbox } from '../../../../addin/taskpane/mailbox-connect';
import { SignInWindowFailure } from '../../../../addin/shared/oauth-sign-in';
import { texts } from '../../../../addin/taskpane/texts';
import type { MailboxStatus, ServiceStatus } from '../../../../sync-engine/src/service/contract';

const ORIGIN = 'https://localhost:3000';
const AUTHORIZE = 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=c&state=s';

function statusWith(mailbox: Partial<MailboxStatus>): ServiceStatus {
  return {
    state: 'idle',
    message: null,
    stopReason: null,
    paused: false,
    lastRun: null,
    nextRunAt: null,
    counts: null,
    pending: 0,
    lastError: null,
    product: null,
    username: 'ann@test.example',
    orgUrl: 'http://127.0.0.1:1',
    mailbox: {
      signIn: 'microsoft',
      connectedAs: null,
      connecting: false,
      connectError: null,
      needsReconnect: false,
      ...mailbox,
    },
  };
}
const CONNECTING = statusWith({ connecting: true });
const CONNECTED = statusWith({ connectedAs: 'ann@test.example' });

/** A window that ends on its own when `end` is called; `close` records the pane closing it. */
function fakeWindow() {
  let end!: (e: DialogError) => void;
  const win = {
    ended: new Promise<DialogError>((resolve) => (end = resolve)),
    close: sinon.spy(),
  } satisfies WatchedWindow;
  return { win, end: (code: number) => end(new DialogError(code, 'ended')) };
}

function steps(statuses: ServiceStatus[], win: WatchedWindow | (() => never)) {
  let i = 0;
  const s = {
    start: sinon.spy(async () => ({ authorizeUrl: AUTHORIZE })),
    openWindow: sinon.spy(async (_url: string) => (typeof win === 'function' ? win() : win)),
    status: sinon.spy(async () => statuses[Math.min(i++, statuses.length - 1)]),
    cancel: sinon.spy(async () => statusWith({})),
    wait: sinon.spy(async (_ms: number) => {}),
  };
  return s satisfies MailboxConnectSteps;
}

async function rejectsWith(run: Promise<unknown>, code: number, text: string): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof SignInWindowFailure, String(err));
    assert.deepEqual([err.code, err.message], [code, text]);
    return true;
  });
}

describe('addin/taskpane/mailbox-connect: the Microsoft sign-in window, watched through the status', () => {
  it('opens oauth-start.html with the sign-in page, waits while connecting, closes the window when connected', async () => {
    const { win } = fakeWindow();
    const s = steps([CONNECTING, CONNECTING, CONNECTED], win);
    assert.deepEqual(await connectMailbox(s, ORIGIN), CONNECTED);
    sinon.assert.calledOnceWithExactly(s.openWindow, `${ORIGIN}/oauth-start.html?to=${encodeURIComponent(AUTHORIZE)}`);
    assert.equal(s.status.callCount, 3);
    sinon.assert.calledOnce(win.close);
    sinon.assert.notCalled(s.cancel);
  });

  it("a failed connect ends the watch too: the status carries the service's reason", async () => {
    const { win } = fakeWindow();
    const failed = statusWith({ connectError: 'The Outlook mailbox was not connected: access_denied.' });
    assert.deepEqual(await connectMailbox(steps([CONNECTING, failed], win), ORIGIN), failed);
    sinon.assert.calledOnce(win.close);
  });

  it('the user closes the window: after one last look the service is told to stop, and the pane says so', async () => {
    const { win, end } = fakeWindow();
    const s = steps([CONNECTING], win);
    s.wait = sinon.spy(async (ms: number) => {
      if (ms !== GRACE_MS) end(DialogCode.closedByUser);
    });
    await rejectsWith(connectMailbox(s, ORIGIN), DialogCode.closedByUser, texts.mailbox.window.closedByUser);
    sinon.assert.calledWith(s.wait, GRACE_MS);
    sinon.assert.calledOnce(s.cancel);
  });

  it('a connect finishing just as the window ends is a success, not a failure', async () => {
    const { win, end } = fakeWindow();
    // Still connecting when the window ends; connected at the last look, a moment later.
    const s = steps([CONNECTING, CONNECTED], win);
    end(DialogCode.closedByUser);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await connectMailbox(s, ORIGIN), CONNECTED);
    sinon.assert.notCalled(s.cancel);
  });

  it('a window that cannot open says why by its code, and the service stops waiting', async () => {
    const s = steps([CONNECTING], () => {
      throw new DialogError(DialogCode.popupBlocked, 'blocked');
    });
    await rejectsWith(connectMailbox(s, ORIGIN), DialogCode.popupBlocked, texts.mailbox.window.popupBlocked);
    sinon.assert.calledOnce(s.cancel);
  });

  it("Outlook refusing the loopback's http:// page (12003) points to the terminal's way", async () => {
    const { win, end } = fakeWindow();
    end(DialogCode.httpPage);
    await new Promise((resolve) => setImmediate(resolve));
    await rejectsWith(
      connectMailbox(steps([CONNECTING], win), ORIGIN),
      DialogCode.httpPage,
      texts.mailbox.window.httpPage,
    );
  });
});
