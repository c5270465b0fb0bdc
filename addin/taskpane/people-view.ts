/**
 * The side panel's list of people: each address of the item with its Contacts and Leads (name, title, account or
 * company, open opportunities and cases, recent activity), or "Not in Salesforce" with "Create contact" and
 * "Create lead" and their form, prefilled.
 */
import type { PanelPerson, PersonRecord } from '../api/service-client';
import { texts } from './texts';

const t = texts.panel;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | null,
  attrs: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function list(items: string[]): HTMLUListElement {
  const ul = el('ul', null, { class: 'records' });
  for (const item of items) ul.appendChild(el('li', item));
  return ul;
}

function recordView(r: PersonRecord): HTMLElement {
  const box = el('div', null, { class: 'record', 'data-type': r.type, 'data-id': r.id });
  const head = el('p', null, { class: 'record-name' });
  head.appendChild(el('span', r.type, { class: 'badge' }));
  head.appendChild(document.createTextNode(` ${r.name}${r.title ? `, ${r.title}` : ''}`));
  box.appendChild(head);
  if (r.account) box.appendChild(el('p', `${t.account}: ${r.account.name}`, { class: 'record-account' }));
  if (r.company) box.appendChild(el('p', `${t.company}: ${r.company}`, { class: 'record-account' }));
  if (r.type === 'Contact') {
    box.appendChild(el('p', t.opportunities(r.opportunities.count), { class: 'record-opportunities' }));
    if (r.opportunities.top.length)
      box.appendChild(
        list(
          r.opportunities.top.map(
            (o) => `${o.name}${o.stage ? ` (${o.stage}${o.closeDate ? `, ${t.closes(o.closeDate)}` : ''})` : ''}`,
          ),
        ),
      );
    box.appendChild(el('p', t.cases(r.cases.count), { class: 'record-cases' }));
    if (r.cases.top.length)
      box.appendChild(
        list(
          r.cases.top.map(
            (c) => `${c.caseNumber ? `${c.caseNumber} ` : ''}${c.name}${c.status ? ` (${c.status})` : ''}`,
          ),
        ),
      );
  }
  box.appendChild(el('p', t.activities, { class: 'record-activities' }));
  box.appendChild(
    r.activities.length
      ? list(r.activities.map((a) => `${a.date ? `${a.date.slice(0, 10)} ` : ''}${a.name}`))
      : el('p', t.noActivities, { class: 'hint' }),
  );
  return box;
}

/** The form of "Create contact" / "Create lead" for one unknown person (hidden until a button opens it). */
function createForm(p: PanelPerson, index: number): HTMLFormElement {
  const form = el('form', null, { class: 'create-person', 'data-address': p.address });
  form.hidden = true;
  const field = (name: string, label: string, value: string | null, hint?: string) => {
    const id = `create-${index}-${name}`;
    form.appendChild(el('label', label, { for: id }));
    const input = el('input', null, { id, name, type: 'text', autocomplete: 'off' });
    input.value = value ?? '';
    if (hint) {
      input.setAttribute('aria-describedby', `${id}-hint`);
      form.appendChild(input);
      form.appendChild(el('p', hint, { id: `${id}-hint`, class: 'hint' }));
    } else form.appendChild(input);
  };
  field('firstName', t.firstName, p.suggestion?.firstName ?? null);
  field('lastName', t.lastName, p.suggestion?.lastName ?? null);
  // The hint is set when a button opens the form: it differs for a contact and a lead.
  field('company', t.company, p.suggestion?.company ?? null, ' ');
  const actions = el('div', null, { class: 'actions' });
  actions.appendChild(el('button', t.save, { type: 'submit', class: 'primary' }));
  actions.appendChild(el('button', t.cancel, { type: 'button', 'data-action': 'cancel' }));
  form.appendChild(actions);
  return form;
}

/** Fill the list: one item per person, in the item's order. */
export function renderPeople(ul: HTMLElement, people: PanelPerson[]): void {
  ul.replaceChildren();
  people.forEach((p, index) => {
    const li = el('li', null, { class: 'person', 'data-address': p.address });
    const h = el('h3', p.name ?? p.address);
    li.appendChild(h);
    li.appendChild(
      el('p', `${p.address} · ${p.roles.map((r) => t.roles[r] ?? r).join(', ')}`, { class: 'hint person-address' }),
    );
    if (p.records.length) {
      for (const r of p.records) li.appendChild(recordView(r));
    } else {
      li.classList.add('unknown');
      li.appendChild(el('p', t.notInSalesforce));
      const actions = el('div', null, { class: 'actions' });
      for (const [type, label] of [
        ['Contact', t.createContact],
        ['Lead', t.createLead],
      ] as const) {
        actions.appendChild(
          el('button', label, {
            type: 'button',
            'data-create': type,
            'aria-label': t.createFor(label, p.address),
            'aria-expanded': 'false',
          }),
        );
      }
      li.appendChild(actions);
      li.appendChild(createForm(p, index));
    }
    ul.appendChild(li);
  });
}
