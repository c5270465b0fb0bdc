/**
 * `sfo-compat impact`: sign in as an admin, read the org, and print for every active user and product
 * whether the "API Enabled" rule allows them, why, and the smallest change that would.
 * Exit codes: 0 report printed; 2 usage; 4 the org cannot be reached; 3 the access rule refused the admin's
 * own sign-in; 1 any other failure (missing admin permission, bad credentials, a failed query).
 */
import { signInProblem } from './org-options';
import { Command } from 'commander';
import { EXIT } from './usage';
import { DEFAULT_LOGIN_URL } from '../sign-in/login-flow';
import { runImpactReport, ImpactRequest } from '../impact/report';
import { ImpactError, ImpactErrorCode } from '../impact/errors';
import { formatCsv, formatJson, formatTable } from '../impact/format';
import { ImpactReport } from '../impact/verdicts';

export interface ImpactCommandOptions {
  loginUrl: string;
  username?: string;
  password?: string;
  clientId?: string;
  json?: boolean;
  csv?: boolean;
  enforcement?: string;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Make the report; injectable so tests can count or stub it. */
export type ReportRunner = (req: ImpactRequest) => Promise<ImpactReport>;

export function registerImpactCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('impact')
    .description(
      'admin report: who is blocked from which product by the "API Enabled" rule, why, and the smallest change that fixes it',
    )
    .option('--login-url <url>', "the org's login URL", DEFAULT_LOGIN_URL)
    .option('--username <u>', "an admin's username (needs API Enabled, View Setup and Configuration, Manage Users)")
    .option('--password <p>', 'the password (or set SFO_PASSWORD)')
    .option(
      '--client-id <id>',
      'sign in through this connected app (for orgs whose "API Enabled" feature is off: an allowlisted app)',
    )
    .option('--enforcement <on|off>', "what if: decide with enforcement on or off instead of the org's setting")
    .option('--json', 'print {"summary": {...}, "users": [...]}')
    .option('--csv', 'print one CSV row per user and product')
    .action(async (opts: ImpactCommandOptions) => {
      setCode(
        await impactCommand(opts, process.env, {
          out: (s) => process.stdout.write(s),
          err: (s) => process.stderr.write(s),
        }),
      );
    });
}

/** Run the command; resolves to the exit code. */
export async function impactCommand(
  opts: ImpactCommandOptions,
  env: NodeJS.ProcessEnv,
  io: Output,
  run: ReportRunner = runImpactReport,
): Promise<number> {
  const problem = usageProblem(opts, env);
  if (problem) {
    io.err(`sfo-compat impact: ${problem}\n`);
    return EXIT.usage;
  }
  let report: ImpactReport;
  try {
    report = await run({
      loginUrl: opts.loginUrl,
      username: opts.username!,
      password: opts.password ?? env.SFO_PASSWORD!,
      clientId: opts.clientId,
      enforcement: opts.enforcement === undefined ? undefined : opts.enforcement.toLowerCase() === 'on',
    });
  } catch (err) {
    if (!(err instanceof ImpactError)) throw err;
    io.err(`sfo-compat impact: ${err.message}\n`);
    return exitCodeFor(err.code);
  }
  io.out(opts.json ? formatJson(report) : opts.csv ? formatCsv(report) : formatTable(report));
  return EXIT.ok;
}

/** The one thing wrong with the options, naming the option; null when they are usable. */
export function usageProblem(opts: ImpactCommandOptions, env: NodeJS.ProcessEnv): string | null {
  if (opts.json && opts.csv) return '--json and --csv cannot be used together';
  if (opts.enforcement !== undefined && !/^(on|off)$/i.test(opts.enforcement))
    return `--enforcement: "${opts.enforcement}" must be on or off`;
  return signInProblem(opts, env, ' (an admin of the org)');
}

export function exitCodeFor(code: ImpactErrorCode): number {
  switch (code) {
    case 'ORG_UNREACHABLE':
      return EXIT.unreachable;
    case 'REFUSED_BY_RULE':
      return EXIT.blocked;
    case 'ADMIN_PERMISSION_MISSING':
    case 'SIGN_IN_FAILED':
    case 'ORG_READ_FAILED':
      return EXIT.failure;
  }
}
