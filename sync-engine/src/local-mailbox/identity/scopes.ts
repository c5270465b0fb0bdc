/**
 * The scopes a request names, as Entra reads them for Microsoft Graph: the OpenID scopes (`openid`, `profile`,
 * `email`, `offline_access`) and Graph's permissions, bare (`Contacts.ReadWrite`) or with Graph's resource in front
 * (`https://graph.microsoft.com/Contacts.ReadWrite`, or its app id). Another resource is not served here.
 */
import { identityErrors } from './errors';

const OIDC = ['openid', 'profile', 'email', 'offline_access'];
const GRAPH_PREFIXES = ['https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000/'];
const PERMISSION = /^(?:[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*|\.default)$/;
/** What `.default` stands for here: the permissions the sync engine's app is registered with. */
export const DEFAULT_PERMISSIONS = [
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite',
  'User.Read',
  'MailboxSettings.Read',
];

export interface Scopes {
  /** Graph permissions, as Entra returns them in `scope` (bare names). */
  graph: string[];
  oidc: string[];
  /** Whether a refresh token was asked for. */
  offline: boolean;
}

/** Read a `scope` parameter (space separated); an unknown resource or a malformed name is `invalid_scope`. */
export function readScopes(param: string): Scopes {
  const graph: string[] = [];
  const oidc: string[] = [];
  for (const raw of param.split(/\s+/).filter((s) => s !== '')) {
    const lower = raw.toLowerCase();
    if (OIDC.includes(lower)) {
      if (!oidc.includes(lower)) oidc.push(lower);
      continue;
    }
    const prefix = GRAPH_PREFIXES.find((p) => lower.startsWith(p));
    const name = prefix ? raw.slice(prefix.length) : raw;
    if (!PERMISSION.test(name)) throw identityErrors.invalidScope(raw);
    const names = name === '.default' ? DEFAULT_PERMISSIONS : [name];
    for (const n of names) if (!graph.some((g) => g.toLowerCase() === n.toLowerCase())) graph.push(n);
  }
  if (graph.length === 0 && oidc.length === 0) throw identityErrors.missingParameter('scope');
  return { graph, oidc, offline: oidc.includes('offline_access') };
}

/** The `scope` of a token answer: Graph's permissions, then the OpenID ones (Entra leaves offline_access out). */
export function scopeText(s: Scopes): string {
  return [...s.graph, ...s.oidc.filter((o) => o !== 'offline_access')].join(' ');
}
