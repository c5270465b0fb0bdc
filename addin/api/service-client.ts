/**
 * The pane's client of the sfo-compat service API. Every failure comes back as a `ServiceFailure` with a message
 * fit for the user: the service down, a stale secret, or the service's own `{"error":{"code","message"}}`.
 */
import { OAuthCallback } from '../oauth-callback/callback-message';
import { texts } from '../taskpane/texts';

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:8702';

export type SyncObject = 'contacts' | 'events' | 'tasks';
export interface Counts { created: number; updated: number; deleted: number }
export interface ObjectSettings { direction: 'none' | 'salesforce-to-outlook' | 'outlook-to-salesforce' | 'both'; winner: 'salesforce' | 'outlook' }
export type SyncSettings = Record<SyncObject, ObjectSettings>;

export interface Status {
  state: 'idle' | 'syncing' | 'stopped' | 'paused' | 'signed-out';
  message: string | null;
  paused: boolean;
  lastRun: string | null;
  counts: Record<'salesforce' | 'outlook', Record<SyncObject, Counts>> | null;
  pending: number;
  lastError: string | null;
  product: { id: string; name: string; version: string } | null;
  username: string | null;
}

export interface SignInInput { orgUrl: string; product: string; username: string; password: string }
export interface SignedIn { ok: true; secret: string; product: { id: string; name: string; version: string }; username: string }
/** `POST /api/oauth/start`: the sign-in's org and product, and the add-in's callback page. */
export interface OAuthStartInput { orgUrl: string; product: string; productVersion?: string; redirectUri: string }
export interface OAuthStarted { authorizeUrl: string; state: string }
export type AddEmailResult = { ok: true; taskId: string; contactId: string } | { ok: true; unresolved: true; id: string };

/** Why a call failed: `down` (no service), `stale-secret` (sign in again), or the service's error code. */
export class ServiceFailure extends Error {
  constructor(readonly code: string, message: string, readonly status: number | null = null) {
    super(message);
    this.name = 'ServiceFailure';
  }
}

/** The service's URL: `?service=` on the page, else `<meta name="sfo-compat-service">`, else the default. */
export function serviceUrlOf(location: Location, doc: Document): string {
  const fromQuery = new URLSearchParams(location.search).get('service');
  const fromMeta = doc.querySelector<HTMLMetaElement>('meta[name="sfo-compat-service"]')?.content;
  return (fromQuery || fromMeta || DEFAULT_SERVICE_URL).replace(/\/+$/, '');
}

export class ServiceClient {
  constructor(readonly baseUrl: string, public secret: string | null = null) {}

  signIn(input: SignInInput): Promise<SignedIn> { return this.call('POST', '/api/sign-in', input); }
  oauthStart(input: OAuthStartInput): Promise<OAuthStarted> { return this.call('POST', '/api/oauth/start', input); }
  /** Answers as `signIn` does: the secret, or the product's own text when it refuses the user. */
  oauthFinish(callback: OAuthCallback): Promise<SignedIn> { return this.call('POST', '/api/oauth/finish', callback); }
  status(): Promise<Status> { return this.call('GET', '/api/status'); }
  syncNow(): Promise<Status> { return this.call('POST', '/api/sync-now'); }
  pause(): Promise<Status> { return this.call('POST', '/api/pause'); }
  resume(): Promise<Status> { return this.call('POST', '/api/resume'); }
  async settings(): Promise<SyncSettings> { return (await this.call<{ objects: SyncSettings }>('GET', '/api/settings')).objects; }
  async saveSettings(objects: SyncSettings): Promise<SyncSettings> { return (await this.call<{ objects: SyncSettings }>('PUT', '/api/settings', { objects })).objects; }
  addEmail(message: unknown): Promise<AddEmailResult> { return this.call('POST', '/api/add-email', message); }
  signOut(): Promise<unknown> { return this.call('POST', '/api/sign-out'); }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.secret) headers.Authorization = `Bearer ${this.secret}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      // fetch rejects (a TypeError) only when nothing answered: the service is not running, or refused CORS.
      throw new ServiceFailure('down', texts.serviceDown(this.baseUrl));
    }
    let json: any;
    try {
      json = await res.json();
    } catch {
      throw new ServiceFailure('BAD_ANSWER', texts.badAnswer(res.status), res.status);
    }
    if (res.ok) return json as T;
    const code: string = json?.error?.code ?? 'UNKNOWN';
    if (res.status === 401 && code === 'STALE_SECRET') throw new ServiceFailure('stale-secret', texts.staleSecret, 401);
    // A refused sign-in carries the product's own text in `message`; other errors in `error.message`.
    const message: string = typeof json?.message === 'string' && json.message ? json.message : json?.error?.message ?? texts.badAnswer(res.status);
    throw new ServiceFailure(code, message, res.status);
  }
}
