/**
 * Contacts (WIRE.md 8): the default contact folder, contact CRUD under `/me/contacts` and
 * `/me/contactFolders/{id}/contacts`, and the folder's delta.
 */
import { FastifyInstance, FastifyRequest } from 'fastify';
import { MailboxContext } from './context';
import { ItemRow, MailboxRecord } from './store';
import { Obj, PropDef, checkProperties, problemMessage } from './properties';
import { GraphError, graphErrors } from './errors';
import { decodeId, etagOf, makeId } from './ids';
import { checkIfMatch, jsonBody, param, resource, sendEntity, sendJson, sendNoContent } from './http';
import { applySelect, parseSelect, queryOf } from './query-options';
import { contextUrl } from './paging';
import { createItem, deleteItem, updateItem } from './item-writes';
import { formatTimestamp } from './time-zones';
import { DeltaSource, oneEntry, serveDelta } from './delta';
import { LIST_OPTIONS, listPath, sendListPage } from './list-page';
import { itemList } from './item-list';
import { BODY_LIMITS, bodyLimit } from './body-limits';

const S = { kind: 'string', maxLength: 1024 } as const;
const LONG = { kind: 'string', maxLength: 1_000_000 } as const;
const LIST = { kind: 'stringList' } as const;
const ADDRESS = { kind: 'physicalAddress' } as const;

/** The writable properties of a contact, and the read-only ones clients may send back. */
export const CONTACT_PROPS: readonly PropDef[] = [
  { name: 'assistantName', type: S },
  { name: 'birthday', type: { kind: 'dateTimeOffset' } },
  { name: 'businessAddress', type: ADDRESS },
  { name: 'businessHomePage', type: S },
  { name: 'businessPhones', type: LIST },
  { name: 'categories', type: LIST },
  { name: 'children', type: LIST },
  { name: 'companyName', type: S },
  { name: 'department', type: S },
  { name: 'displayName', type: S },
  { name: 'emailAddresses', type: { kind: 'emailAddresses' } },
  { name: 'fileAs', type: S },
  { name: 'generation', type: S },
  { name: 'givenName', type: S },
  { name: 'homeAddress', type: ADDRESS },
  { name: 'homePhones', type: LIST },
  { name: 'imAddresses', type: LIST },
  { name: 'initials', type: S },
  { name: 'jobTitle', type: S },
  { name: 'manager', type: S },
  { name: 'middleName', type: S },
  { name: 'mobilePhone', type: S },
  { name: 'nickName', type: S },
  { name: 'officeLocation', type: S },
  { name: 'otherAddress', type: ADDRESS },
  { name: 'personalNotes', type: LONG },
  { name: 'profession', type: S },
  { name: 'spouseName', type: S },
  { name: 'surname', type: S },
  { name: 'title', type: S },
  { name: 'yomiCompanyName', type: S },
  { name: 'yomiGivenName', type: S },
  { name: 'yomiSurname', type: S },
  ...['id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'parentFolderId'].map((name) => ({
    name,
    type: S,
    readOnly: true,
  })),
];

/** Graph's order of a contact's properties (WIRE.md 8.1) with the value of each when unset. */
const CONTACT_LAYOUT: Array<[string, unknown]> = [
  ['birthday', null],
  ['fileAs', ''],
  ['displayName', ''],
  ['givenName', null],
  ['initials', null],
  ['middleName', null],
  ['nickName', null],
  ['surname', null],
  ['title', null],
  ['yomiGivenName', null],
  ['yomiSurname', null],
  ['yomiCompanyName', null],
  ['generation', null],
  ['imAddresses', []],
  ['jobTitle', null],
  ['companyName', null],
  ['department', null],
  ['officeLocation', null],
  ['profession', null],
  ['businessHomePage', null],
  ['assistantName', null],
  ['manager', null],
  ['homePhones', []],
  ['mobilePhone', null],
  ['businessPhones', []],
  ['spouseName', null],
  ['personalNotes', null],
  ['children', []],
  ['emailAddresses', []],
  ['homeAddress', {}],
  ['businessAddress', {}],
  ['otherAddress', {}],
];

export const CONTACT_SELECTABLE = [
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'parentFolderId',
  ...CONTACT_LAYOUT.map(([k]) => k),
];

/** The contact as Graph returns it; in delta pages with `@odata.type` first. */
export function renderContact(row: ItemRow, inDelta: boolean): Obj {
  const p = row.data.props;
  const out: Obj = {
    ...(inDelta ? { '@odata.type': '#microsoft.graph.contact' } : {}),
    '@odata.etag': etagOf(row.changeKey),
    id: row.id,
    createdDateTime: formatTimestamp(row.created, false),
    lastModifiedDateTime: formatTimestamp(row.modified, false),
    changeKey: row.changeKey,
    categories: p.categories ?? [],
    parentFolderId: row.parent,
  };
  for (const [k, empty] of CONTACT_LAYOUT) out[k] = p[k] ?? empty;
  return out;
}

/** Outlook's display name when none is given: the name parts that are set. */
function composedName(p: Obj): string {
  return [p.givenName, p.middleName, p.surname].filter((s) => typeof s === 'string' && s !== '').join(' ');
}

/** Check a contact body (create or change) and return the properties to store; problems carry their paths. */
export function checkContact(
  body: Obj,
  existing: ItemRow | undefined,
  path = '',
): { props: Obj; autoName: boolean; problems: ReturnType<typeof checkProperties>['problems'] } {
  const { values, problems } = checkProperties(body, CONTACT_PROPS, 'contact', path);
  const props: Obj = { ...(existing?.data.props ?? {}), ...values };
  let autoName = existing ? existing.data.sys.autoDisplayName === true : true;
  if ('displayName' in values) autoName = values.displayName === null || values.displayName === '';
  if (autoName) props.displayName = composedName(props);
  return { props, autoName, problems };
}

function contactBodyOrThrow(req: FastifyRequest, existing: ItemRow | undefined) {
  const checked = checkContact(jsonBody(req), existing);
  if (checked.problems.length) throw new GraphError(400, checked.problems[0].code, problemMessage(checked.problems[0]));
  return checked;
}

export function contactScope(folderId: string): string {
  return `contacts:${folderId}`;
}

/** Create a contact in a mailbox's default folder (HTTP and seed). */
export function insertContact(ctx: MailboxContext, mailbox: MailboxRecord, props: Obj, autoName: boolean): ItemRow {
  return createItem(ctx.store, mailbox, {
    kind: 'contact',
    parent: mailbox.contactFolderId,
    scope: contactScope(mailbox.contactFolderId),
    data: { props, sys: { autoDisplayName: autoName } },
  });
}

/** The folder a `/contactFolders/{id}` url names: 400 for a malformed id, 404 for another. */
function folderFrom(req: FastifyRequest, mailbox: MailboxRecord): string {
  const raw = (req.params as { folderId?: string }).folderId;
  if (raw === undefined) return mailbox.contactFolderId;
  if (!decodeId(raw)) throw graphErrors.idMalformed();
  if (raw !== mailbox.contactFolderId) throw graphErrors.itemNotFound();
  return raw;
}

function contactFrom(ctx: MailboxContext, req: FastifyRequest, mailbox: MailboxRecord): ItemRow {
  const folder = folderFrom(req, mailbox);
  const id = param(req, 'id');
  if (!decodeId(id)) throw graphErrors.idMalformed();
  const row = ctx.store.getItem(id);
  if (!row || row.kind !== 'contact' || row.mailbox !== mailbox.no || row.parent !== folder)
    throw graphErrors.itemNotFound();
  return row;
}

function rootFolderId(mailbox: MailboxRecord): string {
  return makeId('contactFolder', mailbox.no, 0);
}

function renderFolder(mailbox: MailboxRecord): Obj {
  return {
    id: mailbox.contactFolderId,
    displayName: 'Contacts',
    parentFolderId: rootFolderId(mailbox),
    wellKnownName: 'contacts',
  };
}

export function registerContacts(app: FastifyInstance, ctx: MailboxContext): void {
  const { store, options } = ctx;
  const userContext = (m: MailboxRecord, rest: string) => `users('${encodeURIComponent(m.user)}')/${rest}`;

  resource(app, ['/me/contactFolders'], {
    GET: (req, reply, m) => {
      queryOf(req, ['$select', '$top']);
      sendJson(reply, 200, {
        '@odata.context': contextUrl(req, userContext(m, 'contactFolders')),
        value: [renderFolder(m)],
      });
    },
  });
  resource(app, ['/me/contactFolders/:folderId'], {
    GET: (req, reply, m) => {
      folderFrom(req, m);
      sendJson(reply, 200, {
        '@odata.context': contextUrl(req, `${userContext(m, 'contactFolders')}/$entity`),
        ...renderFolder(m),
      });
    },
  });

  resource(
    app,
    ['/me/contacts', '/me/contactFolders/:folderId/contacts'],
    {
      GET: (req, reply, m) => {
        const folder = folderFrom(req, m);
        const q = queryOf(req, LIST_OPTIONS);
        sendListPage(
          req,
          reply,
          ctx,
          {
            path: listPath(req),
            context: userContext(m, 'contacts'),
            query: q,
            entityType: 'contact',
            properties: CONTACT_SELECTABLE,
          },
          itemList(store, m.no, 'contact', folder, (r) => renderContact(r, false)),
        );
      },
      POST: (req, reply, m) => {
        folderFrom(req, m);
        const { props, autoName } = contactBodyOrThrow(req, undefined);
        const row = insertContact(ctx, m, props, autoName);
        sendEntity(
          reply,
          201,
          { '@odata.context': contextUrl(req, `${userContext(m, 'contacts')}/$entity`), ...renderContact(row, false) },
          row.changeKey,
        );
      },
    },
    bodyLimit(BODY_LIMITS.item, options),
  );

  resource(app, ['/me/contacts/delta', '/me/contactFolders/:folderId/contacts/delta'], {
    GET: (req, reply, m) => {
      const folder = folderFrom(req, m);
      const q = queryOf(req, ['$select', '$deltatoken', '$skiptoken']);
      const source: DeltaSource = {
        scope: contactScope(folder),
        path:
          (req.params as { folderId?: string }).folderId === undefined
            ? '/me/contacts/delta'
            : `/me/contactFolders/${folder}/contacts/delta`,
        context: 'Collection(contact)',
        groupsAfter: (after, limit) => store.itemIdsAfter(m.no, 'contact', folder, after, limit),
        entries: (id, before, state, after) =>
          oneEntry(id, before, after, '#microsoft.graph.contact', () => {
            const row = store.getItem(id);
            return row && row.kind === 'contact' && row.parent === folder
              ? applySelect(renderContact(row, true), state.sel)
              : undefined;
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
          select: parseSelect(q.get('$select'), CONTACT_SELECTABLE, 'contact'),
        },
      });
    },
  });

  resource(
    app,
    ['/me/contacts/:id', '/me/contactFolders/:folderId/contacts/:id'],
    {
      GET: (req, reply, m) => {
        const row = contactFrom(ctx, req, m);
        const q = queryOf(req, ['$select']);
        const entity = applySelect(
          renderContact(row, false),
          parseSelect(q.get('$select'), CONTACT_SELECTABLE, 'contact'),
        );
        sendEntity(
          reply,
          200,
          { '@odata.context': contextUrl(req, `${userContext(m, 'contacts')}/$entity`), ...entity },
          row.changeKey,
        );
      },
      PATCH: (req, reply, m) => {
        const row = contactFrom(ctx, req, m);
        checkIfMatch(req, row.changeKey);
        const { props, autoName } = contactBodyOrThrow(req, row);
        const updated = updateItem(store, m, row, contactScope(row.parent!), {
          props,
          sys: { ...row.data.sys, autoDisplayName: autoName },
        });
        sendEntity(
          reply,
          200,
          {
            '@odata.context': contextUrl(req, `${userContext(m, 'contacts')}/$entity`),
            ...renderContact(updated, false),
          },
          updated.changeKey,
        );
      },
      DELETE: (req, reply, m) => {
        const row = contactFrom(ctx, req, m);
        checkIfMatch(req, row.changeKey);
        deleteItem(store, m, row, contactScope(row.parent!));
        sendNoContent(reply);
      },
    },
    bodyLimit(BODY_LIMITS.item, options),
  );
}
