/**
 * The mailbox's time zone (for To Do due dates) is read from `/me/mailboxSettings`, which takes MailboxSettings.Read:
 * User.Read does not cover it. The engine asks for it at sign-in; a sign-in made before it did lacks it, and Graph
 * answers 403. That must not stop the sync: due dates are taken at the nearest midnight, and the log says how to give
 * the zone back.
 */
import assert from 'node:assert/strict';
import { startLocalMailbox, LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { GraphMailbox } from '../../../sync-engine/src/graph/mailbox-client';
import { OutlookSide } from '../../../sync-engine/src/sync/sides/outlook-side';
import { MAILBOX_SCOPES } from '../../../sync-engine/src/sign-in/microsoft/mailbox-sign-in';
import { ANN, graphCaller } from '../../helpers/mailbox';
import { deviceCodeToken, identitySeed } from '../../helpers/identity';

/** Ann's mailbox's zone in the test seed. */
const ZONE = 'America/New_York';

describe('sync engine: a mailbox sign-in without MailboxSettings.Read', function () {
  this.timeout(30_000);
  let mb: LocalMailbox;
  let taskId: string;

  before(async () => {
    mb = await startLocalMailbox({
      seed: identitySeed(),
      dataDir: ':memory:',
      port: 0,
      options: { deviceCodeIntervalSeconds: 1 },
    });
    const seed = graphCaller(mb, ANN.token);
    const list = (await seed('GET', '/me/todo/lists')).body.value.find(
      (l: any) => l.wellknownListName === 'defaultList',
    );
    const made = await seed('POST', `/me/todo/lists/${list.id}/tasks`, {
      // The start of the 10th in the mailbox's zone, as To Do keeps a due date.
      body: { title: 'Due on the 10th', dueDateTime: { dateTime: '2026-07-10T00:00:00', timeZone: ZONE } },
    });
    assert.equal(made.status, 201, made.text);
    taskId = made.body.id;
  });
  after(() => mb.close());

  const tokenWith = (scope: string) => deviceCodeToken(mb.url, scope);

  async function readTasks(token: string): Promise<{ dueDate: unknown; warnings: string[] }> {
    const warnings: string[] = [];
    const side = new OutlookSide(new GraphMailbox({ baseUrl: mb.url, token }), Date.now, undefined, (t) =>
      warnings.push(t),
    );
    const read = await side.changesSince('tasks', null);
    const task = read.changes.find((c) => c.id === taskId);
    assert.ok(task && !task.deleted, 'the task was read');
    return { dueDate: (task.data as { dueDate?: unknown }).dueDate, warnings };
  }

  it('the engine asks for MailboxSettings.Read when it signs in', () => {
    assert.ok((MAILBOX_SCOPES as readonly string[]).includes('MailboxSettings.Read'));
  });

  it('reads To Do due dates at the nearest midnight instead of stopping, and says why in the log', async () => {
    const { dueDate, warnings } = await readTasks(await tokenWith('Tasks.ReadWrite User.Read offline_access'));
    assert.equal(dueDate, '2026-07-10');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /MailboxSettings\.Read/);
    assert.match(warnings[0], /Connect the mailbox again/);
  });

  it('with the permission, the zone is read and nothing is said', async () => {
    const { dueDate, warnings } = await readTasks(await tokenWith(MAILBOX_SCOPES.join(' ')));
    assert.equal(dueDate, '2026-07-10');
    assert.deepEqual(warnings, []);
  });
});
