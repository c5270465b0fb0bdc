/**
 * The Graph permissions each resource needs, as Graph checks a delegated token's `scp`: contacts need `Contacts.Read`
 * to read and `Contacts.ReadWrite` to write, events and calendars `Calendars.*`, To Do `Tasks.*`, mailbox settings
 * `MailboxSettings.*`, the signed-in user `User.Read` (or a wider user or directory permission). A token without one
 * gets Graph's 403 `ErrorAccessDenied`, as it does from Graph. Tokens from the seed (static, the mailbox's own) are
 * not scoped: they open everything of their mailbox.
 */
import { FastifyRequest } from 'fastify';
import { graphErrors } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** An identity-platform token's Graph permissions (undefined for a seed token, which is not scoped). */
    mailboxScopes?: string[];
  }
}

interface Rule {
  /** Any of these lets a client read. */
  read: string[];
  /** Any of these lets a client write. */
  write: string[];
}

const family = (name: string): Rule => ({
  read: [`${name}.Read`, `${name}.ReadWrite`, `${name}.Read.Shared`, `${name}.ReadWrite.Shared`],
  write: [`${name}.ReadWrite`, `${name}.ReadWrite.Shared`],
});

const USER: Rule = {
  read: [
    'User.Read',
    'User.ReadWrite',
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
    'Directory.AccessAsUser.All',
  ],
  write: ['User.ReadWrite', 'User.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'],
};

/** By the first segment after `/me` (or `/users/{id}`) of a route's url. */
const RULES: Record<string, Rule> = {
  contacts: family('Contacts'),
  contactfolders: family('Contacts'),
  events: family('Calendars'),
  calendar: family('Calendars'),
  calendars: family('Calendars'),
  calendarview: family('Calendars'),
  todo: family('Tasks'),
  mailboxsettings: {
    read: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
    write: ['MailboxSettings.ReadWrite'],
  },
};

/** The rule of a route's url (`/me/contacts/:id`, `/users/:graphUser/todo/...`); `/me` itself is the user's. */
export function permissionRule(url: string): Rule {
  const segments = url.split('/').filter((s) => s !== '');
  const at = segments[0] === 'users' ? 2 : 1;
  const first = segments[at]?.toLowerCase();
  if (first === undefined) return USER;
  const rule = RULES[first];
  if (!rule) throw new Error(`no Graph permission is known for ${url}`);
  return rule;
}

/** Refuse a scoped token that holds none of the permissions the request needs (403, as Graph). */
export function checkPermission(req: FastifyRequest, rule: Rule): void {
  const held = req.mailboxScopes;
  if (held === undefined) return;
  const needed = req.method === 'GET' ? rule.read : rule.write;
  const lower = new Set(held.map((s) => s.toLowerCase()));
  if (needed.some((p) => lower.has(p.toLowerCase()))) return;
  throw graphErrors.accessDenied();
}
