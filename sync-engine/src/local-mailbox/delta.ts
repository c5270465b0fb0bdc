/**
 * Delta queries (WIRE.md 8.2, 9.3, 10.3). A round walks "groups" (a contact, a task, an event series) and
 * sends each group's entries, page by page:
 * - the first round (no token) sends every group as it is now;
 * - a later round (`$deltatoken`) sends the groups changed since the token's change sequence number, each
 *   compared with its state at the token, so a deleted item becomes `@removed`.
 * The final page carries `@odata.deltaLink` with a token for the round's end; other pages `@odata.nextLink`.
 *
 * Groups go in id order, and a skip token is a keyset cursor: the last group sent whole and the key of the last
 * entry sent of the next one (an event series sends many). A page reads its groups from the store after that id
 * (the store's first-round list is the folder now; a later round's is the log's fixed slice between its two
 * change sequence numbers) and a group's entries after that key, so it costs what it sends, and a group added,
 * changed or deleted mid-round is seen as a page reading it then finds it.
 *
 * Tokens are opaque (signed-token.ts): a small JSON state (mailbox, scope, change sequence numbers, position,
 * calendar window, `$select`), so a token that was tampered with, belongs to another scope, or is older than the
 * retained change log gets 410 `SyncStateNotFound` (WIRE.md 11.3).
 */
import { FastifyReply, FastifyRequest } from 'fastify';
import { MailboxStore, MailboxRecord } from './store';
import { graphErrors } from './errors';
import { Obj } from './properties';
import { graphLink, contextUrl, preferredPageSize } from './paging';
import { sendJson } from './http';
import { readSignedToken, signToken } from './signed-token';

export interface DeltaState {
  /** `d`: a delta token (start of a round); `s`: a skip token (inside a round). */
  k: 'd' | 's';
  m: number;
  sc: string;
  /** The round sends changes after this sequence number; null for a first round (everything). */
  s: number | null;
  /** The round's end: the change sequence number when it began. */
  t: number;
  /** calendarView window, epoch ms. */
  w?: [number, number];
  sel?: string[];
  /** Page size asked for with `$top` when the round began (To Do tasks). */
  ps?: number;
  /** The last group sent completely, and the key of the last entry sent of the next one. */
  g?: string;
  ek?: EntryKey;
  /** How many entries of the next group were sent (tokens made before entries had keys). */
  e?: number;
}

/** Where an entry sits in its group's order (an event's instances: start, then id); kept in skip tokens. */
export type EntryKey = Array<string | number>;

/** One entry of a group: its key, and the entry rendered when the page takes it. */
export interface DeltaEntry {
  key: EntryKey;
  render(): Obj;
}

/** What a delta round walks: one scope's groups, and how to turn a group into entries. */
export interface DeltaSource {
  scope: string;
  /** The link path of this delta resource (`/me/calendarView/delta`). */
  path: string;
  /** The `@odata.context` fragment (`Collection(event)`). */
  context: string;
  /** For a first round: the ids of the groups now that sort after `after`, in id order, at most `limit`. */
  groupsAfter(after: string | undefined, limit: number, state: DeltaState): string[];
  /**
   * A group's entries in key order after `after` (all when undefined), rendered as the page takes them: in a first
   * round `before` is undefined; in a later round it is the group's state at the token (null when it did not
   * exist then), and the source sends what differs plus `@removed` entries.
   */
  entries(groupId: string, before: unknown, state: DeltaState, after: EntryKey | undefined): Iterable<DeltaEntry>;
}

export function encodeToken(secret: Buffer, state: DeltaState): string {
  return signToken(secret, state);
}

/** The state a token carries, or undefined when it is not a delta token this mailbox store made. */
export function decodeToken(secret: Buffer, token: string): DeltaState | undefined {
  const s = readSignedToken(secret, token) as DeltaState | undefined;
  return s &&
    (s.k === 'd' || s.k === 's') &&
    typeof s.m === 'number' &&
    typeof s.sc === 'string' &&
    typeof s.t === 'number'
    ? s
    : undefined;
}

export interface DeltaRequest {
  deltaToken?: string;
  skipToken?: string;
  /** For a first round: the calendar window and `$select`. */
  window?: [number, number];
  select?: string[];
  /** `$top` on a first call, kept for the whole round. */
  top?: number;
  /** Refuse a round's state the resource no longer serves (a calendar window made before the window limit). */
  check?: (state: DeltaState) => void;
}

/** The state this request continues or starts; 410 for a token that is garbage, foreign or forgotten. */
export function roundState(store: MailboxStore, mailbox: MailboxRecord, scope: string, r: DeltaRequest): DeltaState {
  const current = store.currentChangeSeq();
  const token = r.deltaToken ?? r.skipToken;
  if (token === undefined)
    return { k: 's', m: mailbox.no, sc: scope, s: null, t: current, w: r.window, sel: r.select, ps: r.top };
  const state = decodeToken(store.tokenSecret, token);
  const kind = r.deltaToken !== undefined ? 'd' : 's';
  if (!state || state.k !== kind || state.m !== mailbox.no || state.sc !== scope)
    throw graphErrors.syncStateNotFound(state?.t ?? 0, current);
  const from = kind === 'd' ? state.t : state.s;
  if (from !== null && (from > current || from < store.prunedThrough(mailbox.no)))
    throw graphErrors.syncStateNotFound(from, current);
  if (kind === 'd')
    return { k: 's', m: state.m, sc: state.sc, s: state.t, t: current, w: state.w, sel: state.sel, ps: state.ps };
  return state;
}

export interface DeltaPage {
  value: Obj[];
  /** Set when more pages follow. */
  next?: DeltaState;
  /** Set on the last page: the token of the next round. */
  delta?: DeltaState;
}

interface Group {
  id: string;
  before: unknown;
}

/** The groups of a round after the cursor, in id order, read from the store a batch at a time as the page asks. */
function* groupsFrom(store: MailboxStore, source: DeltaSource, state: DeltaState, batch: number): Generator<Group> {
  let after = state.g;
  for (;;) {
    const groups: Group[] =
      state.s === null
        ? source.groupsAfter(after, batch, state).map((id) => ({ id, before: undefined }))
        : store
            .changedItemsAfter(state.m, state.sc, state.s, state.t, after, batch)
            .map((c) => ({ id: c.itemId, before: c.before }));
    yield* groups;
    if (groups.length < batch) return;
    after = groups[groups.length - 1].id;
  }
}

/** Compute one page of a round. */
export function deltaPage(store: MailboxStore, source: DeltaSource, state: DeltaState, pageSize: number): DeltaPage {
  // One group past a full page tells a last page (deltaLink) from one with more to come (nextLink).
  const groups = groupsFrom(store, source, state, pageSize + 1);
  const value: Obj[] = [];
  let lastDone = state.g;
  let resumeAfter = state.ek;
  let skip = state.ek === undefined ? (state.e ?? 0) : 0;
  let next = groups.next();
  while (!next.done) {
    const g = next.value;
    let lastKey: EntryKey | undefined;
    for (const entry of source.entries(g.id, g.before, state, resumeAfter)) {
      if (skip > 0) {
        skip -= 1;
        continue;
      }
      // An entry past a full page: the group goes on in the next page, after the last entry sent.
      if (value.length === pageSize)
        return { value, next: { ...state, g: lastDone, ek: lastKey ?? resumeAfter, e: undefined } };
      value.push(entry.render());
      lastKey = entry.key;
    }
    lastDone = g.id;
    resumeAfter = undefined;
    skip = 0;
    next = groups.next();
    if (value.length === pageSize && !next.done)
      return { value, next: { ...state, g: lastDone, ek: undefined, e: undefined } };
  }
  return {
    value,
    delta: { k: 'd', m: state.m, sc: state.sc, s: null, t: state.t, w: state.w, sel: state.sel, ps: state.ps },
  };
}

/** What a delta route serves: from which store and mailbox, which source, the client's request, and page sizes. */
export interface DeltaServing {
  store: MailboxStore;
  mailbox: MailboxRecord;
  source: DeltaSource;
  request: DeltaRequest;
  /** Items a page holds when the client does not say (`Prefer: odata.maxpagesize`), and the most it may ask for. */
  pageSize: { default: number; max: number };
  /** Preferences applied besides paging (a calendar view's `outlook.timezone`). */
  otherPreferences?: string[];
}

/** Serve a delta request end to end: state, page, links and Graph's headers. */
export function serveDelta(req: FastifyRequest, reply: FastifyReply, s: DeltaServing): void {
  const { store, source, request: r } = s;
  const state = roundState(store, s.mailbox, source.scope, r);
  r.check?.(state);
  const preferred = preferredPageSize(req, s.pageSize.max);
  const page = deltaPage(store, source, state, preferred ?? state.ps ?? s.pageSize.default);
  const body: Obj = { '@odata.context': contextUrl(req, source.context) };
  if (page.next)
    body['@odata.nextLink'] = graphLink(req, source.path, [['$skiptoken', encodeToken(store.tokenSecret, page.next)]]);
  else
    body['@odata.deltaLink'] = graphLink(req, source.path, [
      ['$deltatoken', encodeToken(store.tokenSecret, page.delta!)],
    ]);
  body.value = page.value;
  const applied = [
    'odata.track-changes',
    ...(preferred === undefined ? [] : [`odata.maxpagesize=${preferred}`]),
    ...(s.otherPreferences ?? []),
  ];
  reply.header('Preference-Applied', applied.join(', '));
  sendJson(reply, 200, body);
}

/**
 * The one entry of an item that is its own group (a contact, a task, a list): the item as it is now, `@removed`
 * when it is gone but existed at the token, or nothing; none once a page has sent it (`after` set).
 */
export function oneEntry(
  id: string,
  before: unknown,
  after: EntryKey | undefined,
  odataType: string | undefined,
  now: () => Obj | undefined,
): DeltaEntry[] {
  if (after !== undefined) return [];
  const entity = now();
  if (entity) return [{ key: [id], render: () => entity }];
  return before ? [{ key: [id], render: () => removedEntry(id, odataType) }] : [];
}

/** The `@removed` entry of a deleted item (WIRE.md 9.3); To Do tasks carry no `@odata.type` (10.3). */
export function removedEntry(id: string, odataType?: string): Obj {
  return odataType
    ? { '@odata.type': odataType, id, '@removed': { reason: 'deleted' } }
    : { id, '@removed': { reason: 'deleted' } };
}
