/**
 * The sync engine for one user: signs in as the configured product, runs the synchronizer, and turns how a
 * run ended into the engine's status and the product's exact text. When API access goes away it stops after
 * the one failing request, keeps everything, re-checks on a slow capped backoff, and resumes by itself.
 */
import { ContactEntriesTable } from '../sync/contact-entries';
import { SyncConfig } from './config';
import { StateStore, EngineStatus } from '../sync/state-store';
import { openState } from '../sync/state-file';
import { keepLastGoodCopy } from '../sync/last-good-copy';
import { runOnce, RunResult } from '../sync/runner';
import { SalesforceSide } from '../sync/sides/salesforce-side';
import { eventWindow } from '../sync/event-window';
import { OutlookSide } from '../sync/sides/outlook-side';
import { StopReason } from '../sync/types';
import { signIn } from '../sign-in/login-flow';
import { ProductSession, SignInResult } from '../sign-in/product-session';
import { findProduct } from '../products/catalog';
import { message } from '../products/messages';
import { notice } from '../products/notices';
import { GraphMailbox } from '../graph/mailbox-client';
import { SalesforceApiError, SERVER_ERROR_CODES } from '../salesforce/errors';
import { AccessRecheck } from '../failures/access-recheck';
import { GraphApiError } from '../graph/errors';
import { stopFor } from '../sync/stop-reason';
import { MailboxTokenSource } from './mailbox-token-source';
import { stoppedForMailbox } from './mailbox-connection';

/** How often a sync stopped for the mailbox looks whether it was connected again (msal's cache file). */
export const RECONNECT_CHECK_MS = 5_000;
import { describeOrgFields } from './org-fields';
import { CompanyLinksTable } from '../sync/company-links';
import { FieldPlan } from '../sync/mappers/salesforce-fields';

export interface EngineDeps {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Waits before a failed request or write goes again (default a real timer). */
  retrySleep?: (ms: number) => Promise<void>;
  /**
   * Waits for the org's clock to pass the second a target was edited in, before a conditional update (default a
   * real timer: the org's clock is the world's).
   */
  orgClockWait?: (ms: number) => Promise<void>;
  log?: (level: 'info' | 'warn' | 'error', text: string) => void;
  onProgress?: (done: number, total: number, what: string) => void;
  /**
   * How the engine signs in as the product; default the password sign-in the config names. The service passes
   * its own: the session it already holds first (no second login), then its password or OAuth refresh token.
   */
  signIn?: () => Promise<SignInResult>;
  /** Start over from an empty state (`sync --resync`): a first sync that links matching records and deletes nothing. */
  resync?: boolean;
  /** How the user starts over, named in the error for a lost or damaged state without a good copy. */
  howToResync?: string;
  /**
   * How the user connects the mailbox again, named in the stop text when it no longer accepts us
   * (`sfo-compat sync --config F --connect-mailbox`, or the pane's step). Default: the CLI's, without the file.
   */
  howToReconnect?: string;
  /** The mailbox's (and a local authority's) self-signed certificate to trust, PEM. */
  mailboxCa?: string | Buffer;
  /** The mailbox's tokens, for a mailbox that signs in with Microsoft; default: msal's cache in the data dir. */
  mailboxTokens?: MailboxTokenSource;
}

export interface EngineRun {
  status: EngineStatus;
  result: RunResult | null;
}

export class SyncEngine {
  readonly store: StateStore;
  private session: ProductSession | null = null;
  private salesforce: SalesforceSide | null = null;
  private readonly outlook: OutlookSide;
  private readonly mailbox: GraphMailbox;
  /** Null for a mailbox opened by a static token. */
  readonly mailboxTokens: MailboxTokenSource | null;
  private readonly now: () => Date;
  /** What was done to the state on the way (a restore), told in the next run's report. */
  private notices: string[];
  /** Mapped fields the org does not let the user read or write, told in every run's report. */
  private fieldWarnings: string[] = [];
  /** What the Salesforce side said during the run (a company without an Account), each once. */
  private readonly runNotices = new Set<string>();
  /** Requests the sign-in made to the org (the describes), counted in the next run's report. */
  private signInRequests = 0;

  /** Throws StateFileError when the state is lost or damaged and there is no good copy to restore. */
  constructor(
    readonly config: SyncConfig,
    private readonly deps: EngineDeps = {},
  ) {
    this.now = deps.now ?? (() => new Date());
    const opened = openState(config.dataDir, { resync: deps.resync, now: this.now, howToResync: deps.howToResync });
    this.store = opened.store;
    this.notices = opened.notices;
    for (const n of this.notices) deps.log?.('warn', n);
    const nowMs = () => this.now().getTime();
    const microsoft = config.mailbox.microsoft;
    this.mailboxTokens =
      deps.mailboxTokens ??
      (microsoft
        ? new MailboxTokenSource(config.dataDir, microsoft, {
            ca: deps.mailboxCa,
            log: deps.log,
          })
        : null);
    const tokens = this.mailboxTokens;
    this.mailbox = new GraphMailbox({
      baseUrl: config.mailbox.url,
      token: config.mailbox.token,
      // A 401 asks msal for a new token once (forceRefresh: the one it had was refused), then the run stops.
      ...(tokens ? { refreshToken: () => tokens.token({ forceRefresh: true }) } : {}),
      userAgent: 'sfo-compat-sync',
      now: nowMs,
      eventWindow,
      ...(deps.mailboxCa ? { ca: deps.mailboxCa } : {}),
      ...(deps.retrySleep ? { retry: { sleep: deps.retrySleep } } : {}),
    });
    this.outlook = new OutlookSide(this.mailbox, nowMs, new ContactEntriesTable(this.store.db), (text) =>
      deps.log?.('warn', text),
    );
  }

  private get product() {
    return findProduct(this.config.product)!;
  }

  /** One run (sign in first when needed). */
  async runOnce(o: { dryRun?: boolean } = {}): Promise<EngineRun> {
    const mailboxOpen = await this.ensureMailboxToken();
    if (mailboxOpen) return { status: this.stop(mailboxOpen), result: null };
    const signedIn = await this.ensureSession();
    if (signedIn) return { status: this.stop(signedIn), result: null };
    this.store.markSyncing();
    let result: RunResult;
    try {
      result = await runOnce(
        { config: this.config, sides: { salesforce: this.salesforce!, outlook: this.outlook }, store: this.store },
        {
          dryRun: o.dryRun,
          now: this.now,
          onProgress: this.deps.onProgress,
          sleep: this.deps.retrySleep,
        },
      );
    } catch (err) {
      this.store.setStatus({ state: 'idle' });
      throw err;
    }
    const { report } = result;
    // What this org does not let the user sync, once per run (salesforce-fields.ts); companies left unlinked.
    report.notices.push(...this.fieldWarnings, ...this.runNotices);
    this.runNotices.clear();
    report.requests.salesforce += this.signInRequests;
    this.signInRequests = 0;
    if (!o.dryRun) {
      report.notices.push(...this.notices);
      this.notices = [];
    }
    if (report.stopped) {
      const stopped = report.stopped;
      if (stopped.kind === 'accessRevoked' || (stopped.kind === 'authFailed' && stopped.side === 'salesforce'))
        this.dropSession();
      const status = this.stop(report.stopped, o.dryRun ? undefined : report);
      if (!o.dryRun) await this.keepCopy(report);
      return { status, result };
    }
    if (!o.dryRun)
      this.store.setStatus({
        state: 'idle',
        message: null,
        stopReason: null,
        settingsMessage: null,
        lastRun: report.endedAt,
        lastReport: report,
      });
    else this.store.setStatus({ state: 'idle' });
    this.deps.log?.('info', `sync run done: ${JSON.stringify(report.counts)}; ${report.errors.length} record errors`);
    if (!o.dryRun) await this.keepCopy(report);
    return { status: this.store.status(), result };
  }

  /** Requests sent to each side since the engine started. */
  requestsMade(): Record<'salesforce' | 'outlook', number> {
    return { salesforce: this.salesforce?.requestCount() ?? 0, outlook: this.outlook.requestCount() };
  }

  /**
   * After a run that ended, the state it left is the last good copy. A copy that cannot be made (a full disk)
   * does not undo the run: the previous copy stays, and the report says so.
   */
  private async keepCopy(report: RunResult['report']): Promise<void> {
    try {
      await keepLastGoodCopy(this.store.db, this.config.dataDir, this.now());
    } catch (err) {
      const text = `Could not keep a copy of the sync state after this run (${(err as Error).message}); the previous copy, if any, is kept.`;
      report.notices.push(text);
      this.deps.log?.('warn', text);
    }
  }

  /**
   * Run every intervalSeconds until the signal aborts. While API access is off, re-check on a capped
   * backoff with the product's own next call (one request), and resume as soon as it works.
   */
  async runForever(signal: AbortSignal, o: { onRun?: (run: EngineRun) => void } = {}): Promise<void> {
    const recheck = new AccessRecheck();
    while (!signal.aborted) {
      const run = await this.runOnce();
      o.onRun?.(run);
      if (run.status.state === 'stopped' && run.status.stopReason?.kind === 'accessRevoked') {
        while (!signal.aborted) {
          await this.sleepUnless(recheck.next(), signal);
          if (await this.accessBack()) break;
        }
        recheck.reset();
        continue;
      }
      const interval = this.config.intervalSeconds * 1000;
      const wait = run.status.state === 'stopped' ? recheck.capped(interval) : interval;
      if (this.mailboxTokens && stoppedForMailbox(run.status)) await this.sleepUntilReconnected(wait, signal);
      else await this.sleepUnless(wait, signal);
    }
  }

  /**
   * Stopped for the mailbox: sleep, but wake as soon as msal's cache file is written again (a `--connect-mailbox` in
   * another process, the pane's connect), so sync resumes within seconds of the reconnect, not at the next interval.
   * A look at the file's head every RECONNECT_CHECK_MS is one small read.
   */
  private async sleepUntilReconnected(ms: number, signal: AbortSignal): Promise<void> {
    const savedAt = () => {
      try {
        return this.mailboxTokens!.cache.savedAt();
      } catch {
        return null;
      }
    };
    const before = savedAt();
    for (let slept = 0; slept < ms && !signal.aborted; slept += RECONNECT_CHECK_MS) {
      await this.sleepUnless(Math.min(RECONNECT_CHECK_MS, ms - slept), signal);
      const now = savedAt();
      if (now !== null && now !== before) return;
    }
  }

  /** Sleep, but wake as soon as the signal aborts (Ctrl+C must not wait for the next interval). */
  private sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    if (this.deps.sleep) {
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => resolve(), { once: true });
        void this.deps.sleep!(ms).then(() => resolve());
      });
    }
    // The real timer is cleared on abort, so no pending timer keeps a stopping process alive.
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** One cheap request: the product's next call on the kept session, or a new sign-in when there is none. */
  private async accessBack(): Promise<boolean> {
    if (this.session) {
      try {
        await this.session.nextCall();
        return true;
      } catch (err) {
        if (err instanceof SalesforceApiError && err.kind === 'accessRevoked') return false;
        this.dropSession();
        return false;
      }
    }
    return (await this.ensureSession()) === null;
  }

  status(): EngineStatus {
    return this.store.status();
  }

  close(): void {
    this.store.close();
  }

  /**
   * A mailbox that signs in with Microsoft gets a token from msal before each run (msal refreshes it when it expires
   * within five minutes, and reads the cache file again, so a mailbox connected since is used); null when it has one.
   */
  private async ensureMailboxToken(): Promise<StopReason | null> {
    if (!this.mailboxTokens) return null;
    try {
      this.mailbox.http.useToken(await this.mailboxTokens.token());
      return null;
    } catch (err) {
      if (!(err instanceof GraphApiError)) throw err;
      return stopFor(err.failure) ?? { kind: 'authFailed', side: 'outlook', message: err.message };
    }
  }

  /** Sign in as the product; returns why it could not, or null when signed in. */
  private async ensureSession(): Promise<StopReason | null> {
    if (this.session && this.salesforce) return null;
    const { result, session } = await (
      this.deps.signIn ??
      (() =>
        signIn(this.product, {
          version: this.config.productVersion,
          clientId: this.config.org.clientId,
          username: this.config.org.username,
          password: this.config.org.password,
          loginUrl: this.config.org.loginUrl,
        }))
    )();
    if (result.ok && session?.connection && session.userId) {
      // The org's retries wait as the engine's own do (tests inject a sleep that does not wait).
      if (this.deps.retrySleep) session.connection.retryOptions.sleep = this.deps.retrySleep;
      let fields: FieldPlan;
      try {
        const described = await describeOrgFields(session.connection, session.userId, this.config.dataDir);
        fields = described.plan;
        this.signInRequests = described.requests;
      } catch (err) {
        if (!(err instanceof SalesforceApiError)) throw err;
        return stopFor(err.failure) ?? { kind: 'unreachable', side: 'salesforce', message: err.message };
      }
      this.session = session;
      this.fieldWarnings = fields.warnings;
      this.salesforce = new SalesforceSide({
        connection: session.connection,
        userId: session.userId,
        now: this.now,
        fields,
        companies: new CompanyLinksTable(this.store.db),
        createAccounts: this.config.createAccounts ?? false,
        onNotice: (text) => this.runNotices.add(text),
        warn: (text) => this.deps.log?.('warn', text),
        ...(this.deps.orgClockWait ? { sleep: this.deps.orgClockWait } : {}),
      });
      return null;
    }
    switch (result.outcome) {
      case 'blocked':
      case 'redirect-to-login':
        return {
          kind: 'accessRevoked',
          errorCode: result.errorCode ?? 'API_CURRENTLY_DISABLED',
          message: result.message ?? '',
          fromLogin: true,
        };
      case 'network-error':
        return { kind: 'unreachable', side: 'salesforce', message: result.errorCode ?? 'network error' };
      default:
        // A failure on Salesforce's side (UNKNOWN_EXCEPTION, SERVER_UNAVAILABLE) may pass: not the credentials.
        if (result.errorCode && SERVER_ERROR_CODES.has(result.errorCode))
          return { kind: 'unreachable', side: 'salesforce', message: result.message ?? result.errorCode };
        return {
          kind: 'authFailed',
          side: 'salesforce',
          message: result.message ?? result.errorCode ?? result.outcome,
        };
    }
  }

  private dropSession(): void {
    this.session = null;
    this.salesforce = null;
  }

  private stop(reason: StopReason, report?: unknown): EngineStatus {
    const text = this.stopText(reason);
    this.deps.log?.('warn', `sync stopped (${reason.kind}): ${text}`);
    const settings =
      reason.kind === 'accessRevoked' && this.product.settingsUnavailable
        ? message(this.product.settingsUnavailable)
        : null;
    this.store.setStatus({
      state: 'stopped',
      message: text,
      stopReason: reason,
      settingsMessage: settings,
      stoppedAt: this.now().toISOString(),
      ...(report ? { lastRun: this.now().toISOString(), lastReport: report } : {}),
    });
    return this.store.status();
  }

  /** How to reconnect the mailbox when the caller did not say: the CLI's command, or the static token's fix. */
  private defaultReconnect(): string {
    return this.mailboxTokens
      ? 'run sfo-compat sync --config <your config file> --connect-mailbox'
      : 'give the configuration a new mailbox token (mailbox.token or mailbox.tokenEnv)';
  }

  /** The user's text for a stop: the product's own for lost access, ours otherwise. */
  private stopText(reason: StopReason): string {
    const product = this.product;
    switch (reason.kind) {
      case 'accessRevoked': {
        // A user who synced before has an existing session in the product's eyes: the sync-specific text.
        const syncedBefore = this.store.status().lastRun !== null;
        // A refused sign-in carries the product's login text (with Connect for Office's URL line).
        if (!syncedBefore && reason.message && reason.fromLogin) return reason.message;
        return message(product.syncStopped ?? 'sfo.syncStopped');
      }
      case 'deleteGuard':
        return notice(reason.deleted ? 'sync.deleteGuard.partway' : 'sync.deleteGuard', {
          deleted: String(reason.deleted ?? 0),
          count: String(reason.deletes),
          total: String(reason.total),
          object: reason.object,
          side: reason.side === 'salesforce' ? 'Salesforce' : 'Outlook',
          share: `${Math.round(reason.maxShare * 100)}%`,
        });
      case 'rateLimited':
        return notice('sync.rateLimited', { side: reason.side === 'salesforce' ? 'Salesforce' : 'Outlook' });
      case 'unreachable':
        return notice('sync.unreachable', {
          side: reason.side === 'salesforce' ? 'Salesforce' : 'Outlook',
          reason: reason.message,
        });
      case 'authFailed':
        if (reason.side === 'outlook')
          return notice('sync.mailboxDisconnected', {
            mailbox: this.mailboxTokens?.mailbox() ?? this.config.mailbox.url,
            reason: reason.message,
            fix: this.deps.howToReconnect ?? this.defaultReconnect(),
          });
        return notice('sync.authFailed', {
          side: reason.side === 'salesforce' ? 'Salesforce' : 'Outlook',
          reason: reason.message,
        });
    }
  }
}
