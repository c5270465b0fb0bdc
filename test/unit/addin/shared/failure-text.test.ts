/**
 * What a failure shows in either pane (addin/shared/failure-text.ts): the service's and the sign-in window's own
 * texts, the pane's own problems, Office's refusals (an `*Async` call's error result, a refused `Excel.run` or
 * `Word.run` batch) in the add-in's words naming the pane's application, and one text for anything else.
 */
/// <reference types="office-js" />
import assert from 'node:assert/strict';
import { ServiceFailure } from '../../../../addin/api/service-failure';
import { OfficeCallError } from '../../../../addin/office/async-result';
import { SignInWindowFailure } from '../../../../addin/shared/oauth-sign-in';
import { sharedTexts } from '../../../../addin/shared/texts';
import { failureText, isProductRefusal, isRefusedSecret } from '../../../../addin/shared/failure-text';
import { PaneProblem } from '../../../../addin/shared/pane-problem';

/** office.js's OfficeExtension.Error, as Excel's and Word's APIs reject with it (name "RichApi.Error"). */
class RichApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RichApi.Error';
  }
}
const CELL_EDITING =
  'Excel is in cell-editing mode. Please exit the edit mode by pressing ENTER or TAB or selecting another cell, and then try again.';

describe('addin/shared/failure-text: what a failure shows in either pane', () => {
  const globals = globalThis as { OfficeExtension?: unknown };
  afterEach(() => delete globals.OfficeExtension);

  it("shows the service's, the sign-in window's and the pane's own texts as they are", () => {
    for (const app of ['Outlook', 'Word', 'Excel'] as const) {
      assert.equal(
        failureText(new ServiceFailure('down', sharedTexts.serviceDown('http://x')), app),
        sharedTexts.serviceDown('http://x'),
      );
      const closed = sharedTexts.signInWindow(app).closedByUser;
      assert.equal(failureText(new SignInWindowFailure(12006, closed), app), closed);
      assert.equal(
        failureText(new PaneProblem('This sheet was not filled from Salesforce.'), app),
        'This sheet was not filled from Salesforce.',
      );
    }
  });

  it("an Office call's error result: the add-in's text naming the pane's application, with Office's words", () => {
    const err = new OfficeCallError(4001, 'The settings could not be saved.');
    assert.equal(failureText(err, 'Excel'), sharedTexts.officeFailed('Excel', 'The settings could not be saved.'));
    assert.equal(failureText(err, 'Outlook'), sharedTexts.officeFailed('Outlook', 'The settings could not be saved.'));
  });

  it('a batch Excel or Word refused (OfficeExtension.Error): the same text, once office.js defines it', () => {
    const err = new RichApiError('InvalidOperationInCellEditMode', CELL_EDITING);
    assert.equal(
      failureText(err, 'Excel'),
      sharedTexts.unexpected,
      'without OfficeExtension it is nothing Office said',
    );
    globals.OfficeExtension = { Error: RichApiError };
    assert.equal(failureText(err, 'Excel'), sharedTexts.officeFailed('Excel', CELL_EDITING));
  });

  it("anything else shows one text, never the exception's own message", () => {
    for (const err of [
      new Error('Cannot read properties of undefined'),
      new TypeError('x is not a function'),
      'boom',
      null,
    ]) {
      assert.equal(failureText(err, 'Word'), sharedTexts.unexpected);
    }
  });

  it("tells the product's refusal (403) and a refused secret (401) from other failures", () => {
    const refused = new ServiceFailure('API_CURRENTLY_DISABLED', 'API access is disabled', 403);
    const stale = new ServiceFailure('stale-secret', sharedTexts.staleSecret, 401);
    assert.deepEqual([isProductRefusal(refused), isRefusedSecret(refused)], [true, false]);
    assert.deepEqual([isProductRefusal(stale), isRefusedSecret(stale)], [false, true]);
    assert.deepEqual([isProductRefusal(new Error('x')), isRefusedSecret(new Error('x'))], [false, false]);
  });
});
