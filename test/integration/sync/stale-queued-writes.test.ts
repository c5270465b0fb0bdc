/**
 * A queued write sent again after a crash (issue 11, finding 4) is planned again against what the target holds
 * now: the engine (a child process) is killed with SIGKILL while its update to the target waits, before the server
 * saw it or after the server carried it out; the user then edits the target; the next run finds the target changed
 * since the write was planned and decides as for any conflict (the configured winner's version ends on both sides,
 * reported as a conflict) instead of overwriting the newer edit unseen. Contacts go to Outlook (Graph's If-Match),
 * events to Salesforce (SystemModstamp read again before the update); each for both winners, killed before and after.
 * Also events to Outlook. (A create whose answer the crash lost, its record then edited or deleted: retried-creates.test.ts.)
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet, dayFromToday } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';
import { REPO_ROOT } from '../../helpers/shared';
import { contentOf, outlookRecords, salesforceRecords } from '../../helpers/sync-sides';
import { SyncObject } from '../../../sync-engine/src/sync/objects';
import { Canonical } from '../../../sync-engine/src/sync/types';

const ANN = 'ann@test.example';
const ENGINE = path.join(REPO_ROOT, 'build', 'test', 'helpers', 'sync-child.js');
type Winner = 'salesforce' | 'outlook';
type Kill = 'before the server saw it' | 'after the server carried it out';

interface Case {
  object: SyncObject;
  /** The side the queued write goes to; the other side's edit made it. */
  target: 'salesforce' | 'outlook';
  winner: Winner;
  kill: Kill;
  /** The record's name (contact last name, event subject). */
  name: string;
}

const CASES: Case[] = [];
const KILLS: Kill[] = ['before the server saw it', 'after the server carried it out'];
for (const [object, target] of [
  ['contacts', 'outlook'],
  ['events', 'salesforce'],
] as const) {
  for (const winner of ['salesforce', 'outlook'] as const) {
    for (const kill of KILLS) CASES.push({ object, target, winner, kill, name: `Stale ${object} ${CASES.length}` });
  }
}
for (const kill of KILLS)
  CASES.push({
    object: 'events',
    target: 'outlook',
    winner: 'outlook',
    kill,
    name: `Stale events ${CASES.length}`,
  });

describe('sync engine: a write queued before a crash does not overwrite a newer edit of its target', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let mailboxProxy: FaultProxy;
  let orgProxy: FaultProxy;
  /** The write to hold for the case being run, and what to do then. */
  let armed: { matches: (req: SeenRequest) => boolean; kill: Kill; child?: ChildProcess; done: boolean } | null = null;

  const killChild = async () => {
    const a = armed!;
    a.done = true;
    const exited = new Promise((resolve) => a.child!.once('exit', resolve));
    a.child!.kill('SIGKILL');
    await exited;
  };
  const decide = (req: SeenRequest) => {
    if (!armed || !armed.matches(req)) return null;
    return armed.kill === 'before the server saw it' ? ('reset-before' as const) : ('reset-after' as const);
  };
  const proxyFor = (target: string) =>
    startFaultProxy({
      target,
      decide,
      beforeForward: async (req) => {
        if (armed && !armed.done && armed.kill === 'before the server saw it' && armed.matches(req)) await killChild();
      },
      beforeAnswer: async (req) => {
        if (armed && !armed.done && armed.kill === 'after the server carried it out' && armed.matches(req))
          await killChild();
      },
    });

  before(async () => {
    const start = (i: number) => `${dayFromToday(5 + i)}T15:00:00`;
    w = await startSyncWorld({
      records: {
        Contact: CASES.filter((c) => c.object === 'contacts').map((c) => ({
          FirstName: 'Queued',
          LastName: c.name,
          Email: `${c.name.replace(/ /g, '.').toLowerCase()}@stale.example`,
          Title: 'Buyer',
        })),
      },
      mailbox: {
        events: CASES.filter((c) => c.object === 'events').map((c, i) => ({
          subject: c.name,
          start: { dateTime: start(i), timeZone: 'UTC' },
          end: { dateTime: start(i).replace('T15', 'T16'), timeZone: 'UTC' },
          location: { displayName: 'Room 1' },
        })),
      },
      keepSeedContact: false,
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'both', winner: 'salesforce' },
          tasks: { direction: 'none' },
        },
      },
    });
    mailboxProxy = await proxyFor(w.mailbox.url);
    orgProxy = await proxyFor(w.org.url);
    w.reconfigure({
      mailbox: { url: mailboxProxy.url, token: ANN_TOKEN },
      org: { loginUrl: orgProxy.url, username: ANN, password: 'Ann-pass-1' },
    });
    const { report } = await w.run();
    const seeded = (object: SyncObject) => CASES.filter((c) => c.object === object).length;
    assert.deepEqual(
      [report.counts.outlook.contacts.created, report.counts.salesforce.events.created],
      [seeded('contacts'), seeded('events')],
    );
    assertQuiet((await w.run()).report, 'the run after the first');
  });
  after(async () => {
    await mailboxProxy?.close();
    await orgProxy?.close();
    await w?.close();
  });

  const sfContact = async (name: string) =>
    (await w.query(`SELECT Id, Title, Department FROM Contact WHERE LastName = '${name}'`))[0];
  const olContact = async (name: string) => (await w.list('/me/contacts?$top=100')).find((c) => c.surname === name);
  const sfEvent = async (name: string) =>
    (await w.query(`SELECT Id, Location, Description FROM Event WHERE Subject = '${name}'`))[0];
  const olEvent = async (name: string) => (await w.list('/me/events?$top=100')).find((e) => e.subject === name);
  const canonical = async (
    object: SyncObject,
    side: 'salesforce' | 'outlook',
    name: string,
  ): Promise<Canonical | undefined> => {
    const records =
      side === 'salesforce'
        ? await salesforceRecords(w.org, object, ANN)
        : await outlookRecords(w.mailbox, object, ANN_TOKEN);
    return records.find(
      (r) =>
        (object === 'contacts'
          ? (r.data as { lastName: string }).lastName
          : (r.data as { subject: string }).subject) === name,
    )?.data;
  };

  for (const c of CASES) {
    const { target } = c;
    it(`${c.object} to ${target}, winner ${c.winner}, killed ${c.kill}: the target's newer edit is ${c.winner === target ? 'kept' : 'a conflict the source wins'}`, async () => {
      w.reconfigure({
        objects: {
          contacts: { direction: 'both', winner: c.winner },
          events: { direction: 'both', winner: c.winner },
          tasks: { direction: 'none' },
        },
      });
      w.engine.close();
      // The source's edit, which the engine queues for the target.
      let matches: (req: SeenRequest) => boolean;
      if (c.object === 'contacts') {
        const sf = await sfContact(c.name);
        const ol = await olContact(c.name);
        assert.equal((await w.sf.patch(`/sobjects/Contact/${sf.Id}`, { Title: 'Edited in Salesforce' })).status, 204);
        matches = (req) =>
          subrequestsOf(req).some((s) => s.method === 'PATCH' && decodeURIComponent(s.url).includes(ol.id));
      } else if (target === 'outlook') {
        const sf = await sfEvent(c.name);
        const ol = await olEvent(c.name);
        assert.equal((await w.sf.patch(`/sobjects/Event/${sf.Id}`, { Location: 'Edited in Salesforce' })).status, 204);
        matches = (req) =>
          subrequestsOf(req).some((s) => s.method === 'PATCH' && decodeURIComponent(s.url).includes(ol.id));
      } else {
        const sf = await sfEvent(c.name);
        const ol = await olEvent(c.name);
        assert.equal(
          (await w.graph.patch(`/me/events/${ol.id}`, { location: { displayName: 'Edited in Outlook' } })).status,
          200,
        );
        // Updates to Salesforce go as conditional sObject Rows PATCHes in a Composite call.
        matches = (req) => req.method === 'POST' && /\/composite$/.test(req.url) && req.body.includes(sf.Id);
      }
      armed = { matches, kill: c.kill, done: false };
      const child = spawn(process.execPath, [ENGINE, w.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      armed.child = child;
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b));
      const ended = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code, signal })),
      );
      assert.ok(armed.done, `the engine ended before its write to ${target} (${JSON.stringify(ended)}): ${stderr}`);
      assert.equal(ended.signal, 'SIGKILL');
      armed = null;

      // The user edits the target meanwhile.
      if (c.object === 'contacts') {
        const ol = await olContact(c.name);
        if (c.kill === 'after the server carried it out')
          assert.equal(ol.jobTitle, 'Edited in Salesforce', "the killed engine's write reached Outlook");
        assert.equal((await w.graph.patch(`/me/contacts/${ol.id}`, { department: 'Edited in Outlook' })).status, 200);
      } else if (target === 'outlook') {
        const ol = await olEvent(c.name);
        if (c.kill === 'after the server carried it out')
          assert.equal(ol.location.displayName, 'Edited in Salesforce', "the killed engine's write reached Outlook");
        assert.equal(
          (await w.graph.patch(`/me/events/${ol.id}`, { body: { contentType: 'text', content: 'Edited in Outlook' } }))
            .status,
          200,
        );
      } else {
        const sf = await sfEvent(c.name);
        if (c.kill === 'after the server carried it out')
          assert.equal(sf.Location, 'Edited in Outlook', "the killed engine's write reached Salesforce");
        assert.equal(
          (await w.sf.patch(`/sobjects/Event/${sf.Id}`, { Description: 'Edited in Salesforce' })).status,
          204,
        );
      }
      const winnerHeld = await canonical(c.object, c.winner, c.name);

      w.reconfigure({});
      const { report } = await w.run();
      assert.deepEqual(report.errors, []);
      const sf = await canonical(c.object, 'salesforce', c.name);
      const ol = await canonical(c.object, 'outlook', c.name);
      assert.ok(sf && ol && winnerHeld);
      assert.equal(contentOf(sf), contentOf(ol), 'both sides hold the same record');
      assert.equal(contentOf(sf), contentOf(winnerHeld), `both sides hold what ${c.winner} held`);
      if (c.winner === target) {
        const kept =
          c.object === 'contacts'
            ? (ol as { department: string }).department
            : ((target === 'outlook' ? ol : sf) as { notes: string }).notes;
        assert.equal(
          kept,
          `Edited in ${c.winner === 'salesforce' ? 'Salesforce' : 'Outlook'}`,
          'the newer edit is kept',
        );
      }
      assert.equal(report.conflicts[c.object], 1, 'the edit made after the write was queued is a conflict');
      assert.equal(
        (await w.list('/me/contacts?$top=100')).filter((x) => x.surname === c.name).length,
        c.object === 'contacts' ? 1 : 0,
        'no duplicate',
      );
      assertQuiet((await w.run()).report, 'the run after');
    });
  }
});
