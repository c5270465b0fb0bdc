/**
 * `sfo-compat org set-api-enabled (--profile NAME | --permission-set NAME) (--on | --off) --username ADMIN`:
 * the admin's side of the demo story, against any org the admin can sign in to (admin/api-enabled-switch.ts).
 * Exit 0 done, 2 usage or no such profile, 3 the rule refused the admin's own sign-in, 4 unreachable, 1 otherwise.
 */
import { Command } from 'commander';
import { EXIT } from './usage';
import { signInProblem } from './org-options';
import { DEFAULT_LOGIN_URL } from '../sign-in/login-flow';
import { ApiEnabledChange, ApiEnabledRequest, TargetNotFound, setApiEnabled } from '../admin/api-enabled-switch';
import { SalesforceApiError } from '../salesforce/errors';

export interface SetApiEnabledOptions {
  loginUrl: string;
  username?: string;
  password?: string;
  clientId?: string;
  profile?: string;
  permissionSet?: string;
  on?: boolean;
  off?: boolean;
  json?: boolean;
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

export function registerSetApiEnabledCommand(org: Command, setCode: (code: number) => void): void {
  org
    .command('set-api-enabled')
    .description('turn "API Enabled" on or off for a profile or permission set (as an admin, through the org\'s API)')
    .option('--login-url <url>', "the org's login URL", DEFAULT_LOGIN_URL)
    .option('--username <u>', "an admin's username (needs API Enabled and Manage Profiles and Permission Sets)")
    .option('--password <p>', 'the password (prefer SFO_PASSWORD: the command line is visible to every user in ps)')
    .option('--client-id <id>', 'sign in through this connected app')
    .option('--profile <name>', 'the profile to change, e.g. "Standard User"')
    .option('--permission-set <name>', 'the permission set to change (API name or label)')
    .option('--on', 'grant API Enabled')
    .option('--off', 'remove API Enabled')
    .option('--json', 'print {"target", "before", "after"}')
    .action(async (opts: SetApiEnabledOptions) => {
      setCode(
        await setApiEnabledCommand(opts, process.env, {
          out: (s) => process.stdout.write(s),
          err: (s) => process.stderr.write(s),
        }),
      );
    });
}

/** The one thing wrong with the options, naming the option; null when they are usable. */
export function setApiEnabledProblem(opts: SetApiEnabledOptions, env: NodeJS.ProcessEnv): string | null {
  if (!!opts.profile === !!opts.permissionSet) return 'give one of --profile NAME or --permission-set NAME';
  if (!!opts.on === !!opts.off) return 'give one of --on or --off';
  return signInProblem(opts, env, ' (an admin of the org)');
}

export async function setApiEnabledCommand(
  opts: SetApiEnabledOptions,
  env: NodeJS.ProcessEnv,
  io: Output,
  run = setApiEnabled,
): Promise<number> {
  const problem = setApiEnabledProblem(opts, env);
  if (problem) {
    io.err(`sfo-compat org set-api-enabled: ${problem}\n`);
    return EXIT.usage;
  }
  const req: ApiEnabledRequest = {
    loginUrl: opts.loginUrl,
    username: opts.username!,
    password: opts.password ?? env.SFO_PASSWORD!,
    clientId: opts.clientId,
    target: opts.profile
      ? { kind: 'profile', name: opts.profile }
      : { kind: 'permissionSet', name: opts.permissionSet! },
    on: !!opts.on,
  };
  let change: ApiEnabledChange;
  try {
    change = await run(req);
  } catch (err) {
    if (err instanceof TargetNotFound) {
      io.err(`sfo-compat org set-api-enabled: ${err.message}\n`);
      return EXIT.usage;
    }
    if (!(err instanceof SalesforceApiError)) throw err;
    io.err(
      `sfo-compat org set-api-enabled: ${err.message.startsWith(err.errorCode) ? err.message : `${err.errorCode}: ${err.message}`}\n`,
    );
    return err.kind === 'network' ? EXIT.unreachable : err.kind === 'accessRevoked' ? EXIT.blocked : EXIT.failure;
  }
  io.out(opts.json ? `${JSON.stringify(change, null, 2)}\n` : `${describe(change)}\n`);
  return EXIT.ok;
}

function describe(c: ApiEnabledChange): string {
  const what = `${c.target.kind === 'profile' ? 'profile' : 'permission set'} "${c.target.name}"`;
  if (c.before === c.after) return `"API Enabled" was already ${c.after ? 'on' : 'off'} for ${what}: nothing changed.`;
  return c.after
    ? `"API Enabled" is now on for ${what}. Its users' desktop products can sign in and sync again; a stopped sync resumes by itself.`
    : `"API Enabled" is now off for ${what}. Its users are refused at their next request: a running sync stops with the product's text.`;
}
