/// <reference types="office-js" />
/**
 * Connect for Office's pane in Word and Excel: sign in to the sfo-compat service as Connect for Office (a password
 * for a local org, the org's own login page for any org), then Excel's sheet actions or Word's merge actions,
 * whichever host it runs in. The product's own texts (a refused sign-in, API access turned off) show as the
 * service sends them, in an alert of their own. Signing in, and what a failure shows, are both panes' own
 * (addin/shared/pane-sign-in.ts), so both panes say the same for the same failure.
 */
import { SignedIn, serviceUrlOf } from '../api/service-client';
import { applyOfficeTheme } from '../office/theme';
import { PaneSignIn, announce } from '../shared/pane-sign-in';
import { SecretStore, sessionSecretStore } from '../shared/secret-store';
import { sharedTexts } from '../shared/texts';
import type { OfficeQueryRequest } from '../../sync-engine/src/service/contract';
import { OfficeDocsClient } from './shared/office-docs-client';
import { officeDocsTexts as t } from './shared/texts';
import { RefreshOutcome, SheetDeps, fillOrAsk, refreshSheet, saveSheet, tableNameOf } from './excel/sheet-sync';
import { SheetStateStore, memoryStateStore, workbookStateStore } from './excel/sheet-state';
import { WordDeps, findRecords, fillForRecord, mergeAll } from './word/merge-records';
import { insertMergeField } from './word/merge-fields';

/** The product this pane signs in as: its texts are the ones the article quotes for Word and Excel. */
const PRODUCT = 'connect-for-office';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

interface Pane {
  client: OfficeDocsClient;
  /** The service's secret: this pane's session only, never the document (documents are shared). */
  secrets: SecretStore;
  host: 'excel' | 'word' | null;
  sheets: SheetStateStore;
  /** The sheet the last fill made (Excel). */
  tableName: string | null;
  /** What "Refresh anyway" does: the fill or refresh that stopped to ask about unsaved edits. */
  pendingReplace: (() => Promise<RefreshOutcome>) | null;
  /** Signing in, and what a failure shows: both panes' (addin/shared/pane-sign-in.ts). */
  signIn: PaneSignIn;
}

/** The product's own text (two lines for a refused Connect for Office sign-in), or none. */
function productText(text: string | null): void {
  $('product-text').hidden = text === null;
  $('product-text').textContent = text ?? '';
}

function show(pane: Pane, view: 'sign-in' | 'signed-in'): void {
  $('sign-in').hidden = view !== 'sign-in';
  $('signed-in').hidden = view !== 'signed-in';
  if (view === 'sign-in') pane.signIn.showSignInWays();
}

/** Signed in either way (the secret kept): the signed-in view, and Word's merge fields. */
async function signedIn(pane: Pane, signed: SignedIn): Promise<void> {
  showSignedIn(pane, signed.username, signed.product.name);
  announce(sharedTexts.signedIn(signed.username, signed.product.name));
  $('account-heading').focus();
  if (pane.host === 'word') await loadMergeFields(pane);
}

function showSignedIn(pane: Pane, username: string, product: string): void {
  productText(null);
  $('account').textContent = sharedTexts.account(username, product);
  show(pane, 'signed-in');
}

// Excel

function sheetDeps(pane: Pane): SheetDeps {
  return { run: (batch) => Excel.run(batch), api: pane.client, store: pane.sheets };
}

async function showFields(pane: Pane): Promise<void> {
  const object = $<HTMLInputElement>('object').value.trim();
  if (!object) return announce(t.objectMissing);
  const described = await pane.client.objectFields(object);
  const select = $<HTMLSelectElement>('fields');
  select.replaceChildren(
    ...described.fields.filter((f) => f.name !== 'Id').map((f) => new Option(`${f.label} (${f.name})`, f.name)),
  );
  announce(t.fieldsOf(select.options.length, described.label));
}

async function fill(pane: Pane): Promise<void> {
  const soql = $<HTMLTextAreaElement>('soql').value.trim();
  let query: OfficeQueryRequest;
  if (soql) query = { soql };
  else {
    const object = $<HTMLInputElement>('object').value.trim();
    if (!object) return announce(t.objectMissing);
    const fields = [...$<HTMLSelectElement>('fields').selectedOptions].map((o) => o.value);
    if (fields.length === 0) return announce(t.fieldsMissing);
    const where = $<HTMLInputElement>('where').value.trim();
    query = { object, fields, ...(where ? { where } : {}) };
  }
  await replaceSheet(pane, (discardEdits) => fillOrAsk(sheetDeps(pane), query, { discardEdits }));
}

/** The sheet's table: the last one filled, else the one of the object named in the form. */
function currentTable(pane: Pane): string {
  return pane.tableName ?? tableNameOf($<HTMLInputElement>('object').value.trim() || 'Contact');
}

async function refresh(pane: Pane): Promise<void> {
  const tableName = currentTable(pane);
  await replaceSheet(pane, (discardEdits) => refreshSheet(sheetDeps(pane), tableName, { discardEdits }));
}

/**
 * Fill or refresh: with unsaved edits in the sheet it would replace, ask first ("Refresh anyway" runs it again,
 * told to discard them); a failure leaves the sheet as it was.
 */
async function replaceSheet(pane: Pane, run: (discardEdits: boolean) => Promise<RefreshOutcome>): Promise<void> {
  $('confirm-refresh').hidden = true;
  pane.pendingReplace = null;
  announce(t.filling);
  const outcome = await run(false);
  if (outcome.kind === 'unsaved') {
    announce('');
    pane.pendingReplace = () => run(true);
    $('confirm-refresh-text').textContent = t.refreshUnsaved(outcome.rows);
    $('confirm-refresh').hidden = false;
    $('refresh-cancel').focus();
    return;
  }
  filled(pane, outcome);
}

function filled(pane: Pane, outcome: Extract<RefreshOutcome, { kind: 'refreshed' }>): void {
  pane.tableName = outcome.tableName;
  productText(null);
  announce(t.filled(outcome.rows, outcome.object, outcome.complete));
}

async function replaceAnyway(pane: Pane): Promise<void> {
  const pending = pane.pendingReplace;
  $('confirm-refresh').hidden = true;
  pane.pendingReplace = null;
  if (!pending) return;
  announce(t.filling);
  const outcome = await pending();
  if (outcome.kind === 'refreshed') filled(pane, outcome);
}

async function save(pane: Pane): Promise<void> {
  announce(t.saving);
  const saved = await saveSheet(sheetDeps(pane), currentTable(pane));
  if (saved.stopped) {
    productText(saved.stopped);
    announce('');
    return;
  }
  productText(null);
  announce(
    saved.updated + saved.created + saved.failed === 0
      ? t.nothingToSave
      : t.saved(saved.updated, saved.created, saved.failed),
  );
}

// Word

function wordDeps(pane: Pane): WordDeps {
  return { run: (batch) => Word.run(batch), api: pane.client };
}

async function loadMergeFields(pane: Pane): Promise<void> {
  const object = $<HTMLSelectElement>('merge-object').value;
  const fields = await pane.client.mergeFields(object);
  $<HTMLSelectElement>('merge-field').replaceChildren(...fields.fields.map((f) => new Option(f.label, f.name)));
}

async function insertField(): Promise<void> {
  const select = $<HTMLSelectElement>('merge-field');
  const option = select.selectedOptions[0];
  if (!option) return;
  const object = $<HTMLSelectElement>('merge-object').value;
  await Word.run((ctx) => insertMergeField(ctx, { object, name: option.value, label: option.text }));
  announce(t.inserted(option.text));
}

async function find(pane: Pane): Promise<void> {
  const object = $<HTMLSelectElement>('merge-object').value;
  const records = await findRecords(pane.client, object, $<HTMLInputElement>('merge-where').value.trim());
  $<HTMLSelectElement>('merge-record').replaceChildren(...records.map((r) => new Option(r.name, r.id)));
  productText(null);
  announce(t.found(records.length));
}

async function fillDocumentFor(pane: Pane): Promise<void> {
  const option = $<HTMLSelectElement>('merge-record').selectedOptions[0];
  if (!option) return announce(t.chooseRecord);
  await fillForRecord(wordDeps(pane), option.value);
  productText(null);
  announce(t.filledDocument(option.text));
}

async function merge(pane: Pane): Promise<void> {
  const records = await mergeAll(wordDeps(pane), $<HTMLInputElement>('merge-where').value.trim());
  productText(null);
  announce(t.merged(records.length));
}

function wire(pane: Pane): void {
  pane.signIn.wireForm();
  const on = (id: string, action: () => Promise<void>) => {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener('click', () => void pane.signIn.act(button, action));
  };
  on('sign-out', () => pane.signIn.signOut());
  $('fill-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void pane.signIn.act($<HTMLButtonElement>('fill'), () => fill(pane));
  });
  on('load-fields', () => showFields(pane));
  on('save', () => save(pane));
  on('refresh', () => refresh(pane));
  on('refresh-anyway', () => replaceAnyway(pane));
  on('refresh-cancel', async () => {
    $('confirm-refresh').hidden = true;
    pane.pendingReplace = null;
    $('refresh').focus();
  });
  $('merge-object').addEventListener(
    'change',
    () => void pane.signIn.act($<HTMLButtonElement>('insert-field'), () => loadMergeFields(pane)),
  );
  on('insert-field', () => insertField());
  on('find-records', () => find(pane));
  on('fill-document', () => fillDocumentFor(pane));
  on('merge-all', () => merge(pane));
}

function officeHost(): Promise<string | null> {
  if (typeof Office === 'undefined' || typeof Office.onReady !== 'function') return Promise.resolve(null);
  return new Promise((resolve) => Office.onReady((info) => resolve(info?.host ? String(info.host) : null)));
}

async function start(): Promise<void> {
  const host = await officeHost();
  applyOfficeTheme(document.documentElement);
  const kind = host === 'Excel' ? 'excel' : host === 'Word' ? 'word' : null;
  const settings = kind === 'excel' ? Office.context?.document?.settings : undefined;
  const client = new OfficeDocsClient(serviceUrlOf(window.location, document));
  const secrets = sessionSecretStore(window.sessionStorage);
  const pane: Pane = {
    client,
    secrets,
    host: kind,
    sheets: settings ? workbookStateStore(settings) : memoryStateStore(),
    tableName: null,
    pendingReplace: null,
    signIn: new PaneSignIn(
      {
        client,
        secrets,
        ui: host !== null && Office.context?.ui ? Office.context.ui : null,
        app: kind === 'excel' ? 'Excel' : kind === 'word' ? 'Word' : 'Office',
      },
      {
        product: () => PRODUCT,
        refused: (text) => {
          productText(text);
          if (text !== null) announce('');
        },
        showSignIn: () => show(pane, 'sign-in'),
        signedIn: (signed) => signedIn(pane, signed),
      },
    ),
  };
  $('excel').hidden = kind !== 'excel';
  $('word').hidden = kind !== 'word';
  $('host-note').hidden = kind !== null;
  $('host-note').textContent = kind ? '' : t.notInOffice;
  wire(pane);
  pane.client.secret = pane.secrets.get();
  if (!pane.client.secret) return show(pane, 'sign-in');
  try {
    const status = await pane.client.status();
    if (status.state === 'signed-out' || !status.username) return show(pane, 'sign-in');
    showSignedIn(pane, status.username, status.product?.name ?? '');
    if (kind === 'word') await loadMergeFields(pane);
  } catch (err) {
    show(pane, 'sign-in');
    await pane.signIn.fail(err);
  }
}

void start();
