/// <reference types="office-js" />
/**
 * The task pane: sign in to the sfo-compat service (a password for a local org, the org's own login page in a
 * dialog for any org), show its sync status, sync now, pause/resume, edit the settings, and "Add Email to
 * Salesforce" for the open message. Outside Outlook it still signs in and shows status.
 */
import { ServiceClient, ServiceFailure, SignedIn, Status, serviceUrlOf } from '../api/service-client';
import { OfficeCallError } from '../office/async-result';
import { dialogMessage, watchedDialog } from '../office/dialog';
import { readOpenMessage } from '../office/mail-item';
import { onItemChanged } from '../office/open-item';
import { SidePanel } from './side-panel';
import { applyOfficeTheme } from '../office/theme';
import { SIGN_IN_DIALOG, SignInWindowFailure, oauthSignIn } from './oauth-sign-in';
import { checkOrgUrl, isRemoteOrg } from './org-url';
import { popupMessage, watchedPopup } from './popup-window';
import { MAILBOX_DIALOG, POLL_MS, connectMailbox } from './mailbox-connect';
import { renderMailboxStep } from './mailbox-step';
import { SecretStore, roamingSecretStore, sessionSecretStore } from './secret-store';
import { fillSettings, readSettings } from './settings-view';
import { renderStatus } from './status-view';
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
}

/** The pane the functions below act on (one per page). */
let currentPane: Pane | null = null;

/** Put a message in the live region (screen readers announce it). */
function announce(text: string): void {
  $('message').textContent = text;
}

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
    showSignInWays();
  }
  if (focus && wasHidden) $(view === 'sign-in' ? 'sign-in-heading' : 'status-heading').focus();
}

/** The password fields only for an org on this machine (or a URL not yet typed): a real org takes it on its own page. */
function showSignInWays(): void {
  const remote = isRemoteOrg($<HTMLInputElement>('org-url').value.trim());
  $('password-sign-in').hidden = remote;
  // One main action: the password sign-in when it is there, else the org's login page.
  $('oauth-sign-in').classList.toggle('primary', remote);
}

/** A sign-in field the pane found wrong: marked invalid, named in the message, focused. */
interface FieldProblem {
  field: 'org-url' | 'username' | 'password';
  text: string;
}

function markField(problem: FieldProblem): void {
  const input = $<HTMLInputElement>(problem.field);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', 'message');
  input.dataset.problem = problem.text;
  announce(problem.text);
  input.focus();
}

/** Once a marked field is fixed, its mark goes, and its message if nothing else was said since. */
function clearFixedField(id: FieldProblem['field'], problemOf: (value: string) => string | null): void {
  const input = $<HTMLInputElement>(id);
  if (input.getAttribute('aria-invalid') !== 'true') return;
  if (problemOf(id === 'password' ? input.value : input.value.trim())) return;
  input.removeAttribute('aria-invalid');
  input.removeAttribute('aria-describedby');
  if ($('message').textContent === input.dataset.problem) announce('');
  delete input.dataset.problem;
}

/** A failure as the user sees it; a refused secret sends the user back to sign in. */
async function fail(pane: Pane, err: unknown): Promise<void> {
  const message =
    err instanceof ServiceFailure || err instanceof SignInWindowFailure
      ? err.message
      : err instanceof OfficeCallError
        ? texts.officeFailed(err.message)
        : texts.unexpected;
  if (err instanceof ServiceFailure && err.status === 401) {
    pane.client.secret = null;
    await pane.secrets.set(null).catch(() => undefined);
    show('sign-in', true);
  }
  announce(message);
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
    await fail(pane, err);
  }
}

/** Check the form before sending it; the first wrong field, with a message naming it. */
function checkSignIn(orgUrl: string, username: string, password: string): FieldProblem | null {
  const orgProblem = checkOrgUrl(orgUrl);
  if (orgProblem) return { field: 'org-url', text: orgProblem };
  if (!username) return { field: 'username', text: texts.usernameMissing };
  if (!password) return { field: 'password', text: texts.passwordMissing };
  return null;
}

async function signIn(pane: Pane): Promise<void> {
  const orgUrl = $<HTMLInputElement>('org-url').value.trim();
  const username = $<HTMLInputElement>('username').value.trim();
  const password = $<HTMLInputElement>('password').value;
  const problem = checkSignIn(orgUrl, username, password);
  if (problem) {
    markField(problem);
    return;
  }
  announce(texts.signingIn);
  await completeSignIn(
    pane,
    await pane.client.signIn({ orgUrl, product: $<HTMLSelectElement>('product').value, username, password }),
  );
}

/** "Sign in with Salesforce": the org's login page in a dialog (a popup outside Office), then the service finishes. */
async function signInWithSalesforce(pane: Pane): Promise<void> {
  const orgUrl = $<HTMLInputElement>('org-url').value.trim();
  const problem = checkOrgUrl(orgUrl);
  if (problem) {
    markField({ field: 'org-url', text: problem });
    return;
  }
  announce(texts.signingIn);
  const signed = await oauthSignIn(
    {
      start: (redirectUri) =>
        pane.client.oauthStart({ orgUrl, product: $<HTMLSelectElement>('product').value, redirectUri }),
      showWindow: (url) => {
        announce(texts.openedSignInWindow);
        return pane.ui ? dialogMessage(pane.ui, url, SIGN_IN_DIALOG) : popupMessage(window, url);
      },
      finish: (callback) => {
        announce(texts.signingIn);
        return pane.client.oauthFinish(callback);
      },
    },
    window.location.origin,
  );
  await completeSignIn(pane, signed);
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

/** Either way of signing in ends here: keep the secret, show the status. */
async function completeSignIn(pane: Pane, signed: SignedIn): Promise<void> {
  pane.client.secret = signed.secret;
  await pane.secrets.set(signed.secret);
  $<HTMLInputElement>('password').value = '';
  pane.lastState = null;
  showStatus(pane, await pane.client.status(), true);
  announce(texts.signedIn(signed.username, signed.product.name));
  await showPanel(pane);
  await addEmailIfAsked(pane);
}

/** Run one button's action; the button is disabled while it runs so a double click sends one request. */
async function act(pane: Pane, button: HTMLButtonElement, action: () => Promise<void>): Promise<void> {
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    await fail(pane, err);
  } finally {
    button.disabled = false;
  }
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
  const oauthButton = $<HTMLButtonElement>('oauth-sign-in');
  $('sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    // Enter in the form signs in the one way shown: a real org has no password fields.
    if ($('password-sign-in').hidden) void act(pane, oauthButton, () => signInWithSalesforce(pane));
    else void act(pane, $<HTMLButtonElement>('sign-in-button'), () => signIn(pane));
  });
  $('org-url').addEventListener('input', () => {
    showSignInWays();
    clearFixedField('org-url', checkOrgUrl);
  });
  $('username').addEventListener('input', () => clearFixedField('username', (v) => (v ? null : texts.usernameMissing)));
  $('password').addEventListener('input', () => clearFixedField('password', (v) => (v ? null : texts.passwordMissing)));
  const on = (id: string, action: () => Promise<void>) => {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener('click', () => void act(pane, button, action));
  };
  on('oauth-sign-in', () => signInWithSalesforce(pane));
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
  on('sign-out', async () => {
    await pane.client.signOut();
    pane.client.secret = null;
    await pane.secrets.set(null);
    show('sign-in', true);
    announce(texts.signedOut);
  });
  $('settings').addEventListener('submit', (e) => {
    e.preventDefault();
    void act(pane, $<HTMLButtonElement>('save-settings'), async () => {
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
  const pane: Pane = {
    client: new ServiceClient(serviceUrlOf(window.location, document)),
    secrets: inOutlook ? roamingSecretStore(Office.context.roamingSettings) : sessionSecretStore(window.sessionStorage),
    mailbox: inOutlook ? Office.context.mailbox : null,
    ui: host !== null && Office.context?.ui ? Office.context.ui : null,
    lastState: null,
    addEmailOnOpen: new URLSearchParams(window.location.search).get('action') === 'add-email',
    panel: null,
  };
  currentPane = pane;
  if (pane.mailbox) {
    const panel = new SidePanel({
      client: pane.client,
      mailbox: pane.mailbox,
      announce,
      fail: (err) => fail(pane, err),
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
  await act(pane, $<HTMLButtonElement>('add-email'), () => addEmailIfAsked(pane));
}

void start();
