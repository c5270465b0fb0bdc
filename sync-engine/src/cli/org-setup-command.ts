/**
 * `sfo-compat org setup --username ADMIN [--assign USER]... [--json]`: what an admin adds to a stock org so the
 * sync upserts on OutlookId__c (admin/org-setup.ts). Exit 0 done, 2 usage or no such user, 3 the rule refused the
 * admin's own sign-in, 4 unreachable, 1 otherwise (as `org set-api-enabled`).
 */
import { Command } from 'commander';
import { EXIT } from './usage';
import { signInProblem } from './org-options';
import { DEFAULT_LOGIN_URL } from '../sign-in/login-flow';
import { OrgSetupResult, UnknownUser, setUpOrg } from '../admin/org-setup';
import { SalesforceApiError } from '../salesforce/errors';

export interface OrgSetupOptions {
  loginUrl: string;
  username?: string;
  password?: string;
  clientId?: string;
  assign: string[];
  json?: boolean;
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

export function registerOrgSetupCommand(org: Command, setCode: (code: number) => void): void {
  org
    .command('setup')
    .description(
      'create OutlookId__c (external id, unique) on Contact, Event and Task and grant it to the syncing users, so creates are upserts (optional: a stock org syncs without it)',
    )
    .option('--login-url <url>', "the org's login URL", DEFAULT_LOGIN_URL)
    .option('--username <u>', "an admin's username (needs API Enabled and Customize Application)")
    .option('--password <p>', 'the password (prefer SFO_PASSWORD: the command line is visible to every user in ps)')
    .option('--client-id <id>', 'sign in through this connected app')
    .option(
      '--assign <username>',
      'assign the "sfo-compat sync" permission set to this user (repeat for each user who syncs)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--json', 'print {"fields", "permissionSet", "fieldPermissions", "assigned"}')
    .action(async (opts: OrgSetupOptions) => {
      setCode(
        await orgSetupCommand(opts, process.env, {
          out: (s) => process.stdout.write(s),
          err: (s) => process.stderr.write(s),
        }),
      );
    });
}

export async function orgSetupCommand(
  opts: OrgSetupOptions,
  env: NodeJS.ProcessEnv,
  io: Output,
  run = setUpOrg,
): Promise<number> {
  const blank = opts.assign.find((u) => u.trim() === '');
  const problem =
    blank !== undefined ? '--assign: give a username' : signInProblem(opts, env, ' (an admin of the org)');
  if (problem) {
    io.err(`sfo-compat org setup: ${problem}\n`);
    return EXIT.usage;
  }
  let result: OrgSetupResult;
  try {
    result = await run({
      loginUrl: opts.loginUrl,
      username: opts.username!,
      password: opts.password ?? env.SFO_PASSWORD!,
      clientId: opts.clientId,
      assign: opts.assign.map((u) => u.trim()),
    });
  } catch (err) {
    if (err instanceof UnknownUser) {
      io.err(`sfo-compat org setup: ${err.message}; nothing was changed\n`);
      return EXIT.usage;
    }
    if (!(err instanceof SalesforceApiError)) throw err;
    io.err(
      `sfo-compat org setup: ${err.message.startsWith(err.errorCode) ? err.message : `${err.errorCode}: ${err.message}`}\n`,
    );
    return err.kind === 'network' ? EXIT.unreachable : err.kind === 'accessRevoked' ? EXIT.blocked : EXIT.failure;
  }
  io.out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${describe(result)}\n`);
  return EXIT.ok;
}

function describe(r: OrgSetupResult): string {
  const lines = r.fields.map((f) =>
    f.created
      ? `Created ${f.fullName} (Text 255, External ID, Unique).`
      : `${f.fullName} exists already: left as it is.`,
  );
  const ps = `permission set "${r.permissionSet.label}" (${r.permissionSet.name})`;
  lines.push(r.permissionSet.created ? `Created the ${ps}.` : `The ${ps} exists already.`);
  const granted = r.fieldPermissions.filter((f) => f.granted).map((f) => f.field);
  lines.push(
    granted.length
      ? `It now grants read and edit of ${granted.join(', ')}.`
      : 'It grants read and edit of the three fields already.',
  );
  for (const a of r.assigned)
    lines.push(a.assigned ? `Assigned it to ${a.username}.` : `${a.username} holds it already.`);
  const changed = r.fields.some((f) => f.created) || r.permissionSet.created || granted.length > 0;
  const anyAssigned = r.assigned.some((a) => a.assigned);
  lines.push(
    !changed && !anyAssigned
      ? 'Nothing changed: the org was set up already.'
      : 'Users who hold the permission set sync with upserts on OutlookId__c from their next run; links made before stay as they are.',
  );
  if (r.assigned.length === 0)
    lines.push(
      `Assign "${r.permissionSet.label}" to each user who syncs (Setup, Permission Sets, Manage Assignments, or --assign USERNAME): without it a user keeps syncing without the field.`,
    );
  return lines.join('\n');
}
