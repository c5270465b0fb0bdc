/**
 * What a complete listing says by what it leaves out. A read that lists a side in full (a first read, a changed
 * direction's relist, a delta token the mailbox forgot, a new calendar view round) reports no deletions: a record
 * that was linked and is not listed is gone. For events the listing covers a window only: what lies outside it was
 * not listed and is not gone, so only a record whose every copy we know of lay inside the window counts as deleted.
 * A listing that stopped part way concludes nothing (the runner concludes only after a complete read).
 */
import { SyncObject } from './objects';
import { StateStore } from './state-store';
import { CanonicalEvent, SideName } from './types';
import { EventWindow, surelyInside, surelyOutside } from './event-window';
import { EventCopies, EventCopy } from './event-copies';

const PAGE = 1_000;

/**
 * Before a full listing: drop the side's unplanned entries for present records (deletions stay), since the listing
 * lists again what still exists, and a stale page must not bring back a record deleted since. An event entry lying
 * outside the window is kept: the listing cannot list it again (an event moved out of the window, read before).
 */
export function startFullListing(store: StateStore, side: SideName, object: SyncObject, window: EventWindow): void {
  if (object !== 'events') return store.dropListedChanges(side, object);
  for (const linked of [true, false]) {
    for (let afterId = ''; ;) {
      const page = store.inboxPage(side, object, { afterId, limit: PAGE, linked });
      if (page.length === 0) break;
      afterId = page[page.length - 1].change.id;
      const stale = page.filter((e) => !e.change.deleted && !surelyOutside(e.change.data as CanonicalEvent, window));
      if (stale.length) store.commitPlan(object, stale, [], [], []);
    }
  }
}

/**
 * After a complete listing (whose pages are in the inbox, stale ones dropped by startFullListing): a deletion for each
 * linked record of the side that has no entry; for events only when every copy we know of lay inside the window that
 * was listed. Returns how many.
 */
export function concludeFullListing(
  store: StateStore,
  side: SideName,
  object: SyncObject,
  window: EventWindow | undefined,
  copies: EventCopies,
): number {
  const column = side === 'salesforce' ? 'sf_id' : 'ol_id';
  const unlisted = store.db
    .prepare(
      `SELECT sf_id AS sfId, ol_id AS olId FROM links l WHERE l.object = ?
    AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.side = ? AND i.object = l.object AND i.id = l.${column})`,
    )
    .all(object, side) as Array<{ sfId: string; olId: string }>;
  const gone = unlisted.filter((l) => {
    if (object !== 'events') return true;
    if (!window) return false;
    const known = [copies.get('salesforce', l.sfId), copies.get('outlook', l.olId)].filter(
      (c): c is EventCopy => c !== undefined,
    );
    return known.length > 0 && known.every((c) => surelyInside(c, window));
  });
  store.putChanges(
    side,
    object,
    gone.map((l) => ({ id: side === 'salesforce' ? l.sfId : l.olId, deleted: true as const })),
  );
  return gone.length;
}
