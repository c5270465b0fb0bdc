/** The org address the pane sends at sign-in, checked with one precise message per mistake. */
import { serviceErrors } from './errors';

const FIELD = 'orgUrl';
const EXAMPLE = 'https://login.salesforce.com, https://test.salesforce.com or your My Domain address';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The org's login URL as an origin (`https://host[:port]`): a path the user pasted along (a Lightning page) is
 * dropped, since logins go to the host's own endpoints. Throws a 400 ServiceError naming `orgUrl`.
 */
export function parseOrgUrl(value: unknown): string {
  if (value === undefined || value === null)
    throw serviceErrors.invalid(FIELD, `required: the address of your Salesforce org (${EXAMPLE})`);
  if (typeof value !== 'string')
    throw serviceErrors.invalid(FIELD, `must be a text address such as ${EXAMPLE} (got ${typeof value})`);
  const text = value.trim();
  if (text === '')
    throw serviceErrors.invalid(FIELD, `is empty: enter the address of your Salesforce org (${EXAMPLE})`);
  const shown = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    if (/^[\w.-]+\.[a-z]{2,}(:\d+)?(\/.*)?$/i.test(text))
      throw serviceErrors.invalid(FIELD, `${shown} has no https:// in front: enter https://${text}`);
    throw serviceErrors.invalid(
      FIELD,
      `${shown} is not a web address: enter the address of your Salesforce org (${EXAMPLE})`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw serviceErrors.invalid(
      FIELD,
      `${shown} uses ${url.protocol.replace(/:$/, '')}: Salesforce is reached over https:// (http:// only for a local org on this machine)`,
    );
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw serviceErrors.invalid(
      FIELD,
      `${shown} must use https:// (plain http:// would send your password unencrypted; it is accepted only for a local org on this machine)`,
    );
  }
  if (url.username || url.password)
    throw serviceErrors.invalid(FIELD, 'must not contain a user name or password: enter them in their own fields');
  return url.origin;
}
