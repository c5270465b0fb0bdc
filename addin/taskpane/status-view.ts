/** The status panel: state, last run, counts per object and side, pending changes, the stopped text verbatim. */
import { Status, SyncObject } from '../api/service-client';
import { sharedTexts } from '../shared/texts';
import { texts } from './texts';

const OBJECTS: SyncObject[] = ['contacts', 'events', 'tasks'];
const SIDES = ['salesforce', 'outlook'] as const;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function cell(row: HTMLTableRowElement, text: string, header = false): void {
  const c = document.createElement(header ? 'th' : 'td');
  if (header) c.scope = 'row';
  c.textContent = text;
  row.appendChild(c);
}

/** Fill the status panel from `GET /api/status`. */
export function renderStatus(status: Status): void {
  const byId = (id: string) => document.getElementById(id)!;
  byId('account').textContent =
    status.username && status.product ? sharedTexts.account(status.username, status.product.name) : '';
  byId('org').textContent = status.orgUrl ?? '';
  byId('state').textContent = texts.states[status.state] ?? status.state;
  byId('last-run').textContent = status.lastRun ? new Date(status.lastRun).toLocaleString() : texts.neverSynced;
  byId('pending').textContent = String(status.pending);
  const stopped = byId('stopped-message');
  stopped.textContent = status.message ?? '';
  stopped.hidden = status.state !== 'stopped' || !status.message;
  byId('start-over').hidden = status.stopReason !== 'stateUnusable';
  const lastError = byId('last-error');
  lastError.textContent = status.lastError ?? '';
  lastError.hidden = !status.lastError;
  byId('pause').textContent = status.paused ? 'Resume' : 'Pause';

  const body = document.querySelector<HTMLTableSectionElement>('#counts tbody')!;
  body.replaceChildren();
  const counts = status.counts;
  (byId('counts') as HTMLTableElement).hidden = !counts;
  byId('no-counts').textContent = texts.noCounts;
  byId('no-counts').hidden = !!counts;
  if (!counts) return;
  for (const object of OBJECTS) {
    for (const side of SIDES) {
      const c = counts[side][object];
      const row = body.insertRow();
      row.dataset.object = object;
      row.dataset.side = side;
      cell(row, `${capital(object)} in ${side === 'salesforce' ? 'Salesforce' : 'Outlook'}`, true);
      cell(row, String(c.created));
      cell(row, String(c.updated));
      cell(row, String(c.deleted));
    }
  }
}
