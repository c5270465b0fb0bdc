/**
 * `sfo-compat demo` (what `npm start` runs): the main job on a laptop with no account anywhere. It starts the
 * local org and the local mailbox on the shipped demo seeds, runs the sync engine for the demo user ann as a
 * background loop, and prints the URLs, the demo users with what the rule decides for each, and what to try.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalOrg, LocalOrg } from '../local-org';
import { startLocalMailbox, LocalMailbox } from '../local-mailbox';
import { readSeedFile } from '../local-org/seed';
import { readSyncConfig } from '../sync/config';
import { SyncEngine, EngineRun } from '../sync/engine';
import { createSyncLogger } from '../sync/logger';
import { parsePort, EXIT } from './main';
import { waitForSignal } from './org-serve-command';

const DEMO_DIR = path.join(__dirname, '..', '..', '..', '..', 'demo');
export const DEMO_SEED = path.join(DEMO_DIR, 'org-seed.json');
export const DEMO_MAILBOX_SEED = path.join(DEMO_DIR, 'mailbox-seed.json');
const DEMO_MAILBOX_TOKEN = 'demo-mailbox-token-ann';

export async function demoCommand(opts: { port: string; mailboxPort: string; data: string; interval: string }): Promise<number> {
  const seed = readSeedFile(DEMO_SEED);
  const orgPort = parsePort(opts.port);
  const mailboxPort = parsePort(opts.mailboxPort, '--mailbox-port');
  let org: LocalOrg | undefined;
  let mailbox: LocalMailbox | undefined;
  try {
    org = await startLocalOrg({ seed, dataDir: path.join(opts.data, 'org'), port: orgPort });
    mailbox = await startLocalMailbox({ seedFile: DEMO_MAILBOX_SEED, dataDir: path.join(opts.data, 'mailbox'), port: mailboxPort });
  } catch (err) {
    await org?.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`a port is in use: run \`npx sfo-compat demo --port N --mailbox-port M\` with free ports\n`);
      return EXIT.usage;
    }
    throw err;
  }

  // The engine's configuration, in the SYNC-CONFIG format, written beside its state.
  const syncDir = path.resolve(opts.data, 'sync-ann');
  fs.mkdirSync(syncDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(syncDir, 'config.json');
  fs.writeFileSync(configFile, `${JSON.stringify({
    product: 'salesforce-for-outlook', productVersion: '2.9.3',
    org: { loginUrl: org.url, username: 'ann@demo.example', password: 'Demo-Ann-1' },
    mailbox: { url: mailbox.url, token: DEMO_MAILBOX_TOKEN },
    objects: { contacts: { direction: 'both', winner: 'salesforce' }, events: { direction: 'both', winner: 'salesforce' }, tasks: { direction: 'both', winner: 'outlook' } },
    intervalSeconds: Math.max(60, Number(opts.interval) || 60),
    dataDir: '.',
  }, null, 2)}\n`, { mode: 0o600 });
  const config = readSyncConfig(configFile);
  const logger = createSyncLogger(config.dataDir);
  const engine = new SyncEngine(config, { log: (level, text) => logger.log(level, text) });

  const out: string[] = [];
  out.push(`sfo-compat demo: the sync engine on a local org and a local mailbox (${path.resolve(opts.data)}${org.seeded ? ', new' : ', reused: delete it to start over'})`);
  out.push(`  org:      ${org.url}   (${seed.organization.name}, ${seed.organization.edition} edition, enforcement ${seed.organization.enforceApiEnabledForAllowlistedApps === false ? 'off' : 'on'})`);
  out.push(`  mailbox:  ${mailbox.url}/v1.0/me   (ann@demo.example, Authorization: Bearer ${DEMO_MAILBOX_TOKEN})`);
  out.push(`  engine:   syncing ann@demo.example as Salesforce for Outlook 2.9.3 every ${config.intervalSeconds}s (config ${configFile}, log ${path.join(config.dataDir, 'sync.log')})`);
  out.push('');
  out.push('Demo users (allowlisted apps = Salesforce for Outlook, Connect for Outlook/Office, mobile apps):');
  const width = Math.max(...seed.users.map((u) => u.username.length));
  for (const u of seed.users) {
    const id = (org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = ?`).get(u.username) as { Id: string }).Id;
    const verdict = (u.active ?? true) ? describeUser(org, id) : 'inactive: every login fails';
    out.push(`  ${u.username.padEnd(width)}  ${u.password.padEnd(12)}  ${u.profile}${u.permissionSets?.length ? ` + ${u.permissionSets.join(', ')}` : ''}: ${verdict}`);
  }
  out.push('');
  out.push('Try, in another terminal:');
  out.push(`  npx sfo-compat status --config ${configFile}`);
  out.push(`  npx sfo-compat login --product salesforce-for-outlook --username bob@demo.example --password Demo-Bob-1 --login-url ${org.url}`);
  out.push(`  npx sfo-compat login --product salesforce-android --username dee@demo.example --password Demo-Dee-1 --login-url ${org.url} --json`);
  out.push(`  npx sfo-compat impact --login-url ${org.url} --username admin@demo.example --password Demo-Admin-1`);
  out.push(`  npx sfo-compat matrix`);
  out.push('  Then remove "API Enabled" from the Standard User profile (as admin, through the REST API) and watch the engine stop');
  out.push('  with the product\'s text; restore it and the engine resumes by itself, sending what was queued.');
  out.push('');
  out.push('Press Ctrl+C to stop.');
  process.stdout.write(`${out.join('\n')}\n\n`);

  const controller = new AbortController();
  void waitForSignal().then(() => controller.abort());
  try {
    await engine.runForever(controller.signal, { onRun: (run) => process.stdout.write(`${describeRun(run)}\n`) });
  } finally {
    engine.close();
    logger.close();
    await mailbox.close();
    await org.close();
  }
  return EXIT.ok;
}

function describeRun(run: EngineRun): string {
  const at = new Date().toISOString().slice(11, 19);
  if (run.status.state === 'stopped') return `[${at}] sync stopped: ${run.status.message}`;
  const r = run.result?.report;
  if (!r) return `[${at}] sync: ${run.status.state}`;
  const sum = (side: 'salesforce' | 'outlook') => (['contacts', 'events', 'tasks'] as const)
    .map((o) => `${o} +${r.counts[side][o].created} ~${r.counts[side][o].updated} -${r.counts[side][o].deleted}`).join(', ');
  return `[${at}] sync done. Salesforce: ${sum('salesforce')}. Outlook: ${sum('outlook')}.${r.errors.length ? ` ${r.errors.length} record errors (see status).` : ''}`;
}

function describeUser(org: LocalOrg, userId: string): string {
  const viaApp = org.ctx.access.decide(userId, true)!;
  const viaClient = org.ctx.access.decide(userId, false)!;
  const app = viaApp.allowed ? 'allowed' : `blocked (${viaApp.errorCode})`;
  const client = viaClient.allowed ? 'allowed' : `blocked (${viaClient.errorCode})`;
  return `allowlisted apps ${app}; ordinary API clients ${client}`;
}
