/**
 * `loginAs`: log in as a product's user does, against a real org over HTTP, and say what that user sees.
 * A login is complete only when the product's first data call succeeds (ACCESS.md section 4).
 */
import { Product, ProductId, findProduct, isVersion } from '../products/catalog';
import { LoginResult, unsupportedVersion } from '../products/outcome';
import { ResolvedLogin, SignInResult } from './product-session';
import { desktopSignIn } from './desktop-login';
import { mobileSignIn } from './mobile-login';
import { browserSignIn } from './browser-login';
import { DEFAULT_API_VERSION } from '../salesforce/soap-login';

/** The demo org's address (`sfo-compat demo`, `org serve`). */
export const DEFAULT_LOGIN_URL = 'http://127.0.0.1:8700';

export interface LoginOptions {
  /** The product's version; the catalog's default when absent. */
  version?: string;
  /** The connected app's client id; the product's default when absent. */
  clientId?: string;
  username: string;
  password: string;
  loginUrl?: string;
  apiVersion?: string;
  timeoutMs?: number;
}

/** A login request that cannot be carried out as given (unknown product, malformed version). */
export class LoginOptionsError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'LoginOptionsError';
  }
}

/** Log in with a product and return what its user sees. */
export async function loginAs(product: ProductId | Product, o: LoginOptions): Promise<LoginResult> {
  return (await signIn(product, o)).result;
}

/** Like loginAs, also handing back the product's session for its later calls. */
export async function signIn(productOrId: ProductId | Product, o: LoginOptions): Promise<SignInResult> {
  const product = typeof productOrId === 'string' ? findProduct(productOrId) : productOrId;
  if (!product) throw new LoginOptionsError('product', `unknown product "${String(productOrId)}"`);
  const resolved = resolveLogin(product, o);
  const refused = unsupportedVersion(product, resolved.version);
  if (refused) return { result: refused, session: null };
  switch (product.protocol) {
    case 'soap':
      return desktopSignIn(product, resolved);
    case 'oauth-web-server':
      return mobileSignIn(product, resolved);
    case 'browser':
      return browserSignIn(product, resolved);
  }
}

/** Fill in defaults and check the version's form. */
export function resolveLogin(product: Product, o: LoginOptions): ResolvedLogin {
  const version = o.version ?? product.defaultVersion;
  if (product.defaultVersion !== 'any' && !isVersion(version)) {
    throw new LoginOptionsError(
      'version',
      `"${version}" is not a version of ${product.name} (use digits and dots, e.g. ${product.defaultVersion})`,
    );
  }
  return {
    version,
    clientId: o.clientId ?? product.defaultClientId,
    username: o.username,
    password: o.password,
    loginUrl: (o.loginUrl ?? DEFAULT_LOGIN_URL).replace(/\/+$/, ''),
    apiVersion: o.apiVersion ?? DEFAULT_API_VERSION,
    timeoutMs: o.timeoutMs,
  };
}
