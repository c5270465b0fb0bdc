/**
 * Pairing the occurrences of a moved series with the ones they became: the shift that pairs the most wins, each old
 * occurrence takes the new one nearest its shifted start (a daylight-saving change puts one an hour off), and what
 * has no counterpart stays unpaired.
 */
import assert from 'node:assert/strict';
import { pairMovedOccurrences } from '../../../sync-engine/src/sync/series-moves';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2027-03-01T14:00:00Z');
const weekly = (prefix: string, n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, originalStart: T0 + i * 7 * DAY + offset }));

describe('sync/series-moves: pairing a moved series', () => {
  it('a series moved by 30 minutes pairs each occurrence with the one at its start plus 30 minutes', () => {
    const move = pairMovedOccurrences(weekly('old', 5), weekly('new', 5, HOUR / 2));
    assert.equal(move.shift, HOUR / 2);
    assert.deepEqual(
      move.pairs,
      [0, 1, 2, 3, 4].map((i) => ({ removed: `old${i}`, added: `new${i}` })),
    );
  });

  it('one occurrence an hour off (moved across a daylight-saving change) still pairs', () => {
    const added = weekly('new', 4, DAY);
    added[2] = { ...added[2], originalStart: added[2].originalStart - HOUR };
    const move = pairMovedOccurrences(weekly('old', 4), added);
    assert.equal(move.shift, DAY);
    assert.deepEqual(
      move.pairs.map((p) => p.added),
      ['new0', 'new1', 'new2', 'new3'],
    );
  });

  it('at the edge of the window the first old occurrence has no counterpart: the shorter of two equal shifts wins', () => {
    // The series moved an hour; its first occurrence (old0) now lies before the window. new(i) sits an hour after
    // old(i), and also a week and an hour after old(i-1): both shifts pair four, the hour is the move.
    const move = pairMovedOccurrences(weekly('old', 5), weekly('new', 5, HOUR).slice(1));
    assert.equal(move.shift, HOUR);
    assert.deepEqual(
      move.pairs,
      [1, 2, 3, 4].map((i) => ({ removed: `old${i}`, added: `new${i}` })),
    );
  });

  it('on a tie the smaller shift wins; nothing to pair gives no shift', () => {
    const move = pairMovedOccurrences(
      [{ id: 'a', originalStart: T0 }],
      [
        { id: 'x', originalStart: T0 - DAY },
        { id: 'y', originalStart: T0 + 2 * DAY },
      ],
    );
    assert.deepEqual(move, { shift: -DAY, pairs: [{ removed: 'a', added: 'x' }] });
    assert.deepEqual(pairMovedOccurrences(weekly('old', 3), []), { shift: null, pairs: [] });
  });
});
