/**
 * Events (WIRE.md 9): CRUD under `/me/events` (masters and single events); instances of a series, the calendar
 * view and its delta are in calendar-view.ts. Writing an occurrence makes it an exception; deleting one cancels
 * it. Every write keeps the event's span (event-spans.ts) beside it. `Prefer: outlook.timezone="..."` sets the
 * zone of returned start/end (IANA or Windows names).
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MailboxContext } from './context';
import { ItemRow, MailboxRecord, MailboxStore } from './store';
import { Obj, Problem, PropDef, checkProperties, isObject, problemMessage } from './properties';
import { GraphError, graphErrors } from './errors';
import { decodeId, makeId, masterIdOf } from './ids';
import { checkIfMatch, jsonBody, param, resource, sendEntity, sendNoContent } from './http';
import { applySelect, parseSelect, queryOf } from './query-options';
import { contextUrl, preferences } from './paging';
import { validateRecurrence } from './recurrence';
import { DAY, MINUTE, parseGraphDateTime, resolveTimeZone } from './time-zones';
import {
  DateTimeTimeZone,
  Instance,
  SeriesState,
  UTC_VIEW,
  View,
  eventTimes,
  inZoneOf,
  instanceAt,
  loadSeries,
  masterInstance,
  renderInstance,
} from './event-series';
import { eventSpan } from './event-spans';
import { LIST_OPTIONS, listPath, sendListPage } from './list-page';
import { itemList } from './item-list';
import { BODY_LIMITS, bodyLimit } from './body-limits';

const S = { kind: 'string', maxLength: 1024 } as const;
const READ_ONLY = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'iCalUId',
  'hasAttachments',
  'bodyPreview',
  'isCancelled',
  'isOrganizer',
  'seriesMasterId',
  'type',
  'webLink',
  'onlineMeetingUrl',
  'onlineMeetingProvider',
  'isDraft',
  'responseStatus',
  'organizer',
  'onlineMeeting',
  'originalStart',
];

/** The writable properties of an event, and the read-only ones clients may send back. */
export const EVENT_PROPS: readonly PropDef[] = [
  { name: 'subject', type: S },
  { name: 'body', type: { kind: 'itemBody' } },
  { name: 'start', type: { kind: 'dateTimeTimeZone' } },
  { name: 'end', type: { kind: 'dateTimeTimeZone' } },
  { name: 'isAllDay', type: { kind: 'boolean' } },
  { name: 'recurrence', type: { kind: 'custom' } },
  { name: 'location', type: { kind: 'location' } },
  { name: 'locations', type: { kind: 'locations' } },
  { name: 'attendees', type: { kind: 'attendees' } },
  { name: 'categories', type: { kind: 'stringList' } },
  { name: 'importance', type: { kind: 'enum', values: ['low', 'normal', 'high'] } },
  { name: 'sensitivity', type: { kind: 'enum', values: ['normal', 'personal', 'private', 'confidential'] } },
  {
    name: 'showAs',
    type: { kind: 'enum', values: ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] },
  },
  { name: 'isReminderOn', type: { kind: 'boolean' } },
  { name: 'reminderMinutesBeforeStart', type: { kind: 'int', min: 0, max: 525_600 } },
  { name: 'responseRequested', type: { kind: 'boolean' } },
  { name: 'isOnlineMeeting', type: { kind: 'boolean' } },
  { name: 'allowNewTimeProposals', type: { kind: 'boolean' } },
  { name: 'hideAttendees', type: { kind: 'boolean' } },
  { name: 'transactionId', type: { kind: 'custom' } },
  ...READ_ONLY.map((name) => ({ name, type: S, readOnly: true })),
];

export const EVENT_SELECTABLE = [
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'transactionId',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'iCalUId',
  'reminderMinutesBeforeStart',
  'isReminderOn',
  'hasAttachments',
  'subject',
  'bodyPreview',
  'importance',
  'sensitivity',
  'isAllDay',
  'isCancelled',
  'isOrganizer',
  'responseRequested',
  'seriesMasterId',
  'showAs',
  'type',
  'webLink',
  'onlineMeetingUrl',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'allowNewTimeProposals',
  'isDraft',
  'hideAttendees',
  'originalStart',
  'responseStatus',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'recurrence',
  'attendees',
  'organizer',
  'onlineMeeting',
];

export const CALENDAR_SCOPE = 'calendar';

export type EventMode = 'create' | 'update' | 'instance';

/**
 * Check an event body against what is stored (nothing for a create) and return the properties to store.
 * `mode` "instance" is an occurrence or exception: it cannot carry a recurrence.
 */
export function checkEvent(
  body: Obj,
  existing: Obj | undefined,
  mode: EventMode,
  mailboxZone: string,
  path = '',
): { props: Obj; transactionId?: string; problems: Problem[] } {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const { values, problems } = checkProperties(body, EVENT_PROPS, 'event', path);
  let transactionId: string | undefined;
  if ('transactionId' in values) {
    const t = values.transactionId;
    delete values.transactionId;
    if (t !== null && (typeof t !== 'string' || t.length > 512))
      problems.push({ path: at('transactionId'), message: 'must be a string', code: 'RequestBodyRead' });
    else if (mode === 'create' && typeof t === 'string') transactionId = t;
  }
  const props: Obj = { ...(existing ?? {}), ...values };
  if (problems.length) return { props, problems };
  const semantic = (k: string, message: string, code = 'ErrorInvalidRequest') =>
    problems.push({ path: at(k), message, code });

  for (const k of ['start', 'end'] as const) {
    if (!isObject(props[k])) semantic(k, `required, an object { dateTime, timeZone }`);
  }
  if (problems.length) return { props, problems };
  if (props.isAllDay === true) {
    const s = parseGraphDateTime((props.start as DateTimeTimeZone).dateTime)!.wall;
    const e = parseGraphDateTime((props.end as DateTimeTimeZone).dateTime)!.wall;
    if (s % DAY !== 0 || e % DAY !== 0 || e <= s) {
      semantic(
        'end',
        'an all-day event starts and ends at midnight and lasts at least one day (end is the midnight after its last day)',
      );
      return { props, problems };
    }
  } else {
    const t = eventTimes(props, mailboxZone);
    if (t.end < t.start) {
      problems.push({
        path: at('end'),
        message: 'is before start',
        code: 'ErrorCalendarEndDateIsEarlierThanStartDate',
        wire: 'The end date occurs before the start date.',
      });
      return { props, problems };
    }
  }
  if ('recurrence' in values) {
    if (values.recurrence === null || values.recurrence === undefined) props.recurrence = null;
    else if (mode === 'instance')
      semantic('recurrence', 'an occurrence or exception of a series cannot have a recurrence of its own');
    else {
      const start = props.start as DateTimeTimeZone;
      const r = validateRecurrence(values.recurrence, at('recurrence'), start.timeZone, start.dateTime.slice(0, 10));
      problems.push(...r.problems);
      if (r.value) props.recurrence = r.value;
    }
  }
  return { props, transactionId, problems };
}

function throwFirst(problems: Problem[]): never {
  throw new GraphError(400, problems[0].code, problemMessage(problems[0]));
}

/** The zone `Prefer: outlook.timezone` asks for; an unknown one is ignored and times stay in UTC. */
export function viewOf(req: FastifyRequest, reply?: FastifyReply): View {
  const name = preferences(req).get('outlook.timezone');
  const iana = name === undefined ? undefined : resolveTimeZone(name);
  if (name === undefined || !iana) return UTC_VIEW;
  reply?.header('Preference-Applied', `outlook.timezone="${name}"`);
  return { zoneName: name, iana };
}

export function mailboxZone(mailbox: MailboxRecord): string {
  return resolveTimeZone(mailbox.timeZone) ?? 'UTC';
}

function snapshot(series: SeriesState): SeriesState {
  return { master: series.master, exceptions: series.exceptions };
}

/** Create a single event or a series master (HTTP and seed). */
export function insertEvent(store: MailboxStore, mailbox: MailboxRecord, props: Obj, transactionId?: string): ItemRow {
  return store.transaction(() => {
    const id = makeId('event', mailbox.no, store.nextItemSeq());
    const seq = store.logChange(mailbox.no, CALENDAR_SCOPE, id, 'created', null);
    const now = store.now();
    const row: ItemRow = {
      id,
      mailbox: mailbox.no,
      kind: 'event',
      parent: mailbox.calendarId,
      data: { props, sys: transactionId ? { transactionId } : {} },
      changeKey: store.changeKeyFor(mailbox.no, seq),
      created: now,
      modified: now,
    };
    row.span = eventSpan(row, [], mailboxZone(mailbox));
    store.putItem(row, transactionId ?? null);
    return row;
  });
}

/** Change a master or single event; a new time or pattern drops the series' exceptions and cancellations, as Outlook does. */
export function updateMaster(store: MailboxStore, mailbox: MailboxRecord, series: SeriesState, props: Obj): ItemRow {
  return store.transaction(() => {
    const seq = store.logChange(mailbox.no, CALENDAR_SCOPE, series.master.id, 'updated', snapshot(series));
    const old = series.master.data.props;
    // Times are compared as instants: a client sending back the start it read (in UTC) has not moved the series.
    const zone = mailboxZone(mailbox);
    const [was, now] = [eventTimes(old, zone), eventTimes(props, zone)];
    const timing =
      was.start !== now.start ||
      was.end !== now.end ||
      was.allDay !== now.allDay ||
      JSON.stringify(old.recurrence ?? null) !== JSON.stringify(props.recurrence ?? null);
    const sys = { ...series.master.data.sys };
    if (timing) {
      for (const x of series.exceptions) store.deleteItem(x.id);
      delete sys.cancelled;
    }
    const row: ItemRow = {
      ...series.master,
      data: { props, sys },
      changeKey: store.changeKeyFor(mailbox.no, seq),
      modified: store.now(),
    };
    row.span = eventSpan(row, timing ? [] : series.exceptions, zone);
    store.putItem(row);
    return row;
  });
}

/** Delete a master (with all of its series) or a single event. */
export function deleteSeries(store: MailboxStore, mailbox: MailboxRecord, series: SeriesState): void {
  store.transaction(() => {
    store.logChange(mailbox.no, CALENDAR_SCOPE, series.master.id, 'deleted', snapshot(series));
    for (const x of series.exceptions) store.deleteItem(x.id);
    store.deleteItem(series.master.id);
  });
}

/** Store an occurrence's own properties: it becomes (or stays) an exception, under the occurrence's id. */
export function writeException(
  store: MailboxStore,
  mailbox: MailboxRecord,
  series: SeriesState,
  inst: Instance,
  props: Obj,
): ItemRow {
  return store.transaction(() => {
    const seq = store.logChange(mailbox.no, CALENDAR_SCOPE, series.master.id, 'updated', snapshot(series));
    const now = store.now();
    const row: ItemRow = {
      id: inst.id,
      mailbox: mailbox.no,
      kind: 'exception',
      parent: series.master.id,
      data: { props, sys: { originalStart: inst.originalStart } },
      changeKey: store.changeKeyFor(mailbox.no, seq),
      created: inst.type === 'exception' ? inst.row.created : now,
      modified: now,
    };
    store.putItem(row);
    // An exception may move anywhere: the series' span takes it in.
    store.setEventSpan(
      series.master,
      eventSpan(series.master, [...series.exceptions.filter((x) => x.id !== row.id), row], mailboxZone(mailbox)),
    );
    return row;
  });
}

/**
 * Cancel an occurrence (or an exception). The master's own change key stays: its properties did not change,
 * so its other occurrences are not sent again by delta; the cancelled one is sent as `@removed`.
 */
export function cancelInstance(store: MailboxStore, mailbox: MailboxRecord, series: SeriesState, inst: Instance): void {
  store.transaction(() => {
    store.logChange(mailbox.no, CALENDAR_SCOPE, series.master.id, 'updated', snapshot(series));
    if (inst.type === 'exception') store.deleteItem(inst.id);
    const cancelled = [
      ...((series.master.data.sys.cancelled as number[] | undefined) ?? []),
      Math.round(inst.originalStart! / MINUTE),
    ];
    store.putItem({
      ...series.master,
      data: { props: series.master.data.props, sys: { ...series.master.data.sys, cancelled } },
    });
  });
}

/** The properties an occurrence starts from when it becomes an exception: the master's, at the occurrence's time. */
export function occurrenceProps(inst: Instance): Obj {
  if (inst.type === 'exception') return inst.row.data.props;
  const { recurrence: _, ...props } = inst.row.data.props;
  const start = props.start as DateTimeTimeZone;
  const end = props.end as DateTimeTimeZone;
  return {
    ...props,
    start: inZoneOf(start, inst.start, inst.startWall, inst.allDay),
    end: inZoneOf(end, inst.end, inst.endWall, inst.allDay),
  };
}

interface Found {
  series: SeriesState;
  inst: Instance;
}

/** The event an id names: a master or single event, an occurrence, or an exception. */
export function findEvent(store: MailboxStore, mailbox: MailboxRecord, id: string): Found {
  const d = decodeId(id);
  if (!d) throw graphErrors.idMalformed();
  if (d.mailbox !== mailbox.no) throw graphErrors.itemNotFound();
  const zone = mailboxZone(mailbox);
  if (d.kind === 'event') {
    const series = loadSeries(store, id);
    if (!series) throw graphErrors.itemNotFound();
    return { series, inst: masterInstance(series.master, zone) };
  }
  if (d.kind === 'occurrence') {
    const series = loadSeries(store, masterIdOf(d));
    const inst = series && instanceAt(series, zone, d.extra * MINUTE);
    if (!series || !inst) throw graphErrors.itemNotFound();
    return { series, inst };
  }
  throw graphErrors.itemNotFound();
}

export function registerEvents(app: FastifyInstance, ctx: MailboxContext): void {
  const { store, options } = ctx;
  const eventsContext = (m: MailboxRecord) => `users('${encodeURIComponent(m.user)}')/events`;
  const sendEvent = (
    req: FastifyRequest,
    reply: FastifyReply,
    m: MailboxRecord,
    inst: Instance,
    status: number,
    select?: string[],
  ) => {
    const entity = applySelect(renderInstance(inst, m, viewOf(req, reply), false), select);
    sendEntity(
      reply,
      status,
      { '@odata.context': contextUrl(req, `${eventsContext(m)}/$entity`), ...entity },
      inst.changeKey,
    );
  };

  resource(
    app,
    ['/me/events', '/me/calendar/events'],
    {
      GET: (req, reply, m) => {
        const q = queryOf(req, LIST_OPTIONS);
        const view = viewOf(req, reply);
        const zone = mailboxZone(m);
        sendListPage(
          req,
          reply,
          ctx,
          {
            path: listPath(req),
            context: eventsContext(m),
            query: q,
            entityType: 'event',
            properties: EVENT_SELECTABLE,
          },
          itemList(store, m.no, 'event', undefined, (r) => renderInstance(masterInstance(r, zone), m, view, false)),
        );
      },
      POST: (req, reply, m) => {
        const zone = mailboxZone(m);
        const checked = checkEvent(jsonBody(req), undefined, 'create', zone);
        if (checked.problems.length) throwFirst(checked.problems);
        // transactionId: Graph's guard against a create sent twice; the second answer is the first event.
        const earlier = checked.transactionId ? store.itemByTransactionId(m.no, checked.transactionId) : undefined;
        const row = earlier ?? insertEvent(store, m, checked.props, checked.transactionId);
        sendEvent(req, reply, m, masterInstance(row, zone), 201);
      },
    },
    bodyLimit(BODY_LIMITS.item, options),
  );

  resource(
    app,
    ['/me/events/:id', '/me/calendar/events/:id'],
    {
      GET: (req, reply, m) => {
        const q = queryOf(req, ['$select']);
        const { inst } = findEvent(store, m, param(req, 'id'));
        sendEvent(req, reply, m, inst, 200, parseSelect(q.get('$select'), EVENT_SELECTABLE, 'event'));
      },
      PATCH: (req, reply, m) => {
        const zone = mailboxZone(m);
        const { series, inst } = findEvent(store, m, param(req, 'id'));
        checkIfMatch(req, inst.changeKey);
        const body = jsonBody(req);
        if (inst.type === 'occurrence' || inst.type === 'exception') {
          const checked = checkEvent(body, occurrenceProps(inst), 'instance', zone);
          if (checked.problems.length) throwFirst(checked.problems);
          writeException(store, m, series, inst, checked.props);
          const after = instanceAt(loadSeries(store, series.master.id)!, zone, inst.originalStart!)!;
          return sendEvent(req, reply, m, after, 200);
        }
        const checked = checkEvent(body, series.master.data.props, 'update', zone);
        if (checked.problems.length) throwFirst(checked.problems);
        const row = updateMaster(store, m, series, checked.props);
        sendEvent(req, reply, m, masterInstance(row, zone), 200);
      },
      DELETE: (req, reply, m) => {
        const { series, inst } = findEvent(store, m, param(req, 'id'));
        checkIfMatch(req, inst.changeKey);
        if (inst.type === 'occurrence' || inst.type === 'exception') cancelInstance(store, m, series, inst);
        else deleteSeries(store, m, series);
        sendNoContent(reply);
      },
    },
    bodyLimit(BODY_LIMITS.item, options),
  );
}
