/**
 * Writing records to the mailbox, up to 20 in one `$batch` (graph/batch.ts), each with its own answer. An update or a delete is conditional on the item's version it was planned
 * against (`If-Match`, WIRE.md section 8.1): an item changed or gone since is not written, and comes back as a
 * stale result with what it holds now, for the planner. An update reads the item first and sends only the
 * properties whose values changed (changed-fields.ts), so what Salesforce cannot hold stays as Outlook has it.
 */
import { GraphMailbox } from '../../graph/mailbox-client';
import { GraphApiError } from '../../graph/errors';
import { GraphRequest } from '../../graph/http';
import { ItemPaths } from '../../graph/items';
import { sendBatch } from '../../graph/batch';
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
  paths(): Promise<ItemPaths>;
}

function itemsOf(mailbox: GraphMailbox, object: SyncObject): Items {
  return object === 'contacts' ? mailbox.contacts : object === 'events' ? mailbox.events : mailbox.tasks;
}

/** An item's version as the engine keeps and compares it: its weak ETag. */
export function itemVersion(item: Item): string {
  return String(item['@odata.etag'] ?? item.lastModifiedDateTime ?? '');
}

const statusOf = (err: unknown) => (err instanceof GraphApiError ? err.statusCode : null);

/** A write's result, or the mailbox's error for it (the side sorts it: a bad record, one that may pass, a stop). */
export type WriteOutcome = WriteResult | GraphApiError;

/**
 * Write up to BATCH_LIMIT records in at most two `$batch` round trips (graph/batch.ts): one reading what the updates'
 * targets hold now, one with every write (creates, the updates that change something, deletes). Each record's
 * answer is its own: a changed or missing target comes back stale with what it holds now (read alone, rare), any
 * other failure as the mailbox's error. `zoneOf`: the mailbox's time zone for a request whose task has a due date.
 * A failure of a whole batch is thrown.
 */
export async function writeBatch(
  mailbox: GraphMailbox,
  object: SyncObject,
  requests: WriteRequest[],
  zoneOf: (r: WriteRequest) => MailboxZone | null,
  memory?: ContactEntryMemory,
): Promise<WriteOutcome[]> {
  const items = itemsOf(mailbox, object);
  const paths = await items.paths();
  const out: Array<WriteOutcome | undefined> = new Array(requests.length);
  const stale = (r: WriteRequest, current: SideChange): WriteResult => ({
    key: r.key,
    ok: false,
    stale: true,
    current,
  });
  const done = (r: WriteRequest, version: string | null): WriteResult => ({ key: r.key, ok: true, id: r.id!, version });
  const readNow = async (i: number): Promise<SideChange | GraphApiError> => {
    const r = requests[i];
    try {
      return (await current(items, object, r.id!, zoneOf(r), memory)).change;
    } catch (err) {
      if (err instanceof GraphApiError) return err;
      throw err;
    }
  };

  // What the updates' targets hold now: an update sends only what changed, conditional on the version read.
  const updates = requests.flatMap((r, i) => (r.kind === 'update' ? [i] : []));
  const held = new Map<number, { item?: Item; change: SideChange }>();
  const reads = updates.length
    ? await sendBatch(
        mailbox.http,
        updates.map((i) => ({ method: 'GET', path: paths.item(requests[i].id!), prefer: paths.prefer })),
      )
    : [];
  reads.forEach((a, k) => {
    const i = updates[k];
    const r = requests[i];
    if (a.ok) held.set(i, toCurrent(object, r.id!, a.data as Item, zoneOf(r), memory));
    else if (a.error.statusCode === 404) held.set(i, { change: { id: r.id!, deleted: true } });
    else out[i] = a.error;
  });

  const sends: Array<{ i: number; request: GraphRequest }> = [];
  requests.forEach((r, i) => {
    if (out[i]) return;
    if (r.kind === 'create') {
      const body = toOutlook(object, r.data!, zoneOf(r));
      sends.push({ i, request: { method: 'POST', path: paths.collection, body, prefer: paths.prefer } });
    } else if (r.kind === 'delete') {
      sends.push({ i, request: { method: 'DELETE', path: paths.item(r.id!), ifMatch: r.version || undefined } });
    } else {
      const now = held.get(i)!;
      if (!now.item || now.change.deleted) return void (out[i] = stale(r, now.change));
      const version = now.change.version;
      if (r.version && version !== r.version) return void (out[i] = stale(r, now.change));
      const zone = zoneOf(r);
      let changes = changedProperties(
        OUTLOOK_GROUPS[object],
        now.change.data,
        r.data!,
        toOutlook(object, r.data!, zone),
      );
      if (object === 'contacts') changes = withUnmappedEntries(changes, now.item, memory);
      if (Object.keys(changes).length === 0) return void (out[i] = done(r, version));
      // Without a planned version (a link from before versions were kept), at least nothing written since the read is lost.
      const ifMatch = r.version || version || undefined;
      sends.push({
        i,
        request: { method: 'PATCH', path: paths.item(r.id!), body: changes, ifMatch, prefer: paths.prefer },
      });
    }
  });

  const answers = sends.length
    ? await sendBatch(
        mailbox.http,
        sends.map((s) => s.request),
      )
    : [];
  for (const [k, a] of answers.entries()) {
    const i = sends[k].i;
    const r = requests[i];
    if (a.ok) {
      out[i] = r.kind === 'delete' ? done(r, null) : answered(r, a.data);
      continue;
    }
    const status = a.error.statusCode;
    if (r.kind === 'delete' && status === 404) {
      // Deleting what is already gone is what a delete wanted.
      out[i] = done(r, null);
    } else if ((r.kind === 'delete' || r.kind === 'update') && (status === 404 || status === 412)) {
      const now = await readNow(i);
      out[i] = now instanceof GraphApiError ? now : r.kind === 'delete' && now.deleted ? done(r, null) : stale(r, now);
    } else {
      out[i] = a.error;
    }
  }
  return out as WriteOutcome[];
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
  return toCurrent(object, id, item, zone, memory);
}

/** An item read, as a change: gone when it is a cancelled occurrence. */
function toCurrent(
  object: SyncObject,
  id: string,
  item: Item,
  zone: MailboxZone | null,
  memory?: ContactEntryMemory,
): { item?: Item; change: SideChange } {
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
