/**
 * Sign-in from the pane: the request checked field by field, then the product's own login (its protocol, its
 * connected app, its first data call), and the product's answer turned into the HTTP answer the pane shows.
 */
import { PRODUCTS, Product, findProduct, isVersion } from '../products/catalog';
import { LoginResult } from '../products/outcome';
import { ServiceError, serviceErrors } from './errors';
import { parseOrgUrl } from './org-url';

export interface SignInInput {
  orgUrl: string;
  product: Product;
  productVersion: string;
  username: string;
  password: string;
}

/** The products that sync Outlook data and sign in from the pane. */
export const SIGN_IN_PRODUCTS = PRODUCTS.filter((p) => p.kind === 'desktop').map((p) => p.id);

type Obj = Record<string, unknown>;

/** Check a `POST /api/sign-in` body; throws a 400 naming the first wrong field, in the form's order. */
export function parseSignIn(body: unknown): SignInInput {
  const b = objectBody(body);
  const { orgUrl, product, productVersion } = parseProductChoice(b);
  if (typeof b.username !== 'string' || b.username.trim() === '')
    throw serviceErrors.invalid('username', 'required: your Salesforce username, e.g. you@yourcompany.com');
  if (typeof b.password !== 'string' || b.password === '')
    throw serviceErrors.invalid('password', 'required: your Salesforce password');
  return { orgUrl, product, productVersion, username: b.username.trim(), password: b.password };
}

/**
 * A login that did not succeed, as an error whose body also carries the product's outcome:
 * `{ok:false, outcome, message, errorCode, error:{code, message}}`. `message` is the product's exact text.
 */
export function refusedSignIn(r: LoginResult, product: Product): ServiceError {
  const extra = {
    ok: false,
    outcome: r.outcome,
    message: r.message,
    errorCode: r.errorCode,
    product: { id: product.id, name: product.name, version: r.version },
  };
  const text = r.message ?? '';
  switch (r.outcome) {
    case 'blocked':
    case 'redirect-to-login':
      return new ServiceError(403, r.errorCode ?? 'API_CURRENTLY_DISABLED', text, undefined, extra);
    case 'network-error':
      return new ServiceError(502, 'ORG_UNREACHABLE', text, 'orgUrl', extra);
    case 'unsupported-version':
      return new ServiceError(400, 'UNSUPPORTED_VERSION', text, 'productVersion', extra);
    case 'login-failed':
      return new ServiceError(
        401,
        r.errorCode ?? 'LOGIN_FAILED',
        text || 'Salesforce did not accept the username and password.',
        undefined,
        extra,
      );
    case 'logged-in':
      throw new Error('refusedSignIn called for a login that succeeded');
  }
}

/** A request body as an object; throws a 400 when it is not one. */
export function objectBody(body: unknown): Obj {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw serviceErrors.bodyRequired();
  return body as Obj;
}

/** The org, product and version a sign-in names (password or OAuth), checked in the form's order. */
export function parseProductChoice(b: Obj): { orgUrl: string; product: Product; productVersion: string } {
  const orgUrl = parseOrgUrl(b.orgUrl);
  if (b.product === undefined || b.product === null || b.product === '') {
    throw serviceErrors.invalid('product', `required: one of ${SIGN_IN_PRODUCTS.join(', ')}`);
  }
  const product = typeof b.product === 'string' ? findProduct(b.product) : undefined;
  if (!product)
    throw serviceErrors.invalid(
      'product',
      `must be one of ${SIGN_IN_PRODUCTS.join(', ')} (got ${JSON.stringify(b.product)})`,
    );
  if (product.kind !== 'desktop')
    throw serviceErrors.invalid(
      'product',
      `${product.name} does not sync Outlook data: use one of ${SIGN_IN_PRODUCTS.join(', ')}`,
    );
  let productVersion = product.defaultVersion;
  if (b.productVersion !== undefined && b.productVersion !== null && b.productVersion !== '') {
    if (typeof b.productVersion !== 'string' || !isVersion(b.productVersion)) {
      throw serviceErrors.invalid(
        'productVersion',
        `must be a version like "${product.defaultVersion}" (got ${JSON.stringify(b.productVersion)})`,
      );
    }
    productVersion = b.productVersion;
  }
  return { orgUrl, product, productVersion };
}
