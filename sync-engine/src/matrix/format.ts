/**
 * The matrix as a readable table: one block per scenario, one line per product, the texts in full. A note
 * that repeats (the mobile browser's) is printed once at the end and referred to by number.
 */
import { findProduct } from '../products/catalog';
import { MatrixRow } from './runner';

/** Plain text, grouped by scenario in the order run. */
export function formatMatrix(rows: readonly MatrixRow[]): string {
  const notes: string[] = [];
  const noteRef = (text: string) => {
    if (!notes.includes(text)) notes.push(text);
    return `note [${notes.indexOf(text) + 1}]`;
  };
  const lines: string[] = [];
  const nameWidth = Math.max(...rows.map((r) => productLabel(r).length), 10);
  const outcomeWidth = Math.max(...rows.map((r) => outcomeLabel(r).length), 10);
  const indent = ' '.repeat(2 + nameWidth + 2 + outcomeWidth + 2);
  let current = '';
  for (const r of rows) {
    if (r.scenario !== current) {
      current = r.scenario;
      if (lines.length) lines.push('');
      lines.push(`${r.row}${r.source === 'ours' ? '  (beyond the article)' : ''}`);
      lines.push(`  [${r.scenario}${r.client === 'ordinary' ? ', ordinary client' : ''}]`);
    }
    const shown = r.message ?? (r.outcome === 'redirect-to-login' ? '(the login page again, no message)' : '-');
    const texts = [...shown.split('\n'), ...(r.settings ? [`settings: ${r.settings}`] : [])];
    if (r.notice) texts[0] = `${texts[0]}  ${noteRef(r.notice)}`;
    lines.push(`  ${productLabel(r).padEnd(nameWidth)}  ${outcomeLabel(r).padEnd(outcomeWidth)}  ${texts[0]}`);
    for (const more of texts.slice(1)) lines.push(`${indent}${more}`);
  }
  if (notes.length) lines.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  return `${lines.join('\n')}\n`;
}

function productLabel(r: MatrixRow): string {
  const name = findProduct(r.product)?.name ?? r.product;
  return r.version === 'any' ? name : `${name} ${r.version}`;
}

function outcomeLabel(r: MatrixRow): string {
  const outcome = r.phase === 'session' ? `in session: ${r.outcome}` : r.outcome;
  return r.errorCode ? `${outcome} (${r.errorCode})` : outcome;
}
