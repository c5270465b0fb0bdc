/**
 * What the user made, as the harness remembers it: every key it ever wrote, whether it should still exist on
 * both sides, and the value of its last edit. The oracle compares the sides with this, never with what the
 * engine thinks.
 *
 * Between two points where the sides had converged, a record is touched at most once (created, edited or
 * deleted on one side). Two changes to one record from both sides would be a conflict, whose outcome depends on
 * which one the engine happened to read first; keeping them apart leaves exactly one right answer per record.
 * For the same reason a record seeded on both sides is left alone until the sides first converged: before the
 * first sync links its two copies, an edit to one of them meets the other's content as a conflict.
 */
import { ChaosObject, Origin, Side } from './chaos-records';

export interface Expected {
  object: ChaosObject;
  key: string;
  /** Should be on both sides (false: deleted by the user, should be on neither). */
  alive: boolean;
  /** The value of its last edit (or as created). */
  value: string | null;
  origin: Origin;
  /** What the user did to it, in order, for reports: `created on outlook in r1s3`, `deleted on salesforce in r2s1`. */
  history: string[];
}

const id = (object: ChaosObject, key: string) => `${object}\u0000${key}`;

export class ExpectedRecords {
  private readonly records = new Map<string, Expected>();
  private readonly touched = new Set<string>();
  /** Keys the oracle found wrong once: never picked for edits again (their state is no longer the model's). */
  private readonly broken = new Set<string>();

  /** A record present before the first run (seeded on one side or both). */
  seeded(object: ChaosObject, key: string, value: string | null, origin: Origin): void {
    this.records.set(id(object, key), { object, key, alive: true, value, origin, history: [`seeded on ${origin}`] });
    if (origin === 'both') this.touched.add(id(object, key));
  }

  created(object: ChaosObject, key: string, value: string | null, side: Side, when: string): void {
    this.records.set(id(object, key), {
      object,
      key,
      alive: true,
      value,
      origin: side,
      history: [`created on ${side} in ${when}`],
    });
    this.touched.add(id(object, key));
  }

  edited(object: ChaosObject, key: string, value: string, side: Side, when: string): void {
    const r = this.get(object, key);
    r.value = value;
    r.history.push(`edited on ${side} in ${when} to "${value}"`);
    this.touched.add(id(object, key));
  }

  deleted(object: ChaosObject, key: string, side: Side, when: string): void {
    const r = this.get(object, key);
    r.alive = false;
    r.history.push(`deleted on ${side} in ${when}`);
    this.touched.add(id(object, key));
  }

  /** The sides converged: every record may be touched again. */
  settled(): void {
    this.touched.clear();
  }

  markBroken(object: ChaosObject, key: string): void {
    this.broken.add(id(object, key));
  }

  /** Records that may be edited or deleted now: alive, not touched since the sides last converged, not broken. */
  editable(object: ChaosObject): Expected[] {
    return [...this.records.values()].filter(
      (r) =>
        r.object === object && r.alive && !this.touched.has(id(object, r.key)) && !this.broken.has(id(object, r.key)),
    );
  }

  find(object: ChaosObject, key: string): Expected | undefined {
    return this.records.get(id(object, key));
  }

  all(): Expected[] {
    return [...this.records.values()];
  }

  private get(object: ChaosObject, key: string): Expected {
    const r = this.records.get(id(object, key));
    if (!r) throw new Error(`the harness never wrote ${object} "${key}"`);
    return r;
  }
}
