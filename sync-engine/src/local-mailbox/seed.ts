/**
 * The mailbox seed file of MAILBOX-SEED.md: validated with one error per problem (naming the path in the file,
 * e.g. `mailboxes[0].events[2].start.timeZone: unknown time zone "Mars/Base"`), then loaded in one
 * transaction, so a bad file leaves nothing behind and the server does not start.
 *
 * Beside Graph's own properties, a seeded recurring event may carry two seed-only members, since Graph v1.0
 * has no property that lists them:
 *   "exceptionOccurrences": [{ "originalStartDate": "2026-03-11", ...properties that differ }]
 *   "cancelledOccurrences": ["2026-03-18"]
 * Each date is an occurrence's local date in the series' time zone. A mailbox may also give `displayName`.
 * A task list may say `"wellknownListName": "defaultList"`; without one, the list named "Tasks" is the
 * default, and without that a "Tasks" list is made.
 */
import { readJsonFile } from '../common/json-file';
import { MailboxContext } from './context';
import { ItemRow, MailboxRecord } from './store';
import { Obj, Problem, isObject } from './properties';
import { resolveTimeZone, parseDay } from './time-zones';
import { checkContact, insertContact } from './contacts';
import { checkEvent, insertEvent, cancelInstance, writeException, occurrenceProps } from './events';
import { checkTask, insertList, insertTask } from './todo';
import { loadSeries, occurrenceOnDay } from './event-series';
import { makeId } from './ids';
import { IDENTITY_KEYS, IdentitySeed, identityProblems, loadIdentity } from './identity/seed';

export interface MailboxSeed extends IdentitySeed {
  mailboxes: Array<{
    user: string;
    token: string;
    /** The owner's password on the identity platform's sign-in page (identity/seed.ts). */
    password?: string;
    displayName?: string;
    timeZone?: string;
    contacts?: Obj[];
    events?: Obj[];
    taskLists?: Array<{ displayName: string; wellknownListName?: 'defaultList' | 'none'; tasks?: Obj[] }>;
  }>;
}

export class SeedError extends Error {
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super(
      `${file ? `${file}: ` : ''}the mailbox seed has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'SeedError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAILBOX_KEYS = ['user', 'token', 'password', 'displayName', 'timeZone', 'contacts', 'events', 'taskLists'];
const TOP_KEYS = ['mailboxes', ...IDENTITY_KEYS, '$schema', 'about'];
const SEED_ONLY_EVENT_KEYS = ['exceptionOccurrences', 'cancelledOccurrences'];

/** Read and validate a seed file. Throws SeedError listing every problem. */
export function readSeedFile(file: string): MailboxSeed {
  const read = readJsonFile(file);
  if (!read.ok) throw new SeedError([read.problem], file);
  const problems = validateSeed(read.data);
  if (problems.length) throw new SeedError(problems, file);
  return read.data as MailboxSeed;
}

const line = (p: Problem) => `${p.path}: ${p.message}`;

/** A master row that exists only to compute a seeded series' occurrences before anything is written. */
function draftMaster(props: Obj): ItemRow {
  return {
    id: makeId('event', 1, 1),
    mailbox: 1,
    kind: 'event',
    parent: null,
    data: { props, sys: {} },
    changeKey: '',
    created: 0,
    modified: 0,
  };
}

/** Every problem of a seed, each naming its path. */
export function validateSeed(data: unknown, now = Date.now()): string[] {
  const p: string[] = [];
  if (!isObject(data)) return ['(root): must be a JSON object with mailboxes'];
  for (const k of Object.keys(data))
    if (!TOP_KEYS.includes(k)) p.push(`${k}: unknown key (expected mailboxes, ${IDENTITY_KEYS.join(', ')})`);
  p.push(...identityProblems(data));
  if (!Array.isArray(data.mailboxes)) {
    p.push(data.mailboxes === undefined ? 'mailboxes: required, an array' : 'mailboxes: must be an array');
    return p;
  }
  if (data.mailboxes.length === 0) p.push('mailboxes: at least one mailbox is needed');
  const users = new Set<string>();
  const tokens = new Set<string>();
  data.mailboxes.forEach((mb, i) => {
    const at = `mailboxes[${i}]`;
    if (!isObject(mb))
      return void p.push(`${at}: must be an object { user, token, timeZone, contacts, events, taskLists }`);
    for (const k of Object.keys(mb))
      if (!MAILBOX_KEYS.includes(k)) p.push(`${at}.${k}: unknown key (expected ${MAILBOX_KEYS.join(', ')})`);
    if (typeof mb.user !== 'string' || !EMAIL.test(mb.user))
      p.push(`${at}.user: required, an email address (got ${JSON.stringify(mb.user)})`);
    else if (users.has(mb.user.toLowerCase())) p.push(`${at}.user: duplicate mailbox "${mb.user}"`);
    else users.add(mb.user.toLowerCase());
    if (typeof mb.token !== 'string' || mb.token.length < 8 || /\s/.test(mb.token))
      p.push(`${at}.token: required, at least 8 characters without spaces`);
    else if (tokens.has(mb.token)) p.push(`${at}.token: another mailbox has the same token`);
    else tokens.add(mb.token);
    if (mb.displayName !== undefined && (typeof mb.displayName !== 'string' || mb.displayName.trim() === ''))
      p.push(`${at}.displayName: must be a non-empty string`);
    let zone = 'UTC';
    if (mb.timeZone !== undefined) {
      if (typeof mb.timeZone !== 'string' || !resolveTimeZone(mb.timeZone))
        p.push(`${at}.timeZone: unknown time zone ${JSON.stringify(mb.timeZone)}`);
      else zone = resolveTimeZone(mb.timeZone)!;
    }
    list(p, mb, at, 'contacts').forEach((c, j) => {
      const cat = `${at}.contacts[${j}]`;
      if (!isObject(c)) return void p.push(`${cat}: must be an object with Graph contact properties`);
      p.push(...checkContact(c, undefined, cat).problems.map(line));
    });
    list(p, mb, at, 'events').forEach((e, j) => p.push(...checkSeedEvent(e, `${at}.events[${j}]`, zone).problems));
    let defaults = 0;
    list(p, mb, at, 'taskLists').forEach((l, j) => {
      const lat = `${at}.taskLists[${j}]`;
      if (!isObject(l)) return void p.push(`${lat}: must be an object { displayName, tasks }`);
      for (const k of Object.keys(l))
        if (!['displayName', 'wellknownListName', 'tasks'].includes(k))
          p.push(`${lat}.${k}: unknown key (expected displayName, wellknownListName, tasks)`);
      if (typeof l.displayName !== 'string' || l.displayName.trim() === '')
        p.push(`${lat}.displayName: required, a non-empty string`);
      if (
        l.wellknownListName !== undefined &&
        l.wellknownListName !== 'defaultList' &&
        l.wellknownListName !== 'none'
      ) {
        p.push(
          `${lat}.wellknownListName: must be "defaultList" or "none" (got ${JSON.stringify(l.wellknownListName)})`,
        );
      }
      if (l.wellknownListName === 'defaultList' && ++defaults === 2)
        p.push(`${lat}.wellknownListName: only one list can be the defaultList`);
      list(p, l, lat, 'tasks').forEach((t, k) => {
        const tat = `${lat}.tasks[${k}]`;
        if (!isObject(t)) return void p.push(`${tat}: must be an object with Graph todoTask properties`);
        p.push(...checkTask(t, undefined, now, tat).problems.map(line));
      });
    });
  });
  return p;
}

interface SeedEvent {
  props: Obj;
  exceptions: Array<{ day: number; body: Obj }>;
  cancelled: number[];
  problems: string[];
}

/** Check a seeded event with its seed-only exception and cancellation lists. */
function checkSeedEvent(e: unknown, at: string, zone: string): SeedEvent {
  const out: SeedEvent = { props: {}, exceptions: [], cancelled: [], problems: [] };
  if (!isObject(e)) {
    out.problems.push(`${at}: must be an object with Graph event properties`);
    return out;
  }
  const { exceptionOccurrences, cancelledOccurrences, ...body } = e;
  const checked = checkEvent(body, undefined, 'create', zone, at);
  out.problems.push(...checked.problems.map(line));
  out.props = checked.props;
  if (exceptionOccurrences === undefined && cancelledOccurrences === undefined) return out;
  if (checked.problems.length) return out;
  if (!checked.props.recurrence) {
    for (const k of SEED_ONLY_EVENT_KEYS)
      if (e[k] !== undefined) out.problems.push(`${at}.${k}: only a recurring event (with recurrence) has occurrences`);
    return out;
  }
  const master = draftMaster(checked.props);
  const seen = new Set<number>();
  const occurrenceDay = (value: unknown, path: string): number | undefined => {
    const day = typeof value === 'string' ? parseDay(value) : undefined;
    if (day === undefined)
      return void out.problems.push(`${path}: must be a date YYYY-MM-DD (got ${JSON.stringify(value)})`);
    if (!occurrenceOnDay(master, zone, day))
      return void out.problems.push(`${path}: ${value} is not a date of this series`);
    if (seen.has(day)) return void out.problems.push(`${path}: ${value} is already an exception or cancelled`);
    seen.add(day);
    return day;
  };
  if (exceptionOccurrences !== undefined) {
    if (!Array.isArray(exceptionOccurrences))
      out.problems.push(`${at}.exceptionOccurrences: must be an array of { originalStartDate, ...properties }`);
    else
      exceptionOccurrences.forEach((x, k) => {
        const xat = `${at}.exceptionOccurrences[${k}]`;
        if (!isObject(x))
          return void out.problems.push(`${xat}: must be an object { originalStartDate, ...properties }`);
        const { originalStartDate, ...changes } = x;
        const day = occurrenceDay(originalStartDate, `${xat}.originalStartDate`);
        if (day === undefined) return;
        const inst = occurrenceOnDay(master, zone, day)!;
        const c = checkEvent(changes, occurrenceProps(inst), 'instance', zone, xat);
        out.problems.push(...c.problems.map(line));
        out.exceptions.push({ day, body: changes });
      });
  }
  if (cancelledOccurrences !== undefined) {
    if (!Array.isArray(cancelledOccurrences))
      out.problems.push(`${at}.cancelledOccurrences: must be an array of dates YYYY-MM-DD`);
    else
      cancelledOccurrences.forEach((d, k) => {
        const day = occurrenceDay(d, `${at}.cancelledOccurrences[${k}]`);
        if (day !== undefined) out.cancelled.push(day);
      });
  }
  return out;
}

function list(p: string[], o: Obj, at: string, key: string): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    p.push(`${at}.${key}: must be an array`);
    return [];
  }
  return v;
}

/** Load a validated seed into an empty store, all or nothing. */
export function loadSeed(ctx: MailboxContext, seed: MailboxSeed): MailboxRecord[] {
  const problems = validateSeed(seed, ctx.store.now());
  if (problems.length) throw new SeedError(problems);
  const { store } = ctx;
  return store.transaction(() => {
    const made = seed.mailboxes.map((mb) => {
      const m = store.addMailbox({
        user: mb.user,
        token: mb.token,
        displayName: mb.displayName ?? mb.user.split('@')[0],
        timeZone: mb.timeZone ?? 'UTC',
      });
      const zone = resolveTimeZone(m.timeZone)!;
      for (const c of mb.contacts ?? []) {
        const { props, autoName } = checkContact(c, undefined);
        insertContact(ctx, m, props, autoName);
      }
      for (const e of mb.events ?? []) {
        const checked = checkSeedEvent(e, '', zone);
        const row = insertEvent(
          store,
          m,
          checked.props,
          typeof e.transactionId === 'string' ? e.transactionId : undefined,
        );
        for (const x of checked.exceptions) {
          const series = loadSeries(store, row.id)!;
          const inst = occurrenceOnDay(series.master, zone, x.day)!;
          writeException(store, m, series, inst, checkEvent(x.body, occurrenceProps(inst), 'instance', zone).props);
        }
        for (const day of checked.cancelled) {
          const series = loadSeries(store, row.id)!;
          cancelInstance(store, m, series, occurrenceOnDay(series.master, zone, day)!);
        }
      }
      const lists = mb.taskLists ?? [];
      const defaultIndex = lists.some((l) => l.wellknownListName === 'defaultList')
        ? lists.findIndex((l) => l.wellknownListName === 'defaultList')
        : lists.findIndex((l) => l.displayName.trim().toLowerCase() === 'tasks');
      if (defaultIndex < 0) insertList(store, m, 'Tasks', 'defaultList');
      lists.forEach((l, i) => {
        const listRow = insertList(store, m, l.displayName, i === defaultIndex ? 'defaultList' : 'none');
        for (const t of l.tasks ?? []) insertTask(store, m, listRow.id, checkTask(t, undefined, store.now()).props);
      });
      return m;
    });
    loadIdentity(
      ctx.identity,
      seed,
      made.map((m, i) => ({ mailbox: m, password: seed.mailboxes[i].password })),
    );
    return made;
  });
}

/**
 * Give a store seeded before the identity platform existed the seed's identity keys (tenant, apps, passwords of
 * the mailboxes it already has), leaving its mail as it is. Nothing happens when the store has a tenant already.
 */
export function addIdentityFromSeed(ctx: MailboxContext, seed: MailboxSeed): boolean {
  if (ctx.identity.config() || !seed.tenantId) return false;
  const problems = validateSeed(seed, ctx.store.now());
  if (problems.length) throw new SeedError(problems);
  const mailboxes = ctx.store.mailboxes();
  ctx.store.transaction(() =>
    loadIdentity(
      ctx.identity,
      seed,
      mailboxes.map((m) => ({
        mailbox: m,
        password: seed.mailboxes.find((x) => x.user.toLowerCase() === m.user.toLowerCase())?.password,
      })),
    ),
  );
  return true;
}
