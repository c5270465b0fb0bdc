/**
 * The seed's identity keys (MAILBOX-SEED.md, last section): `tenantId`, `apps[]`, `tokenLifetimeSeconds`, and each
 * mailbox's `password`. Checked with the rest of the seed, one problem a line naming its path; loaded in the seed's
 * transaction, passwords as scrypt hashes only. A data dir seeded before these keys existed gains them from the
 * seed on its next start (index.ts), its mail left as it is.
 */
import { hashPasswordSync } from '../../common/password-hash';
import { Obj, isObject } from '../properties';
import { MailboxRecord } from '../store';
import { IdentityStore } from './store';

export interface IdentitySeed {
  tenantId?: string;
  apps?: Array<{ name: string; clientId: string; redirectUris: string[]; publicClient: true }>;
  tokenLifetimeSeconds?: number;
}

export const IDENTITY_KEYS = ['tenantId', 'apps', 'tokenLifetimeSeconds'];
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const APP_KEYS = ['name', 'clientId', 'redirectUris', 'publicClient'];
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 256;
const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** Every problem of the identity keys of a seed (the top level and each mailbox's password). */
export function identityProblems(data: Obj): string[] {
  const p: string[] = [];
  const hasTenant = data.tenantId !== undefined;
  if (hasTenant && (typeof data.tenantId !== 'string' || !GUID.test(data.tenantId)))
    p.push(
      `tenantId: must be a GUID such as "72f988bf-86f1-41af-91ab-2d7cd011db47" (got ${JSON.stringify(data.tenantId)})`,
    );
  if (data.tokenLifetimeSeconds !== undefined) {
    const t = data.tokenLifetimeSeconds;
    if (!Number.isInteger(t) || (t as number) < 1 || (t as number) > MAX_TOKEN_LIFETIME_SECONDS)
      p.push(
        `tokenLifetimeSeconds: must be a whole number of seconds from 1 to ${MAX_TOKEN_LIFETIME_SECONDS} (got ${JSON.stringify(t)})`,
      );
  }
  if (data.apps !== undefined) {
    if (!Array.isArray(data.apps)) p.push('apps: must be an array of { name, clientId, redirectUris, publicClient }');
    else {
      if (!hasTenant) p.push('apps: apps belong to a tenant: give tenantId too');
      const ids = new Set<string>();
      data.apps.forEach((a, i) => {
        const at = `apps[${i}]`;
        if (!isObject(a)) return void p.push(`${at}: must be an object { name, clientId, redirectUris, publicClient }`);
        for (const k of Object.keys(a))
          if (!APP_KEYS.includes(k)) p.push(`${at}.${k}: unknown key (expected ${APP_KEYS.join(', ')})`);
        if (typeof a.name !== 'string' || a.name.trim() === '') p.push(`${at}.name: required, a non-empty string`);
        if (typeof a.clientId !== 'string' || !GUID.test(a.clientId))
          p.push(
            `${at}.clientId: required, a GUID (the app's Application (client) ID) (got ${JSON.stringify(a.clientId)})`,
          );
        else if (ids.has(a.clientId.toLowerCase())) p.push(`${at}.clientId: another app has the same clientId`);
        else ids.add(a.clientId.toLowerCase());
        if (a.publicClient !== true)
          p.push(
            `${at}.publicClient: must be true (the local identity platform serves public clients, with no secret)`,
          );
        if (!Array.isArray(a.redirectUris) || a.redirectUris.length === 0)
          p.push(`${at}.redirectUris: required, at least one URI (e.g. "http://localhost")`);
        else a.redirectUris.forEach((u, j) => redirectUriProblem(u, `${at}.redirectUris[${j}]`, p));
      });
    }
  }
  if (Array.isArray(data.mailboxes))
    data.mailboxes.forEach((mb, i) => {
      if (!isObject(mb) || mb.password === undefined) return;
      const at = `mailboxes[${i}].password`;
      if (
        typeof mb.password !== 'string' ||
        mb.password.length < MIN_PASSWORD_LENGTH ||
        mb.password.length > MAX_PASSWORD_LENGTH ||
        mb.password.trim() === ''
      )
        p.push(`${at}: must be a string of ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
      else if (!hasTenant) p.push(`${at}: a password is for signing in to a tenant: give tenantId too`);
    });
  return p;
}

function redirectUriProblem(u: unknown, at: string, p: string[]): void {
  let url: URL | undefined;
  try {
    url = typeof u === 'string' ? new URL(u) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) return void p.push(`${at}: must be an absolute URI such as "http://localhost" (got ${JSON.stringify(u)})`);
  if (url.hash !== '' || String(u).includes('#')) return void p.push(`${at}: must not have a fragment (#...)`);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname)) return;
  p.push(`${at}: must be https, or http on localhost, 127.0.0.1 or [::1] (got ${JSON.stringify(u)})`);
}

/** Load the identity keys of a checked seed; `passwords` maps each mailbox to its seed password, if any. */
export function loadIdentity(
  identity: IdentityStore,
  seed: IdentitySeed,
  passwords: Array<{ mailbox: MailboxRecord; password?: string }>,
): void {
  if (!seed.tenantId) return;
  identity.configure(seed.tenantId, seed.tokenLifetimeSeconds);
  for (const a of seed.apps ?? [])
    identity.addApp({ name: a.name, clientId: a.clientId, redirectUris: a.redirectUris, publicClient: true });
  for (const { mailbox, password } of passwords)
    if (password !== undefined) identity.setPasswordHash(mailbox.no, hashPasswordSync(password));
}
