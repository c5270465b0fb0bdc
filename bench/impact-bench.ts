/**
 * The impact report on an org of 10,000 active users, end to end over HTTP: the admin's sign-in, the admin
 * check, the paged queries and the verdicts. The org runs in this process (so its work is in the figure too);
 * the users are inserted straight into its store, since 10,000 password hashes would only time the seeding.
 */
import { performance } from 'node:perf_hooks';
import { Figure } from './figures';
import { startLocalOrg } from '../sync-engine/src/local-org';
import { OrgSeed } from '../sync-engine/src/local-org/seed';
import { OrgContext } from '../sync-engine/src/local-org/context';
import { findSObject } from '../sync-engine/src/local-org/schema';
import { PRODUCTS } from '../sync-engine/src/products/catalog';
import { runImpactReport } from '../sync-engine/src/impact/report';

export const BENCH_USERS = 10_000;
const RUNS = 3;
const ADMIN = { username: 'admin@impact-bench.example', password: 'Bench-Admin-1' };

/** Profiles of the bench org and the share of users on each. */
const MIX: Array<{
  profile: string;
  license: 'Salesforce' | 'Chatter Free' | 'Chatter Only' | 'Chatter External';
  apiEnabled: boolean;
  share: number;
}> = [
  { profile: 'Standard User', license: 'Salesforce', apiEnabled: true, share: 0.4 },
  { profile: 'Sales Rep', license: 'Salesforce', apiEnabled: false, share: 0.4 },
  { profile: 'Chatter Free User', license: 'Chatter Free', apiEnabled: false, share: 0.1 },
  { profile: 'Chatter Only User', license: 'Chatter Only', apiEnabled: false, share: 0.05 },
  { profile: 'Chatter External User', license: 'Chatter External', apiEnabled: false, share: 0.05 },
];

function benchSeed(): OrgSeed {
  return {
    organization: {
      name: 'Impact Bench',
      edition: 'enterprise',
      features: { apiEnabled: true, customizableProfiles: true },
      enforceApiEnabledForAllowlistedApps: true,
    },
    connectedApps: PRODUCTS.filter((p) => p.kind !== 'browser').map((p) => ({
      name: p.name,
      clientId: p.defaultClientId,
      allowlisted: true,
      product: p.id,
      ...(p.callbackUrl ? { callbackUrls: [p.callbackUrl] } : {}),
    })),
    profiles: [
      {
        name: 'System Administrator',
        license: 'Salesforce',
        permissions: { apiEnabled: true, viewSetup: true, manageUsers: true, modifyAllData: true },
      },
      ...MIX.map((m) => ({ name: m.profile, license: m.license, permissions: { apiEnabled: m.apiEnabled } })),
    ],
    permissionSets: [{ name: 'API_Access', label: 'API Access', permissions: { apiEnabled: true } }],
    users: [{ ...ADMIN, firstName: 'Ada', lastName: 'Admin', email: ADMIN.username, profile: 'System Administrator' }],
  };
}

/** `count` active users over the mix, a fifth of the Sales Reps with API_Access, and recent logins for half of them. */
function addUsers(ctx: OrgContext, count: number): void {
  const { store } = ctx;
  const obj = (name: string) => findSObject(name)!;
  const profileId = new Map(
    (store.db.prepare(`SELECT "Id", "Name" FROM sobj_Profile`).all() as Array<{ Id: string; Name: string }>).map(
      (r) => [r.Name, r.Id],
    ),
  );
  const apiSet = (
    store.db.prepare(`SELECT "Id" FROM sobj_PermissionSet WHERE "Name" = 'API_Access'`).get() as { Id: string }
  ).Id;
  const apps = PRODUCTS.filter((p) => p.kind !== 'browser');
  store.transaction(() => {
    let i = 0;
    for (const m of MIX) {
      const n = Math.round(count * m.share);
      for (let k = 0; k < n && i < count; k++, i++) {
        const username = `user${i}@impact-bench.example`;
        const id = store.insert(
          obj('User'),
          {
            Username: username,
            FirstName: 'User',
            LastName: String(i),
            Email: username,
            Alias: `u${i}`.slice(0, 8),
            IsActive: true,
            ProfileId: profileId.get(m.profile)!,
            UserType: m.license === 'Salesforce' ? 'Standard' : 'CsnOnly',
          },
          null,
        );
        if (m.profile === 'Sales Rep' && k % 5 === 0)
          store.insert(obj('PermissionSetAssignment'), { AssigneeId: id, PermissionSetId: apiSet }, null);
        if (i % 2 === 0) {
          for (const app of [apps[i % apps.length], apps[(i + 3) % apps.length]]) {
            store.insert(
              obj('LoginHistory'),
              {
                UserId: id,
                LoginTime: store.nowIso(),
                LoginType: 'Remote Access 2.0',
                SourceIp: '127.0.0.1',
                LoginUrl: 'localhost',
                Browser: 'Unknown',
                Platform: app.platform === 'ios' ? 'iPhone/iPad' : app.platform === 'android' ? 'Android' : 'Windows',
                Status: 'Success',
                Application: app.name,
                ClientVersion: app.defaultVersion,
                ApiType: null,
                ApiVersion: null,
              },
              null,
            );
          }
        }
      }
    }
  });
}

export async function impactBench(): Promise<Figure[]> {
  const org = await startLocalOrg({ seed: benchSeed(), dataDir: ':memory:', port: 0 });
  try {
    addUsers(org.ctx, BENCH_USERS);
    const seconds: number[] = [];
    let requests = 0;
    for (let run = 0; run < RUNS; run++) {
      const before = org.ctx.stats.total;
      const start = performance.now();
      const report = await runImpactReport({ loginUrl: org.url, ...ADMIN });
      seconds.push((performance.now() - start) / 1000);
      requests = org.ctx.stats.total - before;
      if (report.users.length !== BENCH_USERS + 1)
        throw new Error(`impact bench: ${report.users.length} users in the report, expected ${BENCH_USERS + 1}`);
    }
    seconds.sort((a, b) => a - b);
    return [
      {
        name: 'impact.10k-users.seconds',
        value: seconds[Math.floor(RUNS / 2)],
        unit: 's',
        note: `median of ${RUNS} reports, sign-in to verdicts, over HTTP`,
      },
      {
        name: 'impact.10k-users.requests',
        value: requests,
        unit: 'requests',
        note: 'REST requests per report (paged queries, not one per user)',
      },
    ];
  } finally {
    await org.close();
  }
}
