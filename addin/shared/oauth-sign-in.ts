/// <reference types="office-js" />
/**
 * "Sign in with Salesforce": the OAuth web-server flow, which the service runs, with the org's own login page in a
 * window (an Office dialog in Outlook, Word or Excel, a popup in a plain browser). The pane's part: have the service start it,
 * show the org's page through oauth-start.html, take the message of oauth-callback.html, check its state, and hand
 * it to the service to finish.
 */
import { DialogCode, DialogError, DialogMessage } from '../office/dialog';
import { OAuthCallback, parseCallback } from '../oauth-callback/callback-message';
import { OfficeApp, sharedTexts } from './texts';

/** The dialog's size (% of the screen), as its own window: the org's login page refuses to be framed. */
export const SIGN_IN_DIALOG: Office.DialogOptions = { height: 60, width: 30, displayInIframe: false };

/** What the flow needs from the service and from the host; the pane hands in its client and the dialog or popup. */
export interface OAuthSignInSteps<Signed> {
  /** `POST /api/oauth/start` with the callback page: the org's authorize URL and the state it carries. */
  start(redirectUri: string): Promise<{ authorizeUrl: string; state: string }>;
  /** Show `url` in the sign-in window; settles with the first message of its page, or a `DialogError`. */
  showWindow(url: string): Promise<DialogMessage>;
  /** `POST /api/oauth/finish`: answers as `POST /api/sign-in` does. */
  finish(callback: OAuthCallback): Promise<Signed>;
}

/** Why the sign-in window gave nothing to finish with: Office's dialog code, or the answer's fault; `message` is for the user. */
export class SignInWindowFailure extends Error {
  constructor(
    readonly code: number | 'BAD_ANSWER' | 'STATE_MISMATCH' | null,
    message: string,
  ) {
    super(message);
    this.name = 'SignInWindowFailure';
  }
}

/** The add-in's page the org sends the code to (registered in the products' connected apps). */
export const callbackPageOf = (origin: string): string => `${origin}/oauth-callback.html`;

/** The dialog's first page, on the add-in's own origin as Office requires; it goes on to the org's `authorizeUrl`. */
export const startPageOf = (origin: string, authorizeUrl: string): string =>
  `${origin}/oauth-start.html?to=${encodeURIComponent(authorizeUrl)}`;

/** A window of the pane in `app` that ended without an answer, in the user's words. */
export function windowFailure(err: DialogError, app: OfficeApp): SignInWindowFailure {
  const name = (Object.keys(DialogCode) as Array<keyof typeof DialogCode>).find((k) => DialogCode[k] === err.code);
  return new SignInWindowFailure(
    err.code,
    name ? sharedTexts.signInWindow(app)[name] : sharedTexts.signInWindowFailed(err.message),
  );
}

/**
 * Run the flow from the pane at `origin`, in the Office application `app`; settles with what `finish` answers, or
 * throws what went wrong.
 */
export async function oauthSignIn<Signed>(
  steps: OAuthSignInSteps<Signed>,
  origin: string,
  app: OfficeApp,
): Promise<Signed> {
  const started = await steps.start(callbackPageOf(origin));
  let reply: DialogMessage;
  try {
    reply = await steps.showWindow(startPageOf(origin, started.authorizeUrl));
  } catch (err) {
    throw err instanceof DialogError ? windowFailure(err, app) : err;
  }
  // Only the callback page, on the add-in's origin, answers (Office gives no origin before DialogOrigin 1.1).
  const callback = reply.origin === undefined || reply.origin === origin ? parseCallback(reply.message) : null;
  if (!callback) throw new SignInWindowFailure('BAD_ANSWER', sharedTexts.signInWindowBadAnswer);
  // The answer of another sign-in (an older window, a page that was not ours) must not finish this one.
  if (callback.state !== started.state)
    throw new SignInWindowFailure('STATE_MISMATCH', sharedTexts.signInWindowOtherSignIn);
  return steps.finish(callback);
}
