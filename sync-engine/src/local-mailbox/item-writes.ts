/**
 * Writes of items that are their own delta group (contacts, To Do lists and tasks): each write is one
 * transaction that logs the change (with the item as it was) and stores the item with a new change key.
 */
import { ItemData, ItemKind, ItemRow, MailboxRecord, MailboxStore } from './store';
import { IdKind, makeId } from './ids';

export function createItem(
  store: MailboxStore,
  mailbox: MailboxRecord,
  o: { kind: ItemKind & IdKind; parent: string | null; scope: string; data: ItemData },
): ItemRow {
  return store.transaction(() => {
    const id = makeId(o.kind, mailbox.no, store.nextItemSeq());
    const seq = store.logChange(mailbox.no, o.scope, id, 'created', null);
    const now = store.now();
    const row: ItemRow = {
      id,
      mailbox: mailbox.no,
      kind: o.kind,
      parent: o.parent,
      data: o.data,
      changeKey: store.changeKeyFor(mailbox.no, seq),
      created: now,
      modified: now,
    };
    store.putItem(row);
    return row;
  });
}

export function updateItem(
  store: MailboxStore,
  mailbox: MailboxRecord,
  row: ItemRow,
  scope: string,
  data: ItemData,
): ItemRow {
  return store.transaction(() => {
    const seq = store.logChange(mailbox.no, scope, row.id, 'updated', row);
    const updated: ItemRow = { ...row, data, changeKey: store.changeKeyFor(mailbox.no, seq), modified: store.now() };
    store.putItem(updated);
    return updated;
  });
}

export function deleteItem(store: MailboxStore, mailbox: MailboxRecord, row: ItemRow, scope: string): void {
  store.transaction(() => {
    store.logChange(mailbox.no, scope, row.id, 'deleted', row);
    store.deleteItem(row.id);
  });
}
