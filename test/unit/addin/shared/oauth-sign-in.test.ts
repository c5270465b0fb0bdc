/**
 * "Sign in with Salesforce" (addin/shared/oauth-sign-in.ts) with the service and the window as fakes: what it
 * asks the service, which page the window opens, and how each way the window ends reaches the user.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DialogCode, DialogError, DialogMessage } from '../../../../addin/office/dialog';
import { OAuthCallback } from '../../../../addin/oauth-callback/callback-message';
import {
  OAuthSignInSteps,
  SIGN_IN_DIALOG,
  SignInWindowFailure,
  oauthSignIn,
} from '../../../../addin/shared/oauth-sign-in';
import { sharedTexts } from '../../../../addin/shared/texts';

const ORIGIN = 'https://localhost:3000';
const AUTHORIZE =
  'https://acme.my.salesforce.com/services/oauth2/authorize?client_id=SfdcSalesforceForOutlook&state=s-1';

/** Steps whose window answers `reply` (a message, or a rejection). */
function steps(reply: () => Promise<DialogMessage>) {
  const s = {
    start: sinon.spy(async (_redirectUri: string) => ({ authorizeUrl: AUTHORIZE, state: 's-1' })),
    showWindow: sinon.spy((_url: string) => reply()),
    finish: sinon.spy(async (_callback: OAuthCallback) => ({ secret: 'k' })),
  };
  return s satisfies OAuthSignInSteps<{ secret: string }>;
}
const message =
  (value: unknown, origin: string | undefined = ORIGIN) =>
  async () => ({ message: JSON.stringify(value), origin });

async function rejectsWith(run: Promise<unknown>, code: SignInWindowFailure['code'], text: string): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof SignInWindowFailure, String(err));
    assert.deepEqual([err.code, err.message], [code, text]);
    return true;
  });
}

describe('addin/shared/oauth-sign-in: the sign-in window flow', () => {
  it('starts with the callback page, opens oauth-start.html with the authorize URL, and finishes with the code', async () => {
    const s = steps(message({ state: 's-1', code: 'the-code' }));
    assert.deepEqual(await oauthSignIn(s, ORIGIN, 'Outlook'), { secret: 'k' });
    sinon.assert.calledOnceWithExactly(s.start, `${ORIGIN}/oauth-callback.html`);
    sinon.assert.calledOnceWithExactly(s.showWindow, `${ORIGIN}/oauth-start.html?to=${encodeURIComponent(AUTHORIZE)}`);
    sinon.assert.calledOnceWithExactly(s.finish, { state: 's-1', code: 'the-code' });
  });

  it("the org's error goes to the service as it came, for the service to say", async () => {
    const s = steps(
      message({ state: 's-1', error: 'access_denied', errorDescription: 'end-user denied authorization' }),
    );
    await oauthSignIn(s, ORIGIN, 'Outlook');
    sinon.assert.calledOnceWithExactly(s.finish, {
      state: 's-1',
      error: 'access_denied',
      errorDescription: 'end-user denied authorization',
    });
  });

  it('a client without DialogOrigin (no origin on the message) is still answered', async () => {
    const s = steps(message({ state: 's-1', code: 'c' }, undefined));
    await oauthSignIn(s, ORIGIN, 'Outlook');
    sinon.assert.calledOnce(s.finish);
  });

  it('the user closed the window (12006): the closed text, nothing sent to finish', async () => {
    const s = steps(() => Promise.reject(new DialogError(DialogCode.closedByUser, 'closed')));
    await rejectsWith(oauthSignIn(s, ORIGIN, 'Outlook'), 12006, sharedTexts.signInWindow('Outlook').closedByUser);
    sinon.assert.notCalled(s.finish);
  });

  it("each documented dialog code has its own text, naming the pane's application; an unknown one says Office's message", async () => {
    for (const app of ['Outlook', 'Word', 'Excel'] as const) {
      for (const [name, code] of Object.entries(DialogCode) as Array<[keyof typeof DialogCode, number]>) {
        await rejectsWith(
          oauthSignIn(
            steps(() => Promise.reject(new DialogError(code, 'x'))),
            ORIGIN,
            app,
          ),
          code,
          sharedTexts.signInWindow(app)[name],
        );
      }
    }
    assert.match(sharedTexts.signInWindow('Word').domainNotTrusted, /^Word did not open/);
    assert.ok(!Object.values(sharedTexts.signInWindow('Excel')).some((t) => t.includes('Outlook')));
    await rejectsWith(
      oauthSignIn(
        steps(() => Promise.reject(new DialogError(5001, 'An internal error has occurred.'))),
        ORIGIN,
        'Word',
      ),
      5001,
      sharedTexts.signInWindowFailed('An internal error has occurred.'),
    );
  });

  it('the answer of another sign-in (another state) is refused, nothing sent to finish', async () => {
    const s = steps(message({ state: 's-0', code: 'old-code' }));
    await rejectsWith(oauthSignIn(s, ORIGIN, 'Outlook'), 'STATE_MISMATCH', sharedTexts.signInWindowOtherSignIn);
    sinon.assert.notCalled(s.finish);
  });

  it('a message from another origin, or one that is not a callback, is refused', async () => {
    for (const reply of [
      message({ state: 's-1', code: 'c' }, 'https://evil.example'),
      async () => ({ message: 'not json', origin: ORIGIN }),
      message({ state: 's-1' }),
    ]) {
      const s = steps(reply);
      await rejectsWith(oauthSignIn(s, ORIGIN, 'Outlook'), 'BAD_ANSWER', sharedTexts.signInWindowBadAnswer);
      sinon.assert.notCalled(s.finish);
    }
  });

  it("the service's refusal at start or at finish comes through unchanged (the pane shows its message)", async () => {
    const refused = new Error('orgUrl: ...');
    const s = steps(message({ state: 's-1', code: 'c' }));
    s.start = sinon.spy(async (_redirectUri: string): Promise<never> => {
      throw refused;
    });
    await assert.rejects(oauthSignIn(s, ORIGIN, 'Outlook'), (err) => err === refused);
    sinon.assert.notCalled(s.showWindow);

    const blocked = new Error("the product's login text");
    const t = steps(message({ state: 's-1', code: 'c' }));
    t.finish = sinon.spy(async (_callback: OAuthCallback): Promise<never> => {
      throw blocked;
    });
    await assert.rejects(oauthSignIn(t, ORIGIN, 'Outlook'), (err) => err === blocked);
  });

  it("the dialog is its own window (the org's login page cannot be framed), 60% high and 30% wide", () => {
    assert.deepEqual(SIGN_IN_DIALOG, { height: 60, width: 30, displayInIframe: false });
  });
});
