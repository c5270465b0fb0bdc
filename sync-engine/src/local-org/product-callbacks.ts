/**
 * Which redirect URIs a connected app accepts: the callbacks the seed lists, and for a product's own app that
 * product's callback (in a real org these are Salesforce's managed apps, whose callbacks no admin sets; ORG-SEED.md
 * makes `callbackUrls` optional). A mobile app's is the catalog's (`sfdc://success`); a desktop product signs in
 * from the add-in's dialog, whose callback page `/oauth-callback.html` is served on the user's own machine.
 */
import { findProduct } from '../products/catalog';
import { ConnectedApp } from './connected-apps';

const ADDIN_CALLBACK_PATH = '/oauth-callback.html';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `app` may send a user back to `uri`. */
export function acceptsCallback(app: ConnectedApp, uri: string): boolean {
  if (app.callbackUrls.includes(uri)) return true;
  const product = app.product ? findProduct(app.product) : undefined;
  if (!product) return false;
  if (product.callbackUrl !== undefined) return uri === product.callbackUrl;
  return product.kind === 'desktop' && isAddinCallback(uri);
}

/** The add-in's callback page on a loopback origin, exactly: no query, fragment or credentials. */
function isAddinCallback(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.pathname === ADDIN_CALLBACK_PATH &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    url.href === uri
  );
}
