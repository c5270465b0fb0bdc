/// <reference types="office-js" />
/**
 * The open item as the side panel reads it: a message in read mode (from, to, cc) or a meeting (organizer, required
 * and optional attendees), its key (a message's Internet message id, a meeting's item id) and, for "Add Email" /
 * "Add meeting", its subject, text and times. Items are passed in, never read from globals.
 */
import type { AddItemRequest, ItemPerson, PersonRole } from '../../sync-engine/src/service/contract';
import { getBody, localIsoDateTime } from './mail-item';

export interface OpenItem {
  kind: 'email' | 'meeting';
  key: string;
  subject: string;
  people: ItemPerson[];
}

type Address = Office.EmailAddressDetails | null | undefined;

const person = (a: Address, role: PersonRole): ItemPerson[] =>
  a && a.emailAddress ? [{ address: a.emailAddress, name: a.displayName || null, role }] : [];
const people = (list: Address[] | null | undefined, role: PersonRole): ItemPerson[] =>
  (list ?? []).flatMap((a) => person(a, role));

const isMeeting = (item: Office.Item) => String((item as Office.MessageRead).itemType) === 'appointment';

/** The item's key, kind, subject and people; null for an item the panel cannot show (a compose form, no id). */
export function readOpenItem(item: Office.Item | null | undefined, own: string | null): OpenItem | null {
  if (!item) return null;
  const mine = (p: ItemPerson) => own !== null && p.address.toLowerCase() === own.toLowerCase();
  if (isMeeting(item)) {
    const m = item as Office.AppointmentRead;
    if (!m.itemId) return null;
    const list = [
      ...person(m.organizer, 'organizer'),
      ...people(m.requiredAttendees, 'required'),
      ...people(m.optionalAttendees, 'optional'),
    ];
    return { kind: 'meeting', key: m.itemId, subject: m.subject ?? '', people: list.filter((p) => !mine(p)) };
  }
  const m = item as Office.MessageRead;
  if (!m.internetMessageId) return null;
  const list = [...person(m.from, 'from'), ...people(m.to, 'to'), ...people(m.cc, 'cc')];
  return { kind: 'email', key: m.internetMessageId, subject: m.subject ?? '', people: list.filter((p) => !mine(p)) };
}

const address = (a: Address) => (a && a.emailAddress ? { address: a.emailAddress, name: a.displayName || null } : null);
const addresses = (list: Address[] | null | undefined) =>
  (list ?? []).flatMap((a) => {
    const one = address(a);
    return one ? [one] : [];
  });
const asDate = (d: Date | string) => (d instanceof Date ? d : new Date(d));

/** What "Add Email" / "Add meeting" sends of the item, beside the Who and What the user picked. */
export async function readItemToAdd(item: Office.Item, open: OpenItem): Promise<Omit<AddItemRequest, 'who' | 'what'>> {
  const body = await getBody(item as Office.MessageRead);
  if (open.kind === 'meeting') {
    const m = item as Office.AppointmentRead;
    return {
      kind: 'meeting',
      itemKey: open.key,
      subject: m.subject ?? '',
      body,
      start: localIsoDateTime(asDate(m.start)),
      end: localIsoDateTime(asDate(m.end)),
      location: m.location || null,
      from: address(m.organizer),
      to: addresses(m.requiredAttendees),
      cc: addresses(m.optionalAttendees),
    };
  }
  const m = item as Office.MessageRead;
  return {
    kind: 'email',
    itemKey: open.key,
    subject: m.subject ?? '',
    body,
    start: localIsoDateTime(asDate(m.dateTimeCreated)),
    end: null,
    location: null,
    from: address(m.from),
    to: addresses(m.to),
    cc: addresses(m.cc),
  };
}

/**
 * Follow `Office.EventType.ItemChanged` (a pinned pane: the user selects another item). Only where Outlook offers it:
 * office.js outside Outlook has no mailbox, and an older Outlook no `addHandlerAsync`; then the pane shows the item it
 * opened with. Resolves with whether the handler is registered.
 */
export function onItemChanged(mailbox: Office.Mailbox | null, handler: () => void): Promise<boolean> {
  const type = typeof Office !== 'undefined' ? Office.EventType?.ItemChanged : undefined;
  if (!mailbox || !type || typeof mailbox.addHandlerAsync !== 'function') return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      mailbox.addHandlerAsync(type, handler, (result) => resolve(String(result.status) === 'succeeded'));
    } catch {
      resolve(false);
    }
  });
}
