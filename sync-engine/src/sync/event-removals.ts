/**
 * Settling what left Outlook's calendar view, before the delete guard and the planner see it. A delta's `@removed`
 * (or a linked event a complete listing left out) says only that an event no longer shows in the window: it was
 * deleted, moved out of the window, or (an occurrence) renamed because its series moved. Leaving the window is not
 * deletion, on either side. In this order:
 * 1. the occurrences of a moved series are paired with the ones they became (series-moves.ts), and their links
 *    follow: each Salesforce Event is updated in place, keeping its id and what only Salesforce holds;
 * 2. each other linked one is looked up in Outlook: one that still exists is a change like any other (moved out of
 *    the window, its move is followed on the other side), one that is gone is a deletion, and an occurrence of a
 *    series that shows nothing in the window any more (moved away whole) is unlinked, both copies left as they are
 *    (remembered in out-of-sight-pairs.ts);
 * 3. occurrences of such a series back in the window pair again with the Events they had; such an Event read again
 *    unchanged is left as it is (not copied as a new event), one edited in Salesforce is an unlinked Event like any;
 * 4. an unlinked event lying outside the window (made or moved there in Salesforce) is not synced.
 */
import { StateStore, InboxEntry, Link } from './state-store';
import { CanonicalEvent, Side } from './types';
import { EventCopies, EventCopy } from './event-copies';
import { EventWindow, surelyInside, surelyOutside } from './event-window';
import { Placed, pairMovedOccurrences } from './series-moves';
import { OutOfSightPairs } from './out-of-sight-pairs';
import { contentHash } from './canonical';

const PAGE = 1_000;

interface Removal {
  entry: InboxEntry;
  link: Link;
  copy: EventCopy | undefined;
}

/** Settle the Outlook events that left the calendar view, and keep unlinked ones outside the window out (see above). */
export async function settleEventRemovals(
  store: StateStore,
  copies: EventCopies,
  outlook: Side,
  window: EventWindow,
): Promise<void> {
  const outOfSight = new OutOfSightPairs(store.db);
  const unlink = (r: Removal) => unlinkOutOfSight(store, copies, outOfSight, r);
  const removals = linkedRemovals(store, copies);
  const settled = pairMovedSeries(store, copies, removals, window, unlink);
  const rest = removals.filter((r) => !settled.has(r.entry.change.id));
  if (rest.length && outlook.locateEvents) {
    const byId = new Map(rest.map((r) => [r.entry.change.id, r]));
    for (const where of await outlook.locateEvents(
      rest.map((r) => ({ id: r.entry.change.id, masterId: r.copy?.masterId ?? null })),
      window,
    )) {
      const r = byId.get(where.id)!;
      if ('found' in where) {
        store.transaction(() => {
          store.putChanges('outlook', 'events', [where.found]);
          copies.note('outlook', [where.found], () => true);
        });
      } else if ('outOfSight' in where) {
        unlink(r);
      } else {
        copies.forget('outlook', [where.id]);
      }
    }
  }
  pairReturnedSeries(store, outOfSight);
  leaveOutOfSightAsTheyAre(store, outOfSight);
  keepOutsideUnsynced(store, copies, window);
}

/** The Outlook events reported gone whose records are linked, with what was last seen of each. */
function linkedRemovals(store: StateStore, copies: EventCopies): Removal[] {
  const out: Removal[] = [];
  for (let afterId = ''; ;) {
    const page = store.inboxPage('outlook', 'events', { afterId, limit: PAGE, linked: true, deletedOnly: true });
    if (page.length === 0) return out;
    afterId = page[page.length - 1].change.id;
    for (const entry of page) {
      const link = store.linkByOl('events', entry.change.id);
      if (link) out.push({ entry, link, copy: copies.get('outlook', entry.change.id) });
    }
  }
}

/**
 * Pair the removed occurrences of each series with the unlinked ones it shows now, and move the links. A series moved
 * only when none of its linked occurrences inside the window kept its id; otherwise a removed occurrence was cancelled
 * and a new one (the window moving on) is just new. An old occurrence left unpaired whose place, moved by the same
 * shift, lies beyond the window went out of sight with its series. Returns the removals settled.
 */
function pairMovedSeries(
  store: StateStore,
  copies: EventCopies,
  removals: Removal[],
  window: EventWindow,
  unlink: (r: Removal) => void,
): Set<string> {
  const settled = new Set<string>();
  const removedBySeries = groupBy(
    removals.filter((r) => r.copy?.masterId && r.copy.originalStart),
    (r) => r.copy!.masterId!,
  );
  if (removedBySeries.size === 0) return settled;
  const added: Placed[] = [];
  const seriesOf = new Map<string, string>();
  for (let afterId = ''; ;) {
    const page = store.inboxPage('outlook', 'events', { afterId, limit: PAGE, linked: false });
    if (page.length === 0) break;
    afterId = page[page.length - 1].change.id;
    for (const { change } of page) {
      if (change.deleted || !change.series || !removedBySeries.has(change.series.masterId)) continue;
      added.push({ id: change.id, originalStart: Date.parse(change.series.originalStart) });
      seriesOf.set(change.id, change.series.masterId);
    }
  }
  const addedBySeries = groupBy(added, (a) => seriesOf.get(a.id)!);
  for (const [masterId, removed] of removedBySeries) {
    const shown = addedBySeries.get(masterId) ?? [];
    if (shown.length === 0) continue;
    const removedIds = new Set(removed.map((r) => r.entry.change.id));
    if (copies.linkedOfSeries(masterId).some((c) => !removedIds.has(c.id) && surelyInside(c, window))) continue;
    const move = pairMovedOccurrences(
      removed.map((r) => ({ id: r.entry.change.id, originalStart: Date.parse(r.copy!.originalStart!) })),
      shown,
    );
    for (const pair of move.pairs) {
      const r = removed.find((x) => x.entry.change.id === pair.removed)!;
      store.commitPlan('events', [r.entry], [], [{ ...r.link, olId: pair.added }], []);
      copies.forget('outlook', [pair.removed]);
      settled.add(pair.removed);
    }
    if (move.shift === null) continue;
    for (const r of removed) {
      if (settled.has(r.entry.change.id)) continue;
      const shifted = {
        start: shiftBy(r.copy!, 'start', move.shift),
        end: shiftBy(r.copy!, 'end', move.shift),
        isAllDay: r.copy!.isAllDay,
      };
      if (!surelyOutside(shifted, window)) continue;
      unlink(r);
      settled.add(r.entry.change.id);
    }
  }
  return settled;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const group = out.get(k);
    if (group) group.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** A copy's start or end moved by a series' shift, in the copy's own form (an instant, or a date). */
function shiftBy(copy: EventCopy, which: 'start' | 'end', shift: number): string {
  if (!copy.isAllDay) return new Date(Date.parse(copy[which]) + shift).toISOString();
  return new Date(Date.parse(`${copy[which]}T00:00:00Z`) + shift).toISOString().slice(0, 10);
}

/** Forget a pair whose Outlook copy cannot be followed: both copies stay as they are, and the pair is remembered. */
function unlinkOutOfSight(store: StateStore, copies: EventCopies, outOfSight: OutOfSightPairs, r: Removal): void {
  store.transaction(() => {
    store.commitPlan('events', [r.entry], [], [], [r.link.sfId]);
    outOfSight.remember({
      sfId: r.link.sfId,
      sfVersion: r.link.sfVersion,
      hash: r.link.hash,
      masterId: r.copy?.masterId ?? null,
      originalStart: r.copy?.originalStart ?? null,
    });
    copies.forget('outlook', [r.entry.change.id]);
  });
}

/**
 * Link the unlinked occurrences a series shows again with the Events its out-of-sight occurrences had, paired as a
 * moved series' are (the shift that pairs the most): each pair is planned as an edit of a linked pair, so the Event is
 * updated in place when the occurrence differs from what both held at unlinking.
 */
function pairReturnedSeries(store: StateStore, outOfSight: OutOfSightPairs): void {
  const shownBySeries = new Map<string, Placed[]>();
  for (let afterId = ''; ;) {
    const page = store.inboxPage('outlook', 'events', { afterId, limit: PAGE, linked: false });
    if (page.length === 0) break;
    afterId = page[page.length - 1].change.id;
    for (const { change } of page) {
      if (change.deleted || !change.series) continue;
      const placed = { id: change.id, originalStart: Date.parse(change.series.originalStart) };
      const shown = shownBySeries.get(change.series.masterId);
      if (shown) shown.push(placed);
      else shownBySeries.set(change.series.masterId, [placed]);
    }
  }
  for (const [masterId, shown] of shownBySeries) {
    const left = outOfSight.ofMaster(masterId).filter((p) => p.originalStart !== null);
    if (left.length === 0) continue;
    const move = pairMovedOccurrences(
      left.map((p) => ({ id: p.sfId, originalStart: Date.parse(p.originalStart!) })),
      shown,
    );
    store.transaction(() => {
      for (const pair of move.pairs) {
        const p = left.find((x) => x.sfId === pair.removed)!;
        if (store.linkBySf('events', p.sfId)) continue;
        store.putLink({
          object: 'events',
          sfId: p.sfId,
          olId: pair.added,
          sfVersion: p.sfVersion,
          olVersion: null,
          hash: p.hash,
        });
        outOfSight.forget(p.sfId);
      }
    });
  }
}

/**
 * The Salesforce side of out-of-sight pairs, read again: unchanged since unlinking, it is left as it is (its
 * occurrence still exists in Outlook, beyond the window); deleted or edited in Salesforce, it is forgotten here, and
 * an edited one is planned as an unlinked Event like any other.
 */
function leaveOutOfSightAsTheyAre(store: StateStore, outOfSight: OutOfSightPairs): void {
  for (let afterId = ''; ;) {
    const page = store.inboxPage('salesforce', 'events', { afterId, limit: PAGE, linked: false });
    if (page.length === 0) break;
    afterId = page[page.length - 1].change.id;
    const unchanged: InboxEntry[] = [];
    store.transaction(() => {
      for (const e of page) {
        const p = outOfSight.get(e.change.id);
        if (!p) continue;
        if (!e.change.deleted && contentHash(e.change.data) === p.hash) unchanged.push(e);
        else outOfSight.forget(p.sfId);
      }
      if (unchanged.length) store.commitPlan('events', unchanged, [], [], []);
    });
  }
}

/** Drop unlinked events that lie outside the window from the inbox: a side that cannot see them gets no copy. */
function keepOutsideUnsynced(store: StateStore, copies: EventCopies, window: EventWindow): void {
  for (const side of ['salesforce', 'outlook'] as const) {
    for (let afterId = ''; ;) {
      const page = store.inboxPage(side, 'events', { afterId, limit: PAGE, linked: false });
      if (page.length === 0) break;
      afterId = page[page.length - 1].change.id;
      const outside = page.filter((e) => !e.change.deleted && surelyOutside(e.change.data as CanonicalEvent, window));
      if (outside.length === 0) continue;
      store.commitPlan('events', outside, [], [], []);
      copies.forget(
        side,
        outside.map((e) => e.change.id),
      );
    }
  }
}
