/**
 * Pairing the occurrences of a moved series with the ones they became. Outlook names an occurrence by its series and
 * its original start, so a series moved in time (by 30 minutes, to the next day) shows only new ids: the old
 * occurrences come as removed, the new ones as added. A move shifts every occurrence alike: the shift is the
 * difference of original starts that pairs the most (on a tie the smallest), and each old occurrence pairs with the
 * new one nearest its original start plus the shift, within three hours (moved across a daylight-saving change, an
 * occurrence shifts an hour more or less in UTC than the others).
 */

export interface Placed {
  id: string;
  /** Epoch ms. */
  originalStart: number;
}

export interface SeriesMove {
  /** How far the series moved (ms), or null when nothing pairs. */
  shift: number | null;
  pairs: Array<{ removed: string; added: string }>;
}

const TOLERANCE_MS = 3 * 3_600_000;

export function pairMovedOccurrences(removed: Placed[], added: Placed[]): SeriesMove {
  const votes = new Map<number, number>();
  for (const r of removed)
    for (const a of added)
      votes.set(a.originalStart - r.originalStart, (votes.get(a.originalStart - r.originalStart) ?? 0) + 1);
  let shift: number | null = null;
  for (const [d, n] of votes) {
    const best = shift === null ? 0 : votes.get(shift)!;
    if (
      n > best ||
      (n === best && (Math.abs(d) < Math.abs(shift!) || (Math.abs(d) === Math.abs(shift!) && d < shift!)))
    )
      shift = d;
  }
  if (shift === null) return { shift, pairs: [] };
  const free = [...added].sort((a, b) => a.originalStart - b.originalStart);
  const pairs: SeriesMove['pairs'] = [];
  for (const r of [...removed].sort((a, b) => a.originalStart - b.originalStart)) {
    const target = r.originalStart + shift;
    let nearest = -1;
    for (let i = 0; i < free.length; i++) {
      const off = Math.abs(free[i].originalStart - target);
      if (off <= TOLERANCE_MS && (nearest < 0 || off < Math.abs(free[nearest].originalStart - target))) nearest = i;
    }
    if (nearest < 0) continue;
    pairs.push({ removed: r.id, added: free[nearest].id });
    free.splice(nearest, 1);
  }
  return { shift, pairs };
}
