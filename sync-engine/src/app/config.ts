/**
 * The sync configuration file of SYNC-CONFIG.md: one JSON file per synced user, validated with one clear
 * error per problem (naming the key and the fix); nothing runs on a bad file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PRODUCTS, ProductId, findProduct, isVersion } from '../products/catalog';
import { DIRECTIONS, Direction, ObjectSettings, SYNC_OBJECTS, SyncObject } from '../sync/objects';

export { DIRECTIONS, SYNC_OBJECTS } from '../sync/objects';
export type { Direction, ObjectSettings, SyncObject, Winner } from '../sync/objects';

export interface SyncConfig {
  product: ProductId;
  productVersion: string;
  /** `password` is '' when the file names none: the engine then signs in with the stored sign-in (token-store.ts). */
  org: { loginUrl: string; clientId: string; username: string; password: string };
  /**
   * `token` is the static bearer token (a local mailbox, scripts), '' when the mailbox signs in with Microsoft
   * (`microsoft`: the app registration and its authority; the tokens are msal's, kept encrypted in the data dir).
   */
  mailbox: { url: string; token: string; microsoft?: MicrosoftMailboxSettings | null };
  objects: Record<SyncObject, ObjectSettings>;
  /** `objects.contacts.createAccounts`: on an org without Company__c, create an Account for a company none is named. */
  createAccounts?: boolean;
  intervalSeconds: number;
  dataDir: string;
  deleteGuard: { maxShare: number };
}

/** A mailbox opened by a Microsoft sign-in: the app registration's client id and the authority it signs in at. */
export interface MicrosoftMailboxSettings {
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant>`, or the `mailbox.authority` override. */
  authority: string;
}

export const GRAPH_URL = 'https://graph.microsoft.com';
export const MICROSOFT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    readonly file: string,
  ) {
    super(
      `${file}: the sync configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * What a configuration leaves out, and what the service (which has no file) syncs with: Salesforce for Outlook's
 * default data sets, everything both ways, Salesforce winning a conflict.
 */
export const SYNC_DEFAULTS: {
  readonly intervalSeconds: number;
  readonly deleteGuard: { readonly maxShare: number };
  readonly object: Readonly<ObjectSettings>;
} = {
  intervalSeconds: 600,
  deleteGuard: { maxShare: 0.5 },
  object: { direction: 'both', winner: 'salesforce' },
};
const SYNC_PRODUCTS = PRODUCTS.filter((p) => p.kind === 'desktop').map((p) => p.id);

export interface ReadOptions {
  /**
   * Whether a data dir holds a stored sign-in. When given, a file without org.password or org.passwordEnv is a
   * problem unless it does (what `sync` runs need); left out, a missing password is not checked (`status`,
   * `sync --sign-in`, which makes the stored sign-in).
   */
  hasStoredSignIn?: (dataDir: string) => boolean;
  /**
   * Whether a data dir holds a connected mailbox (msal's cache). When given, a file with mailbox.clientId is a
   * problem unless it does (what `sync` runs need); left out, it is not checked (`status`, `--connect-mailbox`).
   */
  hasMailboxSignIn?: (dataDir: string) => boolean;
  /**
   * False for commands that read only the local state (`status`): the password and the mailbox token are not read,
   * so their environment variables need not be set. Default true.
   */
  secrets?: boolean;
}

/** Read, validate and resolve a config file (relative dataDir against the file's folder; secrets from env). */
export function readSyncConfig(file: string, env: NodeJS.ProcessEnv = process.env, o: ReadOptions = {}): SyncConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError([e.code ? `cannot read the file (${e.code})` : `not valid JSON: ${e.message}`], file);
  }
  const problems: string[] = [];
  const config = validate(raw, problems, env, path.dirname(path.resolve(file)), { ...o, file });
  if (problems.length || !config) throw new ConfigError(problems, file);
  return config;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function validate(
  raw: unknown,
  p: string[],
  env: NodeJS.ProcessEnv,
  baseDir: string,
  o: ReadOptions & { file: string },
): SyncConfig | undefined {
  if (!isObj(raw)) {
    p.push('(root): must be a JSON object with product, org, mailbox and dataDir');
    return undefined;
  }
  const product = raw.product;
  if (typeof product !== 'string' || !findProduct(product)) {
    p.push(`product: must be one of ${SYNC_PRODUCTS.join(', ')} (got ${JSON.stringify(product)})`);
  } else if (!SYNC_PRODUCTS.includes(product as ProductId)) {
    p.push(`product: ${product} does not sync Outlook data; use one of ${SYNC_PRODUCTS.join(', ')}`);
  }
  const productDef = typeof product === 'string' ? findProduct(product) : undefined;
  let productVersion = productDef?.defaultVersion ?? '';
  if (raw.productVersion !== undefined) {
    if (typeof raw.productVersion !== 'string' || !isVersion(raw.productVersion))
      p.push(`productVersion: must be a version like "2.9.0" (got ${JSON.stringify(raw.productVersion)})`);
    else productVersion = raw.productVersion;
  }

  const org = isObj(raw.org) ? raw.org : undefined;
  if (!org)
    p.push(
      'org: required, an object with loginUrl, username, and password or passwordEnv (or none, to sign in with --sign-in)',
    );
  const loginUrl = org
    ? url(
        p,
        org.loginUrl,
        'org.loginUrl',
        'the org login URL, e.g. https://login.salesforce.com or http://127.0.0.1:8700',
      )
    : '';
  const username = org ? nonEmpty(p, org.username, 'org.username', 'the Salesforce username') : '';
  const password = org && o.secrets !== false ? orgPassword(p, org, env, raw.dataDir, baseDir, o) : '';
  let clientId = productDef?.defaultClientId ?? '';
  if (org && org.clientId !== undefined)
    clientId = nonEmpty(
      p,
      org.clientId,
      'org.clientId',
      "the connected app's client id, or leave it out for the product's own",
    );

  const mailbox = isObj(raw.mailbox) ? raw.mailbox : undefined;
  if (!mailbox)
    p.push(
      'mailbox: required, an object with clientId (Microsoft sign-in, see docs/microsoft-sign-in.md) or url and token or tokenEnv (a local mailbox)',
    );
  const mailboxUrl = mailbox
    ? mailbox.url === undefined
      ? GRAPH_URL
      : url(
          p,
          mailbox.url,
          'mailbox.url',
          `${GRAPH_URL} (the default) or a local mailbox URL such as http://127.0.0.1:8701`,
        )
    : '';
  const microsoft = mailbox ? microsoftSignIn(p, mailbox, raw.dataDir, baseDir, o) : null;
  const signsIn = mailbox !== undefined && ['clientId', 'tenant', 'authority'].some((k) => mailbox[k] !== undefined);
  let token = '';
  if (mailbox && !signsIn && mailbox.token === undefined && mailbox.tokenEnv === undefined)
    p.push(
      "mailbox: give clientId to sign in to a Microsoft 365 mailbox (your app registration's Application (client) ID; docs/microsoft-sign-in.md)," +
        ' or token or tokenEnv for a local mailbox or a script',
    );
  else if (mailbox && o.secrets !== false && !signsIn) token = secret(p, mailbox, 'token', 'tokenEnv', 'mailbox', env);

  const objects = {} as Record<SyncObject, ObjectSettings>;
  let createAccounts = false;
  const rawObjects = raw.objects === undefined ? {} : raw.objects;
  if (!isObj(rawObjects)) p.push('objects: must be an object with contacts, events and tasks');
  for (const name of SYNC_OBJECTS) {
    const o = isObj(rawObjects) ? rawObjects[name] : undefined;
    const settings = { ...SYNC_DEFAULTS.object };
    if (o !== undefined) {
      if (!isObj(o)) p.push(`objects.${name}: must be an object { direction, winner }`);
      else {
        if (o.direction !== undefined) {
          if (!DIRECTIONS.includes(o.direction as Direction))
            p.push(
              `objects.${name}.direction: must be one of ${DIRECTIONS.join(', ')} (got ${JSON.stringify(o.direction)})`,
            );
          else settings.direction = o.direction as Direction;
        }
        if (o.winner !== undefined) {
          if (o.winner !== 'salesforce' && o.winner !== 'outlook')
            p.push(`objects.${name}.winner: must be salesforce or outlook (got ${JSON.stringify(o.winner)})`);
          else settings.winner = o.winner;
        }
        if (o.createAccounts !== undefined && name === 'contacts') {
          if (typeof o.createAccounts !== 'boolean')
            p.push(`objects.contacts.createAccounts: must be true or false (got ${JSON.stringify(o.createAccounts)})`);
          else createAccounts = o.createAccounts;
        }
      }
    }
    objects[name] = settings;
  }
  if (isObj(rawObjects)) {
    for (const k of Object.keys(rawObjects))
      if (!SYNC_OBJECTS.includes(k as SyncObject))
        p.push(`objects.${k}: unknown object (use contacts, events or tasks)`);
  }

  let intervalSeconds = SYNC_DEFAULTS.intervalSeconds;
  if (raw.intervalSeconds !== undefined) {
    if (!Number.isInteger(raw.intervalSeconds) || (raw.intervalSeconds as number) < 60)
      p.push(
        `intervalSeconds: must be a whole number of seconds, at least 60 (got ${JSON.stringify(raw.intervalSeconds)})`,
      );
    else intervalSeconds = raw.intervalSeconds as number;
  }
  const dataDirRaw = nonEmpty(
    p,
    raw.dataDir,
    'dataDir',
    'a folder for state, reports and logs, e.g. ".sfo-compat/sync-ann"',
  );
  let maxShare = SYNC_DEFAULTS.deleteGuard.maxShare;
  if (raw.deleteGuard !== undefined) {
    const g = raw.deleteGuard;
    if (
      !isObj(g) ||
      (g.maxShare !== undefined && (typeof g.maxShare !== 'number' || g.maxShare <= 0 || g.maxShare > 1))
    ) {
      p.push(
        'deleteGuard.maxShare: must be a number above 0 and at most 1 (the largest share of a side one run may delete)',
      );
    } else if (typeof g.maxShare === 'number') maxShare = g.maxShare;
  }
  unknownKeys(
    p,
    raw,
    '',
    ['product', 'productVersion', 'org', 'mailbox', 'objects', 'intervalSeconds', 'dataDir', 'deleteGuard'],
    ['$schema', 'about'],
  );
  if (org) unknownKeys(p, org, 'org', ['loginUrl', 'clientId', 'username', 'password', 'passwordEnv']);
  if (mailbox) unknownKeys(p, mailbox, 'mailbox', ['url', 'token', 'tokenEnv', 'clientId', 'tenant', 'authority']);
  if (isObj(rawObjects)) {
    for (const name of SYNC_OBJECTS)
      if (isObj(rawObjects[name]))
        unknownKeys(p, rawObjects[name] as Obj, `objects.${name}`, [
          'direction',
          'winner',
          ...(name === 'contacts' ? ['createAccounts'] : []),
        ]);
  }
  if (isObj(raw.deleteGuard)) unknownKeys(p, raw.deleteGuard, 'deleteGuard', ['maxShare']);
  if (p.length) return undefined;
  return {
    product: product as ProductId,
    productVersion,
    org: { loginUrl: loginUrl.replace(/\/+$/, ''), clientId, username, password },
    mailbox: { url: mailboxUrl.replace(/\/+$/, ''), token, microsoft },
    objects,
    createAccounts,
    intervalSeconds,
    dataDir: path.resolve(baseDir, dataDirRaw),
    deleteGuard: { maxShare },
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_NAMES = ['common', 'organizations', 'consumers'];
/** A verified domain of a tenant, e.g. contoso.onmicrosoft.com. */
const TENANT_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * mailbox.clientId, tenant and authority: a Microsoft sign-in, or null when the file names none (the static token).
 * The token and the sign-in exclude each other; a sign-in that is not there yet says how to make it.
 */
function microsoftSignIn(
  p: string[],
  m: Obj,
  dataDir: unknown,
  baseDir: string,
  o: ReadOptions & { file: string },
): MicrosoftMailboxSettings | null {
  const wantsSignIn = m.clientId !== undefined || m.tenant !== undefined || m.authority !== undefined;
  if (!wantsSignIn) return null;
  if (m.token !== undefined || m.tokenEnv !== undefined) {
    p.push(
      `mailbox.${m.token !== undefined ? 'token' : 'tokenEnv'}: give either a static token (token or tokenEnv: a local mailbox, scripts)` +
        ' or a Microsoft sign-in (clientId, with tenant or authority), not both',
    );
    return null;
  }
  const before = p.length;
  let clientId = '';
  if (m.clientId === undefined)
    p.push(
      'mailbox.clientId: required with mailbox.tenant or mailbox.authority: the Application (client) ID of your app registration in Entra ID (docs/microsoft-sign-in.md)',
    );
  else if (typeof m.clientId !== 'string' || !GUID.test(m.clientId))
    p.push(
      `mailbox.clientId: must be the Application (client) ID of your app registration in Entra ID, a GUID like 11111111-2222-3333-4444-555555555555 (got ${JSON.stringify(m.clientId)})`,
    );
  else clientId = m.clientId;
  let authority = '';
  if (m.tenant !== undefined && m.authority !== undefined)
    p.push('mailbox.authority: give either tenant or authority (which names its tenant), not both');
  else if (m.authority !== undefined) {
    authority = authorityUrl(p, m.authority);
  } else {
    const tenant = m.tenant === undefined ? 'common' : m.tenant;
    if (
      typeof tenant !== 'string' ||
      !(TENANT_NAMES.includes(tenant) || GUID.test(tenant) || TENANT_DOMAIN.test(tenant))
    )
      p.push(
        `mailbox.tenant: must be common (the default), organizations, consumers, your Directory (tenant) ID (a GUID) or a domain of your tenant such as contoso.onmicrosoft.com (got ${JSON.stringify(m.tenant)})`,
      );
    else authority = `${MICROSOFT_AUTHORITY_HOST}/${tenant}`;
  }
  if (p.length > before) return null;
  if (o.hasMailboxSignIn) {
    const dir = typeof dataDir === 'string' && dataDir.trim() !== '' ? path.resolve(baseDir, dataDir) : null;
    if (dir && !o.hasMailboxSignIn(dir)) {
      p.push(
        `mailbox.clientId: no Outlook mailbox is connected in ${dir}: connect it once with: sfo-compat sync --config ${o.file} --connect-mailbox` +
          ' (add --device-code on a machine without a browser)',
      );
      return null;
    }
  }
  return { clientId, authority };
}

/**
 * A Microsoft sign-in given outside a configuration file (`sfo-compat service --mailbox-client-id`, ...): checked as
 * the file's mailbox.clientId, tenant and authority are, each problem naming the caller's own name for the key.
 */
export function checkMicrosoftMailbox(
  m: { clientId?: string; tenant?: string; authority?: string },
  names: { clientId: string; tenant: string; authority: string },
): { settings: MicrosoftMailboxSettings | null; problems: string[] } {
  const p: string[] = [];
  const settings = microsoftSignIn(p, { ...m }, undefined, '.', { file: '' });
  const rename = (text: string) =>
    text
      .replace(/mailbox\.clientId/g, names.clientId)
      .replace(/mailbox\.tenant/g, names.tenant)
      .replace(/mailbox\.authority/g, names.authority);
  return { settings, problems: p.map(rename) };
}

/** mailbox.authority: https, with a tenant segment (msal-node takes nothing else). */
function authorityUrl(p: string[], v: unknown): string {
  const what =
    'the authority to sign in at, with its tenant, e.g. https://login.microsoftonline.us/<tenant> (a sovereign cloud) or https://localhost:8701/<tenant> (a local mailbox served with --tls)';
  if (typeof v !== 'string' || v.trim() === '') {
    p.push(`mailbox.authority: must be ${what}`);
    return '';
  }
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    p.push(`mailbox.authority: "${v}" is not a URL: use ${what}`);
    return '';
  }
  if (u.protocol !== 'https:') {
    p.push(
      `mailbox.authority: "${v}" must use https (Microsoft's library signs in at https authorities only; serve a local mailbox with --tls)`,
    );
    return '';
  }
  const segments = u.pathname.split('/').filter(Boolean);
  if (segments.length !== 1 || u.search || u.hash) {
    p.push(`mailbox.authority: "${v}" must be the authority's host and its tenant alone, e.g. ${u.origin}/common`);
    return '';
  }
  return `${u.origin}/${segments[0]}`;
}

/**
 * One problem per key not in `known` (nor in `tolerated`), at any level: a misspelled key must not leave a setting at
 * its default without a word. The nearest known key is suggested when it is one or two letters away.
 */
function unknownKeys(p: string[], o: Obj, at: string, known: string[], tolerated: string[] = []): void {
  for (const k of Object.keys(o)) {
    if (known.includes(k) || tolerated.includes(k)) continue;
    const near = known
      .map((name) => ({ name, d: editDistance(k.toLowerCase(), name.toLowerCase()) }))
      .sort((a, b) => a.d - b.d)[0];
    const hint = near && near.d <= 2 ? `did you mean ${near.name}? ` : '';
    p.push(`${at ? `${at}.` : ''}${k}: unknown key (${hint}expected ${known.join(', ')})`);
  }
}

/** Levenshtein distance (keys are short). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

function nonEmpty(p: string[], v: unknown, key: string, what: string): string {
  if (typeof v !== 'string' || v.trim() === '') {
    p.push(`${key}: required: ${what}`);
    return '';
  }
  return v;
}

function url(p: string[], v: unknown, key: string, what: string): string {
  const s = nonEmpty(p, v, key, what);
  if (!s) return '';
  try {
    const u = new URL(s);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    if (u.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
      p.push(`${key}: "${s}" must use https (plain http is accepted only for a local org or mailbox on this machine)`);
    }
  } catch {
    p.push(`${key}: "${s}" is not a URL: use ${what}`);
  }
  return s;
}

/**
 * The org password, or '' when the file gives none: a real org signs in through the browser once
 * (`sync --sign-in`) and the engine uses the stored refresh token after that.
 */
function orgPassword(
  p: string[],
  org: Obj,
  env: NodeJS.ProcessEnv,
  dataDir: unknown,
  baseDir: string,
  o: ReadOptions & { file: string },
): string {
  if (org.password !== undefined || org.passwordEnv !== undefined)
    return secret(p, org, 'password', 'passwordEnv', 'org', env);
  if (!o.hasStoredSignIn) return '';
  // Without a data dir (its own problem) there is no stored sign-in to find.
  const dir = typeof dataDir === 'string' && dataDir.trim() !== '' ? path.resolve(baseDir, dataDir) : null;
  if (dir && o.hasStoredSignIn(dir)) return '';
  p.push(
    `org.password: no password and no stored sign-in${dir ? ` in ${dir}` : ''}: give org.password or org.passwordEnv (a local org),` +
      ` or sign in to a real org once with: sfo-compat sync --config ${o.file} --sign-in`,
  );
  return '';
}

/** A secret given inline or by the name of an environment variable; the value never appears in an error. */
function secret(p: string[], o: Obj, key: string, envKey: string, at: string, env: NodeJS.ProcessEnv): string {
  if (o[key] !== undefined && o[envKey] !== undefined) {
    p.push(`${at}.${key}: give either ${key} or ${envKey}, not both`);
    return '';
  }
  if (o[envKey] !== undefined) {
    if (typeof o[envKey] !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o[envKey] as string)) {
      p.push(`${at}.${envKey}: must be the name of an environment variable, e.g. "SFO_PASSWORD"`);
      return '';
    }
    const value = env[o[envKey] as string];
    if (!value)
      p.push(`${at}.${envKey}: the environment variable ${o[envKey]} is not set (set it, or give ${at}.${key})`);
    return value ?? '';
  }
  if (typeof o[key] !== 'string' || (o[key] as string) === '') {
    p.push(
      o[key] === undefined
        ? `${at}.${key}: required: give ${key}, or ${envKey} naming an environment variable that holds it`
        : `${at}.${key}: must be a non-empty string; or give ${envKey} naming an environment variable that holds it`,
    );
    return '';
  }
  return o[key] as string;
}
