/**
 * The pane's client of the sfo-compat service API. Every failure comes back as a `ServiceFailure` with a message
 * fit for the user: the service down, a stale secret, or the service's own `{"error":{"code","message"}}`.
 */
import { OAuthCallback } from '../oauth-callback/callback-message';
import { sharedTexts } from '../shared/texts';
import { ServiceFailure } from './service-failure';

export { ServiceFailure };

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:8702';

import type {
  AddItemRequest,
  AddedItem,
  CreatePersonRequest,
  CreatedPerson,
  PeopleAnswer,
  PeopleRequest,
  RelatedAnswer,
  AddEmailRequest,
  AddEmailResult,
  MailboxConnectStarted,
  OAuthStartRequest,
  OAuthStarted,
  ServiceStatus,
  SettingsBody,
  SignInRequest,
  SignedIn,
  SyncSettings,
} from '../../sync-engine/src/service/contract';

// The service's own types (one contract, sync-engine/src/service/contract.ts), under the names the pane uses.
export type {
  AddItemRequest,
  AddedItem,
  PanelPerson,
  PersonRecord,
  RelatedRecord,
  AddEmailResult,
  Counts,
  MailboxConnectStarted,
  MailboxStatus,
  OAuthStarted,
  ObjectSettings,
  SignedIn,
  SyncObject,
  SyncSettings,
} from '../../sync-engine/src/service/contract';
export type Status = ServiceStatus;
export type SignInInput = SignInRequest;
export type OAuthStartInput = OAuthStartRequest;

/** The service's URL: `?service=` on the page, else `<meta name="sfo-compat-service">`, else the default. */
export function serviceUrlOf(location: Location, doc: Document): string {
  const fromQuery = new URLSearchParams(location.search).get('service');
  const fromMeta = doc.querySelector<HTMLMetaElement>('meta[name="sfo-compat-service"]')?.content;
  return (fromQuery || fromMeta || DEFAULT_SERVICE_URL).replace(/\/+$/, '');
}

export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    public secret: string | null = null,
  ) {}

  signIn(input: SignInInput): Promise<SignedIn> {
    return this.call('POST', '/api/sign-in', input);
  }
  oauthStart(input: OAuthStartInput): Promise<OAuthStarted> {
    return this.call('POST', '/api/oauth/start', input);
  }
  /** Answers as `signIn` does: the secret, or the product's own text when it refuses the user. */
  oauthFinish(callback: OAuthCallback): Promise<SignedIn> {
    return this.call('POST', '/api/oauth/finish', callback);
  }
  status(): Promise<Status> {
    return this.call('GET', '/api/status');
  }
  syncNow(): Promise<Status> {
    return this.call('POST', '/api/sync-now');
  }
  pause(): Promise<Status> {
    return this.call('POST', '/api/pause');
  }
  resume(): Promise<Status> {
    return this.call('POST', '/api/resume');
  }
  /** Offered while the status says `stateUnusable`: sync again from what can be read of the damaged state. */
  startOver(): Promise<Status> {
    return this.call('POST', '/api/start-over');
  }
  /** "Connect your Outlook mailbox": the Microsoft sign-in page to show; the service finishes the sign-in. */
  connectMailbox(): Promise<MailboxConnectStarted> {
    return this.call('POST', '/api/mailbox/connect');
  }
  /** The user closed the Microsoft sign-in window: the service stops waiting for it. */
  cancelMailboxConnect(): Promise<Status> {
    return this.call('POST', '/api/mailbox/cancel-connect');
  }
  disconnectMailbox(): Promise<Status> {
    return this.call('POST', '/api/mailbox/disconnect');
  }
  async settings(): Promise<SyncSettings> {
    return (await this.call<SettingsBody>('GET', '/api/settings')).objects;
  }
  async saveSettings(objects: SyncSettings): Promise<SyncSettings> {
    return (await this.call<SettingsBody>('PUT', '/api/settings', { objects } satisfies SettingsBody)).objects;
  }
  addEmail(message: AddEmailRequest): Promise<AddEmailResult> {
    return this.call('POST', '/api/add-email', message);
  }
  /** The side panel: who in the item is in Salesforce, with their records. */
  people(request: PeopleRequest): Promise<PeopleAnswer> {
    return this.call('POST', '/api/side-panel/people', request);
  }
  createPerson(request: CreatePersonRequest): Promise<CreatedPerson> {
    return this.call('POST', '/api/side-panel/create-person', request);
  }
  async related(q: string): Promise<RelatedAnswer['records']> {
    return (await this.call<RelatedAnswer>('GET', `/api/side-panel/related?q=${encodeURIComponent(q)}`)).records;
  }
  addItem(request: AddItemRequest): Promise<AddedItem> {
    return this.call('POST', '/api/side-panel/add', request);
  }
  signOut(): Promise<unknown> {
    return this.call('POST', '/api/sign-out');
  }

  protected async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.secret) headers.Authorization = `Bearer ${this.secret}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      // fetch rejects (a TypeError) only when nothing answered: the service is not running, or refused CORS.
      throw new ServiceFailure('down', sharedTexts.serviceDown(this.baseUrl));
    }
    let json: any;
    try {
      json = await res.json();
    } catch {
      throw new ServiceFailure('BAD_ANSWER', sharedTexts.badAnswer(res.status), res.status);
    }
    if (res.ok) return json as T;
    const code: string = json?.error?.code ?? 'UNKNOWN';
    if (res.status === 401 && code === 'STALE_SECRET')
      throw new ServiceFailure('stale-secret', sharedTexts.staleSecret, 401);
    // A refused sign-in carries the product's own text in `message`; other errors in `error.message`.
    const message: string =
      typeof json?.message === 'string' && json.message
        ? json.message
        : (json?.error?.message ?? sharedTexts.badAnswer(res.status));
    throw new ServiceFailure(code, message, res.status);
  }
}
