/// <reference types="office-js" />
/**
 * The task pane: sign in to the sfo-compat service, show its sync status, sync now, pause/resume, edit the
 * settings, and "Add Email to Salesforce" for the open message. Outside Outlook it still signs in and shows status.
 */
import { ServiceClient, ServiceFailure, Status, serviceUrlOf } from '../api/service-client';
import { OfficeCallError } from '../office/async-result';
import { readOpenMessage } from '../office/mail-item';
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
  lastState: string | null;
  /** Opened from the "Add Email to Salesforce" button (`?action=add-email`): add the message once signed in. */
  addEmailOnOpen: boolean;
}

/** Put a message in the live region (screen readers announce it). */
function announce(text: string): void {
  $('message').textContent = text;
}

function show(view: 'sign-in' | 'status'): void {
  $('sign-in').hidden = view !== 'sign-in';
  $('status-view').hidden = view !== 'status';
  if (view === 'sign-in') $('settings').hidden = true;
}

/** A failure as the user sees it; a refused secret sends the user back to sign in. */
async function fail(pane: Pane, err: unknown): Promise<void> {
  const message = err instanceof ServiceFailure ? err.message : err instanceof OfficeCallError ? texts.officeFailed(err.message) : texts.unexpected;
  if (err instanceof ServiceFailure && err.status === 401) {
    pane.client.secret = null;
    await pane.secrets.set(null).catch(() => undefined);
    show('sign-in');
  }
  announce(message);
}

function showStatus(pane: Pane, status: Status): void {
  if (status.state === 'signed-out') {
    show('sign-in');
    return;
  }
  show('status');
  renderStatus(status);
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

/** Check the form before sending it; a message names the first wrong field. */
function checkSignIn(orgUrl: string, username: string, password: string): string | null {
  if (!orgUrl) return texts.orgUrlMissing;
  try {
    const u = new URL(orgUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return texts.orgUrlInvalid;
  } catch {
    return texts.orgUrlInvalid;
  }
  if (!username) return texts.usernameMissing;
  if (!password) return texts.passwordMissing;
  return null;
}

async function signIn(pane: Pane): Promise<void> {
  const orgUrl = $<HTMLInputElement>('org-url').value.trim();
  const username = $<HTMLInputElement>('username').value.trim();
  const password = $<HTMLInputElement>('password').value;
  const problem = checkSignIn(orgUrl, username, password);
  if (problem) {
    announce(problem);
    return;
  }
  announce(texts.signingIn);
  const signed = await pane.client.signIn({ orgUrl, product: $<HTMLSelectElement>('product').value, username, password });
  pane.client.secret = signed.secret;
  await pane.secrets.set(signed.secret);
  $<HTMLInputElement>('password').value = '';
  pane.lastState = null;
  showStatus(pane, await pane.client.status());
  announce(texts.signedIn(signed.username, signed.product.name));
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

/** The pane opened by "Add Email to Salesforce": add the open message once, when signed in. */
async function addEmailIfAsked(pane: Pane): Promise<void> {
  if (!pane.addEmailOnOpen || !pane.mailbox || $('status-view').hidden) return;
  pane.addEmailOnOpen = false;
  await addEmail(pane);
}

function wire(pane: Pane): void {
  $('sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    void act(pane, $<HTMLButtonElement>('sign-in-button'), () => signIn(pane));
  });
  const on = (id: string, action: () => Promise<void>) => {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener('click', () => void act(pane, button, action));
  };
  on('sync-now', async () => {
    announce(texts.syncing);
    pane.lastState = 'syncing';
    showStatus(pane, await pane.client.syncNow());
  });
  on('pause', async () => showStatus(pane, await (pane.lastState === 'paused' ? pane.client.resume() : pane.client.pause())));
  on('settings-button', () => toggleSettings(pane));
  on('add-email', () => addEmail(pane));
  on('sign-out', async () => {
    await pane.client.signOut();
    pane.client.secret = null;
    await pane.secrets.set(null);
    show('sign-in');
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
  // Compared as text: the HostType enum is only there with the real office.js.
  const inOutlook = String(host) === 'Outlook' && !!Office.context?.mailbox;
  const pane: Pane = {
    client: new ServiceClient(serviceUrlOf(window.location, document)),
    secrets: inOutlook ? roamingSecretStore(Office.context.roamingSettings) : sessionSecretStore(window.sessionStorage),
    mailbox: inOutlook ? Office.context.mailbox : null,
    lastState: null,
    addEmailOnOpen: new URLSearchParams(window.location.search).get('action') === 'add-email',
  };
  $('host-note').hidden = inOutlook;
  $('host-note').textContent = inOutlook ? '' : texts.notInOutlook;
  $('add-email').hidden = !inOutlook;
  wire(pane);
  pane.client.secret = pane.secrets.get();
  if (!pane.client.secret) {
    show('sign-in');
    return;
  }
  await refresh(pane);
  await act(pane, $<HTMLButtonElement>('add-email'), () => addEmailIfAsked(pane));
}

void start();
