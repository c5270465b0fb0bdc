/**
 * `sfo-compat login`: log in as a product's user against an org and print what that user sees.
 * Exit codes: 0 logged in; 3 refused by the access rule (the product's exact text on stderr); 4 the org
 * cannot be reached; 2 usage; 1 any other failure (bad credentials, unsupported version).
 */
import { signInProblem } from './org-options';
import { Command } from 'commander';
import { EXIT } from './usage';
import { PRODUCTS, ProductId, findProduct, isVersion } from '../products/catalog';
import { loginAs, DEFAULT_LOGIN_URL } from '../sign-in/login-flow';
import { LoginOutcome, LoginResult } from '../products/outcome';
import { notice } from '../products/notices';

export interface LoginCommandOptions {
  product?: string;
  version?: string;
  clientId?: string;
  username?: string;
  password?: string;
  loginUrl: string;
  json?: boolean;
}

export function registerLoginCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('login')
    .description("log in as a product's user does and print what that user sees")
    .option('--product <id>', `the product: ${PRODUCTS.map((p) => p.id).join(', ')}`)
    .option('--version <v>', "the product's version (default: the catalog's)")
    .option('--client-id <id>', "the connected app's client id (default: the product's)")
    .option('--username <u>', 'the Salesforce username')
    .option('--password <p>', 'the password (or set SFO_PASSWORD)')
    .option('--login-url <url>', "the org's login URL", DEFAULT_LOGIN_URL)
    .option('--json', 'print {"ok","product","version","outcome","message","errorCode"}')
    .action(async (opts: LoginCommandOptions) => {
      setCode(
        await loginCommand(opts, process.env, {
          out: (s) => process.stdout.write(s),
          err: (s) => process.stderr.write(s),
        }),
      );
    });
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Run the command; resolves to the exit code. */
export async function loginCommand(opts: LoginCommandOptions, env: NodeJS.ProcessEnv, io: Output): Promise<number> {
  const problem = usageProblem(opts, env);
  if (problem) {
    io.err(`sfo-compat login: ${problem}\n`);
    return EXIT.usage;
  }
  const result = await loginAs(opts.product as ProductId, {
    version: opts.version,
    clientId: opts.clientId,
    username: opts.username!,
    password: opts.password ?? env.SFO_PASSWORD!,
    loginUrl: opts.loginUrl,
  });
  if (opts.json) io.out(`${JSON.stringify(jsonResult(result))}\n`);
  else print(result, opts, io);
  return exitCodeFor(result.outcome);
}

/** The one thing wrong with the options, naming the option; null when they are usable. */
export function usageProblem(opts: LoginCommandOptions, env: NodeJS.ProcessEnv): string | null {
  const ids = PRODUCTS.map((p) => p.id).join(', ');
  if (!opts.product) return `--product is required (one of: ${ids})`;
  const product = findProduct(opts.product);
  if (!product) return `--product: unknown product "${opts.product}" (one of: ${ids})`;
  if (opts.version !== undefined && product.defaultVersion !== 'any' && !isVersion(opts.version)) {
    return `--version: "${opts.version}" is not a version (digits and dots, e.g. ${product.defaultVersion})`;
  }
  return signInProblem(opts, env);
}

export function exitCodeFor(outcome: LoginOutcome): number {
  switch (outcome) {
    case 'logged-in':
      return EXIT.ok;
    case 'blocked':
    case 'redirect-to-login':
      return EXIT.blocked;
    case 'network-error':
      return EXIT.unreachable;
    case 'unsupported-version':
    case 'login-failed':
      return EXIT.failure;
  }
}

/** The JSON form: the six fields in a fixed order, and the notice when there is one. */
export function jsonResult(r: LoginResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ok: r.ok,
    product: r.product,
    version: r.version,
    outcome: r.outcome,
    message: r.message,
    errorCode: r.errorCode,
  };
  if (r.notice) out.notice = r.notice;
  return out;
}

function print(r: LoginResult, opts: LoginCommandOptions, io: Output): void {
  const product = findProduct(r.product)!;
  const named = r.version === 'any' ? product.name : `${product.name} ${r.version}`;
  if (r.outcome === 'logged-in') {
    io.out(`Logged in to ${opts.loginUrl} as ${opts.username} with ${named}.\n`);
    if (r.notice) io.out(`Note: ${r.notice}\n`);
    return;
  }
  // What the product's user sees, exactly; the login page again shows no text of its own.
  io.err(`${r.message ?? notice('mobile.redirectedToLogin')}\n`);
}
