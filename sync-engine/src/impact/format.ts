/**
 * The report on paper: a table for people, CSV (RFC 4180, one row per user and product) for spreadsheets,
 * and JSON for programs.
 */
import { PRODUCTS, ProductId } from '../products/catalog';
import { ImpactReport, UserImpact } from './verdicts';

/** `{"summary": {...}, "users": [...]}`, indented. */
export function formatJson(report: ImpactReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'username',
  'name',
  'license',
  'profile',
  'product',
  'outcome',
  'reason',
  'fix',
  'last_used',
  'client_version',
  'platform',
  'login_status',
] as const;

/** One row per active user and product, with a header row; CRLF line ends as RFC 4180 has them. */
export function formatCsv(report: ImpactReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const u of report.users) {
    for (const p of PRODUCTS) {
      const v = u.products[p.id];
      lines.push(
        [
          u.username,
          u.name,
          u.license,
          u.profile,
          p.id,
          v.outcome,
          v.reason,
          v.fix ?? '',
          v.lastUsed?.time ?? '',
          v.lastUsed?.clientVersion ?? '',
          v.lastUsed?.platform ?? '',
          v.lastUsed?.status ?? '',
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Short column heads for the table, one per product. */
export const PRODUCT_HEADS: Record<ProductId, string> = {
  'salesforce-for-outlook': 'SFO',
  'connect-for-outlook': 'CfOutlook',
  'connect-for-office': 'CfOffice',
  'salesforce-ios': 'iOS',
  'mobile-publisher-ios': 'MP-iOS',
  'salesforce-android': 'Android',
  'mobile-publisher-android': 'MP-Android',
  'mobile-browser': 'Browser',
};

/** The report for people: the summary on top, then one line per user with a column per product. */
export function formatTable(report: ImpactReport): string {
  const s = report.summary;
  const out: string[] = [];
  const features = `"API Enabled" feature ${s.org.apiEnabledFeature ? 'on' : 'off'}, "Customizable Profiles" ${s.org.customizableProfiles ? 'on' : 'off'}`;
  const enforcement =
    s.enforcementSource === 'what-if'
      ? `${s.enforcement} (what if: the org's setting is not used)`
      : s.enforcementSource === 'assumed'
        ? `${s.enforcement} (assumed)`
        : s.enforcement;
  out.push(`"API Enabled" impact report for ${s.org.name || 'the org'}`);
  out.push(
    `Edition: ${s.org.edition}${s.org.organizationType ? ` (${s.org.organizationType})` : ''}; ${features}; enforcement ${enforcement}`,
  );
  if (s.orgFacts === 'assumed') out.push(`Org facts assumed: ${s.assumptions.join('; ')}`);
  out.push(`Active users: ${s.activeUsers}; blocked from at least one product: ${s.blockedUsers}`);
  out.push('');
  out.push(
    ...columns(
      [
        ['Product', 'Allowed', 'Blocked'],
        ...PRODUCTS.map((p) => [p.name, String(s.perProduct[p.id].allowed), String(s.perProduct[p.id].blocked)]),
      ],
      [false, true, true],
    ),
  );
  out.push('');
  out.push('Reasons (user and product pairs):');
  for (const [reason, n] of Object.entries(s.perReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    out.push(`  ${String(n).padStart(6)}  ${reason}`);
  if (s.fixes.length) {
    out.push('');
    out.push('Smallest fixes:');
    for (const f of s.fixes) {
      out.push(
        `  ${String(f.users).padStart(6)}  ${f.fix}${f.affects > f.users ? ` (changes ${f.affects} users)` : ''}`,
      );
    }
  }
  if (s.notes.length) {
    out.push('');
    for (const n of s.notes) out.push(`Note: ${n}`);
  }
  out.push('');
  if (report.users.length === 0) {
    out.push('No active users.');
  } else {
    out.push(
      ...columns(
        [
          ['User', 'License', 'Profile', ...PRODUCTS.map((p) => PRODUCT_HEADS[p.id]), 'Reason', 'Fix'],
          ...report.users.map(userRow),
        ],
        [],
      ),
    );
    out.push('');
    out.push(
      'ok = allowed, NO = blocked, * = a recent login with the product in LoginHistory (--json or --csv say when and which version)',
    );
  }
  return `${out.join('\n')}\n`;
}

function userRow(u: UserImpact): string[] {
  const marks = PRODUCTS.map((p) => {
    const v = u.products[p.id];
    return `${v.outcome === 'allowed' ? 'ok' : 'NO'}${v.lastUsed ? '*' : ''}`;
  });
  // The reason and fix of the API products; the browser's never differ in a way worth a column.
  const api = PRODUCTS.filter((p) => p.kind !== 'browser').map((p) => u.products[p.id]);
  const blocked = api.find((v) => v.outcome === 'blocked');
  return [u.username, u.license, u.profile, ...marks, (blocked ?? api[0]).reason, blocked?.fix ?? ''];
}

/** Left-aligned columns (right-aligned where `right` says), two spaces apart, without trailing blanks. */
function columns(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}
