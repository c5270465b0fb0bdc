/**
 * What the chaos harness does, one piece at a time: the user's edits between runs (straight at the servers), one
 * engine run under a step's faults (proxy faults, a SIGKILL, a server killed and started again, a full disk),
 * and runs until the sides converge, with or without injected 5xx.
 */
import path from 'node:path';
import { prng } from '../test/helpers/seeded-random';
import {
  OBJECTS,
  SIDES,
  Side,
  outlookEdit,
  outlookProperties,
  salesforceEdit,
  salesforceFields,
} from './chaos-records';
import { ChaosWorld } from './chaos-world';
import { Edits, FIVE_XX, ProxyFaults, StepPlan, describeTrigger } from './chaos-plan';
import { EngineOutcome, startEngineRun } from './chaos-engine-run';
import { RunTriggers } from './chaos-triggers';
import { Snapshot, Verdict, describeVerdict, differences, flaggedKeys, judge, readSnapshot } from './chaos-oracle';
import { SideRecord } from './chaos-clients';

export interface RunLimits {
  /** A run still going after this long is killed and counted as a hang. */
  runTimeoutMs: number;
}

export type EditTally = Record<Side, { create: number; edit: number; delete: number }>;

/** Draw `n` of `xs` without repeats. */
function draw<T>(xs: T[], n: number, random: () => number): T[] {
  const a = [...xs];
  const out: T[] = [];
  for (let i = 0; i < n && a.length; i++) {
    const j = Math.floor(random() * a.length);
    out.push(a[j]);
    a[j] = a[a.length - 1];
    a.pop();
  }
  return out;
}

/**
 * The user's edits on both sides, as planned: deletes and edits of records that each side holds once now and
 * that nothing touched since the sides last converged, and new records. The model learns each one.
 */
export async function applyEdits(world: ChaosWorld, edits: Edits, seed: number, label: string): Promise<EditTally> {
  const random = prng(seed);
  const snap = await readSnapshot(world.salesforce, world.outlook);
  const tally: EditTally = {
    salesforce: { create: 0, edit: 0, delete: 0 },
    outlook: { create: 0, edit: 0, delete: 0 },
  };
  for (const side of SIDES) {
    const user = side === 'salesforce' ? world.salesforce : world.outlook;
    for (const object of OBJECTS) {
      const plan = edits[side][object];
      const held = new Map<string, SideRecord[]>();
      for (const r of snap[side][object]) if (r.key !== null) held.set(r.key, [...(held.get(r.key) ?? []), r]);
      const candidates = world.model.editable(object).filter((e) => held.get(e.key)?.length === 1);
      const chosen = draw(candidates, plan.delete + plan.edit, random);
      for (const [i, e] of chosen.entries()) {
        const id = held.get(e.key)![0].id;
        if (i < plan.delete) {
          await user.remove(object, id);
          world.model.deleted(object, e.key, side, label);
          tally[side].delete += 1;
        } else {
          const value = `${label} ${side === 'salesforce' ? 'sf' : 'ol'} edit ${i}`;
          await user.update(
            object,
            id,
            side === 'salesforce' ? salesforceEdit(object, value) : outlookEdit(object, value),
          );
          world.model.edited(object, e.key, value, side, label);
          tally[side].edit += 1;
        }
      }
      for (let i = 0; i < plan.create; i++) {
        const { key, n } = world.nextNew(object, side);
        const value = i % 4 === 3 ? null : `${label} new ${i}`;
        const r = { object, key, value, n };
        await user.create(
          object,
          side === 'salesforce' ? salesforceFields(r, world.today) : outlookProperties(r, world.today),
        );
        world.model.created(object, key, value, side, label);
        tally[side].create += 1;
      }
    }
  }
  return tally;
}

export function describeTally(t: EditTally): string {
  const one = (side: Side) =>
    `${side === 'salesforce' ? 'SF' : 'OL'} +${t[side].create} ~${t[side].edit} -${t[side].delete}`;
  return `${one('salesforce')}, ${one('outlook')}`;
}

export interface StepResult {
  label: string;
  edits: EditTally;
  outcome: EngineOutcome;
  /** Requests through both proxies during the run. */
  requests: number;
  engineKilled: boolean;
  serverKilled: string | null;
  diskFilled: string | null;
  /** What was planned and did not happen (a kill point the run never reached). */
  notReached: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One chaos step: the planned edits, then one engine run under the planned faults. */
export async function runChaosStep(world: ChaosWorld, step: StepPlan, limits: RunLimits): Promise<StepResult> {
  await world.serversUp();
  await world.proxiesQuiet();
  const edits = await applyEdits(world, step.edits, step.seed, step.label);
  world.setFaults('salesforce', step.faults, step.seed ^ 0x5f);
  world.setFaults('outlook', step.faults, step.seed ^ 0x0f);
  const triggers = new RunTriggers();
  const notReached: string[] = [];
  let serverKilled: string | null = null;
  let diskFilled: string | null = null;
  let restart: Promise<void> = Promise.resolve();
  const fillDisk = (when: string) => {
    if (!world.disk.available || world.disk.full) return;
    world.disk.fill();
    diskFilled = when;
    world.note(`${step.label}: disk full ${when}`);
  };
  if (step.diskFull?.at === 'start') fillDisk('from the start');
  world.triggers = triggers;
  world.note(`${step.label}: engine run starts (edits ${describeTally(edits)})`);
  const run = startEngineRun(
    world.repoRoot,
    world.configFile,
    path.join(world.dir, 'logs', 'engine-runs.log'),
    limits.runTimeoutMs,
  );
  if (step.engineKill) {
    triggers.at(step.engineKill, () => {
      world.note(`${step.label}: engine killed ${describeTrigger(step.engineKill!)}`);
      run.kill(`planned, ${describeTrigger(step.engineKill!)}`);
    });
  }
  if (step.serverKill) {
    const { server, at, downMs } = step.serverKill;
    triggers.at(at, () => {
      serverKilled = `${server} ${describeTrigger(at)}, down ${downMs} ms`;
      world.note(`${step.label}: ${server} killed ${describeTrigger(at)}, down ${downMs} ms`);
      restart = (async () => {
        await world.server(server).kill();
        await sleep(downMs);
        await world.server(server).start();
      })();
    });
  }
  if (step.diskFull && step.diskFull.at !== 'start') {
    const at = step.diskFull.at;
    triggers.at(at, () => fillDisk(describeTrigger(at)));
  }
  let outcome: EngineOutcome;
  try {
    outcome = await run.done;
  } finally {
    triggers.clear();
    world.triggers = null;
    world.setFaults('salesforce', null);
    world.setFaults('outlook', null);
    world.disk.free();
    await restart;
  }
  world.note(`${step.label}: engine run ended: ${outcome.end} ${outcome.note}`);
  world.keepEngineData(step.label);
  if (step.engineKill && outcome.end !== 'killed') notReached.push(`engine kill ${describeTrigger(step.engineKill)}`);
  if (step.serverKill && !serverKilled)
    notReached.push(`${step.serverKill.server} kill ${describeTrigger(step.serverKill.at)}`);
  if (step.diskFull && world.disk.available && !diskFilled)
    notReached.push(`disk full ${describeTrigger(step.diskFull.at)}`);
  return {
    label: step.label,
    edits,
    outcome,
    requests: triggers.count,
    engineKilled: outcome.end === 'killed',
    serverKilled,
    diskFilled,
    notReached,
  };
}

export interface Convergence {
  /** When converged, the run after which the sides were final; else the runs made. */
  runs: number;
  converged: boolean;
  /** Every run made, the confirming run included. */
  outcomes: EngineOutcome[];
  /** Both sides as read after the run that converged (or the last run). */
  snapshot: Snapshot;
  /** How the sides still differ, when they do (besides what the verdict counts). */
  differences: string[];
  /** The oracle's verdict on that snapshot. */
  verdict: Verdict;
  /**
   * Records the oracle found wrong after a run that said it had nothing left to do, which a later run put right
   * (a deleted record that came back for a run, ...): not lost in the end, but seen wrong by the user meanwhile.
   */
  transient: string[];
}

const writesOf = (o: EngineOutcome): number | null => {
  const counts = o.json?.report?.counts as
    Record<string, Record<string, { created: number; updated: number; deleted: number }>> | undefined;
  if (!counts) return null;
  return Object.values(counts).reduce(
    (n, byObject) => n + Object.values(byObject).reduce((m, c) => m + c.created + c.updated + c.deleted, 0),
    0,
  );
};

/**
 * Runs until the sides are final, at most `maxRuns` (and one more to confirm). A run is where they converged when
 * it ends idle with nothing pending, both sides, read over their APIs, hold the same records (but for those the
 * oracle counts as lost, duplicated or wrong: reported as such, not as a failure to converge), and the next run
 * that ends idle writes nothing (so a record the oracle flagged was not still on its way to being put right).
 * With `fiveXx`, that share of all requests (reads and writes, both sides) gets a 5xx, the confirming run's too.
 */
export async function runUntilConverged(
  world: ChaosWorld,
  maxRuns: number,
  limits: RunLimits,
  fiveXx?: { share: number; seed: number },
): Promise<Convergence> {
  const outcomes: EngineOutcome[] = [];
  type Checked = { run: number; snapshot: Snapshot; verdict: Verdict; differences: string[] };
  let last: Checked | null = null;
  let candidate: Checked | null = null;
  /** Keys flagged after a run that said it was done, with what was wrong. */
  const flaggedWhenDone = new Map<string, string>();
  for (let run = 1; run <= maxRuns + 1; run++) {
    await world.serversUp();
    await world.proxiesQuiet();
    if (fiveXx) {
      const faults: ProxyFaults = { rate: fiveXx.share, kinds: FIVE_XX, delayShare: 0, maxDelayMs: 0 };
      world.setFaults('salesforce', faults, fiveXx.seed + 2 * run);
      world.setFaults('outlook', faults, fiveXx.seed + 2 * run + 1);
    }
    world.note(`${fiveXx ? 'under 5xx' : 'after the faults'}: run ${run} starts`);
    let outcome: EngineOutcome;
    try {
      outcome = await startEngineRun(
        world.repoRoot,
        world.configFile,
        path.join(world.dir, 'logs', 'engine-runs.log'),
        limits.runTimeoutMs,
      ).done;
    } finally {
      world.setFaults('salesforce', null);
      world.setFaults('outlook', null);
    }
    outcomes.push(outcome);
    world.keepEngineData(`${fiveXx ? '5xx' : 'calm'}-${run}-${Date.now()}`);
    if (candidate && outcome.end === 'idle') {
      if (writesOf(outcome) === 0 && outcome.pending === 0) return finish(candidate, true);
      candidate = null;
    }
    const snapshot = await readSnapshot(world.salesforce, world.outlook);
    const verdict = judge(world.model.all(), snapshot);
    last = { run, snapshot, verdict, differences: differences(snapshot, 10, flaggedKeys(verdict)) };
    const done = outcome.end === 'idle' && outcome.pending === 0;
    if (done)
      for (const line of describeVerdict(verdict, (o, k) => world.model.find(o, k), Infinity))
        flaggedWhenDone.set(line.replace(/ \[.*$/, ''), `after run ${run}: ${line}`);
    if (!candidate && done && last.differences.length === 0 && run <= maxRuns) candidate = last;
  }
  return finish(candidate ?? last!, false);

  function finish(at: Checked, converged: boolean): Convergence {
    const final = new Set(
      describeVerdict(at.verdict, (o, k) => world.model.find(o, k), Infinity).map((line) => line.replace(/ \[.*$/, '')),
    );
    const transient = [...flaggedWhenDone].filter(([what]) => !final.has(what)).map(([, line]) => line);
    return {
      runs: converged ? at.run : maxRuns,
      converged,
      outcomes,
      snapshot: at.snapshot,
      differences: at.differences,
      verdict: at.verdict,
      transient,
    };
  }
}

/** A few words per run, for the log: `idle`, `stopped (unreachable)`, `killed`. */
export function describeOutcomes(outcomes: EngineOutcome[]): string {
  return outcomes
    .map((o) => (o.end === 'idle' ? (o.pending ? `idle, ${o.pending} pending` : 'idle') : o.note.slice(0, 80)))
    .join(' | ');
}
