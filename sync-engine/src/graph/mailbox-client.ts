/**
 * The mailbox as the synchronizer sees it: one object per user over Microsoft Graph (or the embedded
 * local mailbox, which speaks the same wire format) with contacts, events and To Do tasks.
 *
 *   const mailbox = new GraphMailbox({ baseUrl: 'https://graph.microsoft.com', token });
 *   const { changed, removed, deltaLink } = await mailbox.contacts.delta(savedDeltaLink);
 *
 * Every failure is a GraphApiError whose `kind` says what to do (see errors.ts).
 */
import { GraphHttp, GraphHttpOptions, GraphStats } from './http';
import { Contacts } from './contacts';
import { Events, EventWindow } from './events';
import { Tasks } from './todo';

export interface GraphMailboxOptions extends GraphHttpOptions {
  /** `Prefer: odata.maxpagesize` on collection and delta requests (default 100). */
  maxPageSize?: number;
  /** Sync contacts of this folder instead of the default contacts folder. */
  contactFolderId?: string;
  /** The calendar window of a first events delta round when none is given (default: 30 days back, 365 ahead). */
  eventWindow?: (now: Date) => EventWindow;
  /** For the default event window; default Date.now. */
  now?: () => number;
}

/** `GET /me`. */
export interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string;
  [field: string]: unknown;
}

const DAY_MS = 86_400_000;

/** 30 days back, 365 days ahead. */
export function defaultEventWindow(now: Date): EventWindow {
  return { start: new Date(now.getTime() - 30 * DAY_MS), end: new Date(now.getTime() + 365 * DAY_MS) };
}

export class GraphMailbox {
  readonly http: GraphHttp;
  readonly contacts: Contacts;
  readonly events: Events;
  readonly tasks: Tasks;

  constructor(o: GraphMailboxOptions) {
    this.http = new GraphHttp(o);
    const now = o.now ?? o.retry?.now ?? Date.now;
    const window = o.eventWindow ?? defaultEventWindow;
    this.contacts = new Contacts(this.http, { folderId: o.contactFolderId, maxPageSize: o.maxPageSize });
    this.events = new Events(this.http, { maxPageSize: o.maxPageSize, defaultWindow: () => window(new Date(now())) });
    this.tasks = new Tasks(this.http, { maxPageSize: o.maxPageSize });
  }

  /** The signed-in user (also a cheap check that the token works). */
  me(): Promise<GraphUser> {
    return this.http.get<GraphUser>('/me');
  }

  /** The mailbox's time zone as its settings name it (`GET /me/mailboxSettings`: Windows or IANA), or null when unset. */
  async timeZone(): Promise<string | null> {
    const settings = await this.http.get<{ timeZone?: unknown }>('/me/mailboxSettings');
    return typeof settings.timeZone === 'string' && settings.timeZone.trim() !== '' ? settings.timeZone : null;
  }

  /** Requests sent so far (retries included) and how many were retries. */
  get stats(): Readonly<GraphStats> {
    return { ...this.http.stats };
  }
}
