/**
 * The chaos harness (`npm run chaos`, bench/chaos.ts) at a tiny scale, so `npm test` keeps it working and keeps
 * its oracle honest: the schedule replays from its seed; the oracle, on sides built by hand, names each kind of
 * damage; and end to end (a real org and mailbox in their own processes, the proxies, the engine's CLI killed
 * twice), the sides converge clean, then a duplicate and a loss planted behind the engine's back are found.
 */
import assert from 'node:assert/strict';
import { chaosPlan, ChaosSize, Edits, StepPlan } from '../../bench/chaos-plan';
import { ChaosWorld } from '../../bench/chaos-world';
import { runChaosStep, runUntilConverged } from '../../bench/chaos-steps';
import { Snapshot, differences, judge, readSnapshot, recordsLost } from '../../bench/chaos-oracle';
import { ExpectedRecords } from '../../bench/chaos-model';
import { OBJECTS, salesforceFields } from '../../bench/chaos-records';
import { parseOptions } from '../../bench/chaos';
import { REPO_ROOT } from '../helpers/shared';

const SEED = 20261205;
const TINY: ChaosSize = { contacts: 8, events: 3, tasks: 3, sharedContacts: 2, sharedEvents: 1, sharedTasks: 1 };

const none = () => ({ create: 0, edit: 0, delete: 0 });
const noEdits = (): Edits => ({
  salesforce: { contacts: none(), events: none(), tasks: none() },
  outlook: { contacts: none(), events: none(), tasks: none() },
});

describe('chaos harness: the schedule and the oracle', () => {
  it('the same seed gives the same schedule; another seed another one', () => {
    const o = { rounds: 2, steps: 5, size: TINY };
    assert.deepEqual(chaosPlan({ seed: SEED, ...o }), chaosPlan({ seed: SEED, ...o }));
    assert.notDeepEqual(chaosPlan({ seed: SEED + 1, ...o }), chaosPlan({ seed: SEED, ...o }));
  });

  it('CHAOS_SEED and the flags make the replay command', () => {
    const o = parseOptions(['--full', '--steps', '4'], { CHAOS_SEED: '42' });
    assert.ok(typeof o !== 'string', String(o));
    assert.equal(o.seed, 42);
    assert.equal(o.steps, 4);
    assert.equal(o.sizeName, 'full');
    assert.equal(o.replay, 'CHAOS_SEED=42 npm run chaos -- --full --steps 4');
    assert.match(String(parseOptions(['--seed', 'x'], {})), /^--seed \(CHAOS_SEED\): a whole number/);
  });

  it('names a loss, a delete undone, a duplicate, a lost edit and a stranger, and nothing on sides that agree', () => {
    const model = new ExpectedRecords();
    model.seeded('contacts', 'a@chaos.example', 'Buyer', 'salesforce');
    model.seeded('contacts', 'b@chaos.example', null, 'outlook');
    model.seeded('events', 'Chaos sf event 1', 'Room 1', 'salesforce');
    model.seeded('tasks', 'Chaos ol task 1', 'Notes', 'outlook');
    const rec = (id: string, key: string | null, value: string | null) => ({ id, key, value });
    const clean: Snapshot = {
      salesforce: {
        contacts: [rec('s1', 'a@chaos.example', 'Buyer'), rec('s2', 'b@chaos.example', null)],
        events: [rec('s3', 'Chaos sf event 1', 'Room 1')],
        tasks: [rec('s4', 'Chaos ol task 1', 'Notes')],
      },
      outlook: {
        contacts: [rec('o1', 'a@chaos.example', 'Buyer'), rec('o2', 'b@chaos.example', null)],
        events: [rec('o3', 'Chaos sf event 1', 'Room 1')],
        tasks: [rec('o4', 'Chaos ol task 1', 'Notes')],
      },
    };
    const nothing = judge(model.all(), clean);
    assert.deepEqual(
      [nothing.lost, nothing.resurrected, nothing.duplicated, nothing.editsLost, nothing.unexpected],
      [[], [], [], [], []],
    );
    assert.deepEqual(differences(clean), []);

    model.deleted('tasks', 'Chaos ol task 1', 'outlook', 'r1s1');
    model.edited('events', 'Chaos sf event 1', 'Room 2', 'salesforce', 'r1s1');
    const damaged: Snapshot = {
      salesforce: {
        contacts: [
          rec('s1', 'a@chaos.example', 'Buyer'),
          rec('s2', 'b@chaos.example', null),
          rec('s5', 'b@chaos.example', null),
        ],
        events: [rec('s3', 'Chaos sf event 1', 'Room 2')],
        tasks: [rec('s4', 'Chaos ol task 1', 'Notes')],
      },
      outlook: {
        contacts: [rec('o2', 'b@chaos.example', null), rec('o9', null, null)],
        events: [rec('o3', 'Chaos sf event 1', 'Room 1')],
        tasks: [],
      },
    };
    const v = judge(model.all(), damaged);
    assert.deepEqual(
      v.lost.map((f) => [f.object, f.key, f.sides]),
      [['contacts', 'a@chaos.example', ['outlook']]],
    );
    assert.deepEqual(
      v.resurrected.map((f) => [f.object, f.key, f.sides]),
      [['tasks', 'Chaos ol task 1', ['salesforce']]],
    );
    assert.deepEqual(
      v.duplicated.map((f) => [f.object, f.key, f.sides, f.copies]),
      [['contacts', 'b@chaos.example', ['salesforce'], 2]],
    );
    assert.equal(v.extraCopies, 1);
    assert.deepEqual(
      v.editsLost.map((f) => [f.object, f.key, f.sides]),
      [['events', 'Chaos sf event 1', ['outlook']]],
    );
    assert.deepEqual(
      v.unexpected.map((f) => [f.object, f.key, f.sides]),
      [['contacts', '(no key, id o9)', ['outlook']]],
    );
    assert.equal(recordsLost(v), 2);
  });
});

describe('chaos harness: end to end at a tiny scale (real servers, the CLI killed twice)', function () {
  this.timeout(60_000);
  let world: ChaosWorld;
  const limits = { runTimeoutMs: 30_000 };

  before(async () => {
    world = await ChaosWorld.start({ size: TINY, repoRoot: REPO_ROOT, diskFull: false });
  });
  after(async () => {
    await world?.close(false);
  });

  // Delays only where the engine is killed (a fault could stop the run before the kill point); every fault kind after.
  const step = (label: string, seed: number, killAt: number | null, edits: Edits, rate: number): StepPlan => ({
    label,
    seed,
    edits,
    faults: {
      rate,
      kinds: ['error-before', 'error-after', 'reset-after', 'garbage-after'],
      delayShare: 0.05,
      maxDelayMs: 50,
    },
    engineKill: killAt === null ? null : { by: 'requests', n: killAt },
    serverKill: null,
    diskFull: null,
  });

  it('two SIGKILLs and a run under proxy faults, then the sides converge with nothing lost or doubled', async () => {
    const first = await runChaosStep(world, step('t1', SEED, 5, noEdits(), 0), limits);
    assert.equal(first.outcome.end, 'killed', `the first run: ${first.outcome.note}`);
    const edits = noEdits();
    edits.salesforce.contacts = { create: 1, edit: 1, delete: 1 };
    edits.outlook.contacts = { create: 1, edit: 1, delete: 0 };
    edits.outlook.tasks = { create: 1, edit: 0, delete: 0 };
    const second = await runChaosStep(world, step('t2', SEED + 1, 12, edits, 0), limits);
    assert.equal(second.outcome.end, 'killed', `the second run: ${second.outcome.note}`);
    assert.equal(second.edits.salesforce.delete, 1);
    const third = await runChaosStep(world, step('t3', SEED + 2, null, noEdits(), 0.1), limits);
    assert.notEqual(third.outcome.end, 'timed-out');

    const calm = await runUntilConverged(world, 5, limits);
    assert.ok(calm.converged, `not converged in 5 runs: ${calm.differences.join('; ')}`);
    const v = calm.verdict;
    assert.deepEqual([v.lost, v.resurrected, v.duplicated, v.editsLost, v.unexpected], [[], [], [], [], []]);
    const total = OBJECTS.reduce((n, o) => n + calm.snapshot.salesforce[o].length, 0);
    assert.equal(total, 2 * (8 + 3 + 3) + 2 + 1 + 1 + 3 - 1, 'every seeded and created record, less the deleted one');
  });

  it("finds a duplicate and a loss planted behind the engine's back", async () => {
    // A second Salesforce contact with the key of a live one, and an Outlook contact deleted by hand.
    const alive = world.model
      .all()
      .filter((r) => r.object === 'contacts' && r.alive)
      .map((r) => r.key)
      .sort();
    const [twin, gone] = [alive[0], alive[1]];
    await world.salesforce.create(
      'contacts',
      salesforceFields(
        { object: 'contacts', key: twin, value: world.model.find('contacts', twin)!.value, n: 3 },
        world.today,
      ),
    );
    const victim = (await world.outlook.list('contacts')).find((r) => r.key === gone);
    assert.ok(victim, `${gone} is in Outlook before it is taken away`);
    await world.outlook.remove('contacts', victim.id);

    const snap = await readSnapshot(world.salesforce, world.outlook);
    const v = judge(world.model.all(), snap);
    assert.deepEqual(
      v.duplicated.map((f) => [f.object, f.key, f.sides, f.copies]),
      [['contacts', twin, ['salesforce'], 2]],
    );
    assert.deepEqual(
      v.lost.map((f) => [f.object, f.key, f.sides]),
      [['contacts', gone, ['outlook']]],
    );
    assert.equal(recordsLost(v), 1);
    assert.equal(v.extraCopies, 1);
    assert.deepEqual([v.resurrected, v.editsLost, v.unexpected], [[], [], []]);
    assert.equal(differences(snap).length, 2, 'the sides no longer agree on those two');
  });
});
