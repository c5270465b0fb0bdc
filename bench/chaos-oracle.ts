/**
 * The chaos harness's oracle: both sides read over their own APIs, compared by the harness's keys with what the
 * user made (chaos-model.ts). It knows nothing of the engine's state, links or mappers:
 * - lost: a record that should be on both sides is missing on one (or both);
 * - resurrected: a record the user deleted is on a side again (counted with the lost: a delete undone);
 * - duplicated: a side holds a key more than once (each extra copy counts);
 * - edits lost: a side holds another value than the user's last edit;
 * - unexpected: a record with no key, or a key the harness never wrote.
 */
import { ChaosObject, OBJECTS, SIDES, Side } from './chaos-records';
import { OutlookUser, SalesforceUser, SideRecord } from './chaos-clients';
import { Expected } from './chaos-model';

export type Snapshot = Record<Side, Record<ChaosObject, SideRecord[]>>;

export interface Finding {
  object: ChaosObject;
  key: string;
  /** The sides it is about. */
  sides: Side[];
  what: string;
  /** For a duplicate: how many copies the side holds. */
  copies?: number;
}

export interface Verdict {
  lost: Finding[];
  resurrected: Finding[];
  duplicated: Finding[];
  /** Extra copies, all sides together (a key held three times on one side counts 2). */
  extraCopies: number;
  editsLost: Finding[];
  unexpected: Finding[];
}

/** Every record of every object on both sides. */
export async function readSnapshot(salesforce: SalesforceUser, outlook: OutlookUser): Promise<Snapshot> {
  const snap = { salesforce: {}, outlook: {} } as Snapshot;
  for (const object of OBJECTS) {
    snap.salesforce[object] = await salesforce.list(object);
    snap.outlook[object] = await outlook.list(object);
  }
  return snap;
}

function byKey(records: SideRecord[]): Map<string, SideRecord[]> {
  const out = new Map<string, SideRecord[]>();
  for (const r of records) if (r.key !== null) out.set(r.key, [...(out.get(r.key) ?? []), r]);
  return out;
}

const quote = (v: string | null) => (v === null ? 'none' : `"${v}"`);

/** Compare the sides with what the user made. */
export function judge(expected: Expected[], snap: Snapshot): Verdict {
  const v: Verdict = { lost: [], resurrected: [], duplicated: [], extraCopies: 0, editsLost: [], unexpected: [] };
  for (const object of OBJECTS) {
    const held = { salesforce: byKey(snap.salesforce[object]), outlook: byKey(snap.outlook[object]) };
    const known = new Set<string>();
    for (const e of expected.filter((x) => x.object === object)) {
      known.add(e.key);
      const copies = { salesforce: held.salesforce.get(e.key) ?? [], outlook: held.outlook.get(e.key) ?? [] };
      const present = SIDES.filter((s) => copies[s].length > 0);
      if (e.alive && present.length < 2) {
        v.lost.push({
          object,
          key: e.key,
          sides: SIDES.filter((s) => copies[s].length === 0),
          what: `missing on ${SIDES.filter((s) => !present.includes(s)).join(' and ')}`,
        });
      }
      if (!e.alive && present.length > 0)
        v.resurrected.push({
          object,
          key: e.key,
          sides: present,
          what: `deleted by the user, still on ${present.join(' and ')}`,
        });
      for (const side of SIDES) {
        if (copies[side].length > 1) {
          v.duplicated.push({
            object,
            key: e.key,
            sides: [side],
            copies: copies[side].length,
            what: `${copies[side].length} copies on ${side} (${copies[side].map((c) => c.id).join(', ')})`,
          });
          v.extraCopies += copies[side].length - 1;
        }
        const wrong = e.alive ? copies[side].filter((c) => c.value !== e.value) : [];
        if (wrong.length)
          v.editsLost.push({
            object,
            key: e.key,
            sides: [side],
            what: `${side} holds ${quote(wrong[0].value)}, the user's last edit is ${quote(e.value)}`,
          });
      }
    }
    for (const side of SIDES) {
      for (const r of snap[side][object]) {
        if (r.key === null || !known.has(r.key))
          v.unexpected.push({
            object,
            key: r.key ?? `(no key, id ${r.id})`,
            sides: [side],
            what: `on ${side}, never written by the harness`,
          });
      }
    }
  }
  return v;
}

/** Records lost, delete undone included: the figure the targets name. */
export function recordsLost(v: Verdict): number {
  return v.lost.length + v.resurrected.length;
}

/** The keys a verdict found anything wrong with, as `object|key`. */
export function flaggedKeys(v: Verdict): Set<string> {
  return new Set(
    [...v.lost, ...v.resurrected, ...v.duplicated, ...v.editsLost, ...v.unexpected].map((f) => `${f.object}|${f.key}`),
  );
}

/**
 * Whether the sides hold the same records (key and value, as many times each); the differences, at most `limit`.
 * Keys in `ignore` (`object|key`) are left out: what the oracle already counts as lost or duplicated is not
 * counted again as a failure to converge.
 */
export function differences(snap: Snapshot, limit = 10, ignore: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (const object of OBJECTS) {
    const count = (records: SideRecord[]) => {
      const m = new Map<string, number>();
      for (const r of records) {
        if (r.key !== null && ignore.has(`${object}|${r.key}`)) continue;
        const k = `${r.key ?? '(no key)'} = ${quote(r.value)}`;
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    const sf = count(snap.salesforce[object]);
    const ol = count(snap.outlook[object]);
    for (const k of new Set([...sf.keys(), ...ol.keys()])) {
      if ((sf.get(k) ?? 0) !== (ol.get(k) ?? 0))
        out.push(`${object} ${k}: ${sf.get(k) ?? 0} in Salesforce, ${ol.get(k) ?? 0} in Outlook`);
    }
  }
  return out.slice(0, limit).concat(out.length > limit ? [`... and ${out.length - limit} more`] : []);
}

/** One line per finding kind, with a few examples each, for the report. */
export function describeVerdict(
  v: Verdict,
  expected: (object: ChaosObject, key: string) => Expected | undefined,
  limit = 5,
): string[] {
  const lines: string[] = [];
  const kinds: Array<[string, Finding[]]> = [
    ['lost', v.lost],
    ['delete undone', v.resurrected],
    ['duplicated', v.duplicated],
    ['edit lost', v.editsLost],
    ['unexpected', v.unexpected],
  ];
  for (const [kind, findings] of kinds) {
    for (const f of findings.slice(0, limit)) {
      const history = expected(f.object, f.key)?.history.join('; ');
      lines.push(`${kind}: ${f.object} "${f.key}": ${f.what}${history ? ` [${history}]` : ''}`);
    }
    if (findings.length > limit) lines.push(`${kind}: ... and ${findings.length - limit} more`);
  }
  return lines;
}
