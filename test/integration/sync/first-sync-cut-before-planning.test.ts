/**
 * A first sync cut after it read Salesforce's tasks and before it planned them (property seed 2 with every kind on:
 * a SIGKILL during the reads; here the mailbox's To Do read is reset, which leaves the state the same), then the
 * task both sides hold is edited in Salesforce. Nothing was matched yet, so the next run matches by the docs' rule
 * ("tasks by subject and due date") on what each side holds now: a status edit keeps the pair, is matched and
 * reaches Outlook; a subject edit no longer matches, so each side gets the other's task, and nothing is lost.
 */
import assert from 'node:assert/strict';
import { ANN_TOKEN, SyncWorld, assertQuiet, dayFromToday, startSyncWorld } from '../../helpers/sync';
import { FaultProxy, startFaultProxy } from '../../helpers/fault-proxy';
import { systemClock } from '../../../sync-engine/src/common/clock';

const tasksOnly = { contacts: { direction: 'none' }, events: { direction: 'none' }, tasks: { direction: 'both' } };

describe('sync engine: a first sync cut before planning, then a task edited in Salesforce', function () {
  this.timeout(60_000);

  for (const edit of ['status', 'subject'] as const) {
    describe(`the ${edit} edited`, () => {
      let w: SyncWorld;
      let proxy: FaultProxy;
      let listId: string;
      let cut = true;
      const due = dayFromToday(7);

      before(async () => {
        w = await startSyncWorld({
          keepSeedContact: false,
          config: { objects: tasksOnly },
          // The engine's own clock: it then waits no real time before trying the cut read again.
          engineClock: systemClock,
          mailbox: {
            taskLists: [
              {
                displayName: 'Tasks',
                wellknownListName: 'defaultList',
                tasks: [
                  {
                    title: 'Both sides',
                    status: 'notStarted',
                    dueDateTime: { dateTime: `${due}T00:00:00`, timeZone: 'Eastern Standard Time' },
                  },
                ],
              },
            ],
          },
          records: { Task: [{ Subject: 'Both sides', ActivityDate: due, Status: 'Not Started' }] },
        });
        listId = (await w.graph.get('/me/todo/lists')).data.value[0].id;
        proxy = await startFaultProxy({
          target: w.mailbox.url,
          decide: (req) => (cut && req.method === 'GET' && req.url.includes('/tasks/delta') ? 'reset-before' : null),
        });
        w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
      });
      after(async () => {
        await proxy?.close();
        await w?.close();
      });

      it('the first run stops at the To Do read, having read Salesforce and written nothing', async () => {
        const run = await w.engine.runOnce();
        assert.equal(run.status.state, 'stopped');
        assert.equal(run.status.stopReason?.kind, 'unreachable');
        assert.equal(run.result!.report.matched.tasks, 0);
        assert.ok(proxy.injected['reset-before'] >= 1, 'the To Do read was cut');
      });

      it(`the next run after the ${edit} edit in Salesforce: ${edit === 'status' ? 'one pair, the edit in Outlook' : 'both tasks on both sides'}`, async () => {
        const [task] = await w.query("SELECT Id FROM Task WHERE Subject = 'Both sides'");
        const patch = edit === 'status' ? { Status: 'Completed' } : { Subject: 'Renamed in Salesforce' };
        assert.equal((await w.sf.patch(`/sobjects/Task/${task.Id}`, patch)).status, 204);
        cut = false;
        const { report } = await w.run();
        const sf = (await w.query('SELECT Subject, Status FROM Task ORDER BY Subject')).map((t) => [
          t.Subject,
          t.Status,
        ]);
        const ol = (await w.list(`/me/todo/lists/${listId}/tasks`))
          .map((t) => [t.title, t.status])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        if (edit === 'status') {
          assert.equal(report.matched.tasks, 1);
          assert.deepEqual(sf, [['Both sides', 'Completed']]);
          assert.deepEqual(ol, [['Both sides', 'completed']]);
        } else {
          assert.equal(report.matched.tasks, 0);
          assert.deepEqual(sf, [
            ['Both sides', 'Not Started'],
            ['Renamed in Salesforce', 'Not Started'],
          ]);
          assert.deepEqual(ol, [
            ['Both sides', 'notStarted'],
            ['Renamed in Salesforce', 'notStarted'],
          ]);
        }
        assertQuiet((await w.run()).report);
      });
    });
  }
});
