/**
 * Planning an object's inbox a chunk at a time, so memory stays flat however much a side reported (a first
 * sync of 100,000 contacts). Each chunk's plan is committed before the next chunk is read; a crash between two
 * chunks leaves the rest in the inbox for the next run.
 *
 * The order keeps the planner's answers the same as planning everything at once:
 * 1. linked records, each with its partner's change, so both sides of a pair are planned together;
 * 2. unlinked Outlook records, matched against an index of every unlinked Salesforce record (ids by match key);
 * 3. the unlinked Salesforce records nothing matched.
 */
import { ObjectSettings, SyncObject } from './objects';
import { LinkLookup, Matcher, Plan, deletesBySide, indexKeys, matcherOf, planObject } from './planner';
import { InboxEntry, StateStore } from './state-store';
import { SideName } from './types';
import { matchKeys } from './canonical';

/** Inbox entries planned together. 5,000 contacts parse to a few MB; a commit per chunk costs one durable transaction. */
export const PLAN_CHUNK = 5_000;

const SIDES: SideName[] = ['salesforce', 'outlook'];

function lookupOf(store: StateStore, object: SyncObject): LinkLookup {
  return { bySf: (id) => store.linkBySf(object, id), byOl: (id) => store.linkByOl(object, id) };
}

/**
 * Linked entries of one side, a page at a time, each with its partner's entry when the other side reported the
 * same pair; `seen` skips pairs already given (by their Salesforce id).
 */
function* linkedChunks(
  store: StateStore,
  object: SyncObject,
  side: SideName,
  chunk: number,
  deletedOnly: boolean,
  seen?: Set<string>,
): Generator<InboxEntry[]> {
  const links = lookupOf(store, object);
  for (let afterId = ''; ;) {
    const page = store.inboxPage(side, object, { afterId, limit: chunk, linked: true, deletedOnly });
    if (page.length === 0) return;
    afterId = page[page.length - 1].change.id;
    const entries: InboxEntry[] = [];
    for (const e of page) {
      const link = side === 'salesforce' ? links.bySf(e.change.id) : links.byOl(e.change.id);
      if (!link || seen?.has(link.sfId)) continue;
      seen?.add(link.sfId);
      entries.push(e);
      const partner =
        side === 'salesforce'
          ? store.inboxEntry('outlook', object, link.olId)
          : store.inboxEntry('salesforce', object, link.sfId);
      if (partner) entries.push(partner);
    }
    yield entries;
  }
}

/**
 * Unlinked entries of one side, a page at a time, without those a create we sent without getting its answer
 * keeps back (a 5xx, a reset, a crash): the create's own source record (its copy is on the way; planned now, it
 * would be queued a second time), and any record holding the create's match keys on the side it went to (it may
 * be the copy itself, carried out before its answer was lost; planned now, it would be copied back as new). They
 * stay in the inbox until the create is matched and linked (outbox-sender.ts), and are planned then as the linked
 * records they are.
 */
function* unlinkedChunks(
  store: StateStore,
  object: SyncObject,
  side: SideName,
  chunk: number,
): Generator<InboxEntry[]> {
  const toThisSide = store.unansweredCreates(object, side);
  const fromThisSide = store.unansweredCreates(object, side === 'salesforce' ? 'outlook' : 'salesforce');
  const held = (e: InboxEntry) =>
    fromThisSide.sourceIds.has(e.change.id) ||
    (!e.change.deleted && matchKeys(object, e.change.data).some((k) => toThisSide.matchKeys.has(k)));
  const any = toThisSide.matchKeys.size > 0 || fromThisSide.sourceIds.size > 0;
  for (let afterId = ''; ;) {
    const page = store.inboxPage(side, object, { afterId, limit: chunk, linked: false });
    if (page.length === 0) return;
    afterId = page[page.length - 1].change.id;
    yield any ? page.filter((e) => !held(e)) : page;
  }
}

/** The deletes planning the object's inbox would make on each side, for the delete guard; nothing is committed. */
export function plannedDeletes(
  store: StateStore,
  object: SyncObject,
  settings: ObjectSettings,
  chunk = PLAN_CHUNK,
): Record<SideName, number> {
  const total: Record<SideName, number> = { salesforce: 0, outlook: 0 };
  const seen = new Set<string>();
  const links = lookupOf(store, object);
  for (const side of SIDES) {
    for (const entries of linkedChunks(store, object, side, chunk, true, seen)) {
      const d = deletesBySide(planObject(object, entries, links, settings));
      total.salesforce += d.salesforce;
      total.outlook += d.outlook;
    }
  }
  return total;
}

/** Plan the object's whole inbox, handing each chunk's plan to `commit` (which must take its entries out of the inbox). */
export function planInChunks(
  store: StateStore,
  object: SyncObject,
  settings: ObjectSettings,
  commit: (plan: Plan) => void,
  chunk = PLAN_CHUNK,
): void {
  const links = lookupOf(store, object);
  for (const side of SIDES) {
    for (const entries of linkedChunks(store, object, side, chunk, false))
      commit(planObject(object, entries, links, settings));
  }

  // Every unlinked Salesforce record's match keys, so an Outlook record in any chunk finds its counterpart.
  const idsByKey = new Map<string, string[]>();
  for (const page of unlinkedChunks(store, object, 'salesforce', chunk)) {
    for (const e of page) if (!e.change.deleted) indexKeys(object, idsByKey, e.change);
  }
  const matcher: Matcher = matcherOf(object, idsByKey, (id) => {
    const e = store.inboxEntry('salesforce', object, id);
    return e && !e.change.deleted && !links.bySf(id) ? e.change : undefined;
  });
  for (const page of unlinkedChunks(store, object, 'outlook', chunk))
    commit(planObject(object, page, links, settings, matcher));
  idsByKey.clear();
  for (const page of unlinkedChunks(store, object, 'salesforce', chunk))
    commit(planObject(object, page, links, settings, matcher));
}
