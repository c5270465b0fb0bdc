import assert from 'node:assert/strict';
import { csvField, formatCsv, formatJson, formatTable, CSV_COLUMNS } from '../../../sync-engine/src/impact/format';
import { computeImpact, ImpactReport, OrgSnapshot } from '../../../sync-engine/src/impact/verdicts';
import { PRODUCTS } from '../../../sync-engine/src/products/catalog';

function report(): ImpactReport {
  const snapshot: OrgSnapshot = {
    org: {
      name: 'Acme, Inc.',
      organizationType: 'Enterprise Edition',
      edition: 'enterprise',
      orgApiEnabled: true,
      customizableProfiles: true,
      enforcement: true,
      source: 'org',
      assumptions: [],
    },
    profiles: [
      { id: 'p1', name: 'Standard User', license: 'Salesforce', apiEnabled: true },
      { id: 'p2', name: 'Sales, "Field"', license: 'Salesforce', apiEnabled: false },
    ],
    permissionSets: [{ id: 's1', name: 'API_Access', label: 'API Access', apiEnabled: true }],
    users: [
      {
        id: 'u1',
        username: 'ann@x.example',
        name: 'Ann Lee',
        profileId: 'p1',
        lastLogin: '2026-05-01T10:00:00.000+0000',
        apiPermissionSetIds: [],
      },
      {
        id: 'u2',
        username: 'bob@x.example',
        name: 'Bob "Bobby" Ray',
        profileId: 'p2',
        lastLogin: null,
        apiPermissionSetIds: [],
      },
    ],
    logins: [
      {
        userId: 'u1',
        application: 'Salesforce for Outlook',
        clientVersion: '2.9.3',
        platform: 'Windows',
        status: 'Success',
        time: '2026-05-01T10:00:00.000+0000',
      },
    ],
    loginHistoryDays: 90,
  };
  return computeImpact(snapshot);
}

describe('impact/format', () => {
  it('csvField quotes commas, quotes and line breaks, doubling quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(''), '');
  });

  it('CSV: a header and one CRLF-ended row per user and product', () => {
    const text = formatCsv(report());
    const lines = text.split('\r\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines[0], CSV_COLUMNS.join(','));
    assert.equal(lines.length, 1 + 2 * PRODUCTS.length);
    assert.equal(
      lines[1],
      'ann@x.example,Ann Lee,Salesforce,Standard User,salesforce-for-outlook,allowed,"has ""API Enabled""",,2026-05-01T10:00:00.000+0000,2.9.3,Windows,Success',
    );
    assert.equal(
      lines[1 + PRODUCTS.length],
      'bob@x.example,"Bob ""Bobby"" Ray",Salesforce,"Sales, ""Field""",salesforce-for-outlook,blocked,"no ""API Enabled"" (enterprise edition enforces it)",assign permission set API_Access,,,,',
    );
  });

  it('JSON: summary and users, as computed', () => {
    const r = report();
    assert.deepEqual(JSON.parse(formatJson(r)), JSON.parse(JSON.stringify(r)));
    assert.ok(formatJson(r).endsWith('}\n'));
  });

  it('table: the summary on top, then a line per user with a mark per product', () => {
    const text = formatTable(report());
    const lines = text.split('\n');
    assert.equal(lines[0], '"API Enabled" impact report for Acme, Inc.');
    assert.equal(
      lines[1],
      'Edition: enterprise (Enterprise Edition); "API Enabled" feature on, "Customizable Profiles" on; enforcement on',
    );
    assert.equal(lines[2], 'Active users: 2; blocked from at least one product: 1');
    assert.match(text, /\nSalesforce for Outlook +1 +1\n/);
    assert.match(text, /\n +1 {2}assign permission set API_Access\n/);
    assert.match(text, /\nann@x\.example +Salesforce +Standard User +ok\* +ok +ok /);
    assert.match(
      text,
      /\nbob@x\.example +Salesforce +Sales, "Field" +NO +NO .* ok +no "API Enabled" \(enterprise edition enforces it\) +assign permission set API_Access\n/,
    );
    assert.ok(!lines.some((l) => l !== l.trimEnd()), 'no trailing blanks');
  });

  it('table: says so when facts were assumed or the enforcement is a what-if', () => {
    const r = report();
    r.summary.orgFacts = 'assumed';
    r.summary.assumptions = ['enforcement assumed on'];
    r.summary.enforcementSource = 'what-if';
    const text = formatTable(r);
    assert.match(
      text,
      /enforcement on \(what if: the org's setting is not used\)\nOrg facts assumed: enforcement assumed on\n/,
    );
  });
});
