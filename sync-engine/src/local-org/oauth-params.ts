/** OAuth request parameters: read from a query or form as single strings, and appended to a redirect URI. */
import { invalidRequest } from './oauth-errors';

export type Params = Record<string, string | undefined>;

/** Request parameters as single strings; a repeated parameter makes the request ambiguous, so it is refused. */
export function params(source: unknown): Params {
  if (source === undefined || source === null || source === '') return {};
  if (typeof source !== 'object') throw invalidRequest('the request body must be application/x-www-form-urlencoded');
  const out: Params = {};
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    if (Array.isArray(v)) throw invalidRequest(`duplicate parameter: ${k}`);
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Append parameters to a URI (which may use an app's own scheme, like `sfdc://success`). */
export function withParams(uri: string, extra: Params): string {
  const query = new URLSearchParams(
    Object.entries(extra).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  const hash = uri.indexOf('#');
  const [head, fragment] = hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash)];
  return `${head}${head.includes('?') ? '&' : '?'}${query}${fragment}`;
}
