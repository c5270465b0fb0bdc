/**
 * `SFO_MAILBOX_TOKEN=T sfo-compat service [--port N] [--data DIR] [--mailbox-url URL] [--addin-origin URL]...`:
 * the background service the Outlook add-in's pane talks to, on 127.0.0.1 only, until interrupted.
 */
import path from 'node:path';
import { Command } from 'commander';
import { startServiceServer, RunningService, DEFAULT_SERVICE_PORT } from '../service/server';
import { DEFAULT_ADDIN_ORIGINS, normalizeOrigin } from '../service/cors';
import { SECRET_FILE } from '../service/secret';
import { createSyncLogger } from '../app/logger';
import { EXIT, parsePort, UsageError } from './usage';
import { waitForSignal } from './signals';
import { SYNC_DEFAULTS } from '../app/config';

export interface ServiceCommandOptions {
  port: string;
  data: string;
  mailboxUrl?: string;
  mailboxToken?: string;
  addinOrigin?: string[];
  interval: string;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Said when the token comes on the command line, where `ps` shows it to every user of the machine. */
export const TOKEN_ON_ARGV =
  'sfo-compat service: warning: --mailbox-token puts the token on the command line, where every user of this computer can read it (ps); set SFO_MAILBOX_TOKEN instead';

export function registerServiceCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('service')
    .description(
      'the background service for the Outlook add-in: sign-in, sync, settings and "Add Email", on 127.0.0.1 only',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', String(DEFAULT_SERVICE_PORT))
    .option(
      '--data <dir>',
      'data directory: the service secret, settings, unresolved emails, sync state and log',
      '.sfo-compat/service',
    )
    .option(
      '--mailbox-url <url>',
      'the Microsoft Graph mailbox to sync with (https://graph.microsoft.com or a local mailbox)',
    )
    .option(
      '--mailbox-token <token>',
      "the mailbox's bearer token: prefer SFO_MAILBOX_TOKEN (the command line is visible to every user in ps)",
    )
    .option(
      '--addin-origin <url>',
      `an origin the add-in's pages are served from; repeat for more (default ${DEFAULT_ADDIN_ORIGINS.join(' and ')})`,
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--interval <seconds>', 'how often to sync (at least 60)', String(SYNC_DEFAULTS.intervalSeconds))
    .action(async (opts: ServiceCommandOptions) => {
      setCode(
        await serviceCommand(
          opts,
          process.env,
          { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
          waitForSignal,
        ),
      );
    });
}

/** Serve until `until` resolves; resolves to the exit code. */
export async function serviceCommand(
  opts: ServiceCommandOptions,
  env: NodeJS.ProcessEnv,
  io: Output,
  until: () => Promise<void>,
): Promise<number> {
  let settings: ReturnType<typeof checkOptions>;
  try {
    settings = checkOptions(opts, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`sfo-compat service: ${err.message}\n`);
    return EXIT.usage;
  }
  if (opts.mailboxToken !== undefined) io.err(`${TOKEN_ON_ARGV}\n`);
  const dataDir = path.resolve(opts.data);
  let running: RunningService;
  let logger: ReturnType<typeof createSyncLogger> | undefined;
  try {
    logger = createSyncLogger(dataDir);
    const log = logger;
    running = await startServiceServer({
      dataDir,
      port: settings.port,
      mailbox: settings.mailbox,
      addinOrigins: settings.origins,
      intervalSeconds: settings.intervalSeconds,
      log: (level, text) => log.log(level, text),
    });
  } catch (err) {
    logger?.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err(
        `sfo-compat service: port ${opts.port} is in use (is the service already running?): choose another with --port N\n`,
      );
      return EXIT.usage;
    }
    io.err(`sfo-compat service: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
  io.out(
    [
      `sfo-compat service listening on ${running.url} (127.0.0.1 only)`,
      `  add-in origins: ${settings.origins.join(', ')}`,
      `  data: ${dataDir} (secret in ${path.join(dataDir, SECRET_FILE)}, given to the pane at sign-in; log in ${path.join(dataDir, 'sync.log')})`,
      settings.mailbox
        ? `  mailbox: ${settings.mailbox.url}, syncing every ${settings.intervalSeconds}s after sign-in`
        : '  mailbox: none (sign-in and "Add Email" work; sync is off until started with --mailbox-url and SFO_MAILBOX_TOKEN set)',
      '  a password is kept in memory only (after a restart the pane asks again); an OAuth sign-in is kept, encrypted, and resumes by itself.',
      'Ctrl-C stops it.',
    ].join('\n') + '\n',
  );
  await until();
  await running.close();
  logger.close();
  return EXIT.ok;
}

function checkOptions(
  opts: ServiceCommandOptions,
  env: NodeJS.ProcessEnv,
): {
  port: number;
  mailbox: { url: string; token: string } | null;
  origins: string[];
  intervalSeconds: number;
} {
  const port = parsePort(opts.port);
  const token = opts.mailboxToken ?? env.SFO_MAILBOX_TOKEN;
  let mailbox: { url: string; token: string } | null = null;
  if (opts.mailboxUrl !== undefined || token !== undefined) {
    if (!opts.mailboxUrl)
      throw new UsageError(
        'a mailbox token (SFO_MAILBOX_TOKEN or --mailbox-token) needs --mailbox-url (the mailbox to sync with)',
      );
    if (!token) throw new UsageError("--mailbox-url needs the mailbox's bearer token in SFO_MAILBOX_TOKEN");
    let url: URL;
    try {
      url = new URL(opts.mailboxUrl);
    } catch {
      throw new UsageError(
        `--mailbox-url: "${opts.mailboxUrl}" is not a URL: use https://graph.microsoft.com or a local mailbox such as http://127.0.0.1:8701`,
      );
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      throw new UsageError(
        `--mailbox-url: "${opts.mailboxUrl}" must use https (plain http only for a local mailbox on this machine)`,
      );
    }
    mailbox = { url: opts.mailboxUrl.replace(/\/+$/, ''), token };
  }
  const origins = (opts.addinOrigin?.length ? opts.addinOrigin : DEFAULT_ADDIN_ORIGINS).map((o) => {
    const origin = normalizeOrigin(o);
    if (!origin) throw new UsageError(`--addin-origin: "${o}" is not an http(s) origin such as https://localhost:3000`);
    return origin;
  });
  const intervalSeconds = Number(opts.interval);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 60)
    throw new UsageError(`--interval: "${opts.interval}" must be a whole number of seconds, at least 60`);
  return { port, mailbox, origins: [...new Set(origins)], intervalSeconds };
}
