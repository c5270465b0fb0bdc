/**
 * The signed-in user, as the service holds them: the product's session (for "Add Email"), the password or OAuth
 * refresh token in memory only (the engine signs in again with it; it is never written to disk), the sync
 * engine for their data, and when it runs. Lost API access re-checks on the engine's slow capped backoff,
 * never hammering the org.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { Product } from '../products/catalog';
import { ProductSession, SignInResult } from '../sign-in/product-session';
import { signIn } from '../sign-in/login-flow';
import { loggedIn } from '../products/outcome';
import { signInWithRefreshToken } from '../sign-in/oauth-session';
import { SyncEngine, EngineDeps } from '../app/engine';
import { AccessRecheck } from '../failures/access-recheck';
import { SYNC_DEFAULTS, SyncConfig } from '../app/config';
import { describeRunFailure } from '../sync/run-failure';
import { StateFileError } from '../sync/state-file';
import { EngineStatus } from '../sync/state-store';
import { SyncScheduler, Timers } from './scheduler';
import { SettingsStore, SyncSettings } from './settings';
import { MailboxTokenSource } from '../app/mailbox-token-source';
import { mailboxConnection } from '../app/mailbox-connection';
import { TokenKeyOptions } from '../app/token-key';
import { MailboxAuthError } from '../sign-in/microsoft/mailbox-auth-error';
import { MailboxConnectStarted, MailboxStatus } from './contract';
import { serviceErrors } from './errors';
import { serviceText } from './texts';

export interface AccountIdentity {
  product: Product;
  productVersion: string;
  /** The org's login URL (an origin). */
  orgUrl: string;
  username: string;
  /** The org's id of the user. */
  userId: string;
  /** Names this user's rows and state folder: a digest of org and username. */
  userKey: string;
}

/** How the engine signs in again: the password (local orgs; memory only) or the OAuth refresh token (real orgs). */
export type AccountCredential = { kind: 'password'; password: string } | { kind: 'oauth'; refreshToken: string };

export interface AccountDeps {
  dataDir: string;
  /** The mailbox: a static token, or a Microsoft sign-in (`microsoft`) the user connects from the pane. */
  mailbox: SyncConfig['mailbox'] | null;
  /** Where the key of kept sign-ins lives (token-key.ts). */
  tokenKey?: TokenKeyOptions;
  intervalSeconds: number;
  settings: SettingsStore;
  timers: Timers;
  log: (level: 'info' | 'warn' | 'error', text: string) => void;
  engineDeps?: EngineDeps;
}

/** How a user of the pane starts over from an unusable state (the engine's texts name it). */
const START_OVER = 'select "Start over" in the add-in';

/** The user's key: the same org and username (any case) give the same key. */
export function userKeyOf(orgUrl: string, username: string): string {
  return crypto.createHash('sha256').update(`${orgUrl}\n${username.toLowerCase()}`).digest('hex').slice(0, 24);
}

export class SignedInAccount {
  engine: SyncEngine | null;
  readonly scheduler: SyncScheduler;
  /** Whether the last word from the org (a sync run, an action) was that the user's API access is off. */
  accessOff = false;
  /** Why the last run failed outside the engine's own stops (a bug, a full disk), else null. */
  lastError: string | null = null;
  /** The user's sync state is damaged or lost with no good copy: no engine until the user starts over. */
  stateProblem: StateFileError | null = null;
  private readonly recheck = new AccessRecheck();
  /** The mailbox's Microsoft sign-in (its cache in the user's folder), when the mailbox signs in with one. */
  readonly mailboxTokens: MailboxTokenSource | null;
  /** A connect started from the pane and not finished, and why the last one failed. */
  private connecting: Promise<void> | null = null;
  private connectError: string | null = null;
  /** The sign-in's own session, handed to the engine for its first run instead of a second login. */
  private handOver: ProductSession | null;

  constructor(
    readonly identity: AccountIdentity,
    readonly session: ProductSession,
    private readonly credential: AccountCredential,
    private readonly deps: AccountDeps,
  ) {
    this.handOver = session;
    const microsoft = deps.mailbox?.microsoft;
    this.mailboxTokens = microsoft
      ? new MailboxTokenSource(this.userDir, microsoft, {
          ...deps.tokenKey,
          log: deps.log,
          ca: deps.engineDeps?.mailboxCa,
        })
      : null;
    this.engine = this.buildEngine(deps.settings.get(identity.userKey));
    this.scheduler = new SyncScheduler(() => this.runOnce(), deps.timers);
  }

  /** Start syncing: the first run now, or after one interval. */
  start(runNow: boolean): void {
    if (this.engine) this.scheduler.start(runNow ? 0 : this.intervalMs);
  }

  get userDir(): string {
    return path.join(this.deps.dataDir, 'users', this.identity.userKey);
  }

  /** The mailbox as the pane shows it. */
  mailboxStatus(): MailboxStatus {
    const none = { connectedAs: null, connecting: false, connectError: null, needsReconnect: false };
    if (!this.deps.mailbox) return { signIn: 'none', ...none };
    if (!this.mailboxTokens) return { signIn: 'token', ...none };
    return {
      signIn: 'microsoft',
      ...mailboxConnection(this.mailboxTokens.cache, this.engineStatus()),
      connecting: this.connecting !== null,
      connectError: this.connectError,
    };
  }

  /** Stop a connect the user gave up on (closed the sign-in window): the status no longer says connecting. */
  async cancelMailboxConnect(): Promise<void> {
    if (!this.mailboxTokens) throw serviceErrors.noMicrosoftMailbox();
    this.cancelConnect?.();
    await this.connecting;
  }

  /**
   * "Connect your Outlook mailbox": msal-node's interactive sign-in, run by the service (its loopback redirect is on
   * this machine, as the pane is). Resolves with the sign-in page to open once msal has made it; the sign-in goes on
   * in the background, and once it is done a sync runs (a sync stopped for the mailbox resumes). A second connect
   * while one is open cancels the first.
   */
  async connectMailbox(o: { timeoutMs?: number } = {}): Promise<MailboxConnectStarted> {
    const tokens = this.mailboxTokens;
    if (!tokens) throw serviceErrors.noMicrosoftMailbox();
    this.cancelConnect?.();
    const controller = new AbortController();
    this.cancelConnect = () => controller.abort();
    this.connectError = null;
    let shown: (url: string) => void = () => {};
    const page = new Promise<string>((resolve) => (shown = resolve));
    const signIn = tokens.signIn.interactive({
      openBrowser: (url) => shown(url),
      signal: controller.signal,
      timeoutMs: o.timeoutMs,
    });
    const run = signIn.then(
      (connected) => {
        this.deps.log('info', `connected the Outlook mailbox of ${connected.username}`);
        if (this.engine && !this.scheduler.isPaused) void this.scheduler.runNow();
      },
      (err: unknown) => {
        if (err instanceof MailboxAuthError && err.code === 'CANCELLED') return;
        this.connectError = serviceText('connectFailed', { reason: (err as Error).message });
        this.deps.log('warn', this.connectError);
      },
    );
    this.connecting = run;
    void run.finally(() => {
      if (this.connecting === run) {
        this.connecting = null;
        this.cancelConnect = null;
      }
    });
    // msal fails before showing a page when the authority cannot be reached: that failure is the answer.
    const first = await Promise.race([
      page.then((url) => ({ url })),
      signIn.then(
        () => null,
        (err: unknown) => ({ err }),
      ),
    ]);
    if (first && 'url' in first) return { authorizeUrl: first.url };
    throw serviceErrors.mailboxConnectFailed(
      this.connectError ?? serviceText('connectFailed', { reason: 'no sign-in page' }),
    );
  }

  private cancelConnect: (() => void) | null = null;

  /** Forget the connected mailbox: msal removes the account, the cache file is deleted; the next run stops. */
  async disconnectMailbox(): Promise<void> {
    const tokens = this.mailboxTokens;
    if (!tokens) throw serviceErrors.noMicrosoftMailbox();
    this.cancelConnect?.();
    try {
      await tokens.signIn.disconnect();
    } catch (err) {
      this.deps.log('warn', `the mailbox's sign-in could not be read (${(err as Error).message}); it is deleted`);
    }
    tokens.cache.remove();
  }

  get intervalMs(): number {
    return this.deps.intervalSeconds * 1000;
  }

  engineStatus(): EngineStatus | null {
    return this.engine?.status() ?? null;
  }

  settings(): SyncSettings {
    return this.deps.settings.get(this.identity.userKey);
  }

  /** Store new settings and rebuild the engine on them, between runs. */
  async changeSettings(next: SyncSettings): Promise<void> {
    await this.scheduler.hold(() => {
      this.deps.settings.put(this.identity.userKey, next);
      if (!this.engine) return;
      this.engine.close();
      this.engine = this.buildEngine(next);
    });
  }

  /**
   * Start over from what can be read of a damaged or lost state (the user chose it: "Start over" in the pane):
   * the links still readable are kept, everything else is matched as in a first sync, nothing is deleted.
   */
  async startOver(): Promise<void> {
    await this.scheduler.hold(() => {
      this.engine?.close();
      this.engine = this.buildEngine(this.settings(), true);
    });
  }

  /**
   * The org answered one of our own calls (the side panel, Add Email, Word and Excel): note whether API access is on.
   * Found off, a run starts at once, so the sync status says what the user just saw (the run stops on it, and
   * re-checks on its backoff); found on again, a sync stopped for it is woken.
   */
  noteAccess(on: boolean): void {
    if (!on) {
      if (this.accessOff) return;
      this.accessOff = true;
      if (this.engine && !this.scheduler.isPaused) void this.scheduler.runNow();
      return;
    }
    if (!this.accessOff) return;
    this.accessOff = false;
    this.recheck.reset();
    if (this.engine && !this.scheduler.isPaused) void this.scheduler.runNow();
  }

  async close(): Promise<void> {
    this.cancelConnect?.();
    await this.connecting;
    await this.scheduler.close();
    this.engine?.close();
    this.engine = null;
  }

  /** One run; resolves with the wait before the next, as the engine's own loop would choose it. */
  private async runOnce(): Promise<number> {
    const engine = this.engine;
    if (!engine) return this.intervalMs;
    try {
      const { status } = await engine.runOnce();
      this.lastError = null;
      if (status.state === 'stopped' && status.stopReason?.kind === 'accessRevoked') {
        this.accessOff = true;
        return this.recheck.next();
      }
      this.recheck.reset();
      if (status.state === 'stopped') return this.recheck.capped(this.intervalMs);
      this.accessOff = false;
      return this.intervalMs;
    } catch (err) {
      // What failed and what to do, naming the file (a damaged state, a full disk); the stack goes to the log only.
      const failure = describeRunFailure(err, engine.config.dataDir);
      this.lastError = `${failure.message} ${failure.fix}`.replace(/\.$/, '');
      this.deps.log('error', `sync run failed: ${(err as Error).stack ?? this.lastError}`);
      return this.recheck.capped(this.intervalMs);
    }
  }

  /** The engine on the user's state; null without a mailbox, or (with `stateProblem` set) when the state is unusable. */
  private buildEngine(objects: SyncSettings, resync = false): SyncEngine | null {
    this.stateProblem = null;
    if (!this.deps.mailbox) return null;
    const config: SyncConfig = {
      product: this.identity.product.id,
      productVersion: this.identity.productVersion,
      org: {
        loginUrl: this.identity.orgUrl,
        clientId: this.identity.product.defaultClientId,
        username: this.identity.username,
        password: this.credential.kind === 'password' ? this.credential.password : '',
      },
      mailbox: this.deps.mailbox,
      objects,
      intervalSeconds: this.deps.intervalSeconds,
      dataDir: this.userDir,
      deleteGuard: { ...SYNC_DEFAULTS.deleteGuard },
    };
    try {
      return new SyncEngine(config, {
        log: this.deps.log,
        signIn: () => this.engineSignIn(),
        ...this.deps.engineDeps,
        ...(this.mailboxTokens ? { mailboxTokens: this.mailboxTokens } : {}),
        resync,
        howToResync: START_OVER,
        howToReconnect: serviceText('reconnectHow'),
      });
    } catch (err) {
      // Signed in all the same: the status says which file and what to do, and the pane offers to start over.
      if (!(err instanceof StateFileError)) throw err;
      this.stateProblem = err;
      this.deps.log('error', `${err.message} ${err.fix}`);
      return null;
    }
  }

  /** The engine's sign-in: the session this account was signed in with, once; then the credential. */
  private async engineSignIn(): Promise<SignInResult> {
    const { product, productVersion: version, orgUrl: loginUrl, username } = this.identity;
    const session = this.handOver;
    this.handOver = null;
    if (session) return { result: loggedIn(product, version), session };
    if (this.credential.kind === 'password') {
      return signIn(product, {
        version,
        clientId: product.defaultClientId,
        username,
        password: this.credential.password,
        loginUrl,
      });
    }
    return signInWithRefreshToken(product, {
      loginUrl,
      clientId: product.defaultClientId,
      version,
      refreshToken: this.credential.refreshToken,
    });
  }
}
