/**
 * Regressions found in review (issue 11, finding 1): a read that lists a side in full (the calendar view's weekly
 * renewal, a delta token the mailbox forgot) carries no `@removed`, and nothing compared the listing with the links,
 * so every record deleted since the last run stayed on the other side for good. A complete listing now ends with
 * "linked but not listed = deleted" (for events: only those whose copy lies inside the window that was listed),
 * through the delete guard; a listing that stopped part way concludes nothing.
 *
 * Real servers on loopback; the engine's and the org's clock is one clock moved by hand.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld } from '../../helpers/sync';
import { ManualClock } from '../../helpers/org';

const DAY_MS = 86_400_000;
const NY = 'America/New_York';
const D = (n: number) => dayFromToday(n);
const olEvent = (subject: string, day: string, hour = 10) => ({
  subject,
  start: { dateTime: `${day}T${String(hour).padStart(2, '0')}:00:00`, timeZone: NY },
  end: { dateTime: `${day}T${String(hour).padStart(2, '0')}:30:00`, timeZone: NY },
});
const EVENTS_ONLY = {
  contacts: { direction: 'none' },
  events: { direction: 'both', winner: 'salesforce' },
  tasks: { direction: 'none' },
};

describe('sync engine: a full listing ends with "linked but not listed = deleted"', function () {
  this.timeout(60_000);
  let w: SyncWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  const sfSubjects = async () =>
    (await w!.query("SELECT Subject FROM Event WHERE Owner.Username = 'ann@test.example' ORDER BY Subject")).map(
      (e) => e.Subject as string,
    );
  const olEvents = () =>
    w!.list(`/me/calendarView?startDateTime=${D(-29)}T00:00:00Z&endDateTime=${D(364)}T00:00:00Z&$top=200`);

  for (const days of [6, 8, 40]) {
    it(`Outlook events deleted before a run ${days} days later leave Salesforce${days > 7 ? ' (a new calendar view round)' : ''}; one the window left behind stays`, async () => {
      const clock = new ManualClock(new Date());
      w = await startSyncWorld({
        engineClock: clock,
        orgClock: clock,
        config: { objects: EVENTS_ONLY },
        mailbox: {
          events: [
            ...['Keep A', 'Keep B', 'Keep C'].map((s, i) => olEvent(s, D(50 + i))),
            ...['Gone 1', 'Gone 2', 'Gone 3'].map((s, i) => olEvent(s, D(60 + i))),
            olEvent('Last month', D(-25)),
          ],
        },
      });
      assert.equal((await w.run()).report.counts.salesforce.events.created, 7);
      for (const e of (await olEvents()).filter((x) => String(x.subject).startsWith('Gone'))) {
        assert.equal((await w.graph.delete(`/me/events/${e.id}`)).status, 204);
      }
      clock.advance(days * DAY_MS);
      const { report } = await w.run();
      assert.deepEqual(report.errors, []);
      assert.equal(report.counts.salesforce.events.deleted, 3, `deleted in Salesforce at +${days} days`);
      // At +8 and +40 days 'Last month' lies before the new window: not listed, and not deleted either.
      assert.deepEqual(await sfSubjects(), ['Keep A', 'Keep B', 'Keep C', 'Last month']);
      assertQuiet((await w.run()).report, 'the run after');
    });
  }

  it('an event moved beyond the window before a renewed round is not taken for deleted: its Salesforce Event follows', async () => {
    const clock = new ManualClock(new Date());
    w = await startSyncWorld({
      engineClock: clock,
      orgClock: clock,
      config: { objects: EVENTS_ONLY },
      mailbox: { events: [olEvent('Moving on', D(50)), olEvent('Staying', D(51))] },
    });
    await w.run();
    const [before] = await w.query("SELECT Id FROM Event WHERE Subject = 'Moving on'");
    const moving = (await olEvents()).find((e) => e.subject === 'Moving on')!;
    assert.equal((await w.graph.patch(`/me/events/${moving.id}`, olEvent('Moving on', D(600)))).status, 200);
    clock.advance(8 * DAY_MS);
    const { report } = await w.run();
    assert.deepEqual(report.counts.salesforce.events, { created: 0, updated: 1, deleted: 0 });
    const [after] = await w.query("SELECT Id, StartDateTime FROM Event WHERE Subject = 'Moving on'");
    assert.equal(after.Id, before.Id);
    assert.ok(String(after.StartDateTime).startsWith(D(600)), `moved to ${D(600)}: ${after.StartDateTime}`);
    assertQuiet((await w.run()).report, 'the run after');
  });

  it('many deletions found by a renewed round go through the delete guard: stopped, nothing deleted, then let through', async () => {
    const clock = new ManualClock(new Date());
    w = await startSyncWorld({
      engineClock: clock,
      orgClock: clock,
      config: { objects: EVENTS_ONLY, deleteGuard: { maxShare: 0.5 } },
      mailbox: { events: Array.from({ length: 8 }, (_, i) => olEvent(`Meeting ${i}`, D(20 + i))) },
    });
    await w.run();
    for (const e of (await olEvents()).slice(0, 6))
      assert.equal((await w.graph.delete(`/me/events/${e.id}`)).status, 204);
    clock.advance(8 * DAY_MS);
    const stopped = await w.engine.runOnce();
    assert.equal(stopped.status.stopReason?.kind, 'deleteGuard');
    assert.deepEqual(stopped.result!.report.stopped, {
      kind: 'deleteGuard',
      object: 'events',
      side: 'salesforce',
      deletes: 6,
      total: 8,
      maxShare: 0.5,
    });
    assert.equal((await sfSubjects()).length, 8, 'nothing was deleted');
    w.reconfigure({ deleteGuard: { maxShare: 1 } });
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.events.deleted, 6);
    assert.deepEqual(await sfSubjects(), ['Meeting 6', 'Meeting 7']);
  });

  it('a renewed round stopped part way concludes nothing; the next complete one does', async () => {
    const clock = new ManualClock(new Date());
    // More than one page (the engine asks for 100 a page).
    w = await startSyncWorld({
      engineClock: clock,
      orgClock: clock,
      config: { objects: EVENTS_ONLY, deleteGuard: { maxShare: 1 } },
      mailbox: {
        events: Array.from({ length: 150 }, (_, i) =>
          olEvent(`Review ${String(i).padStart(3, '0')}`, D(20 + Math.floor(i / 8)), 8 + (i % 8)),
        ),
      },
    });
    assert.equal((await w.run()).report.counts.salesforce.events.created, 150);
    const listed = await olEvents();
    const gone = [listed[0], listed[75], listed[149]];
    for (const e of gone) assert.equal((await w.graph.delete(`/me/events/${e.id}`)).status, 204);
    clock.advance(8 * DAY_MS);
    // The round's second page, and the client's retries of it, are throttled: the run stops after one page.
    const throttleSecondPage = (req: http.IncomingMessage) => {
      if (/calendarView\/delta\?.*skiptoken/i.test(req.url ?? '')) {
        w!.mailbox.throttle({ requests: 20, retryAfterSeconds: 0 });
        w!.mailbox.app.server.off('request', throttleSecondPage);
      }
    };
    w.mailbox.app.server.prependListener('request', throttleSecondPage);
    const stopped = await w.engine.runOnce();
    w.mailbox.ctx.throttle.clear();
    assert.equal(stopped.result!.report.stopped?.kind, 'rateLimited');
    assert.equal((await sfSubjects()).length, 150, 'a listing that stopped part way deletes nothing');
    const { report } = await w.run();
    assert.equal(report.counts.salesforce.events.deleted, 3);
    const left = await sfSubjects();
    assert.equal(left.length, 147);
    for (const e of gone) assert.ok(!left.includes(e.subject), `${e.subject} is gone from Salesforce`);
  });

  it('contacts and tasks deleted in Outlook before the mailbox forgot the delta tokens (410) leave Salesforce', async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'none' },
          tasks: { direction: 'both', winner: 'salesforce' },
        },
      },
      mailbox: {
        contacts: ['Ada', 'Alan', 'Barbara', 'Claude'].map((p) => ({
          givenName: p,
          surname: `${p}son`,
          emailAddresses: [{ address: `${p.toLowerCase()}@full.example` }],
        })),
      },
      records: { Task: ['One', 'Two', 'Three', 'Four'].map((s) => ({ Subject: `Task ${s}` })) },
    });
    await w.run();
    const listId = (await w.graph.get('/me/todo/lists')).data.value[0].id;
    for (const c of (await w.list('/me/contacts?$top=10')).filter((x) => ['Ada', 'Alan'].includes(x.givenName))) {
      assert.equal((await w.graph.delete(`/me/contacts/${c.id}`)).status, 204);
    }
    for (const t of (await w.list(`/me/todo/lists/${listId}/tasks`)).filter((x) =>
      ['Task One', 'Task Two'].includes(x.title),
    )) {
      assert.equal((await w.graph.delete(`/me/todo/lists/${listId}/tasks/${t.id}`)).status, 204);
    }
    w.mailbox.expireDeltaTokens();
    const { report } = await w.run();
    assert.deepEqual([report.counts.salesforce.contacts.deleted, report.counts.salesforce.tasks.deleted], [2, 2]);
    assert.deepEqual(
      (await w.query("SELECT LastName FROM Contact WHERE Owner.Username = 'ann@test.example' ORDER BY LastName")).map(
        (c) => c.LastName,
      ),
      ['Barbarason', 'Claudeson'],
    );
    assert.deepEqual(
      (await w.query("SELECT Subject FROM Task WHERE Owner.Username = 'ann@test.example' ORDER BY Subject")).map(
        (t) => t.Subject,
      ),
      ['Task Four', 'Task Three'],
    );
    assertQuiet((await w.run()).report, 'the run after');
  });
});
