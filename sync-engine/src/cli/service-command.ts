/**
 * `SFO_MAILBOX_TOKEN=T sfo-compat service [--port N] [--data DIR] [--mailbox-url URL] [--addin-origin URL]...`, or
 * with a Microsoft sign-in instead of a token, `--mailbox-client-id ID [--mailbox-tenant T | --mailbox-authority URL]
 * [--mailbox-ca PEM]` (the user connects the mailbox in the pane): the background service the Outlook add-in's pane
 * talks to, on 127.0.0.1 only, until interrupted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { startServiceServer, RunningService, DEFAULT_SERVICE_PORT } from '../service/server';
import { DEFAULT_ADDIN_ORIGINS, normalizeOrigin } from '../service/cors';
import { SECRET_FILE } from '../service/secret';
import { createSyncLogger } from '../app/logger';
import { GRAPH_URL, MicrosoftMailboxSettings, SyncConfig, checkMicrosoftMailbox } from '../app/config';
import { EXIT, parsePort, UsageError } from './usage';
import { waitForSignal } from './signals';
import { SYNC_DEFAULTS } from '../app/config';

export interface ServiceCommandOptions {
  port: string;
  data: string;
  mailboxUrl?: string;
  mailboxToken?: string;
  mailboxClientId?: string;
  mailboxTenant?: string;
  mailboxAuthority?: string;
  mailboxCa?: string;
  addinOrigin?: string[];
  interval: string;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** A certificate file is a few KiB; a larger one is not the PEM this expects. */
const MAX_CA_BYTES = 256 * 1024;
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
    .option(
      '--mailbox-client-id <guid>',
      'open the mailbox with a Microsoft sign-in the user connects in the pane: the Application (client) ID of your app registration in Entra ID (docs/microsoft-sign-in.md); instead of a token',
    )
    .option(
      '--mailbox-tenant <tenant>',
      'with --mailbox-client-id: common (default), organizations, your Directory (tenant) ID or a domain such as contoso.onmicrosoft.com',
    )
    .option(
      '--mailbox-authority <url>',
      'with --mailbox-client-id, instead of --mailbox-tenant: another authority with its tenant (a sovereign cloud, or a local mailbox: https://localhost:PORT/<tenant>)',
    )
    .option(
      '--mailbox-ca <file>',
      "a PEM certificate to trust for the mailbox and its authority (a local mailbox's self-signed one: <its data>/tls/cert.pem)",
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
      ...(settings.ca ? { engineDeps: { mailboxCa: settings.ca } } : {}),
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
      settings.mailbox?.microsoft
        ? `  mailbox: ${settings.mailbox.url}, opened by a Microsoft sign-in (app ${settings.mailbox.microsoft.clientId} at ${settings.mailbox.microsoft.authority}${opts.mailboxCa ? `, trusting ${path.resolve(opts.mailboxCa)}` : ''}): after the Salesforce sign-in the user selects "Connect your Outlook mailbox" in the pane; syncing every ${settings.intervalSeconds}s once connected`
        : settings.mailbox
          ? `  mailbox: ${settings.mailbox.url}, syncing every ${settings.intervalSeconds}s after sign-in`
          : '  mailbox: none (sign-in and "Add Email" work; sync is off until started with --mailbox-url and SFO_MAILBOX_TOKEN set, or --mailbox-client-id)',
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
  mailbox: SyncConfig['mailbox'] | null;
  origins: string[];
  intervalSeconds: number;
  ca: Buffer | null;
} {
  const port = parsePort(opts.port);
  const token = opts.mailboxToken ?? env.SFO_MAILBOX_TOKEN;
  const microsoft = microsoftOptions(opts, token);
  let mailbox: SyncConfig['mailbox'] | null = null;
  if (microsoft) {
    mailbox = { url: checkMailboxUrl(opts.mailboxUrl ?? GRAPH_URL), token: '', microsoft };
  } else if (opts.mailboxUrl !== undefined || token !== undefined) {
    if (!opts.mailboxUrl)
      throw new UsageError(
        'a mailbox token (SFO_MAILBOX_TOKEN or --mailbox-token) needs --mailbox-url (the mailbox to sync with)',
      );
    if (!token)
      throw new UsageError(
        "--mailbox-url needs the mailbox's bearer token in SFO_MAILBOX_TOKEN, or --mailbox-client-id for a Microsoft sign-in",
      );
    mailbox = { url: checkMailboxUrl(opts.mailboxUrl), token };
  }
  const ca = opts.mailboxCa === undefined ? null : readCa(opts.mailboxCa);
  if (ca && !mailbox) throw new UsageError('--mailbox-ca needs a mailbox (--mailbox-url, or --mailbox-client-id)');
  const origins = (opts.addinOrigin?.length ? opts.addinOrigin : DEFAULT_ADDIN_ORIGINS).map((o) => {
    const origin = normalizeOrigin(o);
    if (!origin) throw new UsageError(`--addin-origin: "${o}" is not an http(s) origin such as https://localhost:3000`);
    return origin;
  });
  const intervalSeconds = Number(opts.interval);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 60)
    throw new UsageError(`--interval: "${opts.interval}" must be a whole number of seconds, at least 60`);
  return { port, mailbox, origins: [...new Set(origins)], intervalSeconds, ca };
}

function checkMailboxUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--mailbox-url: "${value}" is not a URL: use https://graph.microsoft.com or a local mailbox such as http://127.0.0.1:8701`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new UsageError(
      `--mailbox-url: "${value}" must use https (plain http only for a local mailbox on this machine)`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** --mailbox-client-id, --mailbox-tenant, --mailbox-authority: a Microsoft sign-in, checked as the config file's keys. */
function microsoftOptions(opts: ServiceCommandOptions, token: string | undefined): MicrosoftMailboxSettings | null {
  const given = [opts.mailboxClientId, opts.mailboxTenant, opts.mailboxAuthority].some((v) => v !== undefined);
  if (!given) return null;
  if (token !== undefined)
    throw new UsageError(
      `give either a mailbox token (${opts.mailboxToken !== undefined ? '--mailbox-token' : 'SFO_MAILBOX_TOKEN'}) or a Microsoft sign-in (--mailbox-client-id), not both`,
    );
  const { settings, problems } = checkMicrosoftMailbox(
    { clientId: opts.mailboxClientId, tenant: opts.mailboxTenant, authority: opts.mailboxAuthority },
    { clientId: '--mailbox-client-id', tenant: '--mailbox-tenant', authority: '--mailbox-authority' },
  );
  if (problems.length > 0 || !settings) throw new UsageError(problems.join('; '));
  return settings;
}

/** --mailbox-ca: a PEM certificate file, read whole (it is small), or a usage error saying what is wrong with it. */
function readCa(file: string): Buffer {
  let pem: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CA_BYTES)
      throw new UsageError(`--mailbox-ca: ${file} is ${size} bytes, not a PEM certificate (at most ${MAX_CA_BYTES})`);
    pem = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--mailbox-ca: ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(
      `--mailbox-ca: ${file} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----"): give the mailbox's cert.pem`,
    );
  return pem;
}
