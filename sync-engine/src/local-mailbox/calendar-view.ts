/**
 * The calendar as time (WIRE.md 9.1, 9.3): a series' instances, the calendar view of a window and its delta, each
 * over a window of at most 1,825 days (calendar-window.ts).
 *
 * What a page costs follows what it sends, not the window's span: a calendar view merges, in (start, id) order from
 * the last instance the previous page sent, the single events the store finds in the window in start order (a
 * page reads about `$top` of them) with the instances of the series whose span reaches the window, each series'
 * pattern expanded from the window's start (or the cursor's) only as far as the page goes. A delta round walks the
 * events whose span reaches its window, and a series' instances from the last one a page sent.
 */
import { FastifyInstance } from 'fastify';
import { MailboxContext } from './context';
import { MailboxRecord, MailboxStore } from './store';
import { graphErrors } from './errors';
import { param, resource } from './http';
import { applySelect, parseSelect, queryOf } from './query-options';
import { DeltaEntry, DeltaSource, EntryKey, removedEntry, serveDelta } from './delta';
import { CalendarWindow, checkWindow, windowOf } from './calendar-window';
import { LIST_OPTIONS, ListItem, ListSource, ReadHint, listPath, sendListPage } from './list-page';
import {
  Instance,
  InstanceKey,
  SeriesState,
  UTC_VIEW,
  View,
  compareInstances,
  loadSeries,
  masterInstance,
  renderInstance,
  sameInstance,
  seriesInstancesFrom,
} from './event-series';
import { CALENDAR_SCOPE, EVENT_SELECTABLE, findEvent, mailboxZone, viewOf } from './events';

/** The most single events one read fetches. */
const MAX_BATCH = 1000;

export function registerCalendarView(app: FastifyInstance, ctx: MailboxContext): void {
  const { store, options } = ctx;
  const listOf = (q: Map<string, string>, path: string, context: string) => ({
    path,
    context,
    query: q,
    entityType: 'event',
    properties: EVENT_SELECTABLE,
  });

  resource(app, ['/me/events/:id/instances', '/me/calendar/events/:id/instances'], {
    GET: (req, reply, m) => {
      const q = queryOf(req, LIST_OPTIONS);
      const window = windowOf(q);
      const { series, inst } = findEvent(store, m, param(req, 'id'));
      if (inst.type !== 'seriesMaster')
        throw graphErrors.invalidRequest('Instances are available for a series master only.');
      const view = viewOf(req, reply);
      const zone = mailboxZone(m);
      sendListPage(
        req,
        reply,
        ctx,
        listOf(q, listPath(req), 'Collection(event)'),
        rendered(m, view, (after) => seriesInstancesFrom(series, zone, window[0], window[1], after, store.readStats)),
      );
    },
  });

  resource(app, ['/me/calendarView', '/me/calendar/calendarView'], {
    GET: (req, reply, m) => {
      const q = queryOf(req, LIST_OPTIONS);
      const window = windowOf(q);
      const view = viewOf(req, reply);
      sendListPage(
        req,
        reply,
        ctx,
        listOf(q, listPath(req), `users('${encodeURIComponent(m.user)}')/calendarView`),
        rendered(m, view, (after, hint) => viewInstances(store, m, window, after, hint)),
      );
    },
  });

  resource(app, ['/me/calendarView/delta', '/me/calendar/calendarView/delta'], {
    GET: (req, reply, m) => {
      const q = queryOf(req, ['$select', '$deltatoken', '$skiptoken']);
      const resuming = q.has('$deltatoken') || q.has('$skiptoken');
      // The window is part of the round's state; it is read only when a round starts.
      const window = resuming ? undefined : windowOf(q);
      const view = viewOf(req);
      const zone = mailboxZone(m);
      const source: DeltaSource = {
        scope: CALENDAR_SCOPE,
        path: '/me/calendarView/delta',
        context: 'Collection(event)',
        groupsAfter: (after, limit, state) => store.eventIdsOverlapping(m.no, state.w![0], state.w![1], after, limit),
        entries: (id, before, state, after) => {
          const [from, to] = state.w!;
          const current = loadSeries(store, id);
          const entry = (i: Instance): DeltaEntry => ({
            key: [i.start, i.id],
            render: () => applySelect(renderInstance(i, m, view, true), state.sel),
          });
          if (before === undefined)
            return current
              ? mapped(
                  seriesInstancesFrom(current, zone, from, to, after as InstanceKey | undefined, store.readStats),
                  entry,
                )
              : [];
          // A later round sends the instances that changed since the token, then those gone from the window (as
          // @removed), each part in (start, id) order from where the last page stopped: ['c' | 'r', start, id].
          const then = before as SeriesState | null;
          const stats = store.readStats;
          const changed = (cursor: InstanceKey | undefined) =>
            current
              ? filtered(
                  seriesInstancesFrom(current, zone, from, to, cursor, stats),
                  (i) => sameInstance(then, zone, i, from, to, stats)?.changeKey !== i.changeKey,
                )
              : [];
          const removed = (cursor: InstanceKey | undefined) =>
            then
              ? filtered(
                  seriesInstancesFrom(then, zone, from, to, cursor, stats),
                  (i) => !sameInstance(current, zone, i, from, to, stats),
                )
              : [];
          return concatenated(
            phase('c', after, (k) =>
              mapped(changed(k), (i): DeltaEntry => ({ key: ['c', i.start, i.id], render: entry(i).render })),
            ),
            phase('r', after, (k) =>
              mapped(removed(k), (i): DeltaEntry => ({
                key: ['r', i.start, i.id],
                render: () => removedEntry(i.id, '#microsoft.graph.event'),
              })),
            ),
          );
        },
      };
      serveDelta(req, reply, {
        store,
        mailbox: m,
        source,
        pageSize: { default: options.defaultPageSize, max: options.maxPageSize },
        request: {
          deltaToken: q.get('$deltatoken'),
          skipToken: q.get('$skiptoken'),
          window,
          select: parseSelect(q.get('$select'), EVENT_SELECTABLE, 'event'),
          check: (state) => state.w && checkWindow(state.w),
        },
        otherPreferences: view === UTC_VIEW ? [] : [`outlook.timezone="${view.zoneName}"`],
      });
    },
  });
}

/** Instances as a list: keyed by (start, id), rendered as a page takes them. */
function rendered(
  m: MailboxRecord,
  view: View,
  instances: (after: InstanceKey | undefined, hint: ReadHint) => Iterable<Instance>,
): ListSource {
  return {
    items: (after, hint) =>
      mapped(instances(after as InstanceKey | undefined, hint), (i): ListItem => ({
        key: [i.start, i.id],
        entity: renderInstance(i, m, view, false),
      })),
  };
}

/** What a calendar view of a window shows after a cursor, in (start, id) order: single events merged with series' instances. */
function viewInstances(
  store: MailboxStore,
  m: MailboxRecord,
  [from, to]: CalendarWindow,
  after: InstanceKey | undefined,
  hint: ReadHint,
): Iterable<Instance> {
  const zone = mailboxZone(m);
  const streams: Array<Iterator<Instance>> = [singleEvents(store, m, [from, to], after, hint)];
  for (const id of store.seriesIdsOverlapping(m.no, after ? Math.max(from, after[0]) : from, to)) {
    const series = loadSeries(store, id);
    if (series) streams.push(seriesInstancesFrom(series, zone, from, to, after, store.readStats));
  }
  return merged(streams);
}

/** Single events of the window after a cursor, in (start, id) order, read in batches as the page goes. */
function* singleEvents(
  store: MailboxStore,
  m: MailboxRecord,
  [from, to]: CalendarWindow,
  after: InstanceKey | undefined,
  hint: ReadHint,
): Generator<Instance> {
  const zone = mailboxZone(m);
  let read = 0;
  let batch = Math.max(1, Math.min(hint.first, MAX_BATCH));
  let cursor = after;
  for (;;) {
    const size = Math.min(batch, hint.most - read);
    if (size <= 0) return;
    const rows = store.singleEventsOverlapping(m.no, from, to, cursor, size);
    read += rows.length;
    for (const row of rows) yield masterInstance(row, zone);
    if (rows.length < size) return;
    const last = rows[rows.length - 1];
    cursor = [last.span!.start, last.id];
    batch = Math.min(batch * 2, MAX_BATCH);
  }
}

/** Several (start, id)-ordered streams as one. */
function* merged(streams: Array<Iterator<Instance>>): Generator<Instance> {
  const heads = streams.map((s) => ({ s, next: s.next() })).filter((h) => !h.next.done);
  while (heads.length > 0) {
    let min = 0;
    for (let i = 1; i < heads.length; i++)
      if (compareInstances(heads[i].next.value as Instance, heads[min].next.value as Instance) < 0) min = i;
    const head = heads[min];
    yield head.next.value as Instance;
    head.next = head.s.next();
    if (head.next.done) heads.splice(min, 1);
  }
}

function* mapped<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of items) yield f(t);
}

function* concatenated<T>(...parts: Array<Iterable<T>>): Generator<T> {
  for (const part of parts) yield* part;
}

function* filtered<T>(items: Iterable<T>, keep: (t: T) => boolean): Generator<T> {
  for (const t of items) if (keep(t)) yield t;
}

/**
 * One part of a later round's entries (`c` changed, `r` removed), resumed after `after`: from its start when the
 * last page stopped in an earlier part, from the cursor within it, none when the last page was past it.
 */
function* phase(
  name: 'c' | 'r',
  after: EntryKey | undefined,
  entries: (from: InstanceKey | undefined) => Iterable<DeltaEntry>,
): Generator<DeltaEntry> {
  if (after !== undefined && after[0] > name) return;
  yield* entries(after !== undefined && after[0] === name ? [after[1] as number, after[2] as string] : undefined);
}
