/**
 * The add-in's Office.js glue (addin/office/) against office-addin-mock: it takes the mailbox, item, settings
 * and ui as parameters, so each test hands in an OfficeMockObject instead of a global Office.
 */
/// <reference types="office-js" />
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { OfficeMockObject } from 'office-addin-mock';
import { getBody, getSender, localIsoDateTime, readOpenMessage } from '../../../addin/office/mail-item';
import { getSetting, putSetting } from '../../../addin/office/roaming-settings';
import { DialogCode, DialogError, dialogMessage, openDialog } from '../../../addin/office/dialog';
import { OfficeCallError } from '../../../addin/office/async-result';

type Callback = (result: unknown) => void;
const succeeded = (value: unknown) => ({ status: 'succeeded', value });
const failed = (code: number, message: string) => ({
  status: 'failed',
  value: undefined,
  error: { code, message, name: 'Error' },
});

/** A mailbox whose item is a message from Grace, read mode; `body` answers getAsync with `bodyResult`. */
function mailboxMock(o: { from?: unknown; noSender?: boolean; bodyResult?: unknown } = {}) {
  const getAsync = sinon.spy((_coercion: string, cb: Callback) =>
    cb(o.bodyResult ?? succeeded('The compiler is ready.\nGrace')),
  );
  const data = {
    host: 'outlook',
    item: {
      // The mock takes no null: an item without a sender has no `from` at all.
      ...(o.noSender ? {} : { from: o.from ?? { emailAddress: 'grace@navy.example', displayName: 'Grace Hopper' } }),
      subject: 'COBOL',
      internetMessageId: '<cobol-1@navy.example>',
      dateTimeCreated: new Date(2026, 2, 5, 14, 30, 0),
      body: { getAsync },
    },
  };
  const mailbox = new OfficeMockObject(data) as unknown as Office.Mailbox;
  return { mailbox, item: mailbox.item as Office.MessageRead, getAsync };
}

/** A dialog whose handlers the test fires by hand, as Office would. */
function dialogMock() {
  const handlers = new Map<string, (args: unknown) => void>();
  const dialog = {
    addEventHandler: sinon.spy((type: string, handler: (args: unknown) => void) => void handlers.set(type, handler)),
    close: sinon.spy(),
  };
  const fire = (type: 'dialogMessageReceived' | 'dialogEventReceived', args: unknown) => {
    const handler = handlers.get(type);
    assert.ok(handler, `no handler for ${type}`);
    handler(args);
  };
  return { dialog, fire };
}

function uiMock(result: unknown) {
  const displayDialogAsync = sinon.spy((_url: string, _options: unknown, cb: Callback) => cb(result));
  return {
    ui: new OfficeMockObject({ host: 'outlook', displayDialogAsync }) as unknown as Office.UI,
    displayDialogAsync,
  };
}

function settingsMock(saveResult: unknown = succeeded(undefined)) {
  const values = new Map<string, unknown>();
  const saveAsync = sinon.spy((cb: Callback) => cb(saveResult));
  const data = {
    host: 'outlook',
    get: (name: string) => values.get(name),
    set: (name: string, value: unknown) => void values.set(name, value),
    remove: (name: string) => void values.delete(name),
    saveAsync,
  };
  return { settings: new OfficeMockObject(data) as unknown as Office.RoamingSettings, values, saveAsync };
}

describe('addin/office: the Office.js glue', () => {
  describe('mail-item', () => {
    it('getSender reads item.from', () => {
      assert.deepEqual(getSender(mailboxMock().item), { address: 'grace@navy.example', name: 'Grace Hopper' });
    });

    it('getSender is null for an item without a sender, and the name null when Outlook gives none', () => {
      assert.equal(getSender(mailboxMock({ noSender: true }).item), null);
      assert.deepEqual(getSender(mailboxMock({ from: { emailAddress: 'x@y.example', displayName: '' } }).item), {
        address: 'x@y.example',
        name: null,
      });
    });

    it('getBody asks body.getAsync for text and resolves with its value', async () => {
      const { item, getAsync } = mailboxMock();
      assert.equal(await getBody(item), 'The compiler is ready.\nGrace');
      sinon.assert.calledOnce(getAsync);
      assert.equal(getAsync.firstCall.args[0], 'text');
    });

    it("getBody rejects with Office's error code and message when getAsync fails", async () => {
      const { item } = mailboxMock({ bodyResult: failed(9020, 'Generic error') });
      await assert.rejects(
        getBody(item),
        (err: unknown) => err instanceof OfficeCallError && err.code === 9020 && err.message === 'Generic error',
      );
    });

    it('readOpenMessage gives what POST /api/add-email takes, the date with the local offset', async () => {
      const { item } = mailboxMock();
      const message = await readOpenMessage(item);
      assert.deepEqual(message, {
        sender: { address: 'grace@navy.example', name: 'Grace Hopper' },
        subject: 'COBOL',
        body: 'The compiler is ready.\nGrace',
        receivedDateTime: localIsoDateTime(new Date(2026, 2, 5, 14, 30, 0)),
        internetMessageId: '<cobol-1@navy.example>',
      });
      assert.match(message!.receivedDateTime, /^2026-03-05T14:30:00[+-]\d{2}:\d{2}$/);
    });

    it('readOpenMessage is null for an item without a sender (a compose form)', async () => {
      assert.equal(await readOpenMessage(mailboxMock({ noSender: true }).item), null);
    });
  });

  describe('roaming-settings', () => {
    it('putSetting sets the value and saves; getSetting reads it back', async () => {
      const { settings, saveAsync } = settingsMock();
      assert.equal(getSetting(settings, 'sfoCompatSecret'), null);
      await putSetting(settings, 'sfoCompatSecret', 's3cret');
      sinon.assert.calledOnce(saveAsync);
      assert.equal(getSetting(settings, 'sfoCompatSecret'), 's3cret');
    });

    it('putSetting with null removes the setting and saves', async () => {
      const { settings, values, saveAsync } = settingsMock();
      values.set('sfoCompatSecret', 'old');
      await putSetting(settings, 'sfoCompatSecret', null);
      assert.equal(values.has('sfoCompatSecret'), false);
      sinon.assert.calledOnce(saveAsync);
    });

    it('getSetting ignores a value that is not text', () => {
      const { settings, values } = settingsMock();
      values.set('sfoCompatSecret', 42);
      assert.equal(getSetting(settings, 'sfoCompatSecret'), null);
    });

    it('putSetting rejects when saveAsync fails', async () => {
      const { settings } = settingsMock(failed(5001, 'An internal error has occurred.'));
      await assert.rejects(putSetting(settings, 'k', 'v'), {
        name: 'OfficeCallError',
        message: 'An internal error has occurred.',
      });
    });
  });

  describe('dialog', () => {
    it('openDialog passes the URL and options to displayDialogAsync and resolves with the dialog', async () => {
      const dialog = { close: sinon.spy() };
      const displayDialogAsync = sinon.spy((_url: string, _options: unknown, cb: Callback) => cb(succeeded(dialog)));
      const ui = new OfficeMockObject({ host: 'outlook', displayDialogAsync }) as unknown as Office.UI;
      const opened = await openDialog(ui, 'https://localhost:3000/support.html', { height: 50, width: 30 });
      assert.equal(opened, dialog);
      sinon.assert.calledOnceWithMatch(displayDialogAsync, 'https://localhost:3000/support.html', {
        height: 50,
        width: 30,
      });
    });

    it("openDialog rejects with Office's error when the dialog is refused", async () => {
      const ui = new OfficeMockObject({
        host: 'outlook',
        displayDialogAsync: (_u: string, _o: unknown, cb: Callback) =>
          cb(failed(12007, 'A dialog box is already opened.')),
      }) as unknown as Office.UI;
      await assert.rejects(openDialog(ui, 'https://localhost:3000/support.html'), {
        name: 'OfficeCallError',
        message: 'A dialog box is already opened.',
      });
    });
  });

  describe('dialogMessage (the sign-in window)', () => {
    const START = 'https://localhost:3000/oauth-start.html?to=x';
    const OPTIONS = { height: 60, width: 30, displayInIframe: false };
    /** Let displayDialogAsync's callback run and the handlers be added. */
    const opened = () => new Promise((resolve) => setImmediate(resolve));

    it('opens the URL with the options, listens for both dialog events, and resolves with the first message; the dialog is closed', async () => {
      const { dialog, fire } = dialogMock();
      const { ui, displayDialogAsync } = uiMock(succeeded(dialog));
      const answer = dialogMessage(ui, START, OPTIONS);
      await opened();
      sinon.assert.calledOnceWithMatch(displayDialogAsync, START, OPTIONS);
      assert.deepEqual(dialog.addEventHandler.args.map((a) => a[0]).sort(), [
        'dialogEventReceived',
        'dialogMessageReceived',
      ]);
      fire('dialogMessageReceived', { message: '{"state":"s","code":"c"}', origin: 'https://localhost:3000' });
      assert.deepEqual(await answer, { message: '{"state":"s","code":"c"}', origin: 'https://localhost:3000' });
      sinon.assert.calledOnce(dialog.close);
    });

    it('a second message or a later event changes nothing and does not close again', async () => {
      const { dialog, fire } = dialogMock();
      const answer = dialogMessage(uiMock(succeeded(dialog)).ui, START, OPTIONS);
      await opened();
      fire('dialogMessageReceived', { message: 'first', origin: undefined });
      fire('dialogMessageReceived', { message: 'second', origin: undefined });
      fire('dialogEventReceived', { error: DialogCode.closedByUser });
      assert.deepEqual(await answer, { message: 'first', origin: undefined });
      sinon.assert.calledOnce(dialog.close);
    });

    it('12006 (the user closed the dialog) rejects with a DialogError of that code; the dialog is not closed again', async () => {
      const { dialog, fire } = dialogMock();
      const answer = dialogMessage(uiMock(succeeded(dialog)).ui, START, OPTIONS);
      await opened();
      fire('dialogEventReceived', { error: 12006 });
      await assert.rejects(
        answer,
        (err: unknown) => err instanceof DialogError && err.code === DialogCode.closedByUser,
      );
      sinon.assert.notCalled(dialog.close);
    });

    it('12002 (the page could not load) rejects with that code and closes the dialog left showing the error', async () => {
      const { dialog, fire } = dialogMock();
      const answer = dialogMessage(uiMock(succeeded(dialog)).ui, START, OPTIONS);
      await opened();
      fire('dialogEventReceived', { error: 12002 });
      await assert.rejects(
        answer,
        (err: unknown) => err instanceof DialogError && err.code === DialogCode.pageNotLoaded,
      );
      sinon.assert.calledOnce(dialog.close);
    });

    it("displayDialogAsync failing rejects with a DialogError carrying Office's code and message", async () => {
      const { ui } = uiMock(failed(12007, 'A dialog box is already opened.'));
      await assert.rejects(
        dialogMessage(ui, START, OPTIONS),
        (err: unknown) =>
          err instanceof DialogError &&
          err.code === DialogCode.alreadyOpen &&
          err.message === 'A dialog box is already opened.',
      );
    });
  });
});
