/// <reference types="office-js" />
/**
 * The side panel (docs/side-panel.md): who in the open message or meeting is in Salesforce, "Create contact" /
 * "Create lead" for the others, and "Add Email" / "Add meeting" on the Who and What the user picks. It follows the
 * selected item in a pinned pane; an answer for an item no longer selected is dropped. While API access is off it
 * shows the product's exact text (the service's answer) and nothing else, and tries again every 30 s and at each
 * item change, so the people come back once access does.
 */
import type { PanelPerson, PersonRecord, RelatedRecord, ServiceClient } from '../api/service-client';
import { ServiceFailure } from '../api/service-client';
import { OpenItem, readItemToAdd, readOpenItem } from '../office/open-item';
import { renderPeople } from './people-view';
import { texts } from './texts';
import { isProductRefusal } from '../shared/failure-text';

const t = texts.panel;
/** While API access is off, the panel asks again this often. */
export const ACCESS_RETRY_MS = 30_000;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export interface PanelDeps {
  client: ServiceClient;
  mailbox: Office.Mailbox;
  announce: (text: string) => void;
  /** A failure the pane handles as everywhere (a refused secret: back to sign in). */
  fail: (err: unknown) => Promise<void>;
}

interface WhatChoice extends RelatedRecord {
  /** Where it came from: the Who's own records, or a search. */
  from: 'who' | 'search';
}

export class SidePanel {
  private item: OpenItem | null = null;
  private people: PanelPerson[] = [];
  /** The org shares activities: several Contacts may be the Who. */
  private shares = false;
  /** Each load's number: only the latest one renders. */
  private loads = 0;
  private retry: number | null = null;
  private searched: WhatChoice[] = [];

  constructor(private readonly d: PanelDeps) {}

  /** Wire the panel's controls once. */
  wire(): void {
    $('people').addEventListener('click', (e) => this.onPeopleClick(e));
    $('people').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.createPerson(e.target as HTMLFormElement);
    });
    $('who-choices').addEventListener('change', (e) => {
      this.keepWhoRule(e.target as HTMLInputElement);
      this.fillWhat();
    });
    $('what-search-button').addEventListener(
      'click',
      () => void this.guard($('what-search-button'), () => this.search()),
    );
    $('what-search').addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      $('what-search-button').click();
    });
    $('add-item-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.guard($('add-item'), () => this.add());
    });
  }

  /** Show the selected item's people (at start, after a sign-in, and at each item change). */
  async load(): Promise<void> {
    const load = ++this.loads;
    this.clearRetry();
    $('side-panel').hidden = false;
    const item = readOpenItem(this.d.mailbox.item, this.d.mailbox.userProfile?.emailAddress ?? null);
    this.item = item;
    this.searched = [];
    // A What picked for the last item is not this one's.
    $<HTMLSelectElement>('what').value = '';
    $('panel-heading').textContent = t.heading(item?.kind ?? 'email');
    $('panel-stopped').hidden = true;
    if (!item) {
      this.showPeople([], t.noItem, null);
      return;
    }
    // The last item's people go at once: nothing of theirs may be added to this item.
    this.showPeople([], t.lookingUp, null);
    $('side-panel').setAttribute('aria-busy', 'true');
    $('side-panel').dataset.state = 'loading';
    try {
      const answer = await this.d.client.people({ itemKey: item.key, people: item.people });
      if (load !== this.loads) return;
      this.shares = answer.sharesActivities;
      this.showPeople(answer.people, answer.people.length ? '' : t.nobody, item.key);
    } catch (err) {
      if (load !== this.loads) return;
      $('side-panel').removeAttribute('aria-busy');
      if (isProductRefusal(err)) return this.accessOff(err.message);
      this.showPeople([], '', null);
      await this.d.fail(err);
    }
  }

  /** Hide the panel (signed out, or outside Outlook). */
  hide(): void {
    this.loads++;
    this.clearRetry();
    $('side-panel').hidden = true;
  }

  private clearRetry(): void {
    if (this.retry !== null) window.clearTimeout(this.retry);
    this.retry = null;
  }

  /** The product's text, and nothing stale beside it; try again later. */
  private accessOff(text: string): void {
    this.showPeople([], '', null);
    $('add-item-form').hidden = true;
    const stopped = $('panel-stopped');
    stopped.textContent = text;
    stopped.hidden = false;
    $('side-panel').dataset.itemKey = '';
    $('side-panel').dataset.state = 'access-off';
    this.retry = window.setTimeout(() => void this.load(), ACCESS_RETRY_MS);
  }

  private showPeople(people: PanelPerson[], state: string, key: string | null): void {
    this.people = people;
    $('panel-state').textContent = state;
    $('panel-state').hidden = state === '';
    renderPeople($('people'), people);
    this.fillWho();
    const panel = $('side-panel');
    panel.removeAttribute('aria-busy');
    // Tests and the bench wait for this: the people of this item are on screen.
    panel.dataset.itemKey = key ?? '';
    panel.dataset.state = key ? 'shown' : 'empty';
  }

  private records(): PersonRecord[] {
    return this.people.flatMap((p) => p.records);
  }

  /**
   * The Who choices: every record of the item's people; the sender's (or organizer's) first one picked. Where the
   * org shares activities they are checkboxes: several Contacts, or one Lead.
   */
  private fillWho(): void {
    const records = this.records();
    const form = $('add-item-form');
    form.hidden = !this.item || records.length === 0;
    $<HTMLButtonElement>('add-item').textContent = this.item?.kind === 'meeting' ? t.addMeeting : t.addEmail;
    const box = $('who-list');
    box.replaceChildren();
    const first =
      this.people.find((p) => p.roles.includes('from') || p.roles.includes('organizer'))?.records[0] ?? records[0];
    records.forEach((r, i) => {
      const id = `who-${i}`;
      const row = document.createElement('div');
      row.className = 'choice';
      const input = document.createElement('input');
      input.type = this.shares ? 'checkbox' : 'radio';
      input.name = 'who';
      input.dataset.type = r.type;
      input.id = id;
      input.value = r.id;
      input.checked = r === first;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = `${r.name} (${r.type})`;
      row.append(input, label);
      box.appendChild(row);
    });
    $('who-hint').textContent = t.whoHint;
    $('who-hint').hidden = !this.shares;
    this.fillWhat();
  }

  /** Several Contacts, or one Lead: checking a Lead clears the rest, checking a Contact clears a Lead. */
  private keepWhoRule(changed: HTMLInputElement): void {
    if (changed.type !== 'checkbox' || !changed.checked) return;
    for (const other of document.querySelectorAll<HTMLInputElement>('input[name="who"]:checked')) {
      if (other !== changed && (changed.dataset.type === 'Lead' || other.dataset.type === 'Lead'))
        other.checked = false;
    }
  }

  /** The Who picked, the first one the activity's own WhoId. */
  private chosenWhos(): PersonRecord[] {
    const ids = [...document.querySelectorAll<HTMLInputElement>('input[name="who"]:checked')].map((i) => i.value);
    return ids.flatMap((id) => this.records().filter((r) => r.id === id));
  }

  private chosenWho(): PersonRecord | undefined {
    return this.chosenWhos()[0];
  }

  /** The What choices: the Who's account, open opportunities and cases, and what a search found. */
  private fillWhat(): void {
    const who = this.chosenWho();
    const select = $<HTMLSelectElement>('what');
    const kept = select.value;
    select.replaceChildren(new Option(t.whatNone, ''));
    const lead = who?.type === 'Lead';
    select.disabled = lead;
    $('what-search').toggleAttribute('disabled', lead);
    $<HTMLButtonElement>('what-search-button').disabled = lead;
    $('what-of-lead').textContent = t.whatOfLead;
    $('what-of-lead').hidden = !lead;
    if (!who || lead) return;
    const own: WhatChoice[] = [
      ...(who.account ? [{ type: 'Account' as const, ...who.account, from: 'who' as const }] : []),
      ...who.opportunities.top.map((o) => ({
        type: 'Opportunity' as const,
        id: o.id,
        name: o.name,
        from: 'who' as const,
      })),
      ...who.cases.top.map((c) => ({ type: 'Case' as const, id: c.id, name: c.name, from: 'who' as const })),
    ];
    const seen = new Set<string>();
    for (const c of [...own, ...this.searched]) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const option = new Option(`${c.name} (${c.type})`, c.id);
      option.dataset.type = c.type;
      option.dataset.name = c.name;
      select.appendChild(option);
    }
    if (seen.has(kept)) select.value = kept;
  }

  private async search(): Promise<void> {
    const q = $<HTMLInputElement>('what-search').value.trim();
    this.d.announce(t.searching);
    const found = await this.d.client.related(q);
    this.searched = found.map((r) => ({ ...r, from: 'search' as const }));
    this.fillWhat();
    if (found[0]) $<HTMLSelectElement>('what').value = found[0].id;
    this.d.announce(t.found(found.length));
  }

  private async add(): Promise<void> {
    const item = this.item;
    const whos = this.chosenWhos();
    const mailboxItem = this.d.mailbox.item;
    if (!item || !mailboxItem) return this.d.announce(t.noItem);
    if (whos.length === 0) return this.d.announce(this.records().length ? t.pickWho : t.noWho);
    const option = $<HTMLSelectElement>('what').selectedOptions[0];
    const what =
      option && option.value
        ? { id: option.value, name: option.dataset.name ?? '', type: option.dataset.type as RelatedRecord['type'] }
        : null;
    this.d.announce(t.adding);
    const base = await readItemToAdd(mailboxItem, item);
    const who = whos.map((w) => ({ id: w.id, name: w.name }));
    const added = await this.d.client.addItem({ ...base, who, what });
    // The new activity shows in the person's recent activity.
    await this.load();
    this.d.announce(t.added(item.kind, who.map((w) => w.name).join(', '), what?.name ?? null, added.trimmed));
  }

  private onPeopleClick(e: Event): void {
    const button = (e.target as HTMLElement).closest('button');
    if (!button) return;
    const li = button.closest('li.person');
    const form = li?.querySelector<HTMLFormElement>('form.create-person');
    if (!form) return;
    if (button.dataset.action === 'cancel') {
      form.hidden = true;
      li!.querySelectorAll('[data-create]').forEach((b) => b.setAttribute('aria-expanded', 'false'));
      li!.querySelector<HTMLButtonElement>('[data-create]')?.focus();
      return;
    }
    const type = button.dataset.create;
    if (type !== 'Contact' && type !== 'Lead') return;
    form.dataset.type = type;
    form.hidden = false;
    li!.querySelectorAll('[data-create]').forEach((b) => b.setAttribute('aria-expanded', String(b === button)));
    const save = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    save.textContent = type === 'Lead' ? t.createLead : t.createContact;
    const hint = form.querySelector<HTMLElement>('input[name="company"] + .hint');
    if (hint) hint.textContent = type === 'Lead' ? t.companyHintLead : t.companyHintContact;
    form.querySelector<HTMLInputElement>('input[name="firstName"]')?.focus();
  }

  private async createPerson(form: HTMLFormElement): Promise<void> {
    const value = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`)!.value.trim();
    const type = form.dataset.type === 'Lead' ? 'Lead' : 'Contact';
    const save = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    await this.guard(save, async () => {
      this.d.announce(t.creating);
      const firstName = value('firstName');
      const made = await this.d.client.createPerson({
        type,
        firstName: firstName || null,
        lastName: value('lastName'),
        email: form.dataset.address!,
        company: value('company') || null,
      });
      await this.load();
      // The form is gone with the list it was in: the keyboard goes to the panel's heading.
      $('panel-heading').focus();
      this.d.announce(t.created(made.type, `${firstName} ${value('lastName')}`.trim()));
    });
  }

  /**
   * Run an action with its button disabled (a double click sends one request); a failure is the service's message.
   * The keyboard comes back to the button, which disabling took it from, while it is still shown.
   */
  private async guard(button: HTMLElement, action: () => Promise<void>): Promise<void> {
    const focused = document.activeElement === button;
    (button as HTMLButtonElement).disabled = true;
    try {
      await action();
    } catch (err) {
      // The product's text is the panel's alone (accessOff), said once; a refused secret signs the pane out (fail).
      if (isProductRefusal(err)) this.accessOff(err.message);
      else if (err instanceof ServiceFailure && err.status !== 401) this.d.announce(err.message);
      else await this.d.fail(err);
    } finally {
      (button as HTMLButtonElement).disabled = false;
      if (focused && button.isConnected && button.offsetParent !== null && document.activeElement === document.body)
        button.focus();
    }
  }
}
