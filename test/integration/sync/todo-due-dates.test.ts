/**
 * To Do due dates are days in the mailbox's time zone (issue 11, finding 8): To Do keeps a due date as the instant
 * that day starts in the mailbox's zone, so in New Zealand's summer (UTC+13), Kiribati (UTC+14) and UTC-12 the
 * nearest UTC midnight is the wrong day. Read through the mailbox's zone and written as the start of the day there,
 * each way, with nothing echoed back.
 */
import assert from 'node:assert/strict';
import { assertQuiet, dayFromToday, startSyncWorld, SyncWorld } from '../../helpers/sync';

/** The instant a day starts in an IANA zone. */
function startOfDay(day: string, iana: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`);
  // The zone's offset at that moment, from what Intl shows there; twice, for a day that starts near a change.
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const shown = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(new Date(t))
      .reduce<Record<string, string>>((a, p) => ({ ...a, [p.type]: p.value }), {});
    const wall = Date.UTC(
      Number(shown.year),
      Number(shown.month) - 1,
      Number(shown.day),
      Number(shown.hour),
      Number(shown.minute),
    );
    t = guess - (wall - t);
  }
  return t;
}

const ZONES = [
  { windows: 'New Zealand Standard Time', iana: 'Pacific/Auckland', what: 'New Zealand (UTC+12/+13)' },
  { windows: 'Line Islands Standard Time', iana: 'Pacific/Kiritimati', what: 'Kiribati (UTC+14)' },
  { windows: 'Dateline Standard Time', iana: 'Etc/GMT+12', what: 'UTC-12' },
] as const;

for (const zone of ZONES) {
  describe(`sync engine: To Do due dates in a mailbox in ${zone.what}`, function () {
    this.timeout(60_000);
    let w: SyncWorld;
    const outlookDue = dayFromToday(20);
    const salesforceDue = dayFromToday(40);

    before(async () => {
      w = await startSyncWorld({
        keepSeedContact: false,
        config: {
          objects: {
            contacts: { direction: 'none' },
            events: { direction: 'none' },
            tasks: { direction: 'both', winner: 'salesforce' },
          },
        },
        // As To Do writes a due date: the start of the day in the mailbox's zone.
        mailbox: {
          timeZone: zone.windows,
          taskLists: [
            {
              displayName: 'Tasks',
              tasks: [
                { title: 'Outlook task', dueDateTime: { dateTime: `${outlookDue}T00:00:00`, timeZone: zone.windows } },
              ],
            },
          ],
        },
        records: {
          Task: [
            { Subject: 'Salesforce task', ActivityDate: salesforceDue, Status: 'Not Started', Priority: 'Normal' },
          ],
        },
      });
    });
    after(async () => {
      await w?.close();
    });

    it('an Outlook due date reaches Salesforce as the same day; a Salesforce one reaches Outlook as the start of that day in the zone; nothing echoes', async () => {
      await w.run();
      const [fromOutlook] = await w.query("SELECT ActivityDate FROM Task WHERE Subject = 'Outlook task'");
      assert.equal(fromOutlook.ActivityDate, outlookDue);
      const list = (await w.graph.get('/me/todo/lists')).data.value[0].id;
      const task = (await w.list(`/me/todo/lists/${list}/tasks`)).find((t) => t.title === 'Salesforce task');
      assert.ok(task?.dueDateTime, JSON.stringify(task));
      const due = Date.parse(
        `${task.dueDateTime.dateTime.replace(/(\.\d{3})\d*$/, '$1')}${/^utc$/i.test(task.dueDateTime.timeZone) ? 'Z' : ''}`,
      );
      assert.equal(new Date(due).toISOString(), new Date(startOfDay(salesforceDue, zone.iana)).toISOString());
      assertQuiet((await w.run()).report, 'the run after');
    });
  });
}
