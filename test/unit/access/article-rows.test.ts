/**
 * The rule against the article's own table (issue 12, finding 7: drive the rule's test from the scenario data, not
 * retyped cases). The rows and their outcomes are read from the article (../shared/seed), the orgs and users from
 * the matrix's scenario data (matrix/scenarios.ts, which says nothing of outcomes); each article scenario is paired
 * with its row by wording, and the rule must allow exactly what the row says keeps working.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AccessInputs, decideAccess } from '../../../sync-engine/src/access/rule';
import { SCENARIOS, Scenario } from '../../../sync-engine/src/matrix/scenarios';
import { SHARED } from '../../helpers/shared';

interface ArticleRow {
  scenario: string;
  /** The row's iOS and Android cells. */
  cells: [string, string];
}

/** The mobile table of the article: a `|` line between rows; a row is its scenario, then a cell per platform. */
function articleRows(): ArticleRow[] {
  const dir = path.join(SHARED, 'seed');
  const text = fs.readFileSync(
    path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.txt'))!,
    ),
    'utf8',
  );
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Scenario |');
  const rows: ArticleRow[] = [];
  let group: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.trimEnd().endsWith('|')) break;
    if (line.trim() === '|') {
      if (group.length === 3) rows.push({ scenario: group[0], cells: [group[1], group[2]] });
      group = [];
    } else group.push(line.replace(/\s*\|\s*$/, ''));
  }
  if (group.length === 3) rows.push({ scenario: group[0], cells: [group[1], group[2]] });
  return rows.filter((r) => r.scenario !== 'Scenario');
}

const words = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .replace(/\([^)]*\)|\*/g, ' ')
      .split(/[^a-z]+/)
      .filter((w) => w.length > 2),
  );

/** The article row a scenario names: the one sharing the most words with the part of its `row` before a colon. */
function rowOf(s: Scenario, rows: ArticleRow[]): { row: ArticleRow; overlap: number } {
  const mine = words(s.row.split(': ')[0]);
  return rows
    .map((row) => {
      const theirs = words(row.scenario);
      const shared = [...mine].filter((w) => theirs.has(w)).length;
      return { row, overlap: shared / Math.max(mine.size, theirs.size) };
    })
    .sort((a, b) => b.overlap - a.overlap)[0];
}

/** What the row says happens: the app keeps working, or the user is refused (at login, or at the next action). */
function keepsWorking(cell: string): boolean {
  if (/continue to work as before/i.test(cell)) return true;
  if (/login attempt fails|error messages?/i.test(cell)) return false;
  throw new Error(`the article's cell says neither: ${cell}`);
}

/** The rule's inputs for a scenario's user (after the admin's change, for one that loses access mid-session). */
function inputs(s: Scenario): AccessInputs {
  return {
    edition: s.org.edition,
    orgApiEnabled: s.org.apiEnabled ?? false,
    customizableProfiles: s.org.customizableProfiles ?? false,
    enforcement: s.org.enforcement ?? true,
    license: s.user.license,
    userApiEnabled: s.user.apiEnabled !== 'none' && !s.midSession,
    allowlisted: (s.client ?? 'allowlisted') === 'allowlisted',
  };
}

describe("access rule: the article's table, row by row", () => {
  const rows = articleRows();
  const article = SCENARIOS.filter((s) => s.source === 'article');

  it('reads the table: six rows, two cells each', () => {
    assert.equal(rows.length, 6, rows.map((r) => r.scenario).join(' / '));
    for (const r of rows)
      assert.ok(
        r.cells.every((c) => c.length > 0),
        r.scenario,
      );
  });

  it('every row of the table has a scenario in the matrix', () => {
    const covered = new Set(article.map((s) => rowOf(s, rows).row.scenario));
    assert.deepEqual(
      rows.map((r) => r.scenario).filter((r) => !covered.has(r)),
      [],
    );
  });

  for (const s of article) {
    it(`${s.row}`, () => {
      const { row, overlap } = rowOf(s, rows);
      assert.ok(overlap >= 0.5, `no row of the article reads like "${s.row}" (best: "${row.scenario}")`);
      const [ios, android] = row.cells.map(keepsWorking);
      assert.equal(ios, android, `the row's platforms disagree: ${row.scenario}`);
      const d = decideAccess(inputs(s));
      assert.equal(d.allowed, ios, `${row.scenario}: ${row.cells[0]} -> ${JSON.stringify(d)}`);
      if (!d.allowed) assert.equal(d.errorCode, 'API_CURRENTLY_DISABLED');
    });
  }
});
