/**
 * The sync benchmark's remote ends in their own process: a local org and a local mailbox, so the engine
 * process measures only its own memory and CPU. Seeds ann's records on either side, counts requests where
 * they land, and answers over IPC:
 *   { stats: true }    -> { stats: { org: { total, byKind }, mailbox: { total, byKind }, cpuMs } }
 *   { counts: true }   -> { counts: { salesforce: { contacts, events, tasks }, outlook: { ... } } }
 *   { diagnose: true } -> { diagnosis: string[] } (why the two sides' counts differ)
 *   { stop: true }     -> exits
 * The org counts data requests after authentication (ctx.stats: the SOAP login is not among them); the
 * mailbox's requests are counted here, every HTTP request the server receives.
 * Started with argv[2] = JSON ServersSpec; sends { ready: { orgUrl, mailboxUrl, seedSeconds } } once listening.
 */
import http from 'node:http';
import { answerProfileRequests } from './profile';
import { performance } from 'node:perf_hooks';
import { startLocalOrg, LocalOrg } from '../sync-engine/src/local-org';
import { OrgSeed } from '../sync-engine/src/local-org/seed';
import { createRecords } from '../sync-engine/src/local-org/dml';
import { findSObject, SObjectDef } from '../sync-engine/src/local-org/schema';
import { tableName } from '../sync-engine/src/local-org/store';
import { startLocalMailbox, LocalMailbox, MailboxSeed } from '../sync-engine/src/local-mailbox';
import { checkContact, insertContact } from '../sync-engine/src/local-mailbox/contacts';
import { checkEvent, insertEvent } from '../sync-engine/src/local-mailbox/events';
import { checkTask, insertTask } from '../sync-engine/src/local-mailbox/todo';

export const BENCH_USER = {
  username: 'ann@sync-bench.example',
  password: 'Bench-Ann-1',
  token: 'ann-sync-bench-token',
};

export interface RecordCounts {
  contacts: number;
  events: number;
  tasks: number;
}

export interface ServersSpec {
  /** Records of ann's seeded in the org. */
  salesforce: RecordCounts;
  /** Records seeded in ann's mailbox (events as single instances in the default calendar window, tasks in the default list). */
  outlook: RecordCounts;
  /** The mailbox's change log length (delta tokens older than this many changes get 410). */
  changeLogLimit: number;
}

export interface RequestCounts {
  total: number;
  byKind: Record<string, number>;
}

const DAY_MS = 86_400_000;

function orgSeed(): OrgSeed {
  return {
    organization: {
      name: 'Sync Bench',
      edition: 'enterprise',
      features: { apiEnabled: true, customizableProfiles: true },
      enforceApiEnabledForAllowlistedApps: true,
    },
    connectedApps: [
      {
        name: 'Salesforce for Outlook',
        clientId: 'SfdcSalesforceForOutlook',
        allowlisted: true,
        product: 'salesforce-for-outlook',
      },
    ],
    profiles: [
      {
        name: 'System Administrator',
        license: 'Salesforce',
        permissions: { apiEnabled: true, viewSetup: true, manageUsers: true, modifyAllData: true },
      },
      { name: 'Standard User', license: 'Salesforce', permissions: { apiEnabled: true } },
    ],
    users: [
      {
        username: 'admin@sync-bench.example',
        password: 'Bench-Admin-1',
        lastName: 'Admin',
        email: 'admin@sync-bench.example',
        profile: 'System Administrator',
      },
      {
        username: BENCH_USER.username,
        password: BENCH_USER.password,
        firstName: 'Ann',
        lastName: 'Lee',
        email: BENCH_USER.username,
        profile: 'Standard User',
      },
    ],
  };
}

/** A start time `i` spreads over the next 300 days, on the hour or half hour in working hours (UTC). */
function eventStart(i: number, now: number): Date {
  const day = Math.floor(now / DAY_MS) * DAY_MS + (1 + (i % 300)) * DAY_MS;
  return new Date(day + (8 + (i % 9)) * 3_600_000 + (i % 2) * 1_800_000);
}

function dueDate(i: number, now: number): string | null {
  if (i % 5 === 4) return null;
  return new Date(Math.floor(now / DAY_MS) * DAY_MS + (i % 200) * DAY_MS).toISOString().slice(0, 10);
}

const TASK_STATUS_SF = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];
const TASK_STATUS_OL = ['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'];
const PRIORITY_SF = ['Normal', 'High', 'Low'];
const PRIORITY_OL = ['normal', 'high', 'low'];

/** ann's records straight into the org's store through its DML (validated), in one transaction per 2,000. */
function seedOrgRecords(org: LocalOrg, n: RecordCounts): void {
  const ann = (
    org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = ?`).get(BENCH_USER.username) as {
      Id: string;
    }
  ).Id;
  const caller = { userId: ann, isAdmin: false, manageUsers: false };
  const now = Date.now();
  const insert = (type: string, count: number, make: (i: number) => Record<string, unknown>) => {
    for (let from = 0; from < count; from += 2000) {
      const batch = Array.from({ length: Math.min(2000, count - from) }, (_, k) => ({
        type,
        fields: { ...make(from + k), OwnerId: ann },
      }));
      const results = createRecords(org.ctx, caller, batch, true);
      const bad = results.find((r) => !r.success);
      if (bad) throw new Error(`seeding ${type}: ${JSON.stringify(bad.errors)}`);
    }
  };
  insert('Contact', n.contacts, (i) => ({
    FirstName: `First${i}`,
    LastName: `Sf${i}`,
    Email: `sf${i}@contacts.example`,
    Phone: `+1 555 ${String(i % 10_000).padStart(4, '0')}`,
    MobilePhone: i % 3 === 0 ? `+1 666 ${String(i % 10_000).padStart(4, '0')}` : null,
    Title: i % 2 ? 'Engineer' : 'Manager',
    Department: `Dept ${i % 20}`,
    Company__c: `Company ${i % 500}`,
    MailingStreet: `${i} Main St`,
    MailingCity: 'Springfield',
    MailingState: 'IL',
    MailingPostalCode: String(60000 + (i % 1000)),
    MailingCountry: 'USA',
    Description: i % 4 === 0 ? `Notes for contact ${i}` : null,
  }));
  insert('Event', n.events, (i) => {
    const start = eventStart(i, now);
    return {
      Subject: `Sf meeting ${i}`,
      Location: i % 3 ? `Room ${i % 40}` : null,
      StartDateTime: start.toISOString(),
      EndDateTime: new Date(start.getTime() + 3_600_000).toISOString(),
      IsAllDayEvent: false,
      Description: i % 4 === 0 ? `Agenda ${i}` : null,
      ShowAs: 'Busy',
      IsPrivate: i % 10 === 0,
    };
  });
  insert('Task', n.tasks, (i) => ({
    Subject: `Sf task ${i}`,
    ActivityDate: dueDate(i, now),
    Status: TASK_STATUS_SF[i % 5],
    Priority: PRIORITY_SF[i % 3],
    Description: i % 4 === 0 ? `Task notes ${i}` : null,
  }));
}

/** ann's mailbox, empty but for the default task list. */
function mailboxSeed(): MailboxSeed {
  return {
    mailboxes: [
      {
        user: BENCH_USER.username,
        token: BENCH_USER.token,
        timeZone: 'UTC',
        taskLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [] }],
      },
    ],
  };
}

/**
 * ann's Outlook items straight into the mailbox's store, each checked by the mailbox's own property checks (as
 * a POST would be), in one transaction: the seed loader would validate every item twice more.
 */
function seedMailboxItems(mailbox: LocalMailbox, n: RecordCounts): void {
  const { ctx } = mailbox;
  const { store } = ctx;
  const m = mailbox.mailboxes[0];
  const now = Date.now();
  const graphTime = (d: Date) => d.toISOString().replace('Z', '0000');
  const listId = store.items(m.no, 'taskList')[0].id;
  const checked = <T extends { problems: Array<{ path: string; message: string }> }>(what: string, c: T): T => {
    if (c.problems.length)
      throw new Error(`seeding ${what}: ${c.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    return c;
  };
  store.transaction(() => {
    for (let i = 0; i < n.contacts; i++) {
      const c = checked(
        'a contact',
        checkContact(
          {
            givenName: `Given${i}`,
            surname: `Ol${i}`,
            emailAddresses: [{ address: `ol${i}@contacts.example`, name: `Given${i} Ol${i}` }],
            businessPhones: [`+1 555 ${String(i % 10_000).padStart(4, '0')}`],
            ...(i % 3 === 0 ? { mobilePhone: `+1 777 ${String(i % 10_000).padStart(4, '0')}` } : {}),
            companyName: `Company ${i % 500}`,
            jobTitle: i % 2 ? 'Engineer' : 'Manager',
            department: `Dept ${i % 20}`,
            businessAddress: {
              street: `${i} Elm St`,
              city: 'Shelbyville',
              state: 'IL',
              postalCode: String(61000 + (i % 1000)),
              countryOrRegion: 'USA',
            },
            ...(i % 4 === 0 ? { personalNotes: `Notes for contact ${i}` } : {}),
          },
          undefined,
        ),
      );
      insertContact(ctx, m, c.props, c.autoName);
    }
    for (let i = 0; i < n.events; i++) {
      const start = eventStart(i, now);
      const c = checked(
        'an event',
        checkEvent(
          {
            subject: `Ol meeting ${i}`,
            start: { dateTime: graphTime(start), timeZone: 'UTC' },
            end: { dateTime: graphTime(new Date(start.getTime() + 3_600_000)), timeZone: 'UTC' },
            ...(i % 3 ? { location: { displayName: `Room ${i % 40}` } } : {}),
            body: { contentType: 'text', content: i % 4 === 0 ? `Agenda ${i}` : '' },
            showAs: 'busy',
            sensitivity: i % 10 === 0 ? 'private' : 'normal',
          },
          undefined,
          'create',
          'UTC',
        ),
      );
      insertEvent(store, m, c.props);
    }
    for (let i = 0; i < n.tasks; i++) {
      const due = dueDate(i, now);
      const c = checked(
        'a task',
        checkTask(
          {
            title: `Ol task ${i}`,
            status: TASK_STATUS_OL[i % 5],
            importance: PRIORITY_OL[i % 3],
            ...(due ? { dueDateTime: { dateTime: `${due}T00:00:00.0000000`, timeZone: 'UTC' } } : {}),
            ...(i % 4 === 0 ? { body: { contentType: 'text', content: `Task notes ${i}` } } : {}),
          },
          undefined,
          now,
        ),
      );
      insertTask(store, m, listId, c.props);
    }
  });
}

/** Count every HTTP request a server receives, by method and path shape (ids and tokens folded). */
function countRequests(server: http.Server, counts: RequestCounts): void {
  server.prependListener('request', (req: http.IncomingMessage) => {
    counts.total += 1;
    const shape = (req.url ?? '')
      .replace(/\?.*$/, '')
      .split('/')
      .map((s) => (s.length > 24 || /\d{5,}/.test(s) ? '{id}' : s))
      .join('/');
    const kind = `${req.method} ${shape}`;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
  });
}

function ownedCount(org: LocalOrg, obj: SObjectDef, ownerId: string): number {
  return (
    org.ctx.store.db
      .prepare(`SELECT COUNT(*) AS n FROM ${tableName(obj)} WHERE "OwnerId" = ? AND "IsDeleted" = 0`)
      .get(ownerId) as { n: number }
  ).n;
}

/**
 * The org's clock: the system's, moved ahead by `{ advanceMs }` messages, so runs can come an interval apart (the
 * engine's interval) without the bench waiting for it.
 */
const orgClock = {
  offsetMs: 0,
  now: () => new Date(Date.now() + orgClock.offsetMs),
};

/** Start and seed the org and the mailbox (in this process). */
export async function startBenchServers(
  spec: ServersSpec,
): Promise<{ org: LocalOrg; mailbox: LocalMailbox; seedSeconds: number }> {
  const started = performance.now();
  const org = await startLocalOrg({
    seed: orgSeed(),
    dataDir: ':memory:',
    port: 0,
    options: { dailyRequestLimit: 1_000_000_000 },
    clock: orgClock,
  });
  seedOrgRecords(org, spec.salesforce);
  const mailbox: LocalMailbox = await startLocalMailbox({
    seed: mailboxSeed(),
    dataDir: ':memory:',
    port: 0,
    options: { changeLogLimit: spec.changeLogLimit },
  });
  seedMailboxItems(mailbox, spec.outlook);
  return { org, mailbox, seedSeconds: (performance.now() - started) / 1000 };
}

/**
 * Why the two sides disagree, for a failing check: per object, the Outlook items no org record names exactly in
 * OutlookId__c, and Outlook ids that equal another one but for letter case.
 */
export function diagnose(org: LocalOrg, mailbox: LocalMailbox): string[] {
  const out: string[] = [];
  const kinds: Array<[string, string]> = [
    ['Contact', 'contact'],
    ['Event', 'event'],
    ['Task', 'task'],
  ];
  for (const [type, kind] of kinds) {
    const sfIds = new Set(
      (
        org.ctx.store.db
          .prepare(
            `SELECT "OutlookId__c" AS o FROM ${tableName(findSObject(type)!)} WHERE "IsDeleted" = 0 AND "OutlookId__c" IS NOT NULL`,
          )
          .all() as Array<{ o: string }>
      ).map((r) => r.o),
    );
    const olIds = (
      mailbox.ctx.store.db.prepare(`SELECT id FROM items WHERE kind = ?`).all(kind) as Array<{ id: string }>
    ).map((r) => r.id);
    if (sfIds.size > 0) {
      const missing = olIds.filter((id) => !sfIds.has(id));
      if (missing.length)
        out.push(
          `${kind}: ${missing.length} Outlook items have no org record with their exact OutlookId__c, e.g. ${missing.slice(0, 3).join(', ')}`,
        );
    }
    const byFolded = new Map<string, string[]>();
    for (const id of olIds) byFolded.set(id.toLowerCase(), [...(byFolded.get(id.toLowerCase()) ?? []), id]);
    const clashes = [...byFolded.values()].filter((ids) => ids.length > 1);
    if (clashes.length)
      out.push(
        `${kind}: ${clashes.length} sets of Outlook ids equal but for letter case (Salesforce matches external ids case-insensitively), e.g. ${clashes[0].join(' / ')}`,
      );
  }
  return out;
}

async function run(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as ServersSpec;
  const { org, mailbox, seedSeconds } = await startBenchServers(spec);
  const mailboxRequests: RequestCounts = { total: 0, byKind: {} };
  countRequests(mailbox.app.server, mailboxRequests);
  const ann = (
    org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_User WHERE "Username" = ?`).get(BENCH_USER.username) as {
      Id: string;
    }
  ).Id;
  const m = mailbox.mailboxes[0];

  process.on(
    'message',
    (msg: { stats?: boolean; counts?: boolean; diagnose?: boolean; stop?: boolean; advanceMs?: number }) => {
      if (msg.advanceMs !== undefined) {
        orgClock.offsetMs += msg.advanceMs;
        process.send!({ advanced: orgClock.offsetMs });
      }
      if (msg.stats) {
        const cpu = process.cpuUsage();
        process.send!({
          stats: {
            org: { total: org.ctx.stats.total, byKind: Object.fromEntries(org.ctx.stats.byKind) },
            mailbox: { total: mailboxRequests.total, byKind: { ...mailboxRequests.byKind } },
            cpuMs: (cpu.user + cpu.system) / 1000,
          },
        });
      }
      if (msg.counts) {
        const items = (kind: string) =>
          (
            mailbox.ctx.store.db
              .prepare(`SELECT COUNT(*) AS n FROM items WHERE mailbox = ? AND kind = ?`)
              .get(m.no, kind) as { n: number }
          ).n;
        process.send!({
          counts: {
            salesforce: {
              contacts: ownedCount(org, findSObject('Contact')!, ann),
              events: ownedCount(org, findSObject('Event')!, ann),
              tasks: ownedCount(org, findSObject('Task')!, ann),
            },
            outlook: { contacts: items('contact'), events: items('event'), tasks: items('task') },
          },
        });
      }
      if (msg.diagnose) process.send!({ diagnosis: diagnose(org, mailbox) });
      if (msg.stop) void Promise.all([org.close(), mailbox.close()]).finally(() => process.exit(0));
    },
  );
  answerProfileRequests();
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: { orgUrl: org.url, mailboxUrl: mailbox.url, seedSeconds } });
}

if (require.main === module) {
  run().catch((err) => {
    process.stderr.write(`sync bench servers: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
