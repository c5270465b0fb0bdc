/**
 * The `sfo-compat` command. Each subcommand lives in its own file; this one wires them to commander. Exit codes and
 * usage errors are in usage.ts, which every command imports (no command imports this file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT } from './usage';
import { orgServeCommand } from './org-serve-command';
import { registerLoginCommand } from './login-command';
import { registerMatrixCommand } from './matrix-command';
import { demoCommand, DemoOptions } from './demo-command';
import { registerImpactCommand } from './impact-command';
import { registerMailboxCommand } from './mailbox-command';
import { registerSyncCommands } from './sync-command';
import { registerServiceCommand } from './service-command';
import { registerSetApiEnabledCommand } from './set-api-enabled-command';
import { registerOrgSetupCommand } from './org-setup-command';

/** The version in package.json (the built file is build/sync-engine/src/cli/main.js, four folders down). */
function packageVersion(): string {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Every command and option, wired to its action; an action reports its exit code through `setCode`. The docs test
 * reads the same definition, so each command has a page naming each of its options (docs/commands/).
 */
export function cliProgram(setCode: (code: number) => void): Command {
  const program = new Command('sfo-compat')
    .description(
      'Salesforce for Outlook, Connect for Outlook and Connect for Office, with the "API Enabled" rule of article 000386343',
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run sfo-compat --help for usage)')
    .version(packageVersion(), '-V, --version', 'the version of sfo-compat')
    // `sfo-compat --version` is ours; `sfo-compat login --version 2.9.0` is the login's (a product's version).
    .enablePositionalOptions();

  const org = program.command('org').description('the embedded Salesforce-compatible org');
  org
    .command('serve')
    .description('serve a local org seeded from a seed file (ORG-SEED format)')
    .option('--seed <file>', 'seed file, used when the data dir holds no org yet')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '8700')
    .option('--data <dir>', 'data directory (persistent across restarts)', '.sfo-compat/org')
    .action(async (opts: { seed?: string; port: string; data: string }) => {
      setCode(await orgServeCommand(opts));
    });
  registerSetApiEnabledCommand(org, setCode);
  registerOrgSetupCommand(org, setCode);

  registerLoginCommand(program, setCode);
  registerMatrixCommand(program, setCode);
  registerImpactCommand(program, setCode);
  registerMailboxCommand(program, setCode);
  registerSyncCommands(program, setCode);
  registerServiceCommand(program, setCode);

  program
    .command('demo')
    .description(
      "the whole product on a laptop: local org and mailbox on the demo seeds, the service with the demo user syncing, and the add-in's pages (what `npm start` runs)",
    )
    .option('--port <n>', 'port for the org', '8700')
    .option('--mailbox-port <n>', 'port for the mailbox', '8701')
    .option('--service-port <n>', 'port for the service the pane talks to', '8702')
    .option('--addin-port <n>', "port for the add-in's pages (manifest.xml names 3000)", '3000')
    .option('--data <dir>', 'data directory', '.sfo-compat/demo')
    .option('--interval <seconds>', 'how often the engine syncs (at least 60)', '60')
    .action(async (opts: DemoOptions) => {
      setCode(await demoCommand(opts));
    });
  return program;
}

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = cliProgram((c) => (code = c));
  // No command: what the commands are, on stdout (it is an answer, not an error).
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    throw err;
  }
  return code;
}
