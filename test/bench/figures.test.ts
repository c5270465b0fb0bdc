/**
 * The bench table fits a terminal (issue 12, finding 12: it was 220 characters wide): every line within 120
 * characters, the notes wrapped under their column with none of their words lost.
 */
import assert from 'node:assert/strict';
import { Figure, formatTable } from '../../bench/figures';

const figures: Figure[] = [
  { name: 'org.queries-per-s', value: 1234.5, unit: 'queries/s', note: 'REST query, rule checked on every request' },
  {
    name: 'mailbox: calendarView 1,825 days, daily series, peak RSS',
    value: 0.1234,
    unit: 'MB',
    note: 'wrong after a run that said it was done, put right by a later run (a delete undone for a run, an edit lost for a run)',
  },
  {
    name: 'sync.initial.salesforce-requests-ratio',
    value: 1.02,
    unit: 'ratio',
    note: '10000 Salesforce requests at the org / minimum 9800 (issue formula: 9800) (target <= 1.1), nothing changed since the last run; most on one object-side of 6, both setups',
  },
  { name: 'chaos.records-lost', value: 0, unit: 'records' },
];

describe('bench table', () => {
  const table = formatTable(figures);
  const lines = table.trimEnd().split('\n');

  it('keeps every line within 120 characters', () => {
    const long = lines.filter((l) => l.length > 120);
    assert.deepEqual(long, []);
  });

  it('keeps every word of every note, in order', () => {
    const words = table.split(/\s+/).join(' ');
    for (const f of figures) if (f.note) assert.ok(words.includes(f.note.split(/\s+/).join(' ')), f.note);
  });

  it('has one row per figure, its value right-aligned under the header', () => {
    assert.match(lines[0], /^figure\s+value\s+unit\s+note$/);
    for (const f of figures)
      assert.ok(
        lines.some((l) => l.startsWith(f.name)),
        f.name,
      );
    const valueEnd = lines[0].indexOf('value') + 'value'.length;
    const row = lines.find((l) => l.startsWith('org.queries-per-s'))!;
    assert.equal(row.slice(0, valueEnd).trimEnd().endsWith('1235'), true, row);
  });

  it('a narrower limit is honoured too', () => {
    assert.deepEqual(
      formatTable(figures, 90)
        .split('\n')
        .filter((l) => l.length > 90),
      [],
    );
  });
});
