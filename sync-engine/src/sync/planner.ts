/**
 * The planner: from what each side reported (the inbox) and the links, decide the writes. Pure: it reads
 * links through a lookup and returns writes, link changes, and what it reports; the runner commits them.
 *
 * Each pair is classified as added / changed / deleted / unchanged on each side; an incoming record whose
 * content equals what we last synced is an echo of our own write, not a change.
 */
import { ObjectSettings, SyncObject } from './objects';
import { deleteOutcome, flows, otherSide, winnerOf } from './conflicts';
import { contentHash, matchKeys } from './canonical';
import { InboxEntry, Link, QueuedWrite } from './state-store';
import { Canonical, SideChange, SideName } from './types';

export interface PlanWarning {
  object: SyncObject;
  side: SideName;
  id: string;
  message: string;
}

export interface Plan {
  object: SyncObject;
  planned: InboxEntry[];
  writes: Array<Omit<QueuedWrite, 'seq' | 'attempts' | 'refused' | 'firstAttemptedAt'>>;
  linkUpdates: Link[];
  linkDeletes: string[];
  /** First-sync matches that linked existing records instead of creating duplicates. */
  matched: number;
  conflicts: number;
  warnings: PlanWarning[];
}

export interface LinkLookup {
  bySf(id: string): Link | undefined;
  byOl(id: string): Link | undefined;
}

export type Present = Extract<SideChange, { deleted: false }>;

/**
 * First-sync matching: finds the unlinked Salesforce record an unlinked Outlook record matches, and claims it so
 * no other record takes it. By default it holds the Salesforce records of the inbox being planned; planning in
 * chunks passes one that spans the whole inbox.
 */
export interface Matcher {
  claim(data: Canonical): Present | undefined;
  claimed(id: string): boolean;
}

/** A matcher over a list of Salesforce records; `lookup` gives the records holding a match key, strongest first. */
export function matcherOf(
  object: SyncObject,
  idsByKey: Map<string, string[]>,
  lookup: (id: string) => Present | undefined,
): Matcher {
  const taken = new Set<string>();
  return {
    claim(data) {
      for (const key of matchKeys(object, data)) {
        for (const id of idsByKey.get(key) ?? []) {
          if (taken.has(id)) continue;
          const record = lookup(id);
          if (!record) continue;
          taken.add(id);
          return record;
        }
      }
      return undefined;
    },
    claimed: (id) => taken.has(id),
  };
}

/** Add a record's match keys to an index of ids by key. */
export function indexKeys(object: SyncObject, index: Map<string, string[]>, record: Present): void {
  for (const key of matchKeys(object, record.data)) {
    const ids = index.get(key);
    if (ids) ids.push(record.id);
    else index.set(key, [record.id]);
  }
}

/**
 * Plan one object's writes for the given inbox entries. A matched Salesforce record from outside them (through
 * `matcher`) is added to `planned`, since planning it is done.
 */
export function planObject(
  object: SyncObject,
  inbox: InboxEntry[],
  links: LinkLookup,
  settings: ObjectSettings,
  matcher?: Matcher,
): Plan {
  const plan: Plan = {
    object,
    planned: [...inbox],
    writes: [],
    linkUpdates: [],
    linkDeletes: [],
    matched: 0,
    conflicts: 0,
    warnings: [],
  };
  if (settings.direction === 'none') return { ...plan, planned: [] };

  // Pair changes through their links.
  const pairs = new Map<string, { link: Link; sf?: SideChange; ol?: SideChange }>();
  const unlinked: Record<SideName, Present[]> = { salesforce: [], outlook: [] };
  for (const e of inbox) {
    const link = e.side === 'salesforce' ? links.bySf(e.change.id) : links.byOl(e.change.id);
    if (!link) {
      if (!e.change.deleted) unlinked[e.side].push(e.change);
      continue;
    }
    const pair = pairs.get(link.sfId) ?? { link };
    if (e.side === 'salesforce') pair.sf = e.change;
    else pair.ol = e.change;
    pairs.set(link.sfId, pair);
  }

  const held = new Set<SideChange>();
  for (const { link, sf, ol } of pairs.values()) planLinked(plan, settings, link, sf, ol, held);
  planUnlinked(plan, settings, unlinked, matcher);
  // A delete the direction does not let flow is held (see planLinked): it stays in the inbox, unplanned.
  if (held.size) plan.planned = plan.planned.filter((e) => !held.has(e.change));
  return plan;
}

/**
 * One linked pair. A change on a side whose changes do not flow (one way, from the other side) is held, never lost
 * and never undone: an edit stays where it was made and flows once the direction lets it (a changed direction lists
 * both sides again, and the edit differs from what the link holds); a delete keeps its link and stays in the inbox
 * (`held`), to flow the same way. Under `none` nothing is planned, so everything waits alike. An edit from the side
 * that flows, against a held delete, is a conflict that side wins (the record comes back).
 */
function planLinked(
  plan: Plan,
  settings: ObjectSettings,
  link: Link,
  sf: SideChange | undefined,
  ol: SideChange | undefined,
  held: Set<SideChange>,
): void {
  const changed = (c: SideChange | undefined): c is Present => !!c && !c.deleted && contentHash(c.data) !== link.hash;
  const sfChanged = changed(sf);
  const olChanged = changed(ol);
  const sfDeleted = !!sf?.deleted;
  const olDeleted = !!ol?.deleted;
  const sfVersion = sf && !sf.deleted ? sf.version : link.sfVersion;
  const olVersion = ol && !ol.deleted ? ol.version : link.olVersion;

  if (sfDeleted && olDeleted) return void plan.linkDeletes.push(link.sfId);
  if (sfDeleted || olDeleted) {
    const deletedOn: SideName = sfDeleted ? 'salesforce' : 'outlook';
    const survivor = sfDeleted ? ol : sf;
    const survivorEdited = deletedOn === 'salesforce' ? olChanged : sfChanged;
    // An edit on the other side against a delete is a conflict: the winner decides whether the record lives.
    const outcome = deleteOutcome(settings, deletedOn, survivorEdited);
    if (outcome === 'recreate') {
      plan.conflicts += 1;
      const data = (survivor as Present).data;
      plan.linkDeletes.push(link.sfId);
      const sourceId = deletedOn === 'salesforce' ? link.olId : link.sfId;
      plan.writes.push({
        object: plan.object,
        target: deletedOn,
        sourceId,
        hash: contentHash(data),
        request: {
          key: `recreate:${link.sfId}`,
          kind: 'create',
          data,
          sourceId,
          sourceVersion: (survivor as Present).version,
          replaces: deletedOn === 'salesforce' ? link.sfId : link.olId,
        },
      });
      return;
    }
    if (outcome === 'hold') {
      held.add((sfDeleted ? sf : ol)!);
      return;
    }
    if (survivorEdited) plan.conflicts += 1;
    // The link goes when the delete is done (outbox-sender.ts): a target edited meanwhile is planned with it again.
    const target = otherSide(deletedOn);
    plan.writes.push({
      object: plan.object,
      target,
      sourceId: null,
      hash: null,
      request: {
        key: `delete:${target}:${link.sfId}`,
        kind: 'delete',
        id: target === 'salesforce' ? link.sfId : link.olId,
        sourceId: target === 'salesforce' ? link.olId : link.sfId,
        version: target === 'salesforce' ? sfVersion : olVersion,
      },
    });
    return;
  }

  if (sfChanged && olChanged) {
    const sfHash = contentHash(sf.data);
    if (sfHash === contentHash(ol.data)) {
      plan.linkUpdates.push({ ...link, sfVersion, olVersion, hash: sfHash });
      return;
    }
    plan.conflicts += 1;
    const winner = winnerOf(settings);
    return void update(plan, link, winner, (winner === 'salesforce' ? sf : ol).data, sfVersion, olVersion);
  }
  if (sfChanged) {
    if (flows(settings.direction, 'salesforce'))
      return void update(plan, link, 'salesforce', sf.data, sfVersion, olVersion);
    return;
  }
  if (olChanged) {
    if (flows(settings.direction, 'outlook')) return void update(plan, link, 'outlook', ol.data, sfVersion, olVersion);
    return;
  }
  // Echoes of our own writes, or unchanged: remember the versions.
  if (sfVersion !== link.sfVersion || olVersion !== link.olVersion)
    plan.linkUpdates.push({ ...link, sfVersion, olVersion });
}

/** An update of the other side, conditional on the target's version planned against. */
function update(
  plan: Plan,
  link: Link,
  from: SideName,
  data: Canonical,
  sfVersion: string | null,
  olVersion: string | null,
): void {
  const target = otherSide(from);
  const hash = contentHash(data);
  const sourceId = from === 'salesforce' ? link.sfId : link.olId;
  plan.linkUpdates.push({ ...link, sfVersion, olVersion });
  plan.writes.push({
    object: plan.object,
    target,
    sourceId,
    hash,
    request: {
      key: `update:${target}:${link.sfId}`,
      kind: 'update',
      id: target === 'salesforce' ? link.sfId : link.olId,
      data,
      sourceId,
      sourceVersion: from === 'salesforce' ? sfVersion : olVersion,
      version: target === 'salesforce' ? sfVersion : olVersion,
    },
  });
}

/** First-sync matching, then creates for what has no counterpart. */
function planUnlinked(
  plan: Plan,
  settings: ObjectSettings,
  unlinked: Record<SideName, Present[]>,
  given?: Matcher,
): void {
  const own = new Map(unlinked.salesforce.map((r) => [r.id, r]));
  let matcher = given;
  if (!matcher) {
    const index = new Map<string, string[]>();
    for (const r of unlinked.salesforce) indexKeys(plan.object, index, r);
    matcher = matcherOf(plan.object, index, (id) => own.get(id));
  }
  const unmatchedOutlook: Present[] = [];
  for (const o of unlinked.outlook) {
    const match = matcher.claim(o.data);
    if (!match) {
      unmatchedOutlook.push(o);
      continue;
    }
    if (!own.has(match.id)) plan.planned.push({ side: 'salesforce', object: plan.object, change: match });
    plan.matched += 1;
    const sfHash = contentHash(match.data);
    const link: Link = {
      object: plan.object,
      sfId: match.id,
      olId: o.id,
      sfVersion: match.version,
      olVersion: o.version,
      hash: sfHash,
    };
    if (sfHash === contentHash(o.data)) {
      plan.linkUpdates.push(link);
      continue;
    }
    // Same record, different content: the conflict winner's content goes to the other side. Until that write is
    // done the link holds what the target holds (as for any update): planned again meanwhile (its target edited
    // while it waited, or read unchanged after a failure), the winner's side still counts as the changed one.
    plan.conflicts += 1;
    const winner = winnerOf(settings);
    const data = winner === 'salesforce' ? match.data : o.data;
    update(
      plan,
      { ...link, hash: winner === 'salesforce' ? contentHash(o.data) : sfHash },
      winner,
      data,
      match.version,
      o.version,
    );
  }
  const create = (from: SideName, r: Present) => {
    const target = otherSide(from);
    plan.writes.push({
      object: plan.object,
      target,
      sourceId: r.id,
      hash: contentHash(r.data),
      request: {
        key: `create:${target}:${r.id}`,
        kind: 'create',
        data: r.data,
        sourceId: r.id,
        sourceVersion: r.version,
      },
    });
  };
  if (flows(settings.direction, 'salesforce'))
    for (const s of unlinked.salesforce) if (!matcher.claimed(s.id)) create('salesforce', s);
  if (flows(settings.direction, 'outlook')) for (const o of unmatchedOutlook) create('outlook', o);
}

/** Deletes a plan would make on each side. */
export function deletesBySide(plan: Plan): Record<SideName, number> {
  const n: Record<SideName, number> = { salesforce: 0, outlook: 0 };
  for (const w of plan.writes) if (w.request.kind === 'delete') n[w.target] += 1;
  return n;
}
