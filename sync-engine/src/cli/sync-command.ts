/**
 * `sfo-compat sync` and `sfo-compat status`: the configuration, output and exit codes of SYNC-CONFIG.md, and a real
 * org's sign-in (`sync --sign-in` / `--sign-out`, sync-sign-in.ts) for configurations without a password.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigError, ReadOptions, readSyncConfig, SyncConfig } from '../app/config';
import { SyncEngine, EngineRun, EngineDeps } from '../app/engine';
import { PlanSummary } from '../sync/runner';
import { StateStore } from '../sync/state-store';
import { STATE_FILE } from '../sync/last-good-copy';
import { describeRunFailure, RunFailure } from '../sync/run-failure';
import { createSyncLogger } from '../app/logger';
import { PendingFailure, SyncReport } from '../sync/report';
import { DEFERRED_LISTED } from '../sync/outbox-sender';
import { TokenStore } from '../app/token-store';
import { EXIT, UsageError, parsePort } from './usage';
import { waitForSignal } from './signals';
import { DEFAULT_CALLBACK_PORT } from './oauth-callback-server';
import { openInBrowser } from './open-browser';
import { signInCommand, signOutCommand, useStoredSignIn, Output } from './sync-sign-in';
import { connectMailboxCommand, disconnectMailboxCommand } from './sync-connect-mailbox';
import { MAILBOX_CACHE_FILE } from '../app/mailbox-token-cache';
import { mailboxOf, mailboxStatusLine } from './status-mailbox';

interface SyncOptions {
  config: string;
  once?: boolean;
  dryRun?: boolean;
  json?: boolean;
  resync?: boolean;
  signIn?: boolean;
  signOut?: boolean;
  connectMailbox?: boolean;
  disconnectMailbox?: boolean;
  deviceCode?: boolean;
  callbackPort?: string;
  /** false with --no-browser */
  browser: boolean;
}

const stdio: Output = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export function registerSyncCommands(program: Command, setCode: (code: number) => void): void {
  program
    .command('sync')
    .description('sync Outlook contacts, events and tasks with Salesforce for one user (SYNC-CONFIG format)')
    .requiredOption('--config <file>', 'the sync configuration file')
    .option('--once', 'run once and exit (default: keep syncing every intervalSeconds)')
    .option('--dry-run', 'print what would be written and write nothing')
    .option('--json', 'print the result as JSON (one object per run, also when the run fails)')
    .addOption(
      new Option(
        '--resync',
        'start over from an empty state, when the state file is lost or damaged with no good copy to restore: a first sync that links matching records and deletes nothing (records deleted on one side since the last run come back); the old state is kept beside',
      ).conflicts(['dryRun']),
    )
    .addOption(
      new Option(
        '--sign-in',
        'sign in to a real org in the browser (OAuth) and store the refresh token, encrypted, for runs without org.password',
      ).conflicts(['signOut', 'once', 'dryRun', 'json', 'resync']),
    )
    .addOption(
      new Option('--sign-out', 'revoke the stored sign-in at the org and delete it').conflicts([
        'once',
        'dryRun',
        'json',
        'resync',
      ]),
    )
    .addOption(
      new Option(
        '--connect-mailbox',
        'connect the Outlook mailbox (mailbox.clientId): sign in to Microsoft in the browser and keep the sign-in, encrypted, for later runs',
      ).conflicts(['signIn', 'signOut', 'disconnectMailbox', 'once', 'dryRun', 'json', 'resync']),
    )
    .addOption(
      new Option('--device-code', 'with --connect-mailbox: sign in on another device with a code (no browser here)'),
    )
    .addOption(
      new Option('--disconnect-mailbox', 'forget the connected Outlook mailbox and delete its kept sign-in').conflicts([
        'signIn',
        'signOut',
        'once',
        'dryRun',
        'json',
        'resync',
      ]),
    )
    .option(
      '--callback-port <n>',
      `with --sign-in: the port of the callback on 127.0.0.1; the connected app must list http://localhost:<n>/OauthRedirect (default ${DEFAULT_CALLBACK_PORT})`,
    )
    .option('--no-browser', 'with --sign-in or --connect-mailbox: only print the sign-in link, never open a browser')
    .action(async (o: SyncOptions) => setCode(await syncCommand(o)));

  program
    .command('status')
    .description("print the sync engine's state for one user: idle, syncing or stopped, the last run and the message")
    .requiredOption('--config <file>', 'the sync configuration file')
    .option('--json', 'print the status as JSON')
    .action(async (o: { config: string; json?: boolean }) => setCode(await statusCommand(o)));
}

/** Read the config; a bad one is reported (on stdout as JSON too, with --json) and gives the usage exit code. */
function loadConfig(file: string, o: ReadOptions & { json?: boolean } = {}): SyncConfig | number {
  try {
    return readSyncConfig(file, process.env, o);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      if (o.json)
        printFailureJson(err.message, { code: 'BAD_CONFIG', file, fix: 'Fix each problem listed, then run again.' });
      return EXIT.usage;
    }
    throw err;
  }
}

async function syncCommand(o: SyncOptions): Promise<number> {
  if (o.deviceCode && !o.connectMailbox) {
    process.stderr.write('sfo-compat sync: --device-code goes with --connect-mailbox\n');
    return EXIT.usage;
  }
  if (o.connectMailbox || o.disconnectMailbox) return connectOrDisconnect(o);
  if (o.signIn || o.signOut) return signInOrOut(o);
  if (o.callbackPort !== undefined || !o.browser) {
    process.stderr.write(
      'sfo-compat sync: --callback-port and --no-browser go with --sign-in (--no-browser also with --connect-mailbox)\n',
    );
    return EXIT.usage;
  }
  // A run needs a credential: the password, or a stored sign-in (a missing one is a config problem like any other);
  // and a mailbox that signs in with Microsoft needs to be connected.
  const config = loadConfig(o.config, {
    hasStoredSignIn: (dir) => new TokenStore(dir).exists(),
    hasMailboxSignIn: (dir) => fs.existsSync(path.join(dir, MAILBOX_CACHE_FILE)),
    json: o.json,
  });
  if (typeof config === 'number') return config;
  const deps: Pick<EngineDeps, 'signIn'> = {};
  let refusedByOrg = () => false;
  if (!config.org.password) {
    // The CLI owns the stored token, so it hands the engine the sign-in; the engine stays unaware of where
    // credentials live (the service passes its own sign-in the same way).
    const stored = useStoredSignIn(config, o.config, new TokenStore(config.dataDir));
    if (!stored.ok) {
      process.stderr.write(`${stored.message}\n`);
      if (o.json)
        printFailureJson(stored.message, {
          code: 'NO_CREDENTIAL',
          file: o.config,
          fix: `Sign in again (sfo-compat sync --config ${o.config} --sign-in), or give org.password.`,
        });
      return EXIT.usage;
    }
    deps.signIn = stored.signIn;
    refusedByOrg = stored.refusedByOrg;
  }
  let engine: SyncEngine | null = null;
  let logger: ReturnType<typeof createSyncLogger> | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let barStarted = false;
  try {
    logger = createSyncLogger(config.dataDir);
    const log = logger;
    bar =
      !o.json && process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: 'sync {bar} {value}/{total} {what}', stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : null;
    engine = new SyncEngine(config, {
      ...deps,
      resync: o.resync,
      howToResync: `run: sfo-compat sync --config ${o.config} --once --resync`,
      // Only a Microsoft sign-in is reconnected with --connect-mailbox; a static token's fix is the engine's own.
      ...(config.mailbox.microsoft
        ? { howToReconnect: `run sfo-compat sync --config ${o.config} --connect-mailbox` }
        : {}),
      log: (level, text) => log.log(level, text),
      onProgress: (done, total, what) => {
        if (!bar || total < 200) return;
        if (!barStarted) bar.start(total, 0, { what });
        barStarted = true;
        bar.update(done, { what });
      },
    });
    if (o.once || o.dryRun) {
      const run = await engine.runOnce({ dryRun: o.dryRun });
      if (barStarted) bar!.stop();
      print(run, o);
      return exitCode(run);
    }
    const controller = new AbortController();
    void waitForSignal().then(() => controller.abort());
    process.stdout.write(`syncing ${config.org.username} every ${config.intervalSeconds}s (Ctrl+C to stop)\n`);
    await engine.runForever(controller.signal, {
      onRun: (run) => {
        print(run, o);
        // A stored sign-in the org refuses will not work on the next try either: stop, the message says what to do.
        if (refusedByOrg()) controller.abort();
      },
    });
    return refusedByOrg() ? EXIT.failure : EXIT.ok;
  } catch (err) {
    if (barStarted) bar!.stop();
    // One clear account of what failed, naming the file and the fix; the stack goes to the log only.
    const failure = describeRunFailure(err, config.dataDir);
    try {
      logger?.error(`sync failed: ${(err as Error).stack ?? String(err)}`);
    } catch {
      // A log that cannot be written (a full disk) must not hide the failure itself.
    }
    process.stderr.write(`sync failed: ${failure.message}\n${failure.fix}\n`);
    if (o.json)
      printFailureJson(
        `${failure.message} ${failure.fix}`,
        { code: failure.code, file: failure.file, fix: failure.fix },
        engine?.requestsMade(),
      );
    return EXIT.failure;
  } finally {
    engine?.close();
    logger?.close();
  }
}

/**
 * `--json` for a run that could not run or finish: still one object (SYNC-CONFIG's shape, state stopped, no report),
 * with the error's code (a RunFailureCode, BAD_CONFIG or NO_CREDENTIAL), the file it is about and the fix.
 */
function printFailureJson(
  message: string,
  error: { code: RunFailure['code'] | 'BAD_CONFIG' | 'NO_CREDENTIAL'; file: string; fix: string },
  requests = { salesforce: 0, outlook: 0 },
): void {
  process.stdout.write(`${JSON.stringify({ state: 'stopped', message, report: null, requests, error }, null, 2)}\n`);
}

/** `sync --connect-mailbox` and `sync --disconnect-mailbox`. */
async function connectOrDisconnect(o: SyncOptions): Promise<number> {
  if (o.callbackPort !== undefined || (o.disconnectMailbox && !o.browser)) {
    process.stderr.write(
      'sfo-compat sync: --callback-port goes with --sign-in; --no-browser with --sign-in or --connect-mailbox\n',
    );
    return EXIT.usage;
  }
  // Only the mailbox part is needed: no org password or mailbox token has to be set to connect.
  const config = loadConfig(o.config, { secrets: false });
  if (typeof config === 'number') return config;
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let logger: ReturnType<typeof createSyncLogger> | null = null;
  try {
    const log = config.mailbox.microsoft ? (logger = createSyncLogger(config.dataDir)) : null;
    const deps = {
      io: stdio,
      log: log ? (level: 'info' | 'warn' | 'error', text: string) => log.log(level, text) : undefined,
    };
    if (o.disconnectMailbox) return await disconnectMailboxCommand(config, o.config, deps);
    return await connectMailboxCommand(config, o.config, {
      ...deps,
      deviceCode: o.deviceCode === true,
      openBrowser: o.browser ? (url) => openInBrowser(url) : null,
      signal: controller.signal,
    });
  } catch (err) {
    process.stderr.write(
      `${o.disconnectMailbox ? 'disconnecting' : 'connecting'} the mailbox failed: ${(err as Error).message}\n`,
    );
    return EXIT.failure;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    logger?.close();
  }
}

/** `sync --sign-in` and `sync --sign-out`. */
async function signInOrOut(o: SyncOptions): Promise<number> {
  let callbackPort = DEFAULT_CALLBACK_PORT;
  try {
    if (o.callbackPort !== undefined) callbackPort = parsePort(o.callbackPort, '--callback-port');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`sfo-compat sync: ${err.message}\n`);
    return EXIT.usage;
  }
  if (callbackPort === 0 || (o.signOut && (o.callbackPort !== undefined || !o.browser))) {
    process.stderr.write(
      callbackPort === 0
        ? "sfo-compat sync: --callback-port: give the port the connected app's callback URL names (1-65535)\n"
        : 'sfo-compat sync: --callback-port and --no-browser go with --sign-in\n',
    );
    return EXIT.usage;
  }
  const config = loadConfig(o.config);
  if (typeof config === 'number') return config;
  const store = new TokenStore(config.dataDir);
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    if (o.signOut) return await signOutCommand({ io: stdio, store });
    return await signInCommand(config, o.config, callbackPort, {
      io: stdio,
      store,
      signal: controller.signal,
      openBrowser: o.browser ? (url) => openInBrowser(url) : null,
    });
  } catch (err) {
    process.stderr.write(`${o.signOut ? 'sign-out' : 'sign-in'} failed: ${(err as Error).message}\n`);
    return EXIT.failure;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}

function exitCode(run: EngineRun): number {
  if (run.status.state !== 'stopped') return EXIT.ok;
  return run.status.stopReason?.kind === 'accessRevoked' ? EXIT.stopped : EXIT.failure;
}

function print(run: EngineRun, o: { json?: boolean; dryRun?: boolean }): void {
  const report = run.result?.report ?? null;
  if (o.json) {
    const out: Record<string, unknown> = {
      state: run.status.state === 'stopped' ? 'stopped' : 'idle',
      message: run.status.state === 'stopped' ? run.status.message : null,
      report: report ? publicReport(report) : null,
      requests: report?.requests ?? { salesforce: 0, outlook: 0 },
    };
    if (o.dryRun && run.result)
      out.plan = run.result.plans.map((p) => ({ object: p.object, writes: p.writes, byKind: p.byKind }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  if (o.dryRun && run.result) {
    process.stdout.write('Dry run: nothing was written. Planned:\n');
    for (const p of run.result.plans) process.stdout.write(`  ${planLine(p)}\n`);
  }
  if (run.status.state === 'stopped') process.stderr.write(`${run.status.message}\n`);
  if (report && !o.dryRun) {
    for (const side of ['salesforce', 'outlook'] as const) {
      const c = report.counts[side];
      process.stdout.write(
        `${side === 'salesforce' ? 'Salesforce' : 'Outlook'}: ${(['contacts', 'events', 'tasks'] as const).map((obj) => `${obj} +${c[obj].created} ~${c[obj].updated} -${c[obj].deleted}`).join(', ')}\n`,
      );
    }
    for (const e of report.errors)
      process.stdout.write(`  error: ${e.object} ${e.sourceId ?? ''} -> ${e.side}: ${e.code}: ${e.message}\n`);
    for (const n of report.notices) process.stdout.write(`note: ${n}\n`);
    // A refusal this run met is its error line above; one met before (a run that stopped first) is named here.
    const refusedNow = new Set(report.errors.map((e) => `${e.object} ${e.side} ${e.sourceId}`));
    for (const d of report.deferred)
      if (!d.refused || !refusedNow.has(`${d.object} ${d.side} ${d.sourceId}`)) process.stdout.write(deferredLine(d));
    if (report.pending) {
      const writes = Object.values(report.pendingWrites).reduce(
        (n, byObject) => n + Object.values(byObject).reduce((m, k) => m + k, 0),
        0,
      );
      process.stdout.write(
        `${report.pending} ${report.pending === 1 ? 'change is' : 'changes are'} queued for the next run (${writes} ${writes === 1 ? 'write' : 'writes'} to send).\n`,
      );
    }
  }
}

/** What a dry run planned for one object, in words: `contacts: 3 writes (2 create in outlook, 1 update in salesforce), ...`. */
function planLine(p: PlanSummary): string {
  const kinds = Object.entries(p.byKind).map(([kind, n]) => `${n} ${kind}`);
  const writes = p.writes.length;
  const planned =
    writes === 0 ? 'nothing to write' : `${writes} ${writes === 1 ? 'write' : 'writes'} (${kinds.join(', ')})`;
  return `${p.object}: ${planned}, ${p.matched} matched, ${p.conflicts} conflicts`;
}

/** A queued write whose last attempt failed, as one line. */
function deferredLine(d: PendingFailure): string {
  return `  ${d.refused ? 'refused' : 'not sent yet'}: ${d.object} ${d.sourceId ?? ''} -> ${d.side}: ${d.code}: ${d.message}\n`;
}

function publicReport(r: SyncReport): Record<string, unknown> {
  return {
    counts: r.counts,
    matched: r.matched,
    conflicts: r.conflicts,
    errors: r.errors,
    warnings: r.warnings,
    pending: r.pending,
    pendingWrites: r.pendingWrites,
    deferred: r.deferred,
    retriedWrites: r.retriedWrites,
    replanned: r.replanned,
    notices: r.notices,
    stopped: r.stopped,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

async function statusCommand(o: { config: string; json?: boolean }): Promise<number> {
  // Only the local state is read: no password or token needed, and a data dir that never synced is not created.
  const config = loadConfig(o.config, { json: o.json, secrets: false });
  if (typeof config === 'number') return config;
  if (!fs.existsSync(path.join(config.dataDir, STATE_FILE))) {
    const mailbox = mailboxOf(config, null);
    if (o.json)
      process.stdout.write(
        `${JSON.stringify({ state: 'never-synced', message: null, lastRun: null, counts: null, pending: 0, mailbox }, null, 2)}\n`,
      );
    else
      process.stdout.write(
        `state: never synced (no state in ${config.dataDir} yet)\n${mailboxStatusLine(mailbox, o.config)}`,
      );
    return EXIT.ok;
  }
  let store: StateStore | null = null;
  try {
    store = new StateStore(config.dataDir);
    const s = store.status();
    const report = s.lastReport as SyncReport | null;
    // Every queued write whose last attempt failed, whichever run met it (a refused record is sent again each run).
    const deferred = store.failedWrites(DEFERRED_LISTED);
    const mailbox = mailboxOf(config, s);
    if (o.json) {
      process.stdout.write(
        `${JSON.stringify({ state: s.state, message: s.message, lastRun: s.lastRun, counts: report?.counts ?? null, pending: store.pendingCount(), deferred, mailbox }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `state: ${s.state}\nlast run: ${s.lastRun ?? 'never'}\n${s.message ? `message: ${s.message}\n` : ''}${mailboxStatusLine(mailbox, o.config)}queued changes: ${store.pendingCount()}\n`,
      );
      for (const d of deferred) process.stdout.write(deferredLine(d));
    }
    return s.state === 'stopped' && s.stopReason?.kind === 'accessRevoked' ? EXIT.stopped : EXIT.ok;
  } catch (err) {
    const failure = describeRunFailure(err, config.dataDir);
    process.stderr.write(`status failed: ${failure.message}\n${failure.fix}\n`);
    if (o.json)
      process.stdout.write(
        `${JSON.stringify({ state: null, message: `${failure.message} ${failure.fix}`, lastRun: null, counts: null, pending: null, error: { code: failure.code, file: failure.file, fix: failure.fix } }, null, 2)}\n`,
      );
    return EXIT.failure;
  } finally {
    store?.close();
  }
}
