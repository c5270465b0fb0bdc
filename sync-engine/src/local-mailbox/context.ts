/** Everything a local-mailbox route needs, built once per server. */
import { DEFAULT_CHANGE_LOG_LIMIT, MailboxStore } from './store';
import { ThrottleRule, ThrottleSwitch } from './throttle';
import { IdentityStore } from './identity/store';

export interface MailboxOptions {
  /** Largest request body accepted, in bytes (413 past it). */
  bodyLimit: number;
  /** Page size of lists without `$top` and of delta pages without `Prefer: odata.maxpagesize`. */
  defaultPageSize: number;
  /** The largest page a client may ask for. */
  maxPageSize: number;
  /**
   * Items a list page examines at most when `$filter` (or `$skip`) passes most of them over: past it the page ends
   * short, with a nextLink that goes on from there, so a page never costs the whole folder.
   */
  listScanLimit: number;
  /** Changes kept per mailbox for delta rounds; a token older than these gets 410 (why a count: store.ts DEFAULT_CHANGE_LOG_LIMIT). */
  changeLogLimit: number;
  /** Throttle every mailbox's next requests from the start (see throttle.ts). */
  throttle?: ThrottleRule;
  /** Seconds a device-code client is told to wait between polls (Entra's 5; tests make it 1). */
  deviceCodeIntervalSeconds: number;
}

export const DEFAULT_MAILBOX_OPTIONS: MailboxOptions = {
  bodyLimit: 4 * 1024 * 1024,
  defaultPageSize: 10,
  maxPageSize: 1000,
  listScanLimit: 5000,
  changeLogLimit: DEFAULT_CHANGE_LOG_LIMIT,
  deviceCodeIntervalSeconds: 5,
};

export class MailboxContext {
  readonly throttle = new ThrottleSwitch();
  /** The identity platform's tenant, apps, passwords and credentials (identity/). */
  readonly identity: IdentityStore;

  constructor(
    readonly store: MailboxStore,
    readonly options: MailboxOptions = DEFAULT_MAILBOX_OPTIONS,
  ) {
    this.identity = new IdentityStore(store);
    if (options.throttle) this.throttle.set(options.throttle);
  }
}
