/**
 * `sfo-compat demo` (what `npm start` runs): the local org on the shipped demo seed, with its login URL,
 * the demo users and what the rule decides for each, and a `sfo-compat login` line to try.
 */
import path from 'node:path';
import { startLocalOrg, LocalOrg } from '../local-org';
import { readSeedFile } from '../local-org/seed';
import { parsePort, EXIT } from './main';
import { waitForSignal } from './org-serve-command';

export const DEMO_SEED = path.join(__dirname, '..', '..', '..', '..', 'demo', 'org-seed.json');

export async function demoCommand(opts: { port: string; data: string }): Promise<number> {
  const seed = readSeedFile(DEMO_SEED);
  let org: LocalOrg;
  try {
    org = await startLocalOrg({ seed, dataDir: opts.data, port: parsePort(opts.port) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`port ${opts.port} is in use: run \`npx sfo-compat demo --port N\` with a free port\n`);
      return EXIT.usage;
    }
    throw err;
  }
  const out: string[] = [];
  out.push(`sfo-compat demo: local Salesforce-compatible org "${seed.organization.name}" (${seed.organization.edition} edition, enforcement ${seed.organization.enforceApiEnabledForAllowlistedApps === false ? 'off' : 'on'})`);
  out.push(`  data:      ${path.resolve(opts.data)}${org.seeded ? ' (new)' : ' (reused; delete it to reseed)'}`);
  out.push(`  login URL: ${org.url}`);
  out.push('');
  out.push('Demo users (allowlisted apps = Salesforce for Outlook, Connect for Outlook/Office, mobile apps):');
  const width = Math.max(...seed.users.map((u) => u.username.length));
  for (const u of seed.users) {
    const id = (org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = ?`).get(u.username) as { Id: string }).Id;
    const verdict = (u.active ?? true) ? describe(org, id) : 'inactive: every login fails';
    out.push(`  ${u.username.padEnd(width)}  ${u.password.padEnd(12)}  ${u.profile}${u.permissionSets?.length ? ` + ${u.permissionSets.join(', ')}` : ''}: ${verdict}`);
  }
  out.push('');
  out.push('Try (in another terminal):');
  out.push(`  npx sfo-compat login --product salesforce-for-outlook --username bob@demo.example --password Demo-Bob-1 --login-url ${org.url}`);
  out.push(`  npx sfo-compat login --product salesforce-android --username dee@demo.example --password Demo-Dee-1 --login-url ${org.url} --json`);
  out.push(`  npx sfo-compat matrix`);
  out.push('');
  out.push('Press Ctrl+C to stop.');
  process.stdout.write(`${out.join('\n')}\n`);
  await waitForSignal();
  await org.close();
  return EXIT.ok;
}

function describe(org: LocalOrg, userId: string): string {
  const viaApp = org.ctx.access.decide(userId, true)!;
  const viaClient = org.ctx.access.decide(userId, false)!;
  const app = viaApp.allowed ? 'allowed' : `blocked (${viaApp.errorCode})`;
  const client = viaClient.allowed ? 'allowed' : `blocked (${viaClient.errorCode})`;
  return `allowlisted apps ${app}; ordinary API clients ${client}`;
}
