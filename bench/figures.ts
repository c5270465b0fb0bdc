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
  const rows = figures.map((f) => [f.name, formatValue(f.value), f.unit, f.note ?? '']);
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => r[i].length), ['figure', 'value', 'unit', 'note'][i].length),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  process.stdout.write(
    `${line(['figure', 'value', 'unit', 'note'])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`,
  );
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
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
