/**
 * `//services/data/...` answered as `/services/data/...`, as Salesforce does: @salesforce/core joins an instance
 * URL stored with a trailing slash and a path that starts with one, so the Salesforce CLI sends such paths. The URL
 * is rewritten before routing, so the REST gate and the route see the same path.
 */
import { IncomingMessage } from 'node:http';

/** The request's URL with leading slashes collapsed to one. */
export function collapseLeadingSlashes(req: IncomingMessage): string {
  const url = req.url ?? '/';
  return url.startsWith('//') ? url.replace(/^\/{2,}/, '/') : url;
}
