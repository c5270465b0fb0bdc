/** Benchmark figures: printed as one table and written to bench/results.json. */
import fs from 'node:fs';
import path from 'node:path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with, for the printed table. */
  note?: string;
}

export function printTable(figures: Figure[]): void {
  process.stdout.write(formatTable(figures));
}

/** The table as text: one row per figure; the notes wrap under their column so no line passes `maxWidth`. */
export function formatTable(figures: Figure[], maxWidth = 120): string {
  const rows = figures.map((f) => [f.name, formatValue(f.value), f.unit, f.note ?? '']);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['figure', 'value', 'unit'][i].length));
  const noteColumn = widths.reduce((a, w) => a + w + 2, 0);
  // A name too long to leave the note a useful column: the note goes on its own lines below, indented.
  const narrow = maxWidth - noteColumn < 30;
  const noteIndent = narrow ? 4 : noteColumn;
  const noteWidth = maxWidth - noteIndent;
  const cells = (r: string[]) =>
    r
      .slice(0, 3)
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ');
  const out = [`${cells(['figure', 'value', 'unit'])}  note`, `${widths.map((w) => '-'.repeat(w)).join('  ')}  ----`];
  for (const r of rows) {
    const note = wrap(r[3], noteWidth);
    if (narrow || note.length === 0) {
      out.push(cells(r).trimEnd());
      out.push(...note.map((l) => `${' '.repeat(noteIndent)}${l}`));
    } else {
      out.push(`${cells(r)}  ${note[0]}`);
      out.push(...note.slice(1).map((l) => `${' '.repeat(noteIndent)}${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Words into lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function formatValue(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** Write bench/results.json as {"figures":[{name,value,unit}]}, replacing figures of the same name. */
export function writeResults(figures: Figure[], file = path.join(repoRoot(), 'bench', 'results.json')): void {
  let existing: Figure[];
  try {
    existing = (JSON.parse(fs.readFileSync(file, 'utf8')) as { figures: Figure[] }).figures ?? [];
  } catch {
    existing = [];
  }
  const names = new Set(figures.map((f) => f.name));
  const merged = [...existing.filter((f) => !names.has(f.name)), ...figures].map(({ name, value, unit }) => ({
    name,
    value,
    unit,
  }));
  fs.writeFileSync(file, `${JSON.stringify({ figures: merged }, null, 2)}\n`);
}

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
