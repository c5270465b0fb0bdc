/**
 * The impact report against local orgs of every edition group: its verdict for every active user and
 * product must be what a real login of that product returns. Both run here; every pair is compared.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { Edition, License, LICENSES } from '../../sync-engine/src/access/rule';
import { OrgSeed } from '../../sync-engine/src/local-org/seed';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { PRODUCTS, ProductId } from '../../sync-engine/src/products/catalog';
import { loginAs } from '../../sync-engine/src/sign-in/login-flow';
import { LoginResult } from '../../sync-engine/src/products/outcome';
import { impactCommand, ImpactCommandOptions } from '../../sync-engine/src/cli/impact-command';
import { CSV_COLUMNS } from '../../sync-engine/src/impact/format';
import { ImpactReport } from '../../sync-engine/src/impact/verdicts';
import { adminConnection } from '../../sync-engine/src/matrix/admin';
import { updateRecord } from '../../sync-engine/src/salesforce/sobjects';
import { query } from '../../sync-engine/src/salesforce/query';
import { startTestOrg } from '../helpers/org';
import { REPO_ROOT } from '../helpers/shared';
import { closedPort } from '../unit/salesforce/fake-server';

/** An allowlisted connected app of no product: how an admin tool reaches an org whose "API Enabled" feature is off. */
const REPORT_CLIENT_ID = 'sfo-compat-impact-report';
const ADMIN = { username: 'admin@impact.example', password: 'Impact-admin-1' };
const API_SET = 'API_Access';

/** The names a Salesforce org gives these apps (tolerantly matched to the catalog by the report). */
const APP_NAMES: Record<Exclude<ProductId, 'mobile-browser'>, string> = {
  'salesforce-for-outlook': 'Salesforce for Outlook',
  'connect-for-outlook': 'Connect for Outlook',
  'connect-for-office': 'Connect for Office',
  'salesforce-ios': 'Salesforce for iOS',
  'mobile-publisher-ios': 'Mobile Publisher for iOS',
  'salesforce-android': 'Salesforce for Android',
  'mobile-publisher-android': 'Mobile Publisher for Android',
};

interface OrgCase {
  id: string;
  edition: Edition;
  apiEnabled: boolean;
  customizableProfiles: boolean;
  enforcement: boolean;
  /** The org refuses ordinary API clients, so the admin signs in through the allowlisted report app. */
  adminClientId?: string;
}

const CASES: OrgCase[] = [
  { id: 'enterprise', edition: 'enterprise', apiEnabled: true, customizableProfiles: true, enforcement: true },
  {
    id: 'professional-both-features',
    edition: 'professional',
    apiEnabled: true,
    customizableProfiles: true,
    enforcement: true,
  },
  {
    id: 'professional-default',
    edition: 'professional',
    apiEnabled: false,
    customizableProfiles: false,
    enforcement: true,
    adminClientId: REPORT_CLIENT_ID,
  },
  { id: 'group-api-feature-only', edition: 'group', apiEnabled: true, customizableProfiles: false, enforcement: true },
  {
    id: 'contact-manager',
    edition: 'contact-manager',
    apiEnabled: false,
    customizableProfiles: false,
    enforcement: true,
    adminClientId: REPORT_CLIENT_ID,
  },
  {
    id: 'enterprise-enforcement-off',
    edition: 'enterprise',
    apiEnabled: true,
    customizableProfiles: true,
    enforcement: false,
  },
];

const slug = (l: License) => l.toLowerCase().replace(/\s+/g, '-');

/** Every license with "API Enabled" by profile, by permission set and not at all; an inactive user; two non-admins. */
function impactSeed(c: OrgCase): OrgSeed {
  const profiles: OrgSeed['profiles'] = [
    {
      name: 'System Administrator',
      license: 'Salesforce',
      permissions: { apiEnabled: true, viewSetup: true, manageUsers: true, modifyAllData: true },
    },
    {
      name: 'Admin without API',
      license: 'Salesforce',
      permissions: { apiEnabled: false, viewSetup: true, manageUsers: true },
    },
  ];
  const users: OrgSeed['users'] = [
    { ...ADMIN, firstName: 'Ada', lastName: 'Admin', email: ADMIN.username, profile: 'System Administrator' },
    {
      username: 'noapi-admin@impact.example',
      password: 'Impact-noapi-1',
      lastName: 'Noapi',
      email: 'noapi-admin@impact.example',
      profile: 'Admin without API',
    },
  ];
  for (const license of LICENSES) {
    const s = slug(license);
    profiles.push({ name: `${license} API`, license, permissions: { apiEnabled: true } });
    profiles.push({ name: `${license} no API`, license, permissions: { apiEnabled: false } });
    users.push(
      {
        username: `${s}-profile@impact.example`,
        password: `Pw-${s}-profile-1`,
        lastName: `${s} profile`,
        email: `${s}-profile@impact.example`,
        profile: `${license} API`,
      },
      {
        username: `${s}-set@impact.example`,
        password: `Pw-${s}-set-1`,
        lastName: `${s} set`,
        email: `${s}-set@impact.example`,
        profile: `${license} no API`,
        permissionSets: [API_SET],
      },
      {
        username: `${s}-none@impact.example`,
        password: `Pw-${s}-none-1`,
        lastName: `${s} none`,
        email: `${s}-none@impact.example`,
        profile: `${license} no API`,
      },
    );
  }
  users.push(
    {
      username: 'inactive@impact.example',
      password: 'Impact-inactive-1',
      lastName: 'Gone',
      email: 'inactive@impact.example',
      profile: 'Salesforce no API',
      active: false,
    },
    {
      username: 'viewer@impact.example',
      password: 'Impact-viewer-1',
      lastName: 'Viewer',
      email: 'viewer@impact.example',
      profile: 'Salesforce API',
      permissionSets: ['Setup_Viewer'],
    },
  );
  return {
    organization: {
      name: `Impact ${c.id}`,
      edition: c.edition,
      features: { apiEnabled: c.apiEnabled, customizableProfiles: c.customizableProfiles },
      enforceApiEnabledForAllowlistedApps: c.enforcement,
    },
    connectedApps: [
      ...PRODUCTS.filter((p) => p.kind !== 'browser').map((p) => ({
        name: APP_NAMES[p.id as Exclude<ProductId, 'mobile-browser'>],
        clientId: p.defaultClientId,
        allowlisted: true,
        product: p.id,
        ...(p.callbackUrl ? { callbackUrls: [p.callbackUrl] } : {}),
      })),
      { name: 'Impact Report', clientId: REPORT_CLIENT_ID, allowlisted: true },
    ],
    profiles,
    permissionSets: [
      { name: API_SET, label: 'API Access', permissions: { apiEnabled: true } },
      { name: 'Setup_Viewer', label: 'Setup Viewer', permissions: { viewSetup: true } },
    ],
    users,
  };
}

function passwords(seed: OrgSeed): Map<string, string> {
  return new Map(seed.users.map((u) => [u.username, u.password]));
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/** The CLI's code path in process. */
async function impact(org: LocalOrg, opts: Partial<ImpactCommandOptions>, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await impactCommand(
    { loginUrl: org.url, username: ADMIN.username, password: ADMIN.password, ...opts },
    env,
    {
      out: (s) => (out += s),
      err: (s) => (err += s),
    },
  );
  return { code, out, err };
}

async function jsonReport(org: LocalOrg, opts: Partial<ImpactCommandOptions> = {}): Promise<ImpactReport> {
  const r = await impact(org, { json: true, ...opts });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  return JSON.parse(r.out) as ImpactReport;
}

/** fn over items, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A real login of every product for every user of the report, compared with the report's verdict. */
async function compareWithLogins(org: LocalOrg, report: ImpactReport, pw: Map<string, string>): Promise<number> {
  const pairs = report.users.flatMap((u) =>
    PRODUCTS.map((p) => ({ user: u.username, product: p.id, verdict: u.products[p.id] })),
  );
  const results = await mapLimit(pairs, 8, (pair) =>
    loginAs(pair.product, { username: pair.user, password: pw.get(pair.user)!, loginUrl: org.url }),
  );
  const disagreements: string[] = [];
  pairs.forEach((pair, i) => {
    const r: LoginResult = results[i];
    const agrees =
      pair.verdict.outcome === 'allowed'
        ? r.outcome === 'logged-in'
        : r.outcome === 'blocked' || r.outcome === 'redirect-to-login';
    if (!agrees)
      disagreements.push(
        `${pair.user} / ${pair.product}: report ${pair.verdict.outcome} (${pair.verdict.reason}), login ${r.outcome} ${r.errorCode ?? ''}`,
      );
  });
  assert.deepEqual(disagreements, []);
  return pairs.length;
}

describe('sfo-compat impact: the report agrees with real logins', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    describe(c.id, () => {
      const seed = impactSeed(c);
      const pw = passwords(seed);
      let org: LocalOrg;
      let report: ImpactReport;

      before(async () => {
        org = await startTestOrg(seed);
        // Some users used some products lately; the rest never logged in.
        await loginAs('salesforce-for-outlook', {
          username: 'salesforce-profile@impact.example',
          password: pw.get('salesforce-profile@impact.example')!,
          loginUrl: org.url,
          version: '2.9.3',
        });
        await loginAs('salesforce-android', {
          username: 'salesforce-profile@impact.example',
          password: pw.get('salesforce-profile@impact.example')!,
          loginUrl: org.url,
        });
        await loginAs('salesforce-ios', {
          username: 'chatter-free-none@impact.example',
          password: pw.get('chatter-free-none@impact.example')!,
          loginUrl: org.url,
        });
        report = await jsonReport(org, { clientId: c.adminClientId });
      });
      after(async () => {
        await org?.close();
      });

      it('lists every active user once, and no inactive one', () => {
        const active = seed.users
          .filter((u) => u.active !== false)
          .map((u) => u.username)
          .sort();
        assert.deepEqual(
          report.users.map((u) => u.username),
          active,
        );
        assert.equal(report.summary.activeUsers, active.length);
        assert.ok(!report.users.some((u) => u.username === 'inactive@impact.example'));
      });

      it('gives for every user and product the outcome a real login of that product returns', async () => {
        const compared = await compareWithLogins(org, report, pw);
        assert.equal(compared, report.users.length * PRODUCTS.length);
      });

      it('reads the org facts from the org', () => {
        assert.equal(report.summary.orgFacts, 'org');
        assert.equal(report.summary.org.edition, c.edition);
        assert.equal(report.summary.enforcement, c.enforcement ? 'on' : 'off');
        assert.equal(report.summary.enforcementSource, 'org');
      });

      it('counts per product and per reason add up to the users', () => {
        for (const p of PRODUCTS) {
          const { allowed, blocked } = report.summary.perProduct[p.id];
          assert.equal(allowed + blocked, report.users.length, p.id);
          assert.equal(blocked, report.users.filter((u) => u.products[p.id].outcome === 'blocked').length);
        }
        const pairs = Object.values(report.summary.perReason).reduce((a, b) => a + b, 0);
        assert.equal(pairs, report.users.length * PRODUCTS.length);
        assert.equal(
          report.summary.blockedUsers,
          report.users.filter((u) => Object.values(u.products).some((v) => v.outcome === 'blocked')).length,
        );
      });

      it('names the smallest fix for every blocked user, and none for allowed ones', () => {
        for (const u of report.users) {
          for (const [id, v] of Object.entries(u.products)) {
            if (v.outcome === 'blocked')
              assert.equal(v.fix, `assign permission set ${API_SET}`, `${u.username} / ${id}`);
            else assert.equal(v.fix, null, `${u.username} / ${id}`);
          }
        }
      });

      it('shows which products users used lately, from LoginHistory', () => {
        const user = report.users.find((u) => u.username === 'salesforce-profile@impact.example')!;
        assert.equal(user.products['salesforce-for-outlook'].lastUsed?.clientVersion, '2.9.3');
        assert.equal(user.products['salesforce-for-outlook'].lastUsed?.status, 'Success');
        assert.ok(user.products['salesforce-android'].lastUsed);
        assert.equal(user.products['connect-for-office'].lastUsed, undefined);
        assert.ok(user.lastLogin);
        const tried = report.users.find((u) => u.username === 'chatter-free-none@impact.example')!;
        assert.ok(tried.products['salesforce-ios'].lastUsed, 'a login attempt with the iOS app is in LoginHistory');
        const never = report.users.find((u) => u.username === 'chatter-only-set@impact.example')!;
        assert.equal(never.lastLogin, null);
        assert.ok(Object.values(never.products).every((v) => v.lastUsed === undefined));
      });
    });
  }

  describe('errors', () => {
    let org: LocalOrg;
    let peDefault: LocalOrg;
    before(async () => {
      org = await startTestOrg(impactSeed(CASES[0]));
      peDefault = await startTestOrg(impactSeed(CASES.find((c) => c.id === 'professional-default')!));
    });
    after(async () => {
      await org?.close();
      await peDefault?.close();
    });

    it('a user without the admin permissions gets an error naming both, and exit 1', async () => {
      const r = await impact(org, {
        username: 'salesforce-profile@impact.example',
        password: 'Pw-salesforce-profile-1',
      });
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      assert.match(
        r.err,
        /^sfo-compat impact: salesforce-profile@impact\.example lacks the permissions "View Setup and Configuration" and "Manage Users"/,
      );
      assert.match(r.err, /run the report as an administrator/);
    });

    it('a user with View Setup from a permission set is told only Manage Users is missing', async () => {
      const r = await impact(org, { username: 'viewer@impact.example', password: 'Impact-viewer-1' });
      assert.equal(r.code, 1);
      assert.match(r.err, /lacks the permission "Manage Users",/);
      assert.doesNotMatch(r.err, /View Setup/);
    });

    it('an admin without API Enabled is refused by the rule: exit 3, saying so', async () => {
      const r = await impact(org, { username: 'noapi-admin@impact.example', password: 'Impact-noapi-1' });
      assert.equal(r.code, 3);
      assert.match(
        r.err,
        /the org refused the sign-in of noapi-admin@impact\.example \(API_CURRENTLY_DISABLED: .*\)\. noapi-admin@impact\.example needs "API Enabled"/,
      );
    });

    it('an org whose API feature is off refuses an ordinary client: exit 3, pointing at --client-id', async () => {
      const r = await impact(peDefault, {});
      assert.equal(r.code, 3);
      assert.match(r.err, /API_DISABLED_FOR_ORG/);
      assert.match(r.err, /--client-id/);
    });

    it('bad credentials: exit 1, and the password is never printed', async () => {
      const r = await impact(org, { password: 'Wrong-password-9' });
      assert.equal(r.code, 1);
      assert.match(r.err, /the org refused the sign-in of admin@impact\.example \(INVALID_LOGIN/);
      assert.doesNotMatch(r.err + r.out, /Wrong-password-9/);
    });

    it('an org that cannot be reached: exit 4', async () => {
      let out = '';
      let err = '';
      const code = await impactCommand(
        { loginUrl: await closedPort(), username: ADMIN.username, password: ADMIN.password },
        {},
        {
          out: (s) => (out += s),
          err: (s) => (err += s),
        },
      );
      assert.equal(code, 4);
      assert.equal(out, '');
      assert.match(err, /cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/);
    });

    it('takes the password from SFO_PASSWORD when --password is absent', async () => {
      const r = await impact(org, { password: undefined, json: true }, { SFO_PASSWORD: ADMIN.password });
      assert.equal(r.code, 0, r.err);
      assert.ok((JSON.parse(r.out) as ImpactReport).users.length > 0);
    });
  });

  describe('--enforcement on: what if an org not yet enforced were', () => {
    const c = CASES.find((x) => x.id === 'enterprise-enforcement-off')!;
    const seed = impactSeed(c);
    let org: LocalOrg;
    before(async () => {
      org = await startTestOrg(seed);
    });
    after(async () => {
      await org?.close();
    });

    it('flips the verdicts, and they are what the org answers once enforcement is on', async () => {
      const asIs = await jsonReport(org);
      assert.equal(asIs.summary.blockedUsers, 0);
      assert.match(asIs.summary.notes.join('\n'), /with enforcement on, \d+ of \d+ active users would be blocked/);
      const whatIf = await jsonReport(org, { enforcement: 'on' });
      assert.equal(whatIf.summary.enforcement, 'on');
      assert.equal(whatIf.summary.enforcementSource, 'what-if');
      const blocked = whatIf.users
        .filter((u) => u.products['salesforce-for-outlook'].outcome === 'blocked')
        .map((u) => u.username)
        .sort();
      assert.deepEqual(blocked, [
        'chatter-external-none@impact.example',
        'chatter-free-none@impact.example',
        'chatter-only-none@impact.example',
        'noapi-admin@impact.example',
        'salesforce-none@impact.example',
      ]);

      // Now turn enforcement on in the org itself, the way an admin would, and log in for real.
      const admin = await adminConnection(org.url, ADMIN.username, ADMIN.password);
      const { records } = await query<{ Id: string }>(admin, 'SELECT Id FROM Organization');
      await updateRecord(admin, 'Organization', records[0].Id, { EnforceApiEnabled__c: true });
      await compareWithLogins(org, whatIf, passwords(seed));
      const enforced = await jsonReport(org);
      assert.equal(enforced.summary.enforcementSource, 'org');
      assert.deepEqual(verdicts(enforced), verdicts(whatIf));
    });

    it('--enforcement off on an enforced org allows every allowlisted app', async () => {
      const r = await jsonReport(org, { enforcement: 'off' });
      assert.equal(r.summary.blockedUsers, 0);
      assert.ok(r.users.every((u) => Object.values(u.products).every((v) => v.outcome === 'allowed')));
    });
  });

  describe('output shapes', () => {
    const seed = impactSeed(CASES[0]);
    let org: LocalOrg;
    let report: ImpactReport;
    before(async () => {
      org = await startTestOrg(seed);
      report = await jsonReport(org);
    });
    after(async () => {
      await org?.close();
    });

    it('--json: {"summary", "users": [{"username", "license", "products": {id: {"outcome", "reason", "fix"}}}]}', () => {
      assert.deepEqual(Object.keys(report), ['summary', 'users']);
      for (const key of ['activeUsers', 'blockedUsers', 'perProduct', 'perReason', 'fixes', 'enforcement', 'org'])
        assert.ok(key in report.summary, key);
      for (const u of report.users) {
        assert.equal(typeof u.username, 'string');
        assert.ok(['Salesforce', 'Chatter Free', 'Chatter Only', 'Chatter External'].includes(u.license));
        assert.deepEqual(
          Object.keys(u.products),
          PRODUCTS.map((p) => p.id),
        );
        for (const v of Object.values(u.products)) {
          assert.ok(v.outcome === 'allowed' || v.outcome === 'blocked');
          assert.equal(typeof v.reason, 'string');
          assert.ok(v.fix === null || typeof v.fix === 'string');
        }
      }
    });

    it('--csv: a header, then one row per user and product, agreeing with --json', async () => {
      const r = await impact(org, { csv: true });
      assert.equal(r.code, 0, r.err);
      const rows = parseCsv(r.out);
      assert.deepEqual(rows[0], [...CSV_COLUMNS]);
      const body = rows.slice(1);
      assert.equal(body.length, report.users.length * PRODUCTS.length);
      const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
      for (const row of body) {
        assert.equal(row.length, CSV_COLUMNS.length);
        const v = report.users.find((u) => u.username === row[col('username')])!.products[
          row[col('product')] as ProductId
        ];
        assert.equal(row[col('outcome')], v.outcome);
        assert.equal(row[col('reason')], v.reason);
        assert.equal(row[col('fix')], v.fix ?? '');
      }
    });

    it('the table: summary on top, one line per user', async () => {
      const r = await impact(org, {});
      assert.equal(r.code, 0, r.err);
      assert.match(
        r.out,
        /^"API Enabled" impact report for Impact enterprise\nEdition: enterprise \(Enterprise Edition\); "API Enabled" feature on, "Customizable Profiles" on; enforcement on\nActive users: 15; blocked from at least one product: 5\n/,
      );
      assert.match(r.out, /\n +5 {2}assign permission set API_Access\n/);
      for (const u of report.users) assert.match(r.out, new RegExp(`\\n${u.username.replace(/\./g, '\\.')} `));
    });

    it('reads with a fixed number of paged queries, not one request per user', async () => {
      const before = org.ctx.stats.total;
      await jsonReport(org);
      const requests = org.ctx.stats.total - before;
      // Organization, Profile, PermissionSet, User, PermissionSetAssignment, LoginHistory, and the admin's own two.
      assert.equal(requests, 8);
    });

    it('usage errors exit 2 and name the option', async () => {
      assert.deepEqual(await impact(org, { json: true, csv: true }), {
        code: 2,
        out: '',
        err: 'sfo-compat impact: --json and --csv cannot be used together\n',
      });
      assert.equal((await impact(org, { enforcement: 'maybe' })).code, 2);
      assert.equal((await impact(org, { username: undefined })).code, 2);
      assert.equal((await impact(org, { password: undefined })).code, 2);
    });

    it('the built CLI runs it: sfo-compat impact --json', async () => {
      const r = await new Promise<Run>((resolve) => {
        const env = { ...process.env, SFO_PASSWORD: ADMIN.password };
        execFile(
          process.execPath,
          [
            path.join(REPO_ROOT, 'bin', 'sfo-compat.js'),
            'impact',
            '--login-url',
            org.url,
            '--username',
            ADMIN.username,
            '--json',
          ],
          { env, timeout: 30_000 },
          (err, out, errText) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out, err: errText }),
        );
      });
      assert.equal(r.code, 0, r.err);
      assert.equal((JSON.parse(r.out) as ImpactReport).users.length, report.users.length);
    });
  });
});

/** Each user's verdicts without when they last used a product (which logins change). */
function verdicts(r: ImpactReport): unknown[] {
  return r.users.map((u) => ({
    username: u.username,
    products: Object.fromEntries(
      Object.entries(u.products).map(([id, v]) => [id, { outcome: v.outcome, reason: v.reason, fix: v.fix }]),
    ),
  }));
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
