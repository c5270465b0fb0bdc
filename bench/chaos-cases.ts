/**
 * `node build/bench/chaos-cases.js` (after `npm run build`): the ways `npm run chaos` found to lose what the user
 * did, each replayed on purpose, step by step, in a world of one contact and one event each way (the same
 * servers, proxies, CLI and oracle as the harness). Each case prints what the oracle finds and passes when it finds
 * nothing wrong; exit 1 when one fails. Seconds each: a check for whoever fixes the engine.
 */
import { ChaosWorld } from './chaos-world';
import { ChaosObject, Side } from './chaos-records';
import { SideRecord } from './chaos-clients';
import { startEngineRun, EngineOutcome, EngineRunHandle } from './chaos-engine-run';
import { describeVerdict, judge, readSnapshot } from './chaos-oracle';
import { repoRoot } from './figures';
import { subrequestsOf } from '../test/helpers/fault-proxy';

const ONE = { contacts: 1, events: 1, tasks: 0, sharedContacts: 0, sharedEvents: 0, sharedTasks: 0 };

interface Case {
  name: string;
  /** What the user and the engine do, in words (the report's steps). */
  steps: string;
  /** Runs the steps; returns what went wrong after them (empty: nothing). */
  play(w: CaseWorld): Promise<string[]>;
  /**
   * Why the engine cannot get this case right (a limit of a side's API, not a bug to fix): it is played and what the
   * oracle finds is printed, marked LIMIT, and it does not fail the command.
   */
  limit?: string;
}

/** A world with the few moves the cases need. */
class CaseWorld {
  constructor(readonly world: ChaosWorld) {}

  run(): EngineRunHandle {
    return startEngineRun(this.world.repoRoot, this.world.configFile, `${this.world.dir}/logs/engine-runs.log`, 60_000);
  }

  /** One run to its end; fails the case when it did not end idle. */
  async runToEnd(what: string): Promise<EngineOutcome> {
    const o = await this.run().done;
    if (o.end !== 'idle') throw new Error(`${what}: the run did not end idle: ${o.note}`);
    return o;
  }

  /**
   * A run killed as the first request `matches` reaches the proxies (the request itself still goes through); a Graph
   * `$batch` matches when a request it carries does.
   */
  async runKilledAt(what: string, matches: (side: Side, method: string, url: string) => boolean): Promise<void> {
    const run = this.run();
    this.world.onRequest = (side, req) => {
      if (subrequestsOf(req).some((r) => matches(side, r.method, r.url))) run.kill(what);
    };
    const o = await run.done;
    this.world.onRequest = null;
    await this.world.proxiesQuiet();
    if (o.end !== 'killed') throw new Error(`the run was to be killed ${what}, it ended ${o.end}: ${o.note}`);
  }

  async find(side: Side, object: ChaosObject, key: string): Promise<SideRecord> {
    const user = side === 'salesforce' ? this.world.salesforce : this.world.outlook;
    const r = (await user.list(object)).find((x) => x.key === key);
    if (!r) throw new Error(`${object} ${key} is not in ${side}`);
    return r;
  }

  async remove(side: Side, object: ChaosObject, key: string): Promise<void> {
    const r = await this.find(side, object, key);
    await (side === 'salesforce' ? this.world.salesforce : this.world.outlook).remove(object, r.id);
    this.world.model.deleted(object, key, side, 'the case');
  }

  /** What the oracle finds wrong now. */
  async wrong(): Promise<string[]> {
    const v = judge(this.world.model.all(), await readSnapshot(this.world.salesforce, this.world.outlook));
    return describeVerdict(v, (o, k) => this.world.model.find(o, k), Infinity);
  }
}

const SF_CONTACT = 'sf-c-0@chaos.example';
const OL_CONTACT = 'ol-c-0@chaos.example';
const SF_EVENT = 'Chaos sf event 0';
const upsert = (side: Side, _method: string, url: string) =>
  side === 'salesforce' && url.includes('/composite/sobjects/Contact/OutlookId__c');

export const CASES: Case[] = [
  {
    name: 'an Outlook delete of a copy the engine made in its last run',
    steps: 'run 1 copies a Salesforce contact to Outlook; the user deletes the copy in Outlook; runs 2 and 3',
    async play(w) {
      await w.runToEnd('run 1');
      await w.remove('outlook', 'contacts', SF_CONTACT);
      await w.runToEnd('run 2');
      await w.runToEnd('run 3');
      return w.wrong();
    },
  },
  {
    name: 'a Salesforce delete before a create is sent again',
    steps:
      'run 1 is killed as its upsert of an Outlook contact reaches the org (carried out, answer lost); the user deletes the new Salesforce contact; runs 2 and 3',
    async play(w) {
      await w.runKilledAt('at the Salesforce upsert', upsert);
      await w.remove('salesforce', 'contacts', OL_CONTACT);
      await w.runToEnd('run 2');
      await w.runToEnd('run 3');
      return w.wrong();
    },
  },
  {
    name: 'a Salesforce edit before a create is sent again',
    steps:
      "run 1 is killed as its upsert of an Outlook contact reaches the org; the user edits the new Salesforce contact's title; runs 2 and 3",
    async play(w) {
      await w.runKilledAt('at the Salesforce upsert', upsert);
      const copy = await w.find('salesforce', 'contacts', OL_CONTACT);
      await w.world.salesforce.update('contacts', copy.id, { Title: 'Edited in Salesforce' });
      w.world.model.edited('contacts', OL_CONTACT, 'Edited in Salesforce', 'salesforce', 'the case');
      await w.runToEnd('run 2');
      await w.runToEnd('run 3');
      return w.wrong();
    },
  },
  {
    name: 'an Outlook delete before a create is sent again',
    limit:
      'Graph keeps no tombstone a client can look up, and a delta reports the delete only of an item its token knew: a copy deleted before the retry cannot be told from a create that never reached the mailbox, so it is made again (the Salesforce side finds its own in the recycle bin)',
    steps:
      'run 1 is killed as its POST of a Salesforce contact reaches the mailbox (carried out, answer lost); the user deletes the new Outlook contact; runs 2 and 3',
    async play(w) {
      await w.runKilledAt(
        'at the Outlook create',
        (side, method, url) => side === 'outlook' && method === 'POST' && url.endsWith('/me/contacts'),
      );
      await w.remove('outlook', 'contacts', SF_CONTACT);
      await w.runToEnd('run 2');
      await w.runToEnd('run 3');
      return w.wrong();
    },
  },
  {
    name: 'an Outlook delete whose Salesforce delete waits in the queue (wrong for one run)',
    steps:
      "runs 1 and 2 sync; the user deletes a Salesforce event's copy in Outlook and edits a Salesforce contact; run 3 plans both and is killed at its first write (the contact's), so the event's delete waits unsent; run 4 (within 5 minutes: the read overlap) is checked",
    async play(w) {
      await w.runToEnd('run 1');
      await w.runToEnd('run 2');
      await w.remove('outlook', 'events', SF_EVENT);
      const contact = await w.find('salesforce', 'contacts', SF_CONTACT);
      await w.world.salesforce.update('contacts', contact.id, { Title: 'Edited in Salesforce' });
      w.world.model.edited('contacts', SF_CONTACT, 'Edited in Salesforce', 'salesforce', 'the case');
      await w.runKilledAt('at its first write', (side, method) => side === 'outlook' && method === 'PATCH');
      await w.runToEnd('run 4');
      const afterRun4 = (await w.wrong()).map((line) => `after run 4: ${line}`);
      await w.runToEnd('run 5');
      return [...afterRun4, ...(await w.wrong()).map((line) => `after run 5: ${line}`)];
    },
  },
];

async function main(): Promise<number> {
  let failed = 0;
  for (const c of CASES) {
    const world = await ChaosWorld.start({ size: ONE, repoRoot: repoRoot(), diskFull: false });
    let wrong: string[];
    try {
      wrong = await c.play(new CaseWorld(world));
    } catch (err) {
      wrong = [`the case could not be played: ${(err as Error).message}`];
    } finally {
      await world.close(false);
    }
    if (wrong.length && !c.limit) failed += 1;
    const mark = !wrong.length ? 'ok  ' : c.limit ? 'LIMIT' : 'FAIL';
    const limit = wrong.length && c.limit ? `     limit: ${c.limit}\n` : '';
    process.stdout.write(
      `${mark} ${c.name}\n     steps: ${c.steps}\n${wrong.map((l) => `     ${l}\n`).join('')}${limit}`,
    );
  }
  const limits = CASES.filter((c) => c.limit).length;
  process.stdout.write(
    `${CASES.length - failed} of ${CASES.length} cases pass or are known limits (${limits} known limit${limits === 1 ? '' : 's'})\n`,
  );
  return failed ? 1 : 0;
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
