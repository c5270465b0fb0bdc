/**
 * Sign-in to a real org from the pane through the OAuth web-server flow with PKCE, in an Office dialog:
 * `start` checks what the pane names and answers the org's authorize URL with a fresh state (the PKCE
 * verifier stays here); the dialog's callback page hands the code back to the pane, which sends it to
 * `finish` with the state. A state is good once, for ten minutes.
 */
import crypto from 'node:crypto';
import { Product } from '../products/catalog';
import { authorizeUrl, createPkce } from '../salesforce/oauth';
import { OAuthFinishRequest, OAuthStarted } from './contract';
import { ServiceError, serviceErrors } from './errors';
import { objectBody, parseProductChoice } from './sign-in';

/** The scope asked for: the API, and a refresh token for the engine's later sign-ins. */
const SCOPE = 'api refresh_token';
const STATE_TTL_MS = 10 * 60_000;
/**
 * Sign-in windows open at once without the service's secret: beyond this a new one is refused (429) until one
 * finishes or expires. A started sign-in is never pushed out by later ones (another local process could otherwise
 * drop the user's). Starts by the secret's holder (the signed-in pane) have their own few places, the oldest of
 * those dropped beyond them.
 */
export const MAX_PENDING = 32;
export const MAX_PENDING_WITH_SECRET = 4;

export interface OAuthStartInput {
  orgUrl: string;
  product: Product;
  productVersion: string;
  redirectUri: string;
}

export type OAuthFinishInput = OAuthFinishRequest;

export interface PendingSignIn extends OAuthStartInput {
  codeVerifier: string;
  startedAt: number;
  /** Started by the holder of the service's secret. */
  withSecret: boolean;
}

/** Check a `POST /api/oauth/start` body: the sign-in's org, product and version, and a callback page on an add-in origin. */
export function parseOAuthStart(body: unknown, addinOrigins: string[]): OAuthStartInput {
  const b = objectBody(body);
  const choice = parseProductChoice(b);
  if (typeof b.redirectUri !== 'string' || b.redirectUri === '') {
    throw serviceErrors.invalid(
      'redirectUri',
      "required: the add-in's oauth-callback.html page, on the add-in's own origin",
    );
  }
  let url: URL;
  try {
    url = new URL(b.redirectUri);
  } catch {
    throw serviceErrors.invalid('redirectUri', `${JSON.stringify(b.redirectUri)} is not an absolute URL`);
  }
  if (!addinOrigins.includes(url.origin)) {
    throw serviceErrors.invalid(
      'redirectUri',
      `must be a page of the add-in (${addinOrigins.join(' or ')}), not ${url.origin}`,
    );
  }
  if (url.search || url.hash)
    throw serviceErrors.invalid('redirectUri', 'must have no query or fragment: the org adds the code and state');
  return { ...choice, redirectUri: url.toString() };
}

/** Check a `POST /api/oauth/finish` body: the state, and the code or the org's error from the callback. */
export function parseOAuthFinish(body: unknown): OAuthFinishInput {
  const b = objectBody(body);
  if (typeof b.state !== 'string' || b.state === '')
    throw serviceErrors.invalid('state', 'required: the state the sign-in started with');
  if (typeof b.error === 'string' && b.error !== '') {
    return {
      state: b.state,
      error: b.error,
      errorDescription: typeof b.errorDescription === 'string' ? b.errorDescription : null,
    };
  }
  if (typeof b.code !== 'string' || b.code === '')
    throw serviceErrors.invalid('code', 'required: the code the org sent to the callback page (or error)');
  return { state: b.state, code: b.code };
}

/** The sign-ins started and not finished yet, by state. */
export class PendingSignIns {
  private readonly byState = new Map<string, PendingSignIn>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: (n: number) => Buffer = crypto.randomBytes,
  ) {}

  /** Remember a new sign-in; answers the URL the dialog opens and its state. 429 when too many are open. */
  start(input: OAuthStartInput, withSecret = false): OAuthStarted {
    this.prune();
    const mine = [...this.byState].filter(([, p]) => p.withSecret === withSecret);
    if (withSecret) {
      for (const [state] of mine.slice(0, Math.max(0, mine.length - MAX_PENDING_WITH_SECRET + 1)))
        this.byState.delete(state);
    } else if (mine.length >= MAX_PENDING) {
      throw serviceErrors.tooManySignIns();
    }
    const state = this.random(24).toString('base64url');
    const pkce = createPkce(this.random);
    this.byState.set(state, { ...input, codeVerifier: pkce.verifier, startedAt: this.now(), withSecret });
    const url = authorizeUrl({
      loginUrl: input.orgUrl,
      clientId: input.product.defaultClientId,
      redirectUri: input.redirectUri,
      codeChallenge: pkce.challenge,
      state,
      scope: SCOPE,
      display: 'popup',
    });
    return { authorizeUrl: url, state };
  }

  /** The sign-in a state names, once; throws a 400 when it is unknown, used or expired. */
  take(state: string): PendingSignIn {
    this.prune();
    const pending = this.byState.get(state);
    this.byState.delete(state);
    if (!pending) {
      throw serviceErrors.signInExpired();
    }
    return pending;
  }

  private prune(): void {
    const oldest = this.now() - STATE_TTL_MS;
    for (const [state, p] of this.byState) if (p.startedAt < oldest) this.byState.delete(state);
  }
}

/** The org's answer in the dialog was an error (the user denied access, a misconfigured app): say what it said. */
export function deniedInDialog(error: string, description: string | null): ServiceError {
  const said = description && description !== error ? `${description} (${error})` : error;
  return serviceErrors.signInRefused(said, error);
}
