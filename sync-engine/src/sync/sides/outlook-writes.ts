/**
 * Writing one record to the mailbox. An update or a delete is conditional on the item's version it was planned
 * against (`If-Match`, WIRE.md section 8.1): an item changed or gone since is not written, and comes back as a
 * stale result with what it holds now, for the planner. An update reads the item first and sends only the
 * properties whose values changed (changed-fields.ts), so what Salesforce cannot hold stays as Outlook has it.
 */
import { GraphMailbox } from '../../graph/mailbox-client';
import { GraphApiError } from '../../graph/errors';
import { SyncObject } from '../objects';
import { SideChange, WriteRequest, WriteResult } from '../types';
import { MailboxZone, fromOutlook, toOutlook } from '../mappers/outlook-records';
import { OUTLOOK_GROUPS, changedProperties } from '../mappers/changed-fields';
import { ContactEntryMemory, UnsyncedEntries, writeSynced } from '../contact-entries';

type Item = Record<string, unknown>;

/** What the three item collections share. */
interface Items {
  get(id: string): Promise<unknown>;
  create(body: Item): Promise<unknown>;
  update(id: string, changes: Item, o: { ifMatch?: string }): Promise<unknown>;
  delete(id: string, o: { ifMatch?: string }): Promise<void>;
}

function itemsOf(mailbox: GraphMailbox, object: SyncObject): Items {
  return object === 'contacts' ? mailbox.contacts : object === 'events' ? mailbox.events : mailbox.tasks;
}

/** An item's version as the engine keeps and compares it: its weak ETag. */
export function itemVersion(item: Item): string {
  return String(item['@odata.etag'] ?? item.lastModifiedDateTime ?? '');
}

const statusOf = (err: unknown) => (err instanceof GraphApiError ? err.statusCode : null);

/** Write one record; failures other than a changed or missing target are thrown as GraphApiError. */
/** `zone`: the mailbox's time zone, for a task's due date (see outlook-side.ts). */
export async function writeItem(
  mailbox: GraphMailbox,
  object: SyncObject,
  r: WriteRequest,
  zone: MailboxZone | null = null,
  memory?: ContactEntryMemory,
): Promise<WriteResult> {
  const items = itemsOf(mailbox, object);
  const stale = (current: SideChange): WriteResult => ({ key: r.key, ok: false, stale: true, current });
  const done = (version: string | null): WriteResult => ({ key: r.key, ok: true, id: r.id!, version });

  if (r.kind === 'create') return answered(r, await items.create(toOutlook(object, r.data!, zone)));

  if (r.kind === 'delete') {
    try {
      await items.delete(r.id!, { ifMatch: r.version || undefined });
      return done(null);
    } catch (err) {
      // Deleting what is already gone is what a delete wanted.
      if (statusOf(err) === 404) return done(null);
      if (statusOf(err) !== 412) throw err;
      const now = await current(items, object, r.id!, zone, memory);
      return now.change.deleted ? done(null) : stale(now.change);
    }
  }

  const now = await current(items, object, r.id!, zone, memory);
  if (!now.item || now.change.deleted) return stale(now.change);
  const held = now.change.version;
  if (r.version && held !== r.version) return stale(now.change);
  let changes = changedProperties(OUTLOOK_GROUPS[object], now.change.data, r.data!, toOutlook(object, r.data!, zone));
  if (object === 'contacts') changes = withUnmappedEntries(changes, now.item, memory);
  if (Object.keys(changes).length === 0) return done(held);
  try {
    // Without a planned version (a link from before versions were kept), at least nothing written since the read is lost.
    return answered(r, await items.update(r.id!, changes, { ifMatch: r.version || held || undefined }));
  } catch (err) {
    if (statusOf(err) !== 404 && statusOf(err) !== 412) throw err;
    return stale((await current(items, object, r.id!, zone, memory)).change);
  }
}

/** What the mailbox holds now for an item, as a change: deleted when it is gone. */
export async function currentItem(
  mailbox: GraphMailbox,
  object: SyncObject,
  id: string,
  zone: MailboxZone | null = null,
  memory?: ContactEntryMemory,
): Promise<SideChange> {
  return (await current(itemsOf(mailbox, object), object, id, zone, memory)).change;
}

/** What the mailbox holds now for an id, as a change: gone when not found (or a cancelled occurrence). */
async function current(
  items: Items,
  object: SyncObject,
  id: string,
  zone: MailboxZone | null,
  memory?: ContactEntryMemory,
): Promise<{ item?: Item; change: SideChange }> {
  let item: Item;
  try {
    item = (await items.get(id)) as Item;
  } catch (err) {
    if (statusOf(err) === 404) return { change: { id, deleted: true } };
    throw err;
  }
  if (object === 'events' && item.isCancelled === true) return { change: { id, deleted: true } };
  return {
    item,
    change: {
      id,
      version: itemVersion(item),
      deleted: false,
      data: fromOutlook(object, item, zone, object === 'contacts' ? memory?.get(id) : undefined),
    },
  };
}

/** The answer to a create or an update: the item written, or a failure that may pass when it is not one. */
function answered(r: WriteRequest, saved: unknown): WriteResult {
  const item = saved as Item | null | undefined;
  if (typeof item?.id !== 'string' || item.id === '') {
    // A JSON answer that is not the item: the write may have been carried out. Sent again like any failure that may pass.
    return {
      key: r.key,
      ok: false,
      code: 'NOT_GRAPH',
      message: `the mailbox answered the ${r.kind} without the item it wrote`,
      fields: [],
      retryable: true,
    };
  }
  return { key: r.key, ok: true, id: item.id, version: itemVersion(item) };
}

/**
 * A contact's changed email or phone list (keepUnmappedEntries), and what is unsynced after it, remembered before
 * the write is sent: should the write not go through, the entries it named unsynced are still not the synced one.
 */
function withUnmappedEntries(changes: Item, current: Item, memory: ContactEntryMemory | undefined): Item {
  const lists = ['emailAddresses', 'businessPhones'].filter((k) => k in changes);
  if (lists.length === 0) return changes;
  const id = String(current.id);
  const before = memory?.get(id);
  const merged = keepUnmappedEntries(changes, current, before);
  const after: UnsyncedEntries = {
    emails: 'emailAddresses' in changes ? merged.unsynced.emails : (before?.emails ?? null),
    phones: 'businessPhones' in changes ? merged.unsynced.phones : (before?.phones ?? null),
  };
  if (memory && (before || after.emails || after.phones)) memory.set(id, after);
  return { ...changes, ...Object.fromEntries(lists.map((k) => [k, merged.body[k]])) };
}

/**
 * Graph replaces a list property whole on PATCH. We map one email address and one business phone (the first,
 * unless Salesforce cleared them: contact-entries.ts); keep the contact's other entries (a second email, a third
 * phone) instead of wiping them, and hold an entry Salesforce now has once, first.
 */
export function keepUnmappedEntries(
  body: Record<string, unknown>,
  current: Record<string, unknown>,
  unsynced?: UnsyncedEntries,
): { body: Record<string, unknown>; unsynced: UnsyncedEntries } {
  type Email = { address: string; name?: string | null };
  const emails = Array.isArray(current.emailAddresses) ? (current.emailAddresses as Email[]) : [];
  const phones = Array.isArray(current.businessPhones) ? (current.businessPhones as string[]) : [];
  const first = ((body.emailAddresses as Email[] | undefined) ?? [])[0] ?? null;
  // The display name of an address that stays is the user's; keep it.
  const held = first && emails.find((e) => e.address.toLowerCase() === first.address.toLowerCase());
  const firstKept = first && held ? { ...first, name: held.name ?? first.name } : first;
  const phone = ((body.businessPhones as string[] | undefined) ?? [])[0] ?? null;
  const e = writeSynced(emails, (x) => x.address, firstKept, unsynced?.emails);
  const p = writeSynced(phones, (x) => x, phone, unsynced?.phones);
  return {
    body: { ...body, emailAddresses: e.list, businessPhones: p.list },
    unsynced: { emails: e.unsynced, phones: p.unsynced },
  };
}
