/**
 * The background service behind the pane: its data dir (secret, database, each user's sync state), the
 * signed-in account, and the operations the routes expose. One account at a time, as Salesforce for Outlook
 * had one user per Outlook profile.
 */
import Database from 'better-sqlite3';
import { signIn as productSignIn, LoginOptionsError } from '../sign-in/login-flow';
import { message } from '../products/messages';
import { EngineDeps } from '../app/engine';
import { SyncConfig } from '../app/config';
import { SalesforceApiError } from '../salesforce/errors';
import { AccountCredential, SignedInAccount, userKeyOf } from './account';
import { OAuthFinishInput, OAuthStartInput, PendingSignIns, deniedInDialog } from './oauth-sign-in';
import { signInWithCode, signInWithRefreshToken } from '../sign-in/oauth-session';
import { revoke } from '../salesforce/oauth';
import { KeptSignIn } from './kept-sign-in';
import { TokenStoreOptions } from '../app/token-store';
import { AccessRecheck } from '../failures/access-recheck';
import { Product } from '../products/catalog';
import { ProductSession } from '../sign-in/product-session';
import { AddedEmails } from './added-emails';
import { AddEmailInput, AddEmailResult, addEmail } from './add-email';
import { ServiceError, serviceErrors } from './errors';
import { Connection } from '../salesforce/connection';
import { Timers, realTimers } from './scheduler';
import { serviceText } from './texts';
import { RandomBytes, ServiceSecret } from './secret';
import { ServiceMeta, openServiceDb } from './service-db';
import { privateDir } from '../common/private-files';
import { SettingsStore, SyncSettings } from './settings';
import { SignInInput, refusedSignIn } from './sign-in';
import { fromSalesforceFailure, accessOffText } from './salesforce-failure';
import { ServiceStatus, accountStatus, signedOutStatus } from './status';
import { MailboxConnectStarted, OAuthStarted, SignedIn } from './contract';
import { UnresolvedEmail, UnresolvedItems } from './unresolved';
import { SYNC_DEFAULTS } from '../app/config';
import {
  AddItemRequest,
  AddedItem,
  CreatePersonRequest,
  CreatedPerson,
  PeopleAnswer,
  PeopleRequest,
  RelatedRecord,
} from './contract';
import { PeopleCache } from './side-panel/people-cache';
import { lookUpPeople } from './side-panel/people-lookup';
import { addItem, ledgerKey } from './side-panel/add-item';
import { createPerson } from './side-panel/create-person';
import { searchRelated } from './side-panel/related-search';
import { sharesActivities } from './side-panel/shared-activities';
import { DescribeCache, UserDescribes } from './describe-cache';

export interface ServiceOptions {
  /** Secret, database and per-user sync state (created 0700). */
  dataDir: string;
  /** The Graph mailbox the engine syncs with; without one, sign-in and "Add Email" work and sync is off. */
  mailbox?: SyncConfig['mailbox'] | null;
  /** How often the engine syncs (default SYNC_DEFAULTS.intervalSeconds). */
  intervalSeconds?: number;
  /** Start a sync right after sign-in (default true). */
  syncOnSignIn?: boolean;
  /** Timeout of each request to the org at sign-in (ms). */
  loginTimeoutMs?: number;
  now?: () => Date;
  random?: RandomBytes;
  timers?: Timers;
  log?: (level: 'info' | 'warn' | 'error', text: string) => void;
  engineDeps?: EngineDeps;
  /** Where the key of kept OAuth sign-ins lives (sync/token-store.ts); tests point it at a temp folder. */
  tokenStore?: TokenStoreOptions;
}

export type { SignedIn } from './contract';

const LAST_USER = 'signedInUser';

export class SyncService {
  readonly secret: ServiceSecret;
  private readonly db: Database.Database;
  private readonly meta: ServiceMeta;
  private readonly settingsStore: SettingsStore;
  private readonly unresolved: UnresolvedItems;
  private readonly ledger: AddedEmails;
  private account: SignedInAccount | null = null;
  /** Sign-ins and sign-outs one after the other. */
  private accountChange: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly log: NonNullable<ServiceOptions['log']>;
  private readonly pending: PendingSignIns;
  private readonly kept: KeptSignIn;
  /** A kept sign-in's next try after a restart (the org unreachable, or API access off), if one is due. */
  private resumeTimer: unknown = null;
  private readonly resumeRecheck = new AccessRecheck();
  /** The side panel's answers per item (side-panel/people-cache.ts). */
  private readonly people: PeopleCache;
  /** The signed-in user's describes, for the side panel and the Word and Excel add-in (describe-cache.ts). */
  private readonly describes: DescribeCache;
  /**
   * Adds of one item at a time, from the ribbon and the side panel alike (their ledger is one): a second waits for
   * the first, then the ledger answers it.
   */
  private readonly addingItems = new Map<string, Promise<unknown>>();

  constructor(private readonly o: ServiceOptions) {
    privateDir(o.dataDir);
    this.secret = ServiceSecret.open(o.dataDir, o.random);
    this.db = openServiceDb(o.dataDir);
    this.meta = new ServiceMeta(this.db);
    this.settingsStore = new SettingsStore(this.db);
    this.unresolved = new UnresolvedItems(this.db);
    this.ledger = new AddedEmails(this.db);
    this.now = o.now ?? (() => new Date());
    this.log = o.log ?? (() => undefined);
    this.pending = new PendingSignIns(() => this.now().getTime(), o.random);
    this.kept = new KeptSignIn(this.meta, o.dataDir, o.tokenStore);
    this.people = new PeopleCache(() => this.now().getTime());
    this.describes = new DescribeCache({ now: () => this.now().getTime() });
  }

  /**
   * After a restart: sign the kept OAuth account in again with its refresh token, and sync. While the org cannot be
   * reached or the user's API access is off, try again on the engine's slow capped backoff; a token the org no
   * longer accepts is forgotten (the pane asks to sign in).
   */
  resumeKeptSignIn(): Promise<'resumed' | 'none' | 'waiting' | 'forgotten'> {
    const run = this.accountChange.then(async () => {
      this.cancelResume();
      if (this.account) return 'none' as const;
      let kept;
      try {
        kept = this.kept.load();
      } catch (err) {
        this.log('warn', `the kept sign-in cannot be read (${(err as Error).message}): sign in again in the add-in`);
        await this.kept.forget(false);
        return 'forgotten' as const;
      }
      if (!kept) return 'none' as const;
      const { account: a, refreshToken } = kept;
      const signed = await signInWithRefreshToken(a.product, {
        loginUrl: a.orgUrl,
        clientId: a.product.defaultClientId,
        version: a.productVersion,
        refreshToken,
        timeoutMs: this.o.loginTimeoutMs,
      });
      if (signed.result.ok) {
        const current = signed.refreshToken ?? refreshToken;
        // An org that rotates refresh tokens answered a new one: keep that one for the next start.
        if (current !== refreshToken) this.kept.keep(a, current);
        await this.adopt(a, signed.session, { kind: 'oauth', refreshToken: current });
        this.resumeRecheck.reset();
        return 'resumed' as const;
      }
      if (
        signed.result.outcome === 'network-error' ||
        signed.result.outcome === 'blocked' ||
        signed.result.outcome === 'redirect-to-login'
      ) {
        const wait = this.resumeRecheck.next();
        this.log(
          'warn',
          `${a.username} not signed in again yet (${signed.result.outcome}): trying again in ${Math.round(wait / 1000)} s`,
        );
        this.resumeTimer = (this.o.timers ?? realTimers).set(() => void this.resumeKeptSignIn(), wait);
        return 'waiting' as const;
      }
      this.log(
        'warn',
        `${a.username}'s kept sign-in was refused (${signed.result.errorCode ?? signed.result.outcome}): sign in again in the add-in`,
      );
      await this.kept.forget(false);
      return 'forgotten' as const;
    });
    this.accountChange = run.catch(() => undefined);
    return run;
  }

  private cancelResume(): void {
    if (this.resumeTimer !== null) (this.o.timers ?? realTimers).clear(this.resumeTimer);
    this.resumeTimer = null;
  }

  /** Whether a request's `Authorization` carries the current secret (the pane of whoever is signed in). */
  holdsSecret(authorization: string | undefined): boolean {
    return this.secret.check(authorization) === null;
  }

  /**
   * Refuse a sign-in that would replace the signed-in account with another one, unless the caller holds the current
   * secret. The account stays "signed in" from its sign-in to its sign-out, across restarts (a password is not kept,
   * but its pane still holds the secret), so only a fresh install or a signed-out service takes anyone.
   */
  private checkReplacement(orgUrl: string, username: string, holdsSecret: boolean): void {
    const current = this.meta.get(LAST_USER);
    if (current !== null && current !== userKeyOf(orgUrl, username) && !holdsSecret) throw serviceErrors.accountInUse();
  }

  /**
   * Sign in as the product; on success the account replaces the current one and its sync starts. Another account
   * than the signed-in one needs `holdsSecret` (the product's own refusal is still answered first: it changes nothing).
   */
  signIn(input: SignInInput, holdsSecret = false, o: { startSync?: boolean } = {}): Promise<SignedIn> {
    const run = this.accountChange.then(() => this.doSignIn(input, holdsSecret, o.startSync));
    this.accountChange = run.catch(() => undefined);
    return run;
  }

  private async doSignIn(input: SignInInput, holdsSecret: boolean, startSync?: boolean): Promise<SignedIn> {
    let signed;
    try {
      signed = await productSignIn(input.product, {
        version: input.productVersion,
        username: input.username,
        password: input.password,
        loginUrl: input.orgUrl,
        timeoutMs: this.o.loginTimeoutMs,
      });
    } catch (err) {
      if (err instanceof LoginOptionsError)
        throw serviceErrors.invalid(err.option === 'version' ? 'productVersion' : err.option, err.message);
      throw err;
    }
    const { result, session } = signed;
    if (!result.ok) throw refusedSignIn(result, input.product);
    this.checkReplacement(input.orgUrl, input.username, holdsSecret);
    // A password sign-in replaces a kept OAuth one (ended at the org: nobody will use it), and is never kept itself.
    await this.kept.forget(true);
    return this.adopt(input, session, { kind: 'password', password: input.password }, startSync);
  }

  /** Start a sign-in through the org's login page in a dialog: the URL it opens, and its state. */
  startOAuth(input: OAuthStartInput, holdsSecret = false): OAuthStarted {
    return this.pending.start(input, holdsSecret);
  }

  /**
   * Finish a dialog sign-in with the code the org sent to the callback page: the same answers as a password sign-in,
   * and the same rule for replacing another account (whose tokens, just issued, are then revoked).
   */
  finishOAuth(input: OAuthFinishInput, holdsSecret = false): Promise<SignedIn> {
    const pending = this.pending.take(input.state);
    const run = this.accountChange.then(async () => {
      if ('error' in input) throw deniedInDialog(input.error, input.errorDescription);
      const signed = await signInWithCode(pending.product, {
        loginUrl: pending.orgUrl,
        clientId: pending.product.defaultClientId,
        version: pending.productVersion,
        timeoutMs: this.o.loginTimeoutMs,
        code: input.code,
        redirectUri: pending.redirectUri,
        codeVerifier: pending.codeVerifier,
      });
      if (!signed.result.ok) throw refusedSignIn(signed.result, pending.product);
      if (!signed.refreshToken) throw serviceErrors.noRefreshToken(serviceText('noRefreshToken'));
      const username = signed.username ?? signed.session?.userId ?? 'unknown user';
      try {
        this.checkReplacement(pending.orgUrl, username, holdsSecret);
      } catch (err) {
        await revoke(pending.orgUrl, signed.refreshToken, { timeoutMs: this.o.loginTimeoutMs }).catch(() => undefined);
        throw err;
      }
      const done = await this.adopt({ ...pending, username }, signed.session, {
        kind: 'oauth',
        refreshToken: signed.refreshToken,
      });
      // Kept for the next start of the service (instead of any kept before); a failure to keep it costs only a
      // sign-in after a restart.
      try {
        await this.kept.forget(true);
        this.kept.keep({ ...pending, username, userKey: userKeyOf(pending.orgUrl, username) }, signed.refreshToken);
      } catch (err) {
        this.log('warn', `the sign-in is not kept across restarts: ${(err as Error).message}`);
      }
      return done;
    });
    this.accountChange = run.catch(() => undefined);
    return run;
  }

  /** A sign-in succeeded: its account replaces the current one, and its sync starts. */
  private async adopt(
    input: { orgUrl: string; product: Product; productVersion: string; username: string },
    session: ProductSession | null,
    credential: AccountCredential,
    /** Sync right away (default: the service's `syncOnSignIn`). */
    startSync = this.o.syncOnSignIn ?? true,
  ): Promise<SignedIn> {
    if (!session?.connection || !session.userId)
      throw new Error(`${input.product.id} signed in without a REST session`);
    const userKey = userKeyOf(input.orgUrl, input.username);
    this.cancelResume();
    await this.account?.close();
    this.account = null;
    this.describes.clear();
    // Another user's pane must not keep working against this user's data.
    const previous = this.meta.get(LAST_USER);
    if (previous !== null && previous !== userKey) this.secret.rotate();
    this.meta.set(LAST_USER, userKey);
    this.account = new SignedInAccount(
      {
        product: input.product,
        productVersion: input.productVersion,
        orgUrl: input.orgUrl,
        username: input.username,
        userId: session.userId,
        userKey,
      },
      session,
      credential,
      {
        dataDir: this.o.dataDir,
        mailbox: this.o.mailbox ?? null,
        tokenKey: this.o.tokenStore,
        intervalSeconds: this.o.intervalSeconds ?? SYNC_DEFAULTS.intervalSeconds,
        settings: this.settingsStore,
        timers: this.o.timers ?? realTimers,
        log: this.log,
        engineDeps: this.o.engineDeps,
      },
    );
    this.account.start(startSync);
    this.log('info', `signed in ${input.username} at ${input.orgUrl} as ${input.product.name} ${input.productVersion}`);
    return {
      ok: true,
      secret: this.secret.value,
      outcome: 'logged-in',
      product: { id: input.product.id, name: input.product.name, version: input.productVersion },
      username: input.username,
      orgUrl: input.orgUrl,
    };
  }

  /** Stop syncing, forget the password and the session, and make every pane's secret stale. */
  signOut(): Promise<void> {
    const run = this.accountChange.then(async () => {
      this.cancelResume();
      await this.account?.close();
      this.account = null;
      this.describes.clear();
      await this.kept.forget(true);
      this.meta.set(LAST_USER, null);
      this.secret.rotate();
    });
    this.accountChange = run.catch(() => undefined);
    return run;
  }

  /** "Connect your Outlook mailbox": the Microsoft sign-in page to open; the sign-in finishes in the background. */
  connectMailbox(): Promise<MailboxConnectStarted> {
    return this.signedIn().connectMailbox();
  }

  /** The user gave up a connect (closed the Microsoft sign-in window); the status after it. */
  async cancelMailboxConnect(): Promise<ServiceStatus> {
    await this.signedIn().cancelMailboxConnect();
    return this.status();
  }

  /** Forget the connected mailbox; the status after it. */
  async disconnectMailbox(): Promise<ServiceStatus> {
    await this.signedIn().disconnectMailbox();
    return this.status();
  }

  status(): ServiceStatus {
    return this.account ? accountStatus(this.account) : signedOutStatus();
  }

  /** Run once now and answer the status after it; 409 when a run is already in progress. */
  async syncNow(): Promise<ServiceStatus> {
    const a = this.signedIn();
    if (a.stateProblem) throw serviceErrors.stateUnusable(`${a.stateProblem.message} ${a.stateProblem.fix}`);
    if (!a.engine) throw serviceErrors.noMailbox(serviceText('noMailbox'));
    if (!(await a.scheduler.runNow())) throw serviceErrors.syncInProgress();
    return this.status();
  }

  /**
   * "Start over", offered only while the user's sync state is unusable (damaged or lost, no good copy): the engine
   * starts from what can be read of it, and its first run starts now; answers the status after that run.
   */
  async startOver(): Promise<ServiceStatus> {
    const a = this.signedIn();
    if (!a.stateProblem) throw serviceErrors.nothingToStartOver();
    await a.startOver();
    // Its first run now (it schedules the next ones); a run already going is fine too.
    if (a.engine) await a.scheduler.runNow();
    return this.status();
  }

  pause(): ServiceStatus {
    this.signedIn().scheduler.pause();
    return this.status();
  }

  resume(): ServiceStatus {
    this.signedIn().scheduler.resume();
    return this.status();
  }

  /** The last sync run's report, or null before the first. */
  report(): unknown {
    return this.signedIn().engineStatus()?.lastReport ?? null;
  }

  settings(): SyncSettings {
    return this.settingsOpen().settings();
  }

  async changeSettings(change: (current: SyncSettings) => SyncSettings): Promise<SyncSettings> {
    const a = this.settingsOpen();
    const next = change(a.settings());
    await a.changeSettings(next);
    return next;
  }

  /**
   * "Add Email to Salesforce" for the open message. One add of a message at a time, whichever asks (the ribbon or the
   * side panel): a second waits for the first, then the ledger answers it with what the first did.
   */
  addEmail(input: AddEmailInput): Promise<AddEmailResult> {
    const a = this.signedIn();
    return this.oneAddAtATime(`${a.identity.userKey}\n${input.internetMessageId}`, () =>
      this.withOrg('add this email to Salesforce', (acc) =>
        addEmail(
          {
            connection: acc.session.connection!,
            userId: acc.identity.userId,
            userKey: acc.identity.userKey,
            ledger: this.ledger,
            unresolved: this.unresolved,
            now: this.now,
          },
          input,
        ),
      ),
    );
  }

  /** Run `add` after any add of the same item still in flight; the side panel's cache is emptied after it. */
  private oneAddAtATime<T>(key: string, add: () => Promise<T>): Promise<T> {
    const before = this.addingItems.get(key) ?? Promise.resolve();
    const run = before
      .catch(() => undefined)
      .then(add)
      .finally(() => {
        if (this.addingItems.get(key) === run) this.addingItems.delete(key);
        this.people.clear();
      });
    this.addingItems.set(key, run);
    return run;
  }

  /**
   * A call of the Word and Excel add-in on the signed-in account's session (see `withOrg`); `failure` turns a failed
   * call into the answer the add-in shows, for a call that goes on after one of its requests failed.
   */
  withOrgSession<T>(
    what: string,
    call: (conn: Connection, failure: (err: SalesforceApiError) => ServiceError) => Promise<T>,
  ): Promise<T> {
    return this.withOrg(what, (a, failure) => call(a.session.connection!, failure));
  }

  /** A call of the Word and Excel add-in that describes objects, from the signed-in user's describe cache. */
  withOrgDescribes<T>(what: string, call: (describes: UserDescribes) => Promise<T>): Promise<T> {
    return this.withOrg(what, async (a) => {
      const describes = this.describesOf(a);
      // Whether every describe came from memory: then nothing reached the org, and one light request says API access
      // is still on (lost access is never answered with what the cache holds), as the side panel's cached items do.
      let fromMemory = true;
      const value = await call({
        ...describes,
        describe: (object) => {
          if (describes.knownPresent(object) === undefined) fromMemory = false;
          return describes.describe(object);
        },
      });
      if (fromMemory) await this.stillOpen(a);
      return value;
    });
  }

  /** One light request (the API version's resources): whether the org still takes the user's API calls. */
  private async stillOpen(a: SignedInAccount): Promise<void> {
    await a.session.connection!.request({ method: 'GET', path: a.session.connection!.dataPath('') });
  }

  /** The account's describes; while its API access is known off, none is used without asking the org. */
  private describesOf(a: SignedInAccount): UserDescribes {
    return this.describes.of(a.session.connection!, a.identity.userId, { recheck: a.accessOff });
  }

  /**
   * A call of the user's session to the org (the side panel, the Word and Excel add-in): lost API access is noted
   * (the sync re-checks it), empties the side panel's cache and the describes (nothing stale is shown once access
   * returns) and is answered with the signed-in product's own text; an answer notes that access is on.
   */
  private async withOrg<T>(
    what: string,
    call: (a: SignedInAccount, failure: (err: SalesforceApiError) => ServiceError) => Promise<T>,
  ): Promise<T> {
    const a = this.signedIn();
    let refused = false;
    const failure = (err: SalesforceApiError): ServiceError => {
      if (err.kind === 'accessRevoked') {
        refused = true;
        a.noteAccess(false);
        this.people.clear();
        this.describes.clear();
      }
      return fromSalesforceFailure(a.identity.product, err, what);
    };
    try {
      const result = await call(a, failure);
      if (!refused) a.noteAccess(true);
      return result;
    } catch (err) {
      if (err instanceof SalesforceApiError) throw failure(err);
      throw err;
    }
  }

  /**
   * The side panel's people of an item: from Salesforce in two requests at most; an item seen in the last minutes
   * from the cache, after one light request that says API access is still on.
   */
  async sidePanelPeople(r: PeopleRequest): Promise<PeopleAnswer> {
    const a = this.signedIn();
    const addresses = r.people.map((p) => p.address);
    const userKey = a.identity.userKey;
    const cached = a.accessOff ? undefined : this.people.get(userKey, r.itemKey, addresses);
    if (cached) {
      // One light request (the API version's resources) so lost access is never answered with what it hid.
      await this.withOrg('look up the people in this item', (acc) => this.stillOpen(acc));
      return { itemKey: r.itemKey, ...cached, cached: true };
    }
    const found = await this.withOrg('look up the people in this item', (acc) =>
      lookUpPeople(acc.session.connection!, r.people, this.describesOf(acc)),
    );
    this.people.put(userKey, r.itemKey, addresses, found);
    return { itemKey: r.itemKey, ...found, cached: false };
  }

  /** "Create contact" / "Create lead" from the side panel. */
  async createPerson(r: CreatePersonRequest): Promise<CreatedPerson> {
    const made = await this.withOrg(`create this ${r.type === 'Lead' ? 'lead' : 'contact'}`, (a) =>
      createPerson(a.session.connection!, r),
    );
    this.people.clear();
    return made;
  }

  /** Accounts, open opportunities and cases by name, for the side panel's "What". */
  relatedRecords(q: string): Promise<RelatedRecord[]> {
    return this.withOrg('search for related records', (a) => searchRelated(a.session.connection!, q));
  }

  /** The side panel's "Add Email" or "Add meeting"; a second add of the item is refused with where it went. */
  addItem(r: AddItemRequest): Promise<AddedItem> {
    const a = this.signedIn();
    return this.oneAddAtATime(`${a.identity.userKey}\n${ledgerKey(r)}`, async () => {
      const added = await this.withOrg(
        r.kind === 'meeting' ? 'add this meeting to Salesforce' : 'add this email to Salesforce',
        (acc) =>
          addItem(
            {
              connection: acc.session.connection!,
              userId: acc.identity.userId,
              userKey: acc.identity.userKey,
              ledger: this.ledger,
              now: this.now,
              sharesActivities: () => sharesActivities(this.describesOf(acc)),
            },
            r,
          ),
      );
      // An email the ribbon's Add Email kept as unresolved (nobody had its sender) is resolved now.
      if (r.kind === 'email') this.unresolved.resolved(a.identity.userKey, r.itemKey);
      return added;
    });
  }

  unresolvedItems(): UnresolvedEmail[] {
    return this.unresolved.list(this.signedIn().identity.userKey);
  }

  async close(): Promise<void> {
    this.cancelResume();
    await this.accountChange;
    this.cancelResume();
    await this.account?.close();
    this.account = null;
    this.db.close();
  }

  private signedIn(): SignedInAccount {
    if (!this.account) throw serviceErrors.signInRequired();
    return this.account;
  }

  /**
   * The account, when its settings may be shown: not while API access is off (Salesforce for Outlook's settings
   * are unavailable then, with its own text; the other products say their sync-stopped text).
   */
  private settingsOpen(): SignedInAccount {
    const a = this.signedIn();
    if (a.accessOff) {
      const product = a.identity.product;
      throw serviceErrors.settingsUnavailable(
        product.settingsUnavailable ? message(product.settingsUnavailable) : accessOffText(product),
      );
    }
    return a;
  }
}
