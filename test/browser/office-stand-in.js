/*
 * A stand-in for office.js in the browser test: Office as Outlook gives it to a pane on a read message from Grace
 * (the documented API: onReady, context.mailbox.item with from, subject, internetMessageId, dateTimeCreated and
 * body.getAsync, context.roamingSettings, context.ui with its dialogs, EventType). Roaming settings live in
 * localStorage so they outlive a reload, as they outlive a pane. A page opened with `?standin=none` gets no Office
 * at all, nor do the pages of a popup it opens (a plain browser's window.open).
 *
 * The mailbox: the item is a MessageRead (from, to, cc) or an AppointmentRead (organizer, requiredAttendees,
 * optionalAttendees, start, end, location), as Outlook gives them; userProfile is ann's; addHandlerAsync takes
 * Office.EventType.ItemChanged. A test switches the item with `window.officeStandIn.selectItem(description)` (a plain
 * object, see makeItem; null for no item), which raises ItemChanged as a pinned pane gets it and notes the moment in
 * `window.officeStandIn.changedAt` (performance.now()).
 *
 * Dialogs: displayDialogAsync opens a real popup (window.open) and answers a Dialog; a page in it calls
 * Office.context.ui.messageParent, which reaches the opener's DialogMessageReceived handlers as { message, origin };
 * the user closing the popup raises DialogEventReceived with { error: 12006 }; dialog.close() closes the popup.
 */
(() => {
  if (new URLSearchParams(location.search).get('standin') === 'none') return;
  try {
    if (window.opener && !window.opener.Office) return;
  } catch {
    // An opener on another origin (the org's login page in a dialog): that page uses no Office anyway.
  }
  const ok = (value) => ({ status: 'succeeded', value });
  const failed = (code, message) => ({ status: 'failed', value: undefined, error: { code, message, name: 'Error' } });
  const key = (name) => `roaming:${name}`;
  const EventType = {
    DialogMessageReceived: 'dialogMessageReceived',
    DialogEventReceived: 'dialogEventReceived',
    ItemChanged: 'olkItemSelectedChanged',
  };
  const itemChangedHandlers = [];

  /** An Outlook item from a plain description (dates as ISO strings, the body as text). */
  function makeItem(d) {
    if (!d) return null;
    const body = { getAsync: (_coercionType, cb) => cb(ok(d.body ?? '')) };
    if (d.itemType === 'appointment') {
      return {
        itemType: 'appointment',
        itemId: d.itemId,
        subject: d.subject ?? '',
        organizer: d.organizer ?? null,
        requiredAttendees: d.requiredAttendees ?? [],
        optionalAttendees: d.optionalAttendees ?? [],
        start: new Date(d.start),
        end: new Date(d.end),
        location: d.location ?? '',
        body,
      };
    }
    return {
      itemType: 'message',
      itemId: d.itemId ?? d.internetMessageId,
      from: d.from ?? null,
      to: d.to ?? [],
      cc: d.cc ?? [],
      subject: d.subject ?? '',
      internetMessageId: d.internetMessageId,
      dateTimeCreated: new Date(d.dateTimeCreated ?? '2026-03-05T14:30:00Z'),
      body,
    };
  }
  /** Marks messageParent's postMessage, so the opener tells it from any other message. */
  const MARKER = 'office-stand-in:messageParent';
  /** How often the opener looks whether the user closed the dialog's popup. */
  const CLOSED_POLL_MS = 100;
  let openDialog = null;

  function displayDialogAsync(url, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    const answer = (result) => {
      if (cb) cb(result);
    };
    if (openDialog) return answer(failed(12007, 'A dialog box is already opened from this host window.'));
    const popup = window.open(url, '_blank', 'popup');
    if (!popup) return answer(failed(12011, "The user's browser blocked the dialog box."));
    const handlers = { [EventType.DialogMessageReceived]: [], [EventType.DialogEventReceived]: [] };
    const raise = (type, args) => handlers[type].slice().forEach((handler) => handler(args));
    const onMessage = (event) => {
      if (event.source !== popup || !event.data || event.data.marker !== MARKER) return;
      raise(EventType.DialogMessageReceived, { message: event.data.message, origin: event.origin });
    };
    const end = () => {
      openDialog = null;
      clearInterval(closedCheck);
      window.removeEventListener('message', onMessage);
    };
    const closedCheck = setInterval(() => {
      if (!popup.closed) return;
      end();
      raise(EventType.DialogEventReceived, { error: 12006 });
    }, CLOSED_POLL_MS);
    window.addEventListener('message', onMessage);
    const dialog = {
      addEventHandler(type, handler) {
        if (!handlers[type]) throw new Error(`Dialog.addEventHandler: unsupported event type ${type}`);
        handlers[type].push(handler);
      },
      close() {
        if (openDialog !== dialog) return;
        end();
        popup.close();
      },
      messageChild() {},
    };
    openDialog = dialog;
    return answer(ok(dialog));
  }

  function messageParent(message) {
    if (!window.opener) throw new Error('messageParent: this page is not in a dialog');
    // Office reports the dialog page's origin to the parent; postMessage does the same with event.origin.
    window.opener.postMessage({ marker: MARKER, message: String(message) }, '*');
  }

  window.Office = {
    EventType,
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    onReady(cb) {
      const info = { host: 'Outlook', platform: 'PC' };
      if (cb) cb(info);
      return Promise.resolve(info);
    },
    context: {
      mailbox: {
        item: makeItem({
          from: { emailAddress: 'grace@navy.example', displayName: 'Grace Hopper' },
          to: [{ emailAddress: 'ann@test.example', displayName: 'Ann' }],
          subject: 'COBOL',
          internetMessageId: '<cobol-pane-1@navy.example>',
          dateTimeCreated: '2026-03-05T14:30:00Z',
          body: 'See you at the conference.\nGrace',
        }),
        userProfile: { emailAddress: 'ann@test.example', displayName: 'Ann' },
        addHandlerAsync(type, handler, options, callback) {
          const cb = typeof options === 'function' ? options : callback;
          if (type !== EventType.ItemChanged) {
            if (cb) cb(failed(9007, `addHandlerAsync: unsupported event type ${type}`));
            return;
          }
          itemChangedHandlers.push(handler);
          if (cb) cb(ok(undefined));
        },
      },
      roamingSettings: {
        get: (name) => {
          const v = localStorage.getItem(key(name));
          return v === null ? undefined : JSON.parse(v);
        },
        set: (name, value) => localStorage.setItem(key(name), JSON.stringify(value)),
        remove: (name) => localStorage.removeItem(key(name)),
        saveAsync: (cb) => {
          if (cb) cb(ok(undefined));
        },
      },
      ui: { displayDialogAsync, messageParent },
    },
  };

  window.officeStandIn = {
    changedAt: null,
    selectItem(description) {
      window.Office.context.mailbox.item = makeItem(description);
      window.officeStandIn.changedAt = window.performance.now();
      itemChangedHandlers.slice().forEach((handler) => handler({ type: EventType.ItemChanged }));
    },
  };
})();
