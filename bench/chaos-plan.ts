/**
 * The chaos schedule, drawn from one seed before anything runs: per round, the steps (the user's edits, then one
 * engine run under that step's faults), then the edits that the run under 5% 5xx has to carry. The same seed gives
 * the same schedule; what a fault hits can still differ from one replay to the next where it depends on timing
 * (a kill after so many milliseconds, a server killed mid-request), and with it which records the next edits find.
 */
import { FAULTS, Fault } from '../test/helpers/fault-proxy';
import { prng } from '../test/helpers/seeded-random';
import { ChaosObject, OBJECTS, SIDES, Side } from './chaos-records';
import { ServerName } from './chaos-servers';

export interface ChaosSize {
  /** Records on one side only, per side. */
  contacts: number;
  events: number;
  tasks: number;
  /** Records on both sides before the first sync (the same person, meeting or task twice). */
  sharedContacts: number;
  sharedEvents: number;
  sharedTasks: number;
}

/** When a fault strikes during a run: at the n-th request through the proxies, or ms after the engine started. */
export type Trigger = { by: 'requests'; n: number } | { by: 'time'; ms: number };

export interface EditCounts {
  create: number;
  edit: number;
  delete: number;
}

export type Edits = Record<Side, Record<ChaosObject, EditCounts>>;

export interface ProxyFaults {
  /** Share of requests failed, each with one of `kinds`. */
  rate: number;
  kinds: Fault[];
  /** Share of requests held, each for up to maxDelayMs. */
  delayShare: number;
  maxDelayMs: number;
}

export interface StepPlan {
  /** `r1s3`: round 1, step 3. */
  label: string;
  /** For the step's own draws: which records it edits, which request gets which fault. */
  seed: number;
  edits: Edits;
  faults: ProxyFaults;
  engineKill: Trigger | null;
  serverKill: { server: ServerName; at: Trigger; downMs: number } | null;
  /** The data dir's disk full from the start of the run, or from a moment in it, until the run ends. */
  diskFull: { at: Trigger | 'start' } | null;
}

export interface RoundPlan {
  round: number;
  steps: StepPlan[];
  /** Edits made before the runs under 5% 5xx. */
  underFiveXx: { label: string; seed: number; edits: Edits };
}

export interface PlanOptions {
  seed: number;
  rounds: number;
  steps: number;
  size: ChaosSize;
}

/** The 5xx kinds the proxy injects: the server never saw the request, or carried it out and the answer is lost. */
export const FIVE_XX: Fault[] = ['error-before', 'error-after'];

export function chaosPlan(o: PlanOptions): RoundPlan[] {
  const random = prng(o.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const chance = (p: number) => random() < p;
  const newSeed = () => Math.floor(random() * 2 ** 31);
  const shared: Record<ChaosObject, number> = {
    contacts: o.size.sharedContacts,
    events: o.size.sharedEvents,
    tasks: o.size.sharedTasks,
  };
  const total = (object: ChaosObject) => 2 * o.size[object] + shared[object];
  // Edits per step grow with the data set: a few per object at the default size, more at --full.
  const scale = Math.max(1, Math.round(o.size.contacts / 300));
  const stepEdits = (): Edits => {
    const bySide = () =>
      Object.fromEntries(
        OBJECTS.map((object) => {
          const k = object === 'contacts' ? scale : Math.max(1, Math.round(scale / 2));
          return [object, { create: int(0, 3 * k), edit: int(0, 4 * k), delete: int(0, 2 * k) }];
        }),
      ) as Record<ChaosObject, EditCounts>;
    return { salesforce: bySide(), outlook: bySide() };
  };
  const batchEdits = (): Edits => {
    const bySide = () =>
      Object.fromEntries(
        OBJECTS.map((object) => {
          const n = total(object);
          return [
            object,
            {
              create: Math.max(2, Math.round(n * 0.02)),
              edit: Math.max(3, Math.round(n * 0.05)),
              delete: Math.max(1, Math.round(n * 0.01)),
            },
          ];
        }),
      ) as Record<ChaosObject, EditCounts>;
    return { salesforce: bySide(), outlook: bySide() };
  };
  const noEdits = (): Edits => {
    const none = () =>
      Object.fromEntries(OBJECTS.map((object) => [object, { create: 0, edit: 0, delete: 0 }])) as Record<
        ChaosObject,
        EditCounts
      >;
    return { salesforce: none(), outlook: none() };
  };
  // The first run of all copies every seeded record: far more requests, and far longer, than the runs after it
  // (about one Graph request per Salesforce record, Salesforce's writes go 200 to a request).
  const firstRunRequests = OBJECTS.reduce((n, object) => n + o.size[object], 0) + 50;
  const trigger = (first: boolean, edits: Edits): Trigger => {
    const written = SIDES.reduce(
      (n, side) =>
        n +
        OBJECTS.reduce(
          (m, object) => m + edits[side][object].create + edits[side][object].edit + edits[side][object].delete,
          0,
        ),
      0,
    );
    return chance(0.5)
      ? { by: 'requests', n: int(1, first ? firstRunRequests : 12 + 2 * written) }
      : { by: 'time', ms: int(150, first ? 12_000 : 3_000) };
  };

  const rounds: RoundPlan[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const steps: StepPlan[] = [];
    for (let s = 1; s <= o.steps; s++) {
      const first = r === 1 && s === 1;
      const edits = first ? noEdits() : stepEdits();
      const kinds = FAULTS.filter(() => chance(0.6));
      const faults: ProxyFaults = {
        rate: pick([0, 0.02, 0.05, 0.1, 0.2]),
        kinds: kinds.length ? kinds : [pick(FAULTS)],
        delayShare: pick([0, 0.02, 0.1]),
        maxDelayMs: int(100, 3_000),
      };
      steps.push({
        label: `r${r}s${s}`,
        seed: newSeed(),
        edits,
        faults,
        engineKill: chance(0.6) ? trigger(first, edits) : null,
        serverKill: chance(0.3)
          ? { server: pick(['org', 'mailbox'] as const), at: trigger(first, edits), downMs: int(200, 3_000) }
          : null,
        diskFull: chance(0.2) ? { at: chance(0.3) ? 'start' : trigger(first, edits) } : null,
      });
    }
    rounds.push({ round: r, steps, underFiveXx: { label: `r${r}-5xx`, seed: newSeed(), edits: batchEdits() } });
  }
  return rounds;
}

/** A trigger in words, for the log. */
export function describeTrigger(t: Trigger | 'start'): string {
  if (t === 'start') return 'from the start';
  return t.by === 'requests' ? `at request #${t.n}` : `after ${t.ms} ms`;
}
