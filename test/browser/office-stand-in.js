/*
 * A stand-in for office.js in the browser test: Office as Outlook gives it to a pane on a read message from Grace
 * (the documented API: onReady, context.mailbox.item with from, subject, internetMessageId, dateTimeCreated and
 * body.getAsync, context.roamingSettings, context.ui). Roaming settings live in localStorage so they outlive a
 * reload, as they outlive a pane. A page opened with `?standin=none` gets no Office at all.
 */
(() => {
  if (new URLSearchParams(location.search).get('standin') === 'none') return;
  const ok = (value) => ({ status: 'succeeded', value });
  const key = (name) => `roaming:${name}`;
  window.Office = {
    onReady(cb) {
      const info = { host: 'Outlook', platform: 'PC' };
      if (cb) cb(info);
      return Promise.resolve(info);
    },
    context: {
      mailbox: {
        item: {
          itemType: 'message',
          from: { emailAddress: 'grace@navy.example', displayName: 'Grace Hopper' },
          subject: 'COBOL',
          internetMessageId: '<cobol-pane-1@navy.example>',
          dateTimeCreated: new Date('2026-03-05T14:30:00Z'),
          body: { getAsync: (_coercionType, cb) => cb(ok('See you at the conference.\nGrace')) },
        },
      },
      roamingSettings: {
        get: (name) => { const v = localStorage.getItem(key(name)); return v === null ? undefined : JSON.parse(v); },
        set: (name, value) => localStorage.setItem(key(name), JSON.stringify(value)),
        remove: (name) => localStorage.removeItem(key(name)),
        saveAsync: (cb) => { if (cb) cb(ok(undefined)); },
      },
      ui: { displayDialogAsync: (_url, _options, cb) => cb(ok({ close() {} })) },
    },
  };
})();
