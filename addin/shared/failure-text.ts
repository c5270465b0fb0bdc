/**
 * What a failure shows in a pane, the same in Outlook's and in Word's and Excel's: the service's or the product's own
 * text, the sign-in window's by Office's dialog code, the pane's own problems, Office's refusals in the add-in's
 * words naming the application, and one text for anything else (never a bare exception's message).
 */
import { ServiceFailure } from '../api/service-failure';
import { OfficeCallError } from '../office/async-result';
import { isOfficeRunError } from '../office/run-error';
import { SignInWindowFailure } from './oauth-sign-in';
import { OfficeApp, sharedTexts } from './texts';
import { PaneProblem } from './pane-problem';

/** The text a pane in `app` shows for `err`. */
export function failureText(err: unknown, app: OfficeApp): string {
  if (err instanceof ServiceFailure || err instanceof SignInWindowFailure || err instanceof PaneProblem)
    return err.message;
  if (err instanceof OfficeCallError || isOfficeRunError(err)) return sharedTexts.officeFailed(app, err.message);
  return sharedTexts.unexpected;
}

/** The product's own refusal of the user (the org's rule, API access turned off): the service's 403. */
export const isProductRefusal = (err: unknown): err is ServiceFailure =>
  err instanceof ServiceFailure && err.status === 403;

/** The service no longer takes the pane's secret (restarted, or another sign-in): sign in again. */
export const isRefusedSecret = (err: unknown): err is ServiceFailure =>
  err instanceof ServiceFailure && err.status === 401;
