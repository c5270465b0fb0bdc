/**
 * `sfo-compat mailbox serve --seed FILE [--port N] [--data DIR] [--tls]`: run the embedded Graph-compatible
 * mailbox until interrupted. Prints the Graph base URL and each mailbox's user; the bearer tokens stay in the
 * seed file (`mailboxes[].token`), never on the screen.
 */
import path from 'node:path';
import { Command } from 'commander';
import { startLocalMailbox, LocalMailbox } from '../local-mailbox';
import { SeedError } from '../local-mailbox/seed';
import { TlsError } from '../local-mailbox/tls';
import { EXIT, parsePort, UsageError } from './usage';
import { waitForSignal } from './signals';

export interface MailboxServeOptions {
  seed?: string;
  port: string;
  data: string;
  tls?: boolean;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export function registerMailboxCommand(program: Command, setCode: (code: number) => void): void {
  const mailbox = program.command('mailbox').description('the embedded Microsoft Graph-compatible mailbox');
  mailbox
    .command('serve')
    .description('serve a local mailbox seeded from a seed file (MAILBOX-SEED format)')
    .option('--seed <file>', 'seed file, used when the data dir holds no mailbox yet')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '8701')
    .option('--data <dir>', 'data directory (persistent across restarts)', '.sfo-compat/mailbox')
    .option('--tls', 'serve https with a self-signed certificate (made with openssl, kept in DIR/tls)')
    .action(async (opts: MailboxServeOptions) => {
      setCode(
        await mailboxServeCommand(
          opts,
          { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
          waitForSignal,
        ),
      );
    });
}

/** Serve until `until` resolves; resolves to the exit code. */
export async function mailboxServeCommand(
  opts: MailboxServeOptions,
  io: Output,
  until: () => Promise<void>,
): Promise<number> {
  let mb: LocalMailbox;
  try {
    mb = await startLocalMailbox({
      seedFile: opts.seed,
      dataDir: opts.data,
      port: parsePort(opts.port),
      tls: opts.tls === true,
    });
  } catch (err) {
    if (err instanceof SeedError || err instanceof UsageError || err instanceof TlsError) {
      io.err(`${err.message}\n`);
      return EXIT.usage;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err(`port ${opts.port} is in use: choose another with --port N\n`);
      return EXIT.usage;
    }
    io.err(`${(err as Error).message}\n`);
    return EXIT.usage;
  }
  io.out(describe(mb, opts));
  await until();
  await mb.close();
  return EXIT.ok;
}

function describe(mb: LocalMailbox, opts: MailboxServeOptions): string {
  const lines: string[] = [];
  lines.push(
    `${mb.seeded ? 'Seeded' : 'Opened'} local mailbox in ${path.resolve(opts.data)}${!mb.seeded && opts.seed ? ` (it already held mailboxes, so ${opts.seed} was not read; delete the directory to reseed)` : ''}`,
  );
  lines.push(`Graph base URL: ${mb.url}/v1.0`);
  lines.push(
    `Mailboxes (each opens with Authorization: Bearer <its token>, the mailboxes[].token of the seed file${opts.seed ? ` ${opts.seed}` : ''}):`,
  );
  for (const m of mb.mailboxes) lines.push(`  ${m.user}  (${m.displayName}, time zone ${m.timeZone})`);
  if (mb.certificate) {
    lines.push(`TLS certificate (self-signed, for localhost): ${mb.certificate.path}`);
    lines.push(
      `  trust it with NODE_EXTRA_CA_CERTS=${mb.certificate.path}; Graph JS clients also need customHosts: new Set(['localhost'])`,
    );
  }
  const identity = mb.ctx.identity.config();
  if (identity) {
    lines.push(
      `Microsoft identity platform: authority ${mb.url}/${identity.tenantId} (msal-node: knownAuthorities ['${new URL(mb.url).host}']${mb.certificate ? '' : '; msal-node needs https: start with --tls'}), access tokens live ${identity.tokenLifetimeSeconds} s`,
    );
    for (const app of mb.ctx.identity.apps())
      lines.push(`  app ${app.name}: clientId ${app.clientId}, redirect URIs ${app.redirectUris.join(', ')}`);
    lines.push(
      `  device-code page: ${mb.url}/devicelogin; revoke a mailbox's sign-ins: POST ${mb.url}/_admin/revoke with its static token`,
    );
  }
  lines.push(
    `Throttle switch: POST ${mb.url}/_admin/throttle {"requests":N,"retryAfterSeconds":S} with a mailbox's bearer token; DELETE to switch it off`,
  );
  lines.push('Ctrl-C stops it.');
  return `${lines.join('\n')}\n`;
}
