/**
 * Which product a LoginHistory row is about. Salesforce records the connected app's name in `Application`
 * (the name the org gave the app, e.g. "Salesforce for iOS"), so the match is tolerant: the catalog's own
 * names first, then the words that tell the products apart, case-insensitively.
 */
import { PRODUCTS, ProductId } from '../products/catalog';

const EXACT = new Map(PRODUCTS.map((p) => [p.name.toLowerCase(), p.id]));

const IOS = /\b(ios|iphone|ipad)\b/;
const ANDROID = /\bandroid\b/;
/** LoginHistory's Platform for a phone or tablet. */
const MOBILE_PLATFORM = /iphone|ipad|ios|android/i;

/** The product behind a login's Application (and Platform, for the browser); undefined for anything else. */
export function productForApplication(
  application: string | null | undefined,
  platform?: string | null,
): ProductId | undefined {
  const name = (application ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (name === '') return undefined;
  const exact = EXACT.get(name);
  if (exact) return exact;
  if (name.includes('outlook')) return name.includes('connect') ? 'connect-for-outlook' : 'salesforce-for-outlook';
  if (name.includes('office') && name.includes('connect')) return 'connect-for-office';
  const publisher = name.includes('publisher');
  if (IOS.test(name)) return publisher ? 'mobile-publisher-ios' : 'salesforce-ios';
  if (ANDROID.test(name)) return publisher ? 'mobile-publisher-android' : 'salesforce-android';
  // A mobile app named without its platform ("Salesforce Mobile", "Mobile Publisher"): the login's platform says which.
  if (publisher || /\bmobile\b|salesforce1/.test(name)) {
    if (platform && IOS.test(platform.toLowerCase())) return publisher ? 'mobile-publisher-ios' : 'salesforce-ios';
    if (platform && ANDROID.test(platform.toLowerCase()))
      return publisher ? 'mobile-publisher-android' : 'salesforce-android';
  }
  // Web UI logins are recorded as "Browser"; only a phone's or tablet's browser is the article's mobile browser.
  if (name === 'browser' && platform && MOBILE_PLATFORM.test(platform)) return 'mobile-browser';
  return undefined;
}
