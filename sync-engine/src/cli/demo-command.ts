/**
 * `sfo-compat demo` (what `npm start` runs): the whole product on a laptop with no account anywhere. It starts
 * the local org and the local mailbox (https, with its identity platform) on the shipped demo seeds, the background
 * service with the demo user ann signed in, her mailbox connected by a real Microsoft sign-in (msal-node against the
 * local identity platform, the demo filling its page: demo-mailbox-connect.ts) and syncing, and the add-in's pages
 * (https with office-addin-dev-certs' certificate when this machine trusts it, else http), then prints the URLs, the
 * demo users with what the rule decides for each, how to sideload the manifest, and each sync run as it ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalOrg, LocalOrg } from '../local-org';
import { startLocalMailbox, LocalMailbox } from '../local-mailbox';
import { readSeedFile } from '../local-org/seed';
import { findProduct } from '../products/catalog';
import { startServiceServer, RunningService } from '../service/server';
import { ServiceStatus } from '../service/status';
import { createSyncLogger } from '../app/logger';
import { AddinSite, startAddinSite } from '../addin-site/site';
import { DIST_DIR, REPO_DIR, ensurePaneBuilt } from '../addin-site/build';
import { devCertificate } from '../addin-site/dev-certs';
import { readSeedFile as readMailboxSeedFile } from '../local-mailbox/seed';
import { tokenKeyFile } from '../app/token-key';
import { connectDemoMailbox } from './demo-mailbox-connect';
import { parseInterval, parsePort, EXIT, UsageError } from './usage';
import { waitForSignal } from './signals';

const DEMO_DIR = path.join(REPO_DIR, 'demo');
const DEMO_SEED = path.join(DEMO_DIR, 'org-seed.json');
const DEMO_MAILBOX_SEED = path.join(DEMO_DIR, 'mailbox-seed.json');
const DEMO_MAILBOX_TOKEN = 'demo-mailbox-token-ann';
const DEMO_USER = { username: 'ann@demo.example', password: 'Demo-Ann-1' };
/** The origin manifest.xml names. */
const MANIFEST_ORIGIN = 'https://localhost:3000';
const DEFAULT_SERVICE_URL = 'http://127.0.0.1:8702';

/** The demo mailbox seed's tenant and public-client app (demo/mailbox-seed.json). */
function readDemoApp(): DemoApp {
  const seed = readMailboxSeedFile(DEMO_MAILBOX_SEED);
  const app = seed.apps?.[0];
  if (!seed.tenantId || !app) throw new Error(`${DEMO_MAILBOX_SEED} has no tenantId or app for the Microsoft sign-in`);
  return { tenantId: seed.tenantId, clientId: app.clientId };
}

interface DemoApp {
  tenantId: string;
  clientId: string;
}

export interface DemoOptions {
  port: string;
  mailboxPort: string;
  servicePort: string;
  addinPort: string;
  data: string;
  interval: string;
}

export async function demoCommand(opts: DemoOptions): Promise<number> {
  const seed = readSeedFile(DEMO_SEED);
  const microsoftApp = readDemoApp();
  let ports: Record<'org' | 'mailbox' | 'service' | 'addin', number>;
  let intervalSeconds: number;
  try {
    ports = {
      org: parsePort(opts.port),
      mailbox: parsePort(opts.mailboxPort, '--mailbox-port'),
      service: parsePort(opts.servicePort, '--service-port'),
      addin: parsePort(opts.addinPort, '--addin-port'),
    };
    intervalSeconds = parseInterval(opts.interval);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`sfo-compat demo: ${err.message}\n`);
    return EXIT.usage;
  }
  const dataDir = path.resolve(opts.data);

  // The pane first: a build takes some seconds, and a missing webpack must not keep the main job from running.
  let paneProblem: string | null = null;
  try {
    const built = await ensurePaneBuilt();
    if (built) process.stdout.write(`built the add-in pane into dist/ (${built})\n`);
  } catch (err) {
    paneProblem = (err as Error).message;
  }

  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  let org: LocalOrg;
  let mailbox: LocalMailbox;
  let site: AddinSite | null = null;
  let running: RunningService;
  const cert = devCertificate();
  const logger = createSyncLogger(path.join(dataDir, 'service'));
  closers.push(() => void logger.close());
  try {
    if (!paneProblem) {
      site = await startAddinSite({ root: DIST_DIR, port: ports.addin, tls: cert.ok ? cert : null });
      const s = site;
      closers.push(() => s.close());
    }
    org = await startLocalOrg({ seed, dataDir: path.join(dataDir, 'org'), port: ports.org });
    closers.push(() => org.close());
    if (site) {
      // The pane's sign-in dialog comes back to its callback page, which the desktop apps must list, whatever
      // origin the pages have this time (http, then https once the certificate is installed; another port).
      for (const app of org.ctx.apps.all()) {
        if (app.product && findProduct(app.product)?.kind === 'desktop')
          org.ctx.apps.addCallbackUrl(app.clientId, `${site.origin}/oauth-callback.html`);
      }
    }
    // https, as Graph and the identity platform are: msal-node talks to nothing else.
    mailbox = await startLocalMailbox({
      seedFile: DEMO_MAILBOX_SEED,
      dataDir: path.join(dataDir, 'mailbox'),
      port: ports.mailbox,
      tls: true,
    });
    closers.push(() => mailbox.close());
    running = await startServiceServer({
      dataDir: path.join(dataDir, 'service'),
      port: ports.service,
      // A Microsoft sign-in, not the seed's static token: the engine takes its tokens from msal's cache.
      mailbox: {
        url: mailbox.url,
        token: '',
        microsoft: { clientId: microsoftApp.clientId, authority: `${mailbox.url}/${microsoftApp.tenantId}` },
      },
      addinOrigins: site ? [site.origin] : undefined,
      intervalSeconds,
      log: (level, text) => logger.log(level, text),
      engineDeps: { mailboxCa: mailbox.certificate!.pem },
    });
    closers.push(() => running.close());
  } catch (err) {
    await closeAll();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const port = (err as { port?: number }).port;
      process.stderr.write(
        `sfo-compat demo: port ${port ?? '(one of them)'} is in use: run \`npx sfo-compat demo --port N --mailbox-port M --service-port S --addin-port A\` with free ports\n`,
      );
      return EXIT.usage;
    }
    throw err;
  }

  const product = findProduct('salesforce-for-outlook')!;
  // The demo's own process signs its user in, in place of whoever a reused data dir had signed in; the first run
  // waits for her mailbox.
  await running.service.signIn(
    { orgUrl: org.url, product, productVersion: product.defaultVersion, ...DEMO_USER },
    true,
    { startSync: false },
  );
  const mailboxLine = await connectMailbox(running, mailbox);

  process.stdout.write(
    `${describeDemo({ org, mailbox, site, running, seed, dataDir, intervalSeconds, cert, paneProblem, mailboxLine, app: microsoftApp })}\n\n`,
  );

  const stopWatching = watchRuns(running, (line) => process.stdout.write(`${line}\n`));
  try {
    await waitForSignal();
    process.stdout.write("\nstopping: the service, the add-in's pages, the mailbox and the org...\n");
  } finally {
    stopWatching();
    await closeAll();
  }
  process.stdout.write(`stopped. Everything is kept in ${dataDir} for the next start (delete it to start over).\n`);
  return EXIT.ok;
}

/**
 * Connect ann's mailbox with a Microsoft sign-in as she would in the pane (the demo fills the local page), unless a
 * reused data dir keeps her sign-in; then sync. The line saying how it went: a failure leaves the demo running, with
 * the pane's step to connect it.
 */
async function connectMailbox(running: RunningService, mailbox: LocalMailbox): Promise<string> {
  const kept = running.service.status().mailbox?.connectedAs;
  let line: string;
  if (kept) {
    line = `${kept}'s Microsoft sign-in, kept from the last start (msal-node refreshes it)`;
  } else {
    try {
      const who = await connectDemoMailbox(running.service, {
        login: DEMO_USER.username,
        password: DEMO_USER.password,
        ca: mailbox.certificate!.pem,
      });
      line = `${who} connected by a Microsoft sign-in (msal-node, PKCE): the demo filled the local sign-in page with ${who}'s password, as she would in the pane`;
    } catch (err) {
      return `NOT connected (${(err as Error).message}): select "Connect your Outlook mailbox" in the pane`;
    }
  }
  // The connect starts a run; a kept sign-in needs one started here. A run already going is the one wanted.
  await running.service.syncNow().catch(() => undefined);
  return line;
}

interface Started {
  org: LocalOrg;
  mailbox: LocalMailbox;
  site: AddinSite | null;
  running: RunningService;
  seed: ReturnType<typeof readSeedFile>;
  dataDir: string;
  intervalSeconds: number;
  cert: ReturnType<typeof devCertificate>;
  paneProblem: string | null;
  mailboxLine: string;
  app: DemoApp;
}

function describeDemo(s: Started): string {
  const out: string[] = [];
  const org = s.seed.organization;
  out.push(
    `sfo-compat demo: the sync engine, its service and the Outlook add-in on a local org and mailbox (${s.dataDir}${s.org.seeded ? ', new' : ', reused: delete it to start over'})`,
  );
  out.push(
    `  org:      ${s.org.url}   (${org.name}, ${org.edition} edition, enforcement ${org.enforceApiEnabledForAllowlistedApps === false ? 'off' : 'on'})`,
  );
  out.push(`  mailbox:  ${s.mailbox.url}/v1.0/me   (${s.mailboxLine})`);
  out.push(
    `            identity platform ${s.mailbox.url}/${s.app.tenantId} (app ${s.app.clientId}); certificate ${s.mailbox.certificate!.path}; key of kept sign-ins ${tokenKeyFile()}`,
  );
  out.push(
    `            for scripts the seed's token still opens it: curl --cacert ${s.mailbox.certificate!.path} -H "Authorization: Bearer ${DEMO_MAILBOX_TOKEN}" ${s.mailbox.url}/v1.0/me`,
  );
  out.push(
    `  service:  ${s.running.url}   (127.0.0.1 only; ${DEMO_USER.username} signed in as Salesforce for Outlook, syncing every ${s.intervalSeconds}s; log ${path.join(s.dataDir, 'service', 'sync.log')})`,
  );
  const paneUrl = s.site
    ? `${s.site.origin}/taskpane.html${s.running.url === DEFAULT_SERVICE_URL ? '' : `?service=${encodeURIComponent(s.running.url)}`}`
    : null;
  if (s.site && paneUrl) {
    out.push(`  add-in:   ${paneUrl}`);
    if (!s.cert.ok)
      out.push(
        `            http only (${s.cert.why}). Outlook loads add-ins over https: run \`npx office-addin-dev-certs install\` once, then start again.`,
      );
  } else {
    out.push(`  add-in:   not served: ${s.paneProblem}`);
  }
  out.push('');
  out.push('Demo users (allowlisted apps = Salesforce for Outlook, Connect for Outlook/Office, mobile apps):');
  const width = Math.max(...s.seed.users.map((u) => u.username.length));
  for (const u of s.seed.users) {
    const id = (
      s.org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = ?`).get(u.username) as { Id: string }
    ).Id;
    const verdict = (u.active ?? true) ? describeUser(s.org, id) : 'inactive: every login fails';
    out.push(
      `  ${u.username.padEnd(width)}  ${u.password.padEnd(12)}  ${u.profile}${u.permissionSets?.length ? ` + ${u.permissionSets.join(', ')}` : ''}: ${verdict}`,
    );
  }
  if (s.site) {
    out.push('');
    out.push('The add-in:');
    const manifest = manifestFor(s.site.origin, s.dataDir);
    out.push(`  In a browser: open ${paneUrl}. Outside Outlook the pane says so and still shows status.`);
    out.push(
      `  Sign in with org URL ${s.org.url}: as ${DEMO_USER.username} (${DEMO_USER.password}) to see her sync, as bob@demo.example (Demo-Bob-1) to see the blocked text;`,
    );
    out.push(
      '  "Sign in with Salesforce" takes the way a real org is signed in: the org\'s login page in a dialog (OAuth).',
    );
    out.push(
      `  Sideload into Outlook with ${manifest}${s.site.origin.startsWith('https:') ? '' : ' (after the https step above)'}:`,
    );
    out.push(
      '    Outlook on the web or new Outlook: open https://aka.ms/olksideload, then My add-ins > Custom Addins > Add a custom add-in > Add from File.',
    );
    out.push(
      '    Classic Outlook on Windows: Home > Get Add-ins > My add-ins > Custom Addins > Add a custom add-in > Add from File.',
    );
    out.push('    Then open a message: "Add Email to Salesforce" is on its ribbon, and the pane can be pinned.');
    out.push(`  (The demo has one mailbox, ${DEMO_USER.username}'s: whoever signs in syncs with it.)`);
  }
  out.push('');
  out.push('Try, in another terminal:');
  out.push(
    `  npx sfo-compat login --product salesforce-for-outlook --username bob@demo.example --password Demo-Bob-1 --login-url ${s.org.url}`,
  );
  out.push(
    `  npx sfo-compat login --product salesforce-android --username dee@demo.example --password Demo-Dee-1 --login-url ${s.org.url} --json`,
  );
  out.push(`  npx sfo-compat impact --login-url ${s.org.url} --username admin@demo.example --password Demo-Admin-1`);
  out.push(`  npx sfo-compat matrix`);
  out.push(
    '  Then remove "API Enabled" from ann\'s profile, as the admin, and watch the sync stop with the product\'s text, here and',
  );
  out.push('  in the pane; turn it back on and the sync resumes by itself, sending what was queued:');
  out.push(
    `  SFO_PASSWORD=Demo-Admin-1 npx sfo-compat org set-api-enabled --login-url ${s.org.url} --username admin@demo.example --profile "Standard User" --off`,
  );
  out.push(
    `  SFO_PASSWORD=Demo-Admin-1 npx sfo-compat org set-api-enabled --login-url ${s.org.url} --username admin@demo.example --profile "Standard User" --on`,
  );
  out.push('');
  out.push('Press Ctrl+C to stop.');
  return out.join('\n');
}

/**
 * manifest.xml as is when the pages are on its port; else a copy naming their port, in the data dir. Always https:
 * Outlook loads add-ins over https only, so an http site needs the certificate step whatever the manifest says.
 */
function manifestFor(origin: string, dataDir: string): string {
  const original = path.join(REPO_DIR, 'manifest.xml');
  const served = origin.replace(/^http:/, 'https:');
  if (served === MANIFEST_ORIGIN) return original;
  const copy = path.join(dataDir, 'manifest.xml');
  fs.writeFileSync(copy, fs.readFileSync(original, 'utf8').split(MANIFEST_ORIGIN).join(served));
  return copy;
}

/** Print a line each time a sync run ends (the service's status changes); returns a stop function. */
function watchRuns(running: RunningService, print: (line: string) => void): () => void {
  let last = '';
  let lastLine = '';
  const timer = setInterval(() => {
    const s = running.service.status();
    if (s.state === 'syncing') return;
    const key = `${s.lastRun}|${s.state}|${s.message}`;
    if (key === last || (s.lastRun === null && s.state !== 'stopped')) return;
    last = key;
    // A quiet run after a quiet run says nothing new: one line until something changes.
    const line = describeStatus(s);
    if (line === lastLine) return;
    lastLine = line;
    print(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}

/** One run as a line: what changed on each side (created +, updated ~, deleted -), or that nothing did. */
function describeStatus(s: ServiceStatus): string {
  if (s.state === 'stopped') return `sync stopped: ${s.message}`;
  const c = s.counts;
  if (!c) return `sync: ${s.state}`;
  const sum = (side: 'salesforce' | 'outlook') =>
    (['contacts', 'events', 'tasks'] as const)
      .filter((o) => c[side][o].created + c[side][o].updated + c[side][o].deleted > 0)
      .map((o) => `${o} +${c[side][o].created} ~${c[side][o].updated} -${c[side][o].deleted}`)
      .join(', ') || 'no changes';
  const queued = s.pending ? ` ${s.pending} changes queued.` : '';
  const quiet = sum('salesforce') === 'no changes' && sum('outlook') === 'no changes';
  return quiet
    ? `sync done: nothing changed (next runs say nothing until something does).${queued}`
    : `sync done. Salesforce: ${sum('salesforce')}. Outlook: ${sum('outlook')}.${queued}`;
}

function describeUser(org: LocalOrg, userId: string): string {
  const viaApp = org.ctx.access.decide(userId, true)!;
  const viaClient = org.ctx.access.decide(userId, false)!;
  const app = viaApp.allowed ? 'allowed' : `blocked (${viaApp.errorCode})`;
  const client = viaClient.allowed ? 'allowed' : `blocked (${viaClient.errorCode})`;
  return `allowlisted apps ${app}; ordinary API clients ${client}`;
}
