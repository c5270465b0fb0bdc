/**
 * The oracle of the sync property test: the engine's rules (docs/sync-engine.md) as a small model of what each side
 * should hold per stable key, kept by the test from the operations it made. It knows nothing of the engine.
 *
 * Per key the model holds what each side holds as the user left it (`sf`, `ol`; null when absent) and what the
 * engine last synced (`base`, the link; null when unlinked). A run plans every key at once:
 * - unlinked on both sides: matched (first sync without duplicates); the same content links, else the winner's;
 * - on one side only: copied when that side's changes flow;
 * - both changed: the same content is no conflict, else the winner's whole record;
 * - one changed: copied when its side flows, else held (never lost, never undone);
 * - a delete against an edit: the record comes back when the editing side wins; else the delete flows when its
 *   side flows, else it is held with its link;
 * - one way, the side that flows wins every conflict; `none` plans nothing.
 *
 * A run that ended part way may have done any key's work or none of it, so a key then has alternatives: the
 * state before and the state after planning it, the latter only when both sides show it done. Events whose copies
 * are not surely inside the calendar window on both sides may be left alone or followed (the docs say neither),
 * and a key may never be deleted for leaving the window.
 */
import { Fields, ObjectName, SideName, sameFields } from './fields';

export type Direction = 'none' | 'salesforce-to-outlook' | 'outlook-to-salesforce' | 'both';
export interface ObjectSettings {
  direction: Direction;
  winner: SideName;
}

/** One possible state of a key. */
export interface Alt {
  sf: Fields | null;
  ol: Fields | null;
  /** What the engine last synced, or null when the copies are not linked. */
  base: Fields | null;
  /** The Salesforce copy may be a new record since the last check (created or re-created), so its Id may differ. */
  sfNew: boolean;
  /**
   * Planned by a run that ended part way, not yet shown on the sides: its queued writes may still go out. A user's
   * change to the key drops it (the user changed what the sides show).
   */
  unseen?: boolean;
}

export interface KeyState {
  key: string;
  object: ObjectName;
  alts: Alt[];
  /** A run that ended part way had work for this key: its queued writes may still go out. */
  inFlight: boolean;
  /** An event moved out of the calendar window: left alone from then on. */
  outOfScope: boolean;
  /**
   * The last run may have created the Outlook copy: after the delta round it read, so no run has read past it yet
   * (see 'delete.freshOutlookCopy' in the generator).
   */
  olFresh?: boolean;
}

export const DAY_MS = 86_400_000;
/** The calendar window both sides sync (docs/sync-engine.md): 30 days back, 365 ahead. */
export const WINDOW = { backDays: 30, aheadDays: 365 };
/**
 * The Outlook calendar view keeps the window of its delta round for up to 7 days (a new round starts a week later),
 * so an event is surely inside both sides' windows only this far from the edges.
 */
const ROUND_DAYS = 7;

const flows = (d: Direction, from: SideName): boolean =>
  d === 'both' || (from === 'salesforce' ? d === 'salesforce-to-outlook' : d === 'outlook-to-salesforce');

/** Who wins a conflict: one way, the side that flows; both ways, the configured winner. */
export function winnerOf(s: ObjectSettings): SideName {
  if (s.direction === 'salesforce-to-outlook') return 'salesforce';
  if (s.direction === 'outlook-to-salesforce') return 'outlook';
  return s.winner;
}

/** What one complete run makes of a key (docs/sync-engine.md's rules). */
export function plan(object: ObjectName, a: Alt, s: ObjectSettings): Alt {
  if (s.direction === 'none') return a;
  const eq = (x: Fields | null, y: Fields | null) => sameFields(object, x, y);
  const { sf, ol, base } = a;
  const both = (f: Fields, sfNew: boolean): Alt => ({ sf: f, ol: f, base: f, sfNew });
  if (base === null) {
    if (sf && ol) return both(eq(sf, ol) || winnerOf(s) === 'salesforce' ? sf : ol, a.sfNew);
    if (sf) return flows(s.direction, 'salesforce') ? both(sf, a.sfNew) : a;
    if (ol) return flows(s.direction, 'outlook') ? both(ol, true) : a;
    return a;
  }
  const sfChanged = sf !== null && !eq(sf, base);
  const olChanged = ol !== null && !eq(ol, base);
  if (sf === null && ol === null) return { sf: null, ol: null, base: null, sfNew: false };
  if (sf === null || ol === null) {
    const deletedOn: SideName = sf === null ? 'salesforce' : 'outlook';
    const survivor = (sf ?? ol)!;
    const survivorEdited = deletedOn === 'salesforce' ? olChanged : sfChanged;
    if (survivorEdited && winnerOf(s) !== deletedOn) return both(survivor, deletedOn === 'salesforce' ? true : a.sfNew);
    if (!flows(s.direction, deletedOn)) return a;
    return { sf: null, ol: null, base: null, sfNew: false };
  }
  if (sfChanged && olChanged) return both(eq(sf, ol) || winnerOf(s) === 'salesforce' ? sf : ol, a.sfNew);
  if (sfChanged) return flows(s.direction, 'salesforce') ? both(sf, a.sfNew) : a;
  if (olChanged) return flows(s.direction, 'outlook') ? both(ol, a.sfNew) : a;
  return a;
}

/** Whether an event's copy lies surely inside the window of a run at `nowMs`, on both sides. */
export function surelyInWindow(f: Fields, nowMs: number): boolean {
  const start = Date.parse(f.start!);
  const end = Date.parse(f.end!);
  return (
    start >= nowMs - (WINDOW.backDays - ROUND_DAYS) * DAY_MS && end <= nowMs + (WINDOW.aheadDays - ROUND_DAYS) * DAY_MS
  );
}

/** Whether an event has a copy that is not surely inside the window now. */
export function atWindowEdge(k: KeyState, nowMs: number): boolean {
  return (
    k.object === 'events' &&
    k.alts.some((a) => [a.sf, a.ol, a.base].some((f) => f !== null && !surelyInWindow(f, nowMs)))
  );
}

/** The states a complete run may leave a key in (one, but for events near or outside the window). */
export function planKey(k: KeyState, a: Alt, s: ObjectSettings, nowMs: number): Alt[] {
  const planned = plan(k.object, a, s);
  if (k.object !== 'events') return [planned];
  const copies = [a.sf, a.ol, a.base].filter((f): f is Fields => f !== null);
  if (!k.outOfScope && copies.every((f) => surelyInWindow(f, nowMs))) return [planned];
  // Near or outside the window: left alone, or synced. Never a delete the user did not make.
  return [a, planned];
}

export function sameAlt(object: ObjectName, x: Alt, y: Alt): boolean {
  return (
    sameFields(object, x.sf, y.sf) &&
    sameFields(object, x.ol, y.ol) &&
    sameFields(object, x.base, y.base) &&
    x.sfNew === y.sfNew
  );
}

/** Alternatives without repeats; of two alike, the one shown on the sides. */
export function uniqueAlts(object: ObjectName, alts: Alt[]): Alt[] {
  const out: Alt[] = [];
  for (const a of alts) {
    const i = out.findIndex((b) => sameAlt(object, a, b));
    if (i < 0) out.push(a);
    else if (out[i].unseen && !a.unseen) out[i] = a;
  }
  return out;
}

/** After a complete run: every key planned; what was queued has gone out (but under `none`). */
export function afterCompleteRun(k: KeyState, s: ObjectSettings, nowMs: number): void {
  const before = k.alts;
  // Under `none` nothing is sent: what a cut run queued still waits.
  const sent = (a: Alt): Alt => (s.direction === 'none' ? a : (({ unseen: _, ...rest }) => rest)(a));
  k.alts = uniqueAlts(k.object, before.flatMap((a) => planKey(k, a, s, nowMs)).map(sent));
  // This run read past what the previous one created; what it created itself is after its read.
  k.olFresh = before.some((a) => a.ol === null) && k.alts.some((a) => a.ol !== null);
}

/**
 * After a run that ended part way: each key as it was, or planned (`unseen` unless both sides already show the
 * planned content: `shown`, what the sides hold now). Keys with work to do are in flight until the next settled check.
 */
export function afterPartialRun(
  k: KeyState,
  s: ObjectSettings,
  nowMs: number,
  shown: { sf: Fields | null; ol: Fields | null },
): void {
  const next: Alt[] = [];
  for (const a of k.alts) {
    next.push(a);
    for (const p of planKey(k, a, s, nowMs)) {
      if (sameAlt(k.object, p, a)) continue;
      k.inFlight = true;
      const seen = sameFields(k.object, p.sf, shown.sf) && sameFields(k.object, p.ol, shown.ol);
      if (a.ol === null && p.ol !== null) k.olFresh = true;
      next.push(seen ? { ...p, unseen: undefined } : { ...p, unseen: true });
    }
  }
  k.alts = uniqueAlts(k.object, next);
}

/** A user's change on one side: what that side holds from now on, in every alternative. */
export function userSets(k: KeyState, side: SideName, f: Fields | null): void {
  const seen = k.alts.filter((a) => !a.unseen);
  k.alts = uniqueAlts(
    k.object,
    (seen.length ? seen : k.alts).map(({ unseen: _, ...a }) =>
      side === 'salesforce' ? { ...a, sf: f, sfNew: f === null ? a.sfNew : a.sf === null || a.sfNew } : { ...a, ol: f },
    ),
  );
}

/** The alternatives that hold exactly what the sides show. */
export function matching(k: KeyState, shown: { sf: Fields | null; ol: Fields | null }): Alt[] {
  return k.alts.filter((a) => sameFields(k.object, a.sf, shown.sf) && sameFields(k.object, a.ol, shown.ol));
}
