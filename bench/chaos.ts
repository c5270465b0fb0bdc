/**
 * `npm run chaos [-- --full]`: the sync engine under chaos, end to end. A local org and a local mailbox (their own
 * processes, data on disk) seeded with records each way; a fault-injecting proxy in front of each; the engine's
 * CLI run again and again while the proxies fail, delay and garble requests, the engine is SIGKILLed, a server is
 * killed and started again, and the engine's disk fills up; the user edits, creates and deletes on both sides
 * between runs. Then the faults stop and the engine runs until the sides converge, and once more with 5% 5xx.
 * An oracle that knows only what the user made (chaos-oracle.ts) counts records lost, duplicated, edits lost.
 *
 * Prints a table and writes bench/chaos.json; exits 1 when a target is missed (nothing lost or duplicated,
 * converged within 5 runs after the faults stop and within 10 under 5% 5xx). The seed is printed first;
 * `CHAOS_SEED=<n> npm run chaos` replays its schedule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Figure, printTable, repoRoot } from './figures';
import { ChaosSize, RoundPlan, chaosPlan } from './chaos-plan';
import { CHAOS_DISK_MB, ChaosWorld } from './chaos-world';
import {
  Convergence,
  RunLimits,
  StepResult,
  applyEdits,
  describeOutcomes,
  describeTally,
  runChaosStep,
  runUntilConverged,
} from './chaos-steps';
import { Finding, Verdict, describeVerdict } from './chaos-oracle';
import { EngineOutcome } from './chaos-engine-run';

/** Runs allowed to converge once the faults stop, and under 5% injected 5xx (the targets). */
export const TARGETS = { runsAfterFaults: 5, runsUnderFiveXx: 10 };
/** Runs tried before giving up on convergence (past the target, to tell slow from never). */
const TRY_RUNS = { afterFaults: 10, underFiveXx: 15 };
const FIVE_XX_SHARE = 0.05;

const SIZES: Record<'default' | 'full', { size: ChaosSize; rounds: number; steps: number }> = {
  default: { size: sizeOf(300, 40, 40), rounds: 2, steps: 6 },
  full: { size: sizeOf(2000, 300, 300), rounds: 3, steps: 10 },
};

/** `contacts` etc. on each side alone, and 5% more (at least 2) on both sides before the first sync. */
function sizeOf(contacts: number, events: number, tasks: number): ChaosSize {
  const shared = (n: number) => Math.max(2, Math.round(n * 0.05));
  return {
    contacts,
    events,
    tasks,
    sharedContacts: shared(contacts),
    sharedEvents: shared(events),
    sharedTasks: shared(tasks),
  };
}

export interface ChaosOptions {
  seed: number;
  sizeName: 'default' | 'full' | 'custom';
  size: ChaosSize;
  rounds: number;
  steps: number;
  diskFull: boolean;
  keep: boolean;
  trace: boolean;
  runTimeoutMs: number;
  /** The command that replays this run. */
  replay: string;
}

function usage(): string {
  return `npm run chaos -- [--full] [--seed N] [--contacts N] [--events N] [--tasks N] [--rounds N] [--steps N] [--no-disk-full] [--keep]
  environment: CHAOS_SEED, CHAOS_CONTACTS, CHAOS_EVENTS, CHAOS_TASKS, CHAOS_ROUNDS, CHAOS_STEPS, CHAOS_DISK_FULL=0, CHAOS_KEEP=1, CHAOS_TRACE=1 (every request to logs/requests.log), CHAOS_RUN_TIMEOUT_S
  default: ${SIZES.default.size.contacts} contacts, ${SIZES.default.size.events} events, ${SIZES.default.size.tasks} tasks each way, ${SIZES.default.rounds} rounds of ${SIZES.default.steps} steps
  --full:  ${SIZES.full.size.contacts} contacts, ${SIZES.full.size.events} events, ${SIZES.full.size.tasks} tasks each way, ${SIZES.full.rounds} rounds of ${SIZES.full.steps} steps\n`;
}

/** Options from the command line, then the environment, then the size's defaults. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): ChaosOptions | string {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['--full', '--no-disk-full', '--keep', '--help'].includes(a)) flags.set(a, true);
    else if (
      ['--seed', '--contacts', '--events', '--tasks', '--rounds', '--steps'].includes(a) &&
      argv[i + 1] !== undefined
    )
      flags.set(a, argv[++i]);
    else return `unknown option ${a}\n${usage()}`;
  }
  if (flags.has('--help')) return usage();
  const number = (flag: string, variable: string): number | undefined => {
    const raw = flags.get(flag) ?? env[variable];
    if (raw === undefined || raw === true || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} (${variable}): a whole number, not "${raw}"`);
    return n;
  };
  try {
    const base = SIZES[flags.has('--full') ? 'full' : 'default'];
    const seed = number('--seed', 'CHAOS_SEED') ?? Math.floor(Math.random() * 2 ** 31);
    const counts = {
      contacts: number('--contacts', 'CHAOS_CONTACTS'),
      events: number('--events', 'CHAOS_EVENTS'),
      tasks: number('--tasks', 'CHAOS_TASKS'),
    };
    const custom = Object.values(counts).some((v) => v !== undefined);
    const size = custom
      ? sizeOf(
          counts.contacts ?? base.size.contacts,
          counts.events ?? base.size.events,
          counts.tasks ?? base.size.tasks,
        )
      : base.size;
    const rounds = number('--rounds', 'CHAOS_ROUNDS') ?? base.rounds;
    const steps = number('--steps', 'CHAOS_STEPS') ?? base.steps;
    const sizeName = custom ? 'custom' : flags.has('--full') ? 'full' : 'default';
    const extra = [
      flags.has('--full') ? '--full' : '',
      ...(['--contacts', '--events', '--tasks', '--rounds', '--steps'] as const).flatMap((f) =>
        flags.has(f) ? [f, String(flags.get(f))] : [],
      ),
    ].filter(Boolean);
    return {
      seed,
      sizeName,
      size,
      rounds: Math.max(1, rounds),
      steps: Math.max(1, steps),
      diskFull: !flags.has('--no-disk-full') && env.CHAOS_DISK_FULL !== '0',
      keep: flags.has('--keep') || env.CHAOS_KEEP === '1',
      trace: env.CHAOS_TRACE === '1',
      runTimeoutMs: (number('', 'CHAOS_RUN_TIMEOUT_S') ?? 900) * 1000,
      replay: `CHAOS_SEED=${seed} npm run chaos${extra.length ? ` -- ${extra.join(' ')}` : ''}`,
    };
  } catch (err) {
    return `${(err as Error).message}\n${usage()}`;
  }
}

/** Findings across every check, each counted once (a record lost stays lost in the checks after). */
class Findings {
  readonly lost = new Map<string, Finding>();
  readonly duplicated = new Map<string, number>();
  readonly editsLost = new Map<string, Finding>();
  readonly unexpected = new Map<string, Finding>();
  /** Each finding once, where it was first seen (a record lost stays lost in the checks after). */
  readonly lines: string[] = [];
  private readonly seen = new Set<string>();
  /** Wrong after a run that said it was done, right again later. */
  readonly transient: string[] = [];

  add(v: Verdict, world: ChaosWorld, when: string): void {
    const id = (f: Finding) => `${f.object}|${f.key}`;
    for (const f of [...v.lost, ...v.resurrected]) this.lost.set(id(f), f);
    for (const f of v.duplicated) {
      const extra = (f.copies ?? 2) - 1;
      this.duplicated.set(
        `${id(f)}|${f.sides[0]}`,
        Math.max(extra, this.duplicated.get(`${id(f)}|${f.sides[0]}`) ?? 0),
      );
    }
    for (const f of v.editsLost) this.editsLost.set(`${id(f)}|${f.sides[0]}`, f);
    for (const f of v.unexpected) this.unexpected.set(`${id(f)}|${f.sides[0]}`, f);
    for (const f of [...v.lost, ...v.resurrected, ...v.duplicated, ...v.editsLost])
      world.model.markBroken(f.object, f.key);
    for (const line of describeVerdict(v, (o, k) => world.model.find(o, k), Infinity)) {
      const what = line.replace(/ \[.*$/, '');
      if (this.seen.has(what)) continue;
      this.seen.add(what);
      this.lines.push(`${when}: ${line}`);
    }
  }

  get extraCopies(): number {
    return [...this.duplicated.values()].reduce((n, c) => n + c, 0);
  }
}

interface RoundSummary {
  round: number;
  steps: Array<{
    label: string;
    edits: string;
    faults: string;
    outcome: string;
    ms: number;
    requests: number;
    serverKill: string | null;
    diskFull: string | null;
    notReached: string[];
  }>;
  afterFaults: { runs: number; converged: boolean; outcomes: string; differences: string[] };
  underFiveXx: {
    edits: string;
    runs: number;
    converged: boolean;
    outcomes: string;
    differences: string[];
    injected: number;
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function stepLine(r: StepResult, step: RoundPlan['steps'][number]): string {
  const f = step.faults;
  const faults = `${Math.round(f.rate * 100)}% [${f.kinds.join(',')}]${f.delayShare ? `, delays ${Math.round(f.delayShare * 100)}% <=${f.maxDelayMs} ms` : ''}`;
  const parts = [
    `${r.label}`,
    `edits ${describeTally(r.edits)}`,
    `faults ${faults}`,
    `engine: ${r.outcome.end === 'idle' ? (r.outcome.pending ? `idle, ${r.outcome.pending} pending` : 'idle') : r.outcome.note}`,
    `${r.requests} requests, ${(r.outcome.ms / 1000).toFixed(1)} s`,
  ];
  if (r.serverKilled) parts.push(`killed ${r.serverKilled}`);
  if (r.diskFilled) parts.push(`disk full ${r.diskFilled}`);
  if (r.notReached.length) parts.push(`not reached: ${r.notReached.join(', ')}`);
  return `  ${parts.join(' | ')}`;
}

function converged(c: Convergence, tried: number): string {
  if (c.converged) return `converged in ${c.runs} run${c.runs === 1 ? '' : 's'} (the next one wrote nothing)`;
  return `NOT converged in ${tried} runs: ${c.differences.length ? c.differences.slice(0, 3).join('; ') : 'the engine never ended a run idle with nothing pending and the next one quiet'}`;
}

export async function runChaos(
  o: ChaosOptions,
): Promise<{ figures: Figure[]; passed: boolean; report: Record<string, unknown> }> {
  const started = Date.now();
  const limits: RunLimits = { runTimeoutMs: o.runTimeoutMs };
  log(`chaos seed: ${o.seed} (replay: ${o.replay})`);
  log(
    `size: ${o.sizeName}: ${o.size.contacts} contacts, ${o.size.events} events, ${o.size.tasks} tasks on each side alone, ${o.size.sharedContacts}/${o.size.sharedEvents}/${o.size.sharedTasks} on both; ${o.rounds} rounds of ${o.steps} steps`,
  );
  const plan = chaosPlan({ seed: o.seed, rounds: o.rounds, steps: o.steps, size: o.size });
  const world = await ChaosWorld.start({ size: o.size, repoRoot: repoRoot(), diskFull: o.diskFull, trace: o.trace });
  // Ctrl+C: stop the servers and unmount the small disk before leaving; the work dir is kept.
  const interrupted = () => void world.close(true).finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const skipped: string[] = [];
  if (!world.disk.available) {
    skipped.push(`full disk: ${world.disk.reason}`);
    log(`full disk: SKIPPED (${world.disk.reason}); the planned disk-full moments are left out`);
  } else {
    log(
      `full disk: the engine's data dir is on a ${CHAOS_DISK_MB} MB tmpfs the harness fills with ballast (${world.disk.dataDir})`,
    );
  }
  log(`work dir: ${world.dir}`);
  const findings = new Findings();
  const rounds: RoundSummary[] = [];
  const outcomes: EngineOutcome[] = [];
  const kills = { engine: 0, server: 0, disk: 0 };
  let fiveXxInjected = 0;
  let failure: unknown = null;
  try {
    for (const round of plan) {
      log(`round ${round.round}: ${round.steps.length} steps under faults`);
      const summary: RoundSummary = { round: round.round, steps: [], afterFaults: null!, underFiveXx: null! };
      for (const step of round.steps) {
        const r = await runChaosStep(world, step, limits);
        outcomes.push(r.outcome);
        if (r.engineKilled) kills.engine += 1;
        if (r.serverKilled) kills.server += 1;
        if (r.diskFilled) kills.disk += 1;
        log(stepLine(r, step));
        summary.steps.push({
          label: r.label,
          edits: describeTally(r.edits),
          faults: `${Math.round(step.faults.rate * 100)}% ${step.faults.kinds.join(',')}`,
          outcome: r.outcome.end === 'idle' ? 'idle' : r.outcome.note,
          ms: r.outcome.ms,
          requests: r.requests,
          serverKill: r.serverKilled,
          diskFull: r.diskFilled,
          notReached: r.notReached,
        });
      }
      const calm = await runUntilConverged(world, TRY_RUNS.afterFaults, limits);
      outcomes.push(...calm.outcomes);
      log(`  faults stopped: ${converged(calm, TRY_RUNS.afterFaults)} (${describeOutcomes(calm.outcomes)})`);
      findings.add(calm.verdict, world, `round ${round.round} after the faults`);
      findings.transient.push(...calm.transient.map((t) => `round ${round.round} after the faults, ${t}`));
      if (calm.converged) world.model.settled();
      summary.afterFaults = {
        runs: calm.runs,
        converged: calm.converged,
        outcomes: describeOutcomes(calm.outcomes),
        differences: calm.differences,
      };

      await world.proxiesQuiet();
      const edits = await applyEdits(world, round.underFiveXx.edits, round.underFiveXx.seed, round.underFiveXx.label);
      const before = world.proxyFaults();
      const stormy = await runUntilConverged(world, TRY_RUNS.underFiveXx, limits, {
        share: FIVE_XX_SHARE,
        seed: round.underFiveXx.seed,
      });
      const after = world.proxyFaults();
      const injected = after['error-before'] - before['error-before'] + after['error-after'] - before['error-after'];
      fiveXxInjected += injected;
      outcomes.push(...stormy.outcomes);
      log(
        `  edits ${describeTally(edits)}, then 5% 5xx (${injected} injected): ${converged(stormy, TRY_RUNS.underFiveXx)} (${describeOutcomes(stormy.outcomes)})`,
      );
      findings.add(stormy.verdict, world, `round ${round.round} under 5% 5xx`);
      findings.transient.push(...stormy.transient.map((t) => `round ${round.round} under 5% 5xx, ${t}`));
      if (stormy.converged) world.model.settled();
      summary.underFiveXx = {
        edits: describeTally(edits),
        runs: stormy.runs,
        converged: stormy.converged,
        outcomes: describeOutcomes(stormy.outcomes),
        differences: stormy.differences,
        injected,
      };
      rounds.push(summary);
    }
  } catch (err) {
    failure = err;
  }

  const proxy = world.proxyFaults();
  const stepErrors = proxy['error-before'] + proxy['error-after'] - fiveXxInjected;
  const worst = (pick: (r: RoundSummary) => { runs: number; converged: boolean }, tried: number) =>
    rounds.length ? Math.max(...rounds.map((r) => (pick(r).converged ? pick(r).runs : tried + 1))) : NaN;
  const runsAfterFaults = worst((r) => r.afterFaults, TRY_RUNS.afterFaults);
  const runsUnderFiveXx = worst((r) => r.underFiveXx, TRY_RUNS.underFiveXx);
  const lost = findings.lost.size;
  const duplicated = findings.extraCopies;
  const hangs = outcomes.filter((x) => x.end === 'timed-out').length;
  const internal = outcomes.filter((x) => x.end === 'failed' && x.errorCode !== 'DISK_FULL');
  const diskFullSeen = outcomes.filter((x) => x.errorCode === 'DISK_FULL').length;
  const faultsInjected =
    stepErrors +
    proxy['reset-before'] +
    proxy['reset-after'] +
    proxy['garbage-after'] +
    proxy.delay +
    kills.engine +
    kills.server +
    kills.disk +
    fiveXxInjected;
  const seconds = (Date.now() - started) / 1000;
  const notConverged = (tried: number) => `not converged in ${tried} runs is written as ${tried + 1}`;

  const figures: Figure[] = [
    { name: 'chaos.seed', value: o.seed, unit: 'seed', note: o.replay },
    {
      name: 'chaos.faults-injected',
      value: faultsInjected,
      unit: 'faults',
      note: 'every kind below, 5xx of the 5% runs included',
    },
    {
      name: 'chaos.faults.5xx',
      value: stepErrors,
      unit: 'faults',
      note: 'proxy 5xx in chaos steps (before or after the server carried it out)',
    },
    {
      name: 'chaos.faults.resets',
      value: proxy['reset-before'] + proxy['reset-after'],
      unit: 'faults',
      note: 'connections reset before forwarding or after the answer',
    },
    {
      name: 'chaos.faults.garbage',
      value: proxy['garbage-after'],
      unit: 'faults',
      note: "200 answers that are not the server's (HTML, cut-off JSON)",
    },
    { name: 'chaos.faults.delays', value: proxy.delay, unit: 'faults', note: 'requests held up to 3 s' },
    { name: 'chaos.faults.engine-kills', value: kills.engine, unit: 'faults', note: 'SIGKILL of the engine mid-run' },
    {
      name: 'chaos.faults.server-kills',
      value: kills.server,
      unit: 'faults',
      note: 'SIGKILL of the org or the mailbox, started again on its data',
    },
    {
      name: 'chaos.faults.disk-full',
      value: kills.disk,
      unit: 'faults',
      note: world.disk.available
        ? `tmpfs filled during a run; the engine reported DISK_FULL in ${diskFullSeen}`
        : `SKIPPED: ${world.disk.reason}`,
    },
    {
      name: 'chaos.faults.5xx-under-5pct',
      value: fiveXxInjected,
      unit: 'faults',
      note: 'in the runs under 5% injected 5xx',
    },
    {
      name: 'chaos.engine-runs',
      value: outcomes.length,
      unit: 'runs',
      note: `${outcomes.filter((x) => x.end === 'killed').length} killed, ${outcomes.filter((x) => x.end === 'stopped').length} stopped, ${outcomes.filter((x) => x.end === 'failed').length} failed, ${outcomes.filter((x) => x.end === 'idle').length} idle`,
    },
    {
      name: 'chaos.runs-to-converge',
      value: runsAfterFaults,
      unit: 'runs',
      note: `worst round, after the faults stop (target <= ${TARGETS.runsAfterFaults}; ${notConverged(TRY_RUNS.afterFaults)})`,
    },
    {
      name: 'chaos.runs-to-converge-under-5pct-5xx',
      value: runsUnderFiveXx,
      unit: 'runs',
      note: `worst round, 5% of all requests 5xx (target <= ${TARGETS.runsUnderFiveXx}; ${notConverged(TRY_RUNS.underFiveXx)})`,
    },
    {
      name: 'chaos.records-lost',
      value: lost,
      unit: 'records',
      note: `missing on a side, or deleted and back (target 0)`,
    },
    {
      name: 'chaos.records-duplicated',
      value: duplicated,
      unit: 'records',
      note: 'extra copies of a key on a side (target 0)',
    },
    {
      name: 'chaos.edits-lost',
      value: findings.editsLost.size,
      unit: 'records',
      note: "a side holds another value than the user's last edit (target 0)",
    },
    {
      name: 'chaos.records-unexpected',
      value: findings.unexpected.size,
      unit: 'records',
      note: 'records the user never made (target 0)',
    },
    {
      name: 'chaos.transient-wrong-records',
      value: findings.transient.length,
      unit: 'records',
      note: 'wrong after a run that said it was done, put right by a later run (a delete undone for a run, ...)',
    },
    {
      name: 'chaos.engine-hangs',
      value: hangs,
      unit: 'runs',
      note: `runs killed after ${o.runTimeoutMs / 1000} s (target 0)`,
    },
    {
      name: 'chaos.runs-failed-internal',
      value: internal.length,
      unit: 'runs',
      note: 'runs that ended with an INTERNAL error or no JSON (not killed, not a full disk)',
    },
    {
      name: 'chaos.records-at-end',
      value: world.model.all().filter((r) => r.alive).length,
      unit: 'records',
      note: 'what the user holds on each side',
    },
    { name: 'chaos.seconds', value: seconds, unit: 's', note: 'wall time, servers started and seeded included' },
  ];
  const targets = [
    { name: 'chaos.records-lost', met: lost === 0 },
    { name: 'chaos.records-duplicated', met: duplicated === 0 },
    { name: 'chaos.edits-lost', met: findings.editsLost.size === 0 },
    { name: 'chaos.records-unexpected', met: findings.unexpected.size === 0 },
    { name: 'chaos.runs-to-converge', met: runsAfterFaults <= TARGETS.runsAfterFaults },
    { name: 'chaos.runs-to-converge-under-5pct-5xx', met: runsUnderFiveXx <= TARGETS.runsUnderFiveXx },
    { name: 'chaos.engine-hangs', met: hangs === 0 },
  ];
  const passed = failure === null && targets.every((t) => t.met);
  const keepDir = o.keep || !passed;
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  await world.close(keepDir);
  const report = {
    seed: o.seed,
    replay: o.replay,
    size: o.sizeName,
    params: { ...o.size, rounds: o.rounds, steps: o.steps },
    passed,
    targets,
    skipped,
    findings: findings.lines,
    transient: findings.transient,
    internalFailures: internal.map((x) => x.note),
    harnessError: failure ? String((failure as Error).stack ?? failure) : null,
    rounds,
    workDir: keepDir ? world.dir : null,
    figures: figures.map(({ name, value, unit }) => ({ name, value, unit })),
  };
  if (failure) throw Object.assign(failure as Error, { chaos: { figures, report } });
  return { figures, passed, report };
}

function write(report: Record<string, unknown>): string {
  const file = path.join(repoRoot(), 'bench', 'chaos.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2), process.env);
  if (typeof o === 'string') {
    process.stderr.write(o);
    return o.startsWith('npm run chaos') ? 0 : 2;
  }
  try {
    const { figures, passed, report } = await runChaos(o);
    printTable(figures);
    for (const line of report.findings as string[]) log(`  ${line}`);
    for (const line of report.transient as string[]) log(`  transient: ${line}`);
    for (const line of report.internalFailures as string[]) log(`  internal failure: ${line}`);
    log(`written to ${write(report)}`);
    const missed = (report.targets as Array<{ name: string; met: boolean }>).filter((t) => !t.met).map((t) => t.name);
    if (report.workDir) log(`work dir kept: ${report.workDir} (servers' logs, every engine run's output in logs/)`);
    log(passed ? 'chaos: every target met' : `chaos: TARGETS MISSED: ${missed.join(', ')} (replay: ${o.replay})`);
    return passed ? 0 : 1;
  } catch (err) {
    const partial = (err as { chaos?: { figures: Figure[]; report: Record<string, unknown> } }).chaos;
    if (partial) {
      printTable(partial.figures);
      log(`written to ${write(partial.report)}`);
    }
    process.stderr.write(`chaos: the harness failed: ${(err as Error).stack ?? err}\n(replay: ${o.replay})\n`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
