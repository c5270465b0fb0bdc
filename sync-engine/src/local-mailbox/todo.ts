/**
 * Microsoft To Do (WIRE.md 10): task lists (one is the mailbox's "defaultList") and their tasks, CRUD and
 * delta for both. Task date-times come back in UTC, as To Do returns them.
 */
import { FastifyInstance, FastifyRequest } from 'fastify';
import { MailboxContext } from './context';
import { ItemRow, MailboxRecord, MailboxStore } from './store';
import { Obj, Problem, PropDef, checkProperties, problemMessage } from './properties';
import { GraphError, graphErrors } from './errors';
import { decodeId, etagOf } from './ids';
import { checkIfMatch, jsonBody, param, resource, sendEntity, sendNoContent } from './http';
import { applySelect, parseSelect, queryOf } from './query-options';
import { contextUrl, wholeNumber } from './paging';
import { createItem, deleteItem, updateItem } from './item-writes';
import { formatGraphDateTime, formatTimestamp, parseGraphDateTime, resolveTimeZone, wallToUtc } from './time-zones';
import { DeltaSource, oneEntry, serveDelta } from './delta';
import { LIST_OPTIONS, listPath, sendListPage } from './list-page';
import { itemList } from './item-list';
import { BODY_LIMITS, bodyLimit } from './body-limits';
import { validateRecurrence } from './recurrence';
import type { DateTimeTimeZone } from './event-series';

const S = { kind: 'string', maxLength: 1024 } as const;
const DTZ = { kind: 'dateTimeTimeZone' } as const;

export const TASK_PROPS: readonly PropDef[] = [
  { name: 'title', type: S },
  { name: 'body', type: { kind: 'itemBody' } },
  { name: 'importance', type: { kind: 'enum', values: ['low', 'normal', 'high'] } },
  {
    name: 'status',
    type: { kind: 'enum', values: ['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'] },
  },
  { name: 'dueDateTime', type: DTZ },
  { name: 'startDateTime', type: DTZ },
  { name: 'reminderDateTime', type: DTZ },
  { name: 'completedDateTime', type: DTZ },
  { name: 'isReminderOn', type: { kind: 'boolean' } },
  { name: 'categories', type: { kind: 'stringList' } },
  { name: 'recurrence', type: { kind: 'custom' } },
  ...['id', 'createdDateTime', 'lastModifiedDateTime', 'bodyLastModifiedDateTime', 'hasAttachments'].map((name) => ({
    name,
    type: S,
    readOnly: true,
  })),
];

export const LIST_PROPS: readonly PropDef[] = [
  { name: 'displayName', type: { kind: 'string', maxLength: 255 } },
  ...['id', 'isOwner', 'isShared', 'wellknownListName'].map((name) => ({ name, type: S, readOnly: true })),
];

export const TASK_SELECTABLE = [
  'importance',
  'isReminderOn',
  'status',
  'title',
  'createdDateTime',
  'lastModifiedDateTime',
  'hasAttachments',
  'categories',
  'body',
  'bodyLastModifiedDateTime',
  'dueDateTime',
  'startDateTime',
  'reminderDateTime',
  'completedDateTime',
  'recurrence',
];
export const LIST_SELECTABLE = ['displayName', 'isOwner', 'isShared', 'wellknownListName'];

export const LISTS_SCOPE = 'todoLists';
export const tasksScope = (listId: string) => `tasks:${listId}`;

/** A date-time as To Do returns it: in UTC. */
function inUtc(v: DateTimeTimeZone): DateTimeTimeZone {
  const wall = parseGraphDateTime(v.dateTime)!.wall;
  return { dateTime: formatGraphDateTime(wallToUtc(wall, resolveTimeZone(v.timeZone)!)), timeZone: 'UTC' };
}

/** The task as Graph returns it (WIRE.md 10.2): optional members only when set. */
export function renderTask(row: ItemRow): Obj {
  const p = row.data.props;
  const out: Obj = {
    '@odata.etag': etagOf(row.changeKey),
    importance: p.importance ?? 'normal',
    isReminderOn: p.isReminderOn ?? false,
    status: p.status ?? 'notStarted',
    title: p.title ?? '',
    createdDateTime: formatTimestamp(row.created, true),
    lastModifiedDateTime: formatTimestamp(row.modified, true),
    hasAttachments: false,
    categories: p.categories ?? [],
    id: row.id,
    body: p.body ?? { content: '', contentType: 'text' },
    bodyLastModifiedDateTime: formatTimestamp((row.data.sys.bodyModified as number | undefined) ?? row.created, true),
  };
  for (const k of ['dueDateTime', 'startDateTime', 'reminderDateTime', 'completedDateTime']) {
    if (p[k]) out[k] = inUtc(p[k] as DateTimeTimeZone);
  }
  if (p.recurrence) out.recurrence = p.recurrence;
  return out;
}

export function renderList(row: ItemRow): Obj {
  return {
    '@odata.etag': etagOf(row.changeKey),
    displayName: row.data.props.displayName,
    isOwner: true,
    isShared: false,
    wellknownListName: (row.data.sys.wellknownListName as string | undefined) ?? 'none',
    id: row.id,
  };
}

/** Check a task body against what is stored; `now` fills completedDateTime when a task is completed. */
export function checkTask(
  body: Obj,
  existing: Obj | undefined,
  now: number,
  path = '',
): { props: Obj; problems: Problem[] } {
  const { values, problems } = checkProperties(body, TASK_PROPS, 'todoTask', path);
  const props: Obj = { ...(existing ?? {}), ...values };
  if (problems.length) return { props, problems };
  if ('status' in values) {
    if (values.status === 'completed' && !props.completedDateTime)
      props.completedDateTime = { dateTime: formatGraphDateTime(now), timeZone: 'UTC' };
    if (values.status !== 'completed' && !('completedDateTime' in values)) delete props.completedDateTime;
  }
  if ('recurrence' in values) {
    const at = path ? `${path}.recurrence` : 'recurrence';
    const due = props.dueDateTime as DateTimeTimeZone | null | undefined;
    if (values.recurrence === null) props.recurrence = null;
    else if (!due)
      problems.push({ path: at, message: 'a recurring task needs a dueDateTime', code: 'ErrorInvalidRequest' });
    else {
      const r = validateRecurrence(values.recurrence, at, due.timeZone, due.dateTime.slice(0, 10));
      problems.push(...r.problems);
      if (r.value) props.recurrence = r.value;
    }
  }
  return { props, problems };
}

function checkList(body: Obj, creating: boolean, path = ''): { props: Obj; problems: Problem[] } {
  const { values, problems } = checkProperties(body, LIST_PROPS, 'todoTaskList', path);
  if (
    !problems.length &&
    (creating || 'displayName' in values) &&
    (typeof values.displayName !== 'string' || values.displayName.trim() === '')
  ) {
    problems.push({
      path: path ? `${path}.displayName` : 'displayName',
      message: 'required, a non-empty string',
      code: 'invalidRequest',
    });
  }
  return { props: values, problems };
}

function orThrow<T extends { problems: Problem[] }>(checked: T): T {
  if (checked.problems.length) throw new GraphError(400, checked.problems[0].code, problemMessage(checked.problems[0]));
  return checked;
}

/** Create a task list (HTTP and seed). */
export function insertList(
  store: MailboxStore,
  mailbox: MailboxRecord,
  displayName: string,
  wellknownListName = 'none',
): ItemRow {
  return createItem(store, mailbox, {
    kind: 'taskList',
    parent: null,
    scope: LISTS_SCOPE,
    data: { props: { displayName }, sys: { wellknownListName } },
  });
}

/** Create a task in a list (HTTP and seed). */
export function insertTask(store: MailboxStore, mailbox: MailboxRecord, listId: string, props: Obj): ItemRow {
  return createItem(store, mailbox, {
    kind: 'task',
    parent: listId,
    scope: tasksScope(listId),
    data: { props, sys: {} },
  });
}

export function registerTodo(app: FastifyInstance, ctx: MailboxContext): void {
  const { store, options } = ctx;
  const listsContext = (m: MailboxRecord) => `users('${encodeURIComponent(m.user)}')/todo/lists`;
  const tasksContext = (m: MailboxRecord, listId: string) => `${listsContext(m)}('${listId}')/tasks`;

  const listFrom = (req: FastifyRequest, m: MailboxRecord): ItemRow => {
    const id = param(req, 'listId');
    if (!decodeId(id)) throw graphErrors.idMalformed();
    const row = store.getItem(id);
    if (!row || row.kind !== 'taskList' || row.mailbox !== m.no) throw graphErrors.itemNotFound();
    return row;
  };
  const taskFrom = (req: FastifyRequest, m: MailboxRecord): { list: ItemRow; task: ItemRow } => {
    const list = listFrom(req, m);
    const id = param(req, 'taskId');
    if (!decodeId(id)) throw graphErrors.idMalformed();
    const task = store.getItem(id);
    if (!task || task.kind !== 'task' || task.parent !== list.id) throw graphErrors.itemNotFound();
    return { list, task };
  };

  resource(
    app,
    ['/me/todo/lists'],
    {
      GET: (req, reply, m) => {
        const q = queryOf(req, LIST_OPTIONS);
        sendListPage(
          req,
          reply,
          ctx,
          {
            path: listPath(req),
            context: listsContext(m),
            query: q,
            entityType: 'todoTaskList',
            properties: LIST_SELECTABLE,
          },
          itemList(store, m.no, 'taskList', undefined, renderList),
        );
      },
      POST: (req, reply, m) => {
        const { props } = orThrow(checkList(jsonBody(req), true));
        const row = insertList(store, m, props.displayName as string);
        sendEntity(
          reply,
          201,
          { '@odata.context': contextUrl(req, `${listsContext(m)}/$entity`), ...renderList(row) },
          row.changeKey,
        );
      },
    },
    bodyLimit(BODY_LIMITS.taskList, options),
  );

  resource(app, ['/me/todo/lists/delta'], {
    GET: (req, reply, m) => {
      const q = queryOf(req, ['$select', '$deltatoken', '$skiptoken']);
      const source: DeltaSource = {
        scope: LISTS_SCOPE,
        path: '/me/todo/lists/delta',
        context: 'Collection(todoTaskList)',
        groupsAfter: (after, limit) => store.itemIdsAfter(m.no, 'taskList', undefined, after, limit),
        entries: (id, before, state, after) =>
          oneEntry(id, before, after, undefined, () => {
            const row = store.getItem(id);
            return row && row.kind === 'taskList' ? applySelect(renderList(row), state.sel) : undefined;
          }),
      };
      serveDelta(req, reply, {
        store,
        mailbox: m,
        source,
        pageSize: { default: options.defaultPageSize, max: options.maxPageSize },
        request: {
          deltaToken: q.get('$deltatoken'),
          skipToken: q.get('$skiptoken'),
          select: parseSelect(q.get('$select'), LIST_SELECTABLE, 'todoTaskList'),
        },
      });
    },
  });

  resource(
    app,
    ['/me/todo/lists/:listId'],
    {
      GET: (req, reply, m) => {
        const q = queryOf(req, ['$select']);
        const row = listFrom(req, m);
        const entity = applySelect(renderList(row), parseSelect(q.get('$select'), LIST_SELECTABLE, 'todoTaskList'));
        sendEntity(
          reply,
          200,
          { '@odata.context': contextUrl(req, `${listsContext(m)}/$entity`), ...entity },
          row.changeKey,
        );
      },
      PATCH: (req, reply, m) => {
        const row = listFrom(req, m);
        checkIfMatch(req, row.changeKey);
        const { props } = orThrow(checkList(jsonBody(req), false));
        const updated = updateItem(store, m, row, LISTS_SCOPE, {
          props: { ...row.data.props, ...props },
          sys: row.data.sys,
        });
        sendEntity(
          reply,
          200,
          { '@odata.context': contextUrl(req, `${listsContext(m)}/$entity`), ...renderList(updated) },
          updated.changeKey,
        );
      },
      DELETE: (req, reply, m) => {
        const row = listFrom(req, m);
        checkIfMatch(req, row.changeKey);
        if (row.data.sys.wellknownListName === 'defaultList') throw graphErrors.cannotDeleteDefault();
        store.transaction(() => {
          for (const t of store.items(m.no, 'task', row.id)) deleteItem(store, m, t, tasksScope(row.id));
          deleteItem(store, m, row, LISTS_SCOPE);
        });
        sendNoContent(reply);
      },
    },
    bodyLimit(BODY_LIMITS.taskList, options),
  );

  resource(
    app,
    ['/me/todo/lists/:listId/tasks'],
    {
      GET: (req, reply, m) => {
        const list = listFrom(req, m);
        const q = queryOf(req, LIST_OPTIONS);
        sendListPage(
          req,
          reply,
          ctx,
          {
            path: listPath(req),
            context: tasksContext(m, list.id),
            query: q,
            entityType: 'todoTask',
            properties: TASK_SELECTABLE,
          },
          itemList(store, m.no, 'task', list.id, renderTask),
        );
      },
      POST: (req, reply, m) => {
        const list = listFrom(req, m);
        const { props } = orThrow(checkTask(jsonBody(req), undefined, store.now()));
        const row = insertTask(store, m, list.id, props);
        sendEntity(
          reply,
          201,
          { '@odata.context': contextUrl(req, `${tasksContext(m, list.id)}/$entity`), ...renderTask(row) },
          row.changeKey,
        );
      },
    },
    bodyLimit(BODY_LIMITS.item, options),
  );

  resource(app, ['/me/todo/lists/:listId/tasks/delta'], {
    GET: (req, reply, m) => {
      const list = listFrom(req, m);
      const q = queryOf(req, ['$select', '$top', '$deltatoken', '$skiptoken']);
      const source: DeltaSource = {
        scope: tasksScope(list.id),
        path: `/me/todo/lists/${list.id}/tasks/delta`,
        context: 'Collection(todoTask)',
        groupsAfter: (after, limit) => store.itemIdsAfter(m.no, 'task', list.id, after, limit),
        entries: (id, before, state, after) =>
          oneEntry(id, before, after, undefined, () => {
            const row = store.getItem(id);
            return row && row.kind === 'task' && row.parent === list.id
              ? applySelect(renderTask(row), state.sel)
              : undefined;
          }),
      };
      // To Do takes $top on delta as the page size of the round (WIRE.md 10.3).
      serveDelta(req, reply, {
        store,
        mailbox: m,
        source,
        pageSize: { default: options.defaultPageSize, max: options.maxPageSize },
        request: {
          deltaToken: q.get('$deltatoken'),
          skipToken: q.get('$skiptoken'),
          select: parseSelect(q.get('$select'), TASK_SELECTABLE, 'todoTask'),
          top: wholeNumber(q.get('$top'), '$top', 1, options.maxPageSize),
        },
      });
    },
  });

  resource(
    app,
    ['/me/todo/lists/:listId/tasks/:taskId'],
    {
      GET: (req, reply, m) => {
        const q = queryOf(req, ['$select']);
        const { list, task } = taskFrom(req, m);
        const entity = applySelect(renderTask(task), parseSelect(q.get('$select'), TASK_SELECTABLE, 'todoTask'));
        sendEntity(
          reply,
          200,
          { '@odata.context': contextUrl(req, `${tasksContext(m, list.id)}/$entity`), ...entity },
          task.changeKey,
        );
      },
      PATCH: (req, reply, m) => {
        const { list, task } = taskFrom(req, m);
        checkIfMatch(req, task.changeKey);
        const body = jsonBody(req);
        const { props } = orThrow(checkTask(body, task.data.props, store.now()));
        const sys = 'body' in body ? { ...task.data.sys, bodyModified: store.now() } : task.data.sys;
        const updated = updateItem(store, m, task, tasksScope(list.id), { props, sys });
        sendEntity(
          reply,
          200,
          { '@odata.context': contextUrl(req, `${tasksContext(m, list.id)}/$entity`), ...renderTask(updated) },
          updated.changeKey,
        );
      },
      DELETE: (req, reply, m) => {
        const { list, task } = taskFrom(req, m);
        checkIfMatch(req, task.changeKey);
        deleteItem(store, m, task, tasksScope(list.id));
        sendNoContent(reply);
      },
    },
    bodyLimit(BODY_LIMITS.item, options),
  );
}
