/** A list of a kind of item in the store (contacts of a folder, events, task lists, tasks), in id order, as a list page reads it. */
import { ListSource, ReadHint } from './list-page';
import { ItemKind, ItemRow, MailboxStore } from './store';
import { Obj } from './properties';

/** The most rows one read of a list fetches. */
const MAX_BATCH = 1000;

/** The items of a kind (under one parent when given), rendered as a page takes them; `$skip` jumps by the id index. */
export function itemList(
  store: MailboxStore,
  mailbox: number,
  kind: ItemKind,
  parent: string | undefined,
  render: (row: ItemRow) => Obj,
): ListSource {
  return {
    items: (after, hint) => itemsAfter(store, mailbox, kind, parent, after?.[0] as string | undefined, hint, render),
    skipKey: (after, count) => {
      const id = store.idAfterSkipping(mailbox, kind, parent, after?.[0] as string | undefined, count);
      return id === undefined ? undefined : [id];
    },
  };
}

/** Rows after an id, read in batches that start at what the page expects and grow, never past what it may examine. */
function* itemsAfter(
  store: MailboxStore,
  mailbox: number,
  kind: ItemKind,
  parent: string | undefined,
  after: string | undefined,
  hint: ReadHint,
  render: (row: ItemRow) => Obj,
) {
  let read = 0;
  let batch = Math.max(1, Math.min(hint.first, MAX_BATCH));
  for (;;) {
    const size = Math.min(batch, hint.most - read);
    if (size <= 0) return;
    const rows = store.itemsAfter(mailbox, kind, parent, after, size);
    read += rows.length;
    for (const row of rows) yield { key: [row.id], entity: render(row) };
    if (rows.length < size) return;
    after = rows[rows.length - 1].id;
    batch = Math.min(batch * 2, MAX_BATCH);
  }
}
