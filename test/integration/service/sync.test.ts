/**
 * The service's sync over real HTTP (local org + local mailbox): status and counts after "sync now", one run at a
 * time, pause and resume, the settings, and lost API access: the product's exact sync-stopped text, settings
 * refused with Salesforce for Outlook's own text, and everything back once the admin restores the permission.
 */
import assert from 'node:assert/strict';
import { adminOf, startServiceWorld, ServiceWorld } from '../../helpers/service';
import { sharedMessages } from '../../helpers/shared';
import { eventually } from '../../helpers/eventually';

const messages = sharedMessages();

const GRACE_EMAIL = {
  sender: { address: 'grace@navy.example', name: 'Grace Hopper' },
  subject: 'COBOL',
  body: 'See you at the conference.',
  receivedDateTime: '2026-03-05T14:30:00Z',
  internetMessageId: '<cobol-1@navy.example>',
};

describe('service: sync, settings and lost API access (Salesforce for Outlook)', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  let secret: string;
  let admin: Awaited<ReturnType<typeof adminOf>>;
  const call = (method: string, path: string, body?: unknown) => w.call(method, path, { secret, body });

  before(async () => {
    w = await startServiceWorld();
    admin = await adminOf(w);
    secret = await w.signInAnn();
  });
  after(async () => {
    await w?.close();
  });

  it('before the first run: idle, nothing counted, the next run scheduled', async () => {
    const res = await call('GET', '/api/status');
    assert.equal(res.status, 200);
    const { nextRunAt, ...rest } = res.body;
    assert.deepEqual(rest, {
      state: 'idle',
      message: null,
      stopReason: null,
      paused: false,
      lastRun: null,
      counts: null,
      pending: 0,
      lastError: null,
      product: { id: 'salesforce-for-outlook', name: 'Salesforce for Outlook', version: '2.9.3' },
      username: 'ann@test.example',
      orgUrl: w.org.url,
      mailbox: { signIn: 'token', connectedAs: null, connecting: false, connectError: null, needsReconnect: false },
    });
    assert.ok(Date.parse(nextRunAt) > Date.now() + 500_000, 'the first run is an interval away (syncOnSignIn: false)');
    assert.deepEqual((await call('GET', '/api/report')).body, { report: null });
  });

  it('sync now: runs once, then the status shows the counts and the report has them', async () => {
    const res = await call('POST', '/api/sync-now');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.state, 'idle');
    assert.ok(res.body.lastRun);
    // The mailbox holds Grace (also in Salesforce: matched), Ada and Alan; Salesforce gets those two.
    assert.deepEqual(res.body.counts.salesforce.contacts, { created: 2, updated: 0, deleted: 0 });
    const status = await call('GET', '/api/status');
    assert.deepEqual(status.body.counts, res.body.counts);
    assert.equal(status.body.pending, 0);
    const report = await call('GET', '/api/report');
    assert.equal(report.status, 200);
    assert.deepEqual(report.body.report.counts, res.body.counts);
    assert.equal(report.body.report.matched.contacts, 1);
  });

  it('one run at a time: a second "sync now" during a run gets 409 SYNC_IN_PROGRESS', async () => {
    const [a, b] = await Promise.all([call('POST', '/api/sync-now'), call('POST', '/api/sync-now')]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const refused = a.status === 409 ? a : b;
    assert.deepEqual(refused.body, {
      error: { code: 'SYNC_IN_PROGRESS', message: 'A sync is already running. Try again when it has finished.' },
    });
  });

  it('pause and resume', async () => {
    const paused = await call('POST', '/api/pause');
    assert.equal(paused.status, 200);
    assert.equal(paused.body.state, 'paused');
    assert.equal(paused.body.paused, true);
    assert.equal(paused.body.nextRunAt, null);
    assert.equal((await call('GET', '/api/status')).body.state, 'paused');
    const resumed = await call('POST', '/api/resume');
    assert.equal(resumed.body.paused, false);
    assert.equal(resumed.body.state, 'idle');
    assert.ok(resumed.body.nextRunAt);
  });

  it('settings: the defaults, a partial change kept, and precise errors', async () => {
    const first = await call('GET', '/api/settings');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {
      objects: {
        contacts: { direction: 'both', winner: 'salesforce' },
        events: { direction: 'both', winner: 'salesforce' },
        tasks: { direction: 'both', winner: 'salesforce' },
      },
    });
    const put = await call('PUT', '/api/settings', {
      objects: { events: { direction: 'salesforce-to-outlook' }, tasks: { winner: 'outlook' } },
    });
    assert.equal(put.status, 200, put.text);
    const expected = {
      objects: {
        contacts: { direction: 'both', winner: 'salesforce' },
        events: { direction: 'salesforce-to-outlook', winner: 'salesforce' },
        tasks: { direction: 'both', winner: 'outlook' },
      },
    };
    assert.deepEqual(put.body, expected);
    assert.deepEqual((await call('GET', '/api/settings')).body, expected);
    // The engine runs on them.
    assert.equal((await call('POST', '/api/sync-now')).body.state, 'idle');

    const bad = async (body: unknown, field: string, message: string) => {
      const res = await call('PUT', '/api/settings', body);
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.body, { error: { code: 'INVALID_SETTINGS', message, field } });
    };
    await bad(
      { objects: { contacts: { direction: 'sideways' } } },
      'objects.contacts.direction',
      'objects.contacts.direction: must be one of none, salesforce-to-outlook, outlook-to-salesforce, both (got "sideways")',
    );
    await bad(
      { objects: { tasks: { winner: 'nobody' }, notes: {} } },
      'objects.tasks.winner',
      'objects.tasks.winner: must be salesforce or outlook (got "nobody"); objects.notes: unknown object (use contacts, events, tasks)',
    );
    await bad({}, 'objects', 'objects: required: an object with contacts, events and/or tasks');
    await bad(
      { objects: { contacts: 'both' } },
      'objects.contacts',
      'objects.contacts: must be an object {"direction", "winner"}',
    );
    await bad({ objects: {}, interval: 5 }, 'interval', 'interval: unknown setting (the settings are under "objects")');
    await bad(
      { objects: { contacts: { direction: 'both', winer: 'outlook' } } },
      'objects.contacts.winer',
      'objects.contacts.winer: unknown key (use direction and winner)',
    );
    const json = await w.call('PUT', '/api/settings', { secret, raw: '{"objects": {' });
    assert.equal(json.status, 400);
    assert.equal(json.body.error.code, 'BAD_JSON');
    assert.deepEqual((await call('GET', '/api/settings')).body, expected, 'a refused change changes nothing');
  });

  it("the admin removes API Enabled: sync stops with exactly sfo.syncStopped; settings and Add Email are refused with the product's texts", async () => {
    await admin.setApiEnabled(false);
    const refusedBefore = w.org.ctx.stats.refusedByRule;
    const run = await call('POST', '/api/sync-now');
    assert.equal(run.status, 200, run.text);
    assert.equal(w.org.ctx.stats.refusedByRule - refusedBefore, 1, 'one failing request reached the org');
    assert.equal(run.body.state, 'stopped');
    assert.equal(run.body.message, messages['sfo.syncStopped']);
    assert.equal(run.body.stopReason, 'accessRevoked');
    const status = await call('GET', '/api/status');
    assert.equal(status.body.state, 'stopped');
    assert.equal(status.body.message, messages['sfo.syncStopped']);

    const settings = await call('GET', '/api/settings');
    assert.equal(settings.status, 403);
    assert.deepEqual(settings.body, {
      error: { code: 'SETTINGS_UNAVAILABLE', message: messages['sfo.settingsUnavailable'] },
    });
    assert.equal(
      w.org.ctx.stats.refusedByRule - refusedBefore,
      1,
      'the settings are refused without asking the org again',
    );
    const put = await call('PUT', '/api/settings', { objects: { contacts: { direction: 'none' } } });
    assert.equal(put.status, 403);
    assert.equal(put.body.error.message, messages['sfo.settingsUnavailable']);

    const add = await call('POST', '/api/add-email', GRACE_EMAIL);
    assert.equal(add.status, 403);
    assert.deepEqual(add.body, { error: { code: 'API_CURRENTLY_DISABLED', message: messages['sfo.syncStopped'] } });
  });

  it('the admin restores it: Add Email works again and wakes the stopped sync, which resumes by itself; the settings open', async () => {
    await admin.setApiEnabled(true);
    const add = await call('POST', '/api/add-email', GRACE_EMAIL);
    assert.equal(add.status, 200, add.text);
    assert.ok(add.body.taskId);
    const status = await eventually(async () => {
      const s = (await call('GET', '/api/status')).body;
      assert.equal(s.state, 'idle', 'the sync ran again without "sync now"');
      return s;
    }, 'the stopped sync resumes by itself');
    assert.equal(status.message, null);
    const run = await call('POST', '/api/sync-now');
    assert.equal(run.body.state, 'idle', run.text);
    assert.equal(run.body.message, null);
    assert.equal((await call('GET', '/api/settings')).status, 200);
  });

  it('after a restart the secret still works, the password is gone: signed-out, and actions ask to sign in again', async () => {
    await w.restart();
    const status = await call('GET', '/api/status');
    assert.equal(status.status, 200);
    assert.equal(status.body.state, 'signed-out');
    assert.equal(status.body.message, 'Sign in to Salesforce to start syncing.');
    for (const [method, path] of [
      ['POST', '/api/sync-now'],
      ['GET', '/api/settings'],
      ['POST', '/api/pause'],
      ['GET', '/api/report'],
    ]) {
      const res = await call(method, path);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.error.code, 'SIGN_IN_REQUIRED');
    }
    assert.equal(await w.signInAnn(), secret, "the same user keeps the install's secret");
    assert.deepEqual(
      (await call('GET', '/api/settings')).body.objects.tasks,
      { direction: 'both', winner: 'outlook' },
      'settings survive the restart',
    );
  });
});

describe('service: other products, and the first sync after sign-in', function () {
  this.timeout(60_000);
  let w: ServiceWorld;

  afterEach(async () => {
    await w?.close();
  });

  it('Connect for Outlook: lost access stops sync and refuses settings with its own sync-stopped text', async () => {
    w = await startServiceWorld();
    const admin = await adminOf(w);
    const secret = await w.signInAnn('connect-for-outlook');
    assert.equal((await w.call('POST', '/api/sync-now', { secret })).body.state, 'idle');
    await admin.setApiEnabled(false);
    const run = await w.call('POST', '/api/sync-now', { secret });
    assert.equal(run.body.state, 'stopped');
    assert.equal(run.body.message, messages['connectOutlook.syncStopped']);
    const settings = await w.call('GET', '/api/settings', { secret });
    assert.equal(settings.status, 403);
    assert.equal(settings.body.error.message, messages['connectOutlook.syncStopped']);
  });

  it('by default a sync starts right after sign-in', async () => {
    w = await startServiceWorld({ syncOnSignIn: true });
    const secret = await w.signInAnn();
    const status = await eventually(async () => {
      const s = (await w.call('GET', '/api/status', { secret })).body;
      // The run has stored its report (lastRun) and finished keeping its state's good copy (no longer syncing).
      assert.ok(s.lastRun && s.state !== 'syncing', `a run finished by itself: ${JSON.stringify(s)}`);
      return s;
    }, 'the first run after sign-in');
    assert.equal(status.state, 'idle');
    assert.equal(status.counts.salesforce.contacts.created, 2);
  });

  it('without a mailbox: sign-in works, sync is off and says why', async () => {
    w = await startServiceWorld({ mailbox: null });
    const secret = await w.signInAnn();
    const status = await w.call('GET', '/api/status', { secret });
    assert.equal(status.body.state, 'stopped');
    assert.equal(status.body.stopReason, 'noMailbox');
    assert.match(status.body.message, /^Outlook sync is off: the service was started without a mailbox/);
    const run = await w.call('POST', '/api/sync-now', { secret });
    assert.equal(run.status, 409);
    assert.equal(run.body.error.code, 'NO_MAILBOX');
  });
});
