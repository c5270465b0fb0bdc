/// <reference types="office-js" />
/**
 * The task pane: sign in to the sfo-compat service (a password for a local org, the org's own login page in a
 * dialog for any org), show its sync status, sync now, pause/resume, edit the settings, and "Add Email to
 * Salesforce" for the open message. Outside Outlook it still signs in and shows status.
 */
import { ServiceClient, SignedIn, Status, serviceUrlOf } from '../api/service-client';
import { watchedDialog } from '../office/dialog';
import { readOpenMessage } from '../office/mail-item';
import { onItemChanged } from '../office/open-item';
import { SidePanel } from './side-panel';
import { applyOfficeTheme } from '../office/theme';
import { PaneSignIn, announce } from '../shared/pane-sign-in';
import { watchedPopup } from '../shared/popup-window';
import { MAILBOX_DIALOG, POLL_MS, connectMailbox } from './mailbox-connect';
import { renderMailboxStep } from './mailbox-step';
import { SecretStore, roamingSecretStore, sessionSecretStore } from '../shared/secret-store';
import { fillSettings, readSettings } from './settings-view';
import { renderStatus } from './status-view';
import { sharedTexts } from '../shared/texts';
import { texts } from './texts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

interface Pane {
  client: ServiceClient;
  secrets: SecretStore;
  /** The open message in Outlook; null outside Outlook or with no item. */
  mailbox: Office.Mailbox | null;
  /** Office's dialogs, for the sign-in window; null outside Office, where the window is a popup. */
  ui: Office.UI | null;
  lastState: string | null;
  /** Opened from the "Add Email to Salesforce" button (`?action=add-email`): add the message once signed in. */
  addEmailOnOpen: boolean;
  /** The people in the selected item (in Outlook only). */
  panel: SidePanel | null;
  /** Signing in, and what a failure shows (the Word and Excel pane's too). */
  signIn: PaneSignIn;
}

/** The pane the functions below act on (one per page). */
let currentPane: Pane | null = null;

/** Show one view; `focus` moves the keyboard to its heading (the view it was on is gone). */
function show(view: 'sign-in' | 'status', focus = false): void {
  const shown = $(view === 'sign-in' ? 'sign-in' : 'status-view');
  const wasHidden = shown.hidden;
  $('sign-in').hidden = view !== 'sign-in';
  $('status-view').hidden = view !== 'status';
  if (view === 'sign-in') {
    currentPane?.panel?.hide();
    $('settings').hidden = true;
    $('settings-button').setAttribute('aria-expanded', 'false');
    currentPane?.signIn.showSignInWays();
  }
  if (focus && wasHidden) $(view === 'sign-in' ? 'sign-in-heading' : 'status-heading').focus();
}

function showStatus(pane: Pane, status: Status, focus = false): void {
  if (status.state === 'signed-out') {
    show('sign-in', focus);
    return;
  }
  show('status', focus);
  renderStatus(status);
  renderMailboxStep(status.mailbox);
  // The stopped text itself is in #stopped-message, an alert: announced once, not twice.
  if (status.state !== pane.lastState) announce(texts.stateChanged(texts.states[status.state] ?? status.state));
  pane.lastState = status.state;
}

async function refresh(pane: Pane): Promise<void> {
  try {
    showStatus(pane, await pane.client.status());
  } catch (err) {
    await pane.signIn.fail(err);
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));

/**
 * "Connect your Outlook mailbox": the Microsoft sign-in page in a window (an Office dialog, a popup outside Office);
 * the step shows "connecting" while it is open, then whose mailbox is connected, and the sync the service starts.
 */
async function connectOutlookMailbox(pane: Pane): Promise<void> {
  announce(texts.mailbox.connecting);
  let status: Status;
  try {
    status = await connectMailbox(
      {
        start: () => pane.client.connectMailbox(),
        openWindow: async (url) => {
          const win = pane.ui ? await watchedDialog(pane.ui, url, MAILBOX_DIALOG) : watchedPopup(window, url);
          showStatus(pane, await pane.client.status());
          return win;
        },
        status: () => pane.client.status(),
        cancel: () => pane.client.cancelMailboxConnect(),
        wait,
      },
      window.location.origin,
    );
  } catch (err) {
    // The step says what the service knows now (not connecting any more); the message says why.
    await refresh(pane);
    throw err;
  }
  showStatus(pane, status);
  const m = status.mailbox;
  if (!m?.connectedAs || m.connectError) {
    announce(m?.connectError ?? texts.mailbox.notConnected);
    return;
  }
  $('mailbox-heading').focus();
  announce(texts.mailbox.justConnected(m.connectedAs));
  // The service syncs right away: follow that run, so the pane does not show the stop it replaces.
  for (let i = 0; i < 120 && status.state === 'syncing'; i++) {
    await wait(POLL_MS);
    status = await pane.client.status();
  }
  showStatus(pane, status);
}

/** Signed in either way (the secret kept): the status, then the side panel and a waiting "Add Email". */
async function signedIn(pane: Pane, signed: SignedIn): Promise<void> {
  pane.lastState = null;
  showStatus(pane, await pane.client.status(), true);
  announce(sharedTexts.signedIn(signed.username, signed.product.name));
  await showPanel(pane);
  await addEmailIfAsked(pane);
}

async function toggleSettings(pane: Pane): Promise<void> {
  const form = $('settings');
  const open = form.hidden;
  if (open) fillSettings(await pane.client.settings());
  form.hidden = !open;
  $('settings-button').setAttribute('aria-expanded', String(open));
}

async function addEmail(pane: Pane): Promise<void> {
  const item = pane.mailbox?.item as Office.MessageRead | undefined;
  if (!pane.mailbox) return announce(texts.notInOutlook);
  const message = item ? await readOpenMessage(item) : null;
  if (!message) return announce(texts.notAMessage);
  announce(texts.addingEmail);
  const result = await pane.client.addEmail(message);
  announce('unresolved' in result ? texts.unresolvedEmail : texts.addedEmail);
}

/** The side panel for the selected item, when signed in (in Outlook). */
async function showPanel(pane: Pane): Promise<void> {
  if (pane.panel && !$('status-view').hidden) await pane.panel.load();
}

/** The pane opened by "Add Email to Salesforce": add the open message once, when signed in. */
async function addEmailIfAsked(pane: Pane): Promise<void> {
  if (!pane.addEmailOnOpen || !pane.mailbox || $('status-view').hidden) return;
  pane.addEmailOnOpen = false;
  await addEmail(pane);
}

function wire(pane: Pane): void {
  pane.signIn.wireForm();
  const on = (id: string, action: () => Promise<void>) => {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener('click', () => void pane.signIn.act(button, action));
  };
  on('sync-now', async () => {
    announce(texts.syncing);
    pane.lastState = 'syncing';
    showStatus(pane, await pane.client.syncNow());
  });
  on('pause', async () =>
    showStatus(pane, await (pane.lastState === 'paused' ? pane.client.resume() : pane.client.pause())),
  );
  on('settings-button', () => toggleSettings(pane));
  on('start-over', async () => {
    announce(texts.startingOver);
    pane.lastState = 'syncing';
    showStatus(pane, await pane.client.startOver());
  });
  on('add-email', () => addEmail(pane));
  on('connect-mailbox', () => connectOutlookMailbox(pane));
  on('disconnect-mailbox', async () => {
    showStatus(pane, await pane.client.disconnectMailbox());
    $('connect-mailbox').focus();
    announce(texts.mailbox.disconnected);
  });
  on('sign-out', () => pane.signIn.signOut());
  $('settings').addEventListener('submit', (e) => {
    e.preventDefault();
    void pane.signIn.act($<HTMLButtonElement>('save-settings'), async () => {
      fillSettings(await pane.client.saveSettings(readSettings()));
      announce(texts.settingsSaved);
    });
  });
}

/** Office.onReady's host, or null when office.js is absent or the page is not in an Office host. */
function officeHost(): Promise<Office.HostType | null> {
  if (typeof Office === 'undefined' || typeof Office.onReady !== 'function') return Promise.resolve(null);
  return new Promise((resolve) => Office.onReady((info) => resolve(info?.host ?? null)));
}

async function start(): Promise<void> {
  const host = await officeHost();
  applyOfficeTheme(document.documentElement);
  // Compared as text: the HostType enum is only there with the real office.js.
  const inOutlook = String(host) === 'Outlook' && !!Office.context?.mailbox;
  const client = new ServiceClient(serviceUrlOf(window.location, document));
  const secrets = inOutlook
    ? roamingSecretStore(Office.context.roamingSettings)
    : sessionSecretStore(window.sessionStorage);
  const ui = host !== null && Office.context?.ui ? Office.context.ui : null;
  const pane: Pane = {
    client,
    secrets,
    mailbox: inOutlook ? Office.context.mailbox : null,
    ui,
    lastState: null,
    addEmailOnOpen: new URLSearchParams(window.location.search).get('action') === 'add-email',
    panel: null,
    signIn: new PaneSignIn(
      { client, secrets, ui, app: inOutlook ? 'Outlook' : 'Office' },
      {
        product: () => $<HTMLSelectElement>('product').value,
        // The product's refusal is the message itself here; nothing else to clear.
        refused: (text) => {
          if (text !== null) announce(text);
        },
        showSignIn: () => show('sign-in', true),
        signedIn: (signed) => signedIn(pane, signed),
      },
    ),
  };
  currentPane = pane;
  if (pane.mailbox) {
    const panel = new SidePanel({
      client: pane.client,
      mailbox: pane.mailbox,
      announce,
      fail: (err) => pane.signIn.fail(err),
    });
    panel.wire();
    pane.panel = panel;
    // A pinned pane follows the selection; outside Outlook (or an Outlook without the event) nothing registers.
    void onItemChanged(pane.mailbox, () => {
      // What the pane said was about the item before.
      announce('');
      void showPanel(pane);
    });
  }
  $('host-note').hidden = inOutlook;
  $('host-note').textContent = inOutlook ? '' : texts.notInOutlook;
  $('add-email').hidden = !inOutlook;
  $('connect-mailbox').textContent = texts.mailbox.connectButton;
  $('disconnect-mailbox').textContent = texts.mailbox.disconnectButton;
  wire(pane);
  pane.client.secret = pane.secrets.get();
  if (!pane.client.secret) {
    show('sign-in');
    return;
  }
  await refresh(pane);
  await showPanel(pane);
  await pane.signIn.act($<HTMLButtonElement>('add-email'), () => addEmailIfAsked(pane));
}

void start();
