/// <reference types="office-js" />
/**
 * Signing in from a pane, one way for the Outlook pane and the Word and Excel pane: the form checked before it is
 * sent (the field at fault marked, named and focused), a password for an org on this machine, "Sign in with
 * Salesforce" in an Office dialog (a popup outside Office), the service's secret kept, and every failure shown as
 * `failureText` says. Both pages have the same sign-in form (#sign-in, #org-url, #username, #password,
 * #password-sign-in, #sign-in-button, #oauth-sign-in) and live region (#message); what differs is the view's.
 */
import { ServiceClient, SignedIn } from '../api/service-client';
import { dialogMessage } from '../office/dialog';
import { SIGN_IN_DIALOG, oauthSignIn } from './oauth-sign-in';
import { checkOrgUrl, isRemoteOrg } from './org-url';
import { popupMessage } from './popup-window';
import { SecretStore } from './secret-store';
import { OfficeApp, sharedTexts } from './texts';
import { failureText, isProductRefusal, isRefusedSecret } from './failure-text';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the sign-in needs of the pane: its client, where it keeps the secret, Office's dialogs, its application. */
export interface SignInPane {
  client: ServiceClient;
  secrets: SecretStore;
  /** Office's dialogs; null outside Office, where the sign-in window is a popup. */
  ui: Office.UI | null;
  /** The application the pane is in, as the texts name it. */
  app: OfficeApp;
}

/** What differs between the panes: the product, where the product's refusal shows, and the views. */
export interface SignInView {
  /** The product to sign in as: the user's choice (Outlook), or the pane's one product (Word and Excel). */
  product(): string;
  /** The product's own refusal (HTTP 403): an alert of its own, or the live region; null clears it (signing in again). */
  refused(text: string | null): void;
  /** Back to the sign-in form: the service no longer takes the secret. */
  showSignIn(): void;
  /** Signed in, the secret kept: the pane's signed-in view, and its word that it is signed in. */
  signedIn(signed: SignedIn): Promise<void>;
}

/** A sign-in field the pane found wrong. */
interface FieldProblem {
  field: 'org-url' | 'username' | 'password';
  text: string;
}

/** Put a message in the live region (screen readers announce it). */
export function announce(text: string): void {
  $('message').textContent = text;
}

export class PaneSignIn {
  constructor(
    private readonly pane: SignInPane,
    private readonly view: SignInView,
  ) {}

  /** A failure as the user sees it; a refused secret sends the user back to sign in. */
  async fail(err: unknown): Promise<void> {
    const message = failureText(err, this.pane.app);
    if (isRefusedSecret(err)) {
      this.pane.client.secret = null;
      await this.pane.secrets.set(null).catch(() => undefined);
      this.view.showSignIn();
    }
    if (isProductRefusal(err)) this.view.refused(message);
    else announce(message);
  }

  /** Run one button's action; the button is disabled while it runs, so a double click sends one request. */
  async act(button: HTMLButtonElement, action: () => Promise<void>): Promise<void> {
    button.disabled = true;
    try {
      await action();
    } catch (err) {
      await this.fail(err);
    } finally {
      button.disabled = false;
    }
  }

  /** The form's events: Enter signs in the one way shown; a fixed field loses its mark. */
  wireForm(): void {
    const oauthButton = $<HTMLButtonElement>('oauth-sign-in');
    $('sign-in').addEventListener('submit', (e) => {
      e.preventDefault();
      // A real org has no password fields: its own login page takes the password.
      if ($('password-sign-in').hidden) void this.act(oauthButton, () => this.withSalesforce());
      else void this.act($<HTMLButtonElement>('sign-in-button'), () => this.withPassword());
    });
    oauthButton.addEventListener('click', () => void this.act(oauthButton, () => this.withSalesforce()));
    $('org-url').addEventListener('input', () => {
      this.showSignInWays();
      clearFixedField('org-url', checkOrgUrl);
    });
    $('username').addEventListener('input', () =>
      clearFixedField('username', (v) => (v ? null : sharedTexts.usernameMissing)),
    );
    $('password').addEventListener('input', () =>
      clearFixedField('password', (v) => (v ? null : sharedTexts.passwordMissing)),
    );
  }

  /** The password fields only for an org on this machine (or a URL not yet typed): a real org takes it on its own page. */
  showSignInWays(): void {
    const remote = isRemoteOrg($<HTMLInputElement>('org-url').value.trim());
    $('password-sign-in').hidden = remote;
    // One main action: the password sign-in when it is there, else the org's login page.
    $('oauth-sign-in').classList.toggle('primary', remote);
  }

  /** A local org's username and password, sent to the service. */
  async withPassword(): Promise<void> {
    const orgUrl = $<HTMLInputElement>('org-url').value.trim();
    const username = $<HTMLInputElement>('username').value.trim();
    const password = $<HTMLInputElement>('password').value;
    const problem = checkSignIn(orgUrl, username, password);
    if (problem) return markField(problem);
    this.view.refused(null);
    announce(sharedTexts.signingIn);
    await this.complete(await this.pane.client.signIn({ orgUrl, product: this.view.product(), username, password }));
  }

  /** "Sign in with Salesforce": the org's login page in a dialog (a popup outside Office), then the service finishes. */
  async withSalesforce(): Promise<void> {
    const orgUrl = $<HTMLInputElement>('org-url').value.trim();
    const problem = checkOrgUrl(orgUrl);
    if (problem) return markField({ field: 'org-url', text: problem });
    this.view.refused(null);
    announce(sharedTexts.signingIn);
    const { client, ui, app } = this.pane;
    const signed = await oauthSignIn(
      {
        start: (redirectUri) => client.oauthStart({ orgUrl, product: this.view.product(), redirectUri }),
        showWindow: (url) => {
          announce(sharedTexts.openedSignInWindow);
          return ui ? dialogMessage(ui, url, SIGN_IN_DIALOG) : popupMessage(window, url);
        },
        finish: (callback) => {
          announce(sharedTexts.signingIn);
          return client.oauthFinish(callback);
        },
      },
      window.location.origin,
      app,
    );
    await this.complete(signed);
  }

  /** "Sign out": the service forgets the account, the pane its secret. */
  async signOut(): Promise<void> {
    await this.pane.client.signOut();
    this.pane.client.secret = null;
    await this.pane.secrets.set(null);
    this.view.showSignIn();
    announce(sharedTexts.signedOut);
  }

  /** Either way of signing in ends here: keep the secret, forget the password, show the signed-in view. */
  private async complete(signed: SignedIn): Promise<void> {
    this.pane.client.secret = signed.secret;
    await this.pane.secrets.set(signed.secret);
    $<HTMLInputElement>('password').value = '';
    await this.view.signedIn(signed);
  }
}

/** The form checked before it is sent: the first wrong field, with a message naming it. */
function checkSignIn(orgUrl: string, username: string, password: string): FieldProblem | null {
  const orgProblem = checkOrgUrl(orgUrl);
  if (orgProblem) return { field: 'org-url', text: orgProblem };
  if (!username) return { field: 'username', text: sharedTexts.usernameMissing };
  if (!password) return { field: 'password', text: sharedTexts.passwordMissing };
  return null;
}

/** A wrong field: marked invalid, named in the message, focused. */
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
